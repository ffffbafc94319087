"""Every public function of every ``services.py`` writes an audit event — directly or through
another service — unless it is listed below as not changing data (or, for the ballot, as
deliberately unaudited). A new service that forgets ``audit_record`` (or ``audit_record_all``,
its form for many events at once) fails this test."""

from __future__ import annotations

import ast
from pathlib import Path

import xeploai

PACKAGE = Path(xeploai.__file__).parent

# Public functions of services modules that change nothing, or must not be audited. With why.
EXEMPT = {
    "audit.audit_record": "it is the audit",
    "audit.audit_record_all": "it is the audit (many events in one statement)",
    "audit.audit_event": "builds an event that audit_record or audit_record_all writes",
    "audit.snapshot": "reads a model instance into a dict",
    "org.segment": "computes a path segment",
    "org.path_for": "computes a path",
    "org.units_bulk_create": "the bulk insert path; every caller (demo, imports, generator) audits the whole operation",
    "org.subtree_move": "unit_move's work without its audit event; every caller (unit_move, org/reorg.py) audits the whole operation",
    "org.children_move": "part of a reorganization; every caller (org/reorg.py's services) audits the whole operation",
    "reviews.org_subjects": "lists the organization subjects among units (a read)",
    "reviews.subject_rows": "the evaluations a round misses, as rows (a read); period_open and the tree services that call rounds_follow write them and audit",
    "ballots.full_members": "a count",
    "ballots.normalize_code": "string normalization",
    "ballots.code_hash": "a hash",
    "ballots.validate_paper_data": "validation only",
    "ballots.paper_mismatches": "a comparison",
    "ballots.current_keyings": "a read of the current keyings",
    "ballots.subject_names": "a read of the subjects' names",
    "ballots.find_code": "a lookup",
    "ballots.ballot_digest": "a hash of the ballot set",
    "ballots.vote_cast": "ballot secrecy: an audit event would record when each code was used",
    "imports.sha256_of": "a hash of a file",
    "jobs.job_claim": "marks a job as running in the job table itself; the job's work audits",
    "jobs.job_run": "runs a job whose own service audits",
    "jobs.jobs_fail_dead": "marks jobs whose process died as failed in the job table itself, like job_claim, and deletes their input files",
    "jobs.worker_id": "names this process; writes nothing",
    "jobs.run_once": "claims and runs one job",
}


def _functions() -> dict[str, ast.FunctionDef]:
    found: dict[str, ast.FunctionDef] = {}
    # reviews/periods.py holds period_open and reminders_send, services moved up from cycles
    # org/reorg.py holds the reorganizations (unit_merge, unit_split, unit_dissolve)
    paths = [
        *PACKAGE.glob("*/services.py"),
        PACKAGE / "reviews" / "periods.py",
        PACKAGE / "org" / "reorg.py",
    ]
    for path in sorted(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found[f"{path.parent.name}.{node.name}"] = node
            if isinstance(node, ast.FunctionDef) and node.name.startswith("_"):
                found[f"{path.parent.name}.{node.name}"] = node
    return found


def _calls(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            target = child.func
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
    return names


def test_every_service_that_changes_data_writes_an_audit_event() -> None:
    functions = _functions()
    by_name = {key.split(".", 1)[1]: key for key in functions}
    auditing: set[str] = {"audit.audit_record", "audit.audit_record_all"}
    changed = True
    while changed:  # a function audits if it calls one that does
        changed = False
        for key, node in functions.items():
            if key in auditing:
                continue
            if any(by_name.get(name) in auditing for name in _calls(node)):
                auditing.add(key)
                changed = True
    public = {key for key in functions if not key.split(".", 1)[1].startswith("_")}
    silent = sorted(public - auditing - set(EXEMPT))
    assert not silent, f"services that change data without an audit event: {silent}"
    stale = sorted(set(EXEMPT) - public)
    assert not stale, f"exemptions for services that no longer exist: {stale}"


def test_the_enumeration_sees_the_services_it_should() -> None:
    functions = _functions()
    for expected in (
        "reviews.decision_record",
        "reviews.review_submit",
        "ballots.paper_accept",
        "org.unit_move",
        "reviews.period_open",
        "cycles.period_create",
        "imports.import_file",
    ):
        assert expected in functions
