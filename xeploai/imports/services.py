"""Run one import: read, validate every row, then apply all of it in one transaction — or nothing.

``import_file`` is what the ``xeploai import`` command and the background job both call. It
raises ``WorkbookError`` for a file that cannot be read at all, returns an ``Outcome`` with
``problems`` when any row is wrong (nothing written), and otherwise the counts of what changed
(or, with ``dry_run``, of what would change). One audit event records each applied import.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor
from xeploai.audit.services import audit_record
from xeploai.imports import civil, people, restructure, results, units
from xeploai.imports.columns import SHEETS
from xeploai.imports.plans import Plan
from xeploai.imports.problems import Problem, WorkbookError
from xeploai.imports.reading import Table, header_only_message, read_table
from xeploai.imports.rows import Problems, Progress, Row, parse_rows
from xeploai.lib import bulk
from xeploai.lib.text import nfc
from xeploai.org.models import OrgUnit

KINDS = tuple(SHEETS)


@dataclass
class Outcome:
    kind: str
    filename: str
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # the first ``ERRORS_LISTED``
    problem_count: int = 0  # all of them

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problems_unlisted(self) -> int:
        return max(0, self.problem_count - len(self.problems))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "details": self.details,
            "problem_count": max(self.problem_count, len(self.problems)),
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plan(
    actor: Actor,
    kind: str,
    rows: list[Row],
    problems: Problems,
    scope: OrgUnit | None,
    reason: str,
) -> Plan:
    if kind == "units":
        return units.plan(rows, problems, scope=scope)
    if kind == "civil":
        return civil.plan(rows, problems, scope=scope)
    if kind == "restructure":
        return restructure.plan(rows, problems, scope=scope, actor=actor)
    return results.plan(rows, problems, scope=scope, reason=reason)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file's rows are turned into objects: the rows hold
    no cycles, and a 100,000-row file would otherwise trigger hundreds of collections, each
    walking every row made so far (a tenth of the time of the validation)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_file(
    *,
    actor: Actor,
    kind: str,
    path: Path,
    filename: str = "",
    dry_run: bool = False,
    scope: OrgUnit | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Import ``path`` as a ``kind`` file ("units", "people", "results" or "civil")."""
    if kind not in SHEETS:
        raise ValueError(f"unknown import kind {kind!r}")
    with _collector_paused():
        return _import(actor, kind, path, filename, dry_run, scope, today, progress)


def _import(
    actor: Actor,
    kind: str,
    path: Path,
    filename: str,
    dry_run: bool,
    scope: OrgUnit | None,
    today: dt.date | None,
    progress: Progress | None,
) -> Outcome:
    report = progress or (lambda done, total, message: None)
    today = today or timezone.localdate()
    filename = nfc(filename or path.name)
    outcome = Outcome(kind=kind, filename=filename, sha256=sha256_of(path), dry_run=dry_run)
    report(0, 0, _("Đang đọc tệp"))
    table = read_table(path, SHEETS[kind], filename=filename)
    problems = Problems(table)
    # People files (100,000 rows) are converted, checked and written a block at a time, inside
    # the transaction (``people.plan``); the other kinds are converted first.
    rows = None if kind == "people" else parse_rows(table, problems, today=today, progress=report)
    reason = _("Nhập từ tệp {name} (sha256 {digest})").format(
        name=filename, digest=outcome.sha256[:16]
    )
    try:
        return _apply(
            actor, kind, table, rows, problems, outcome, dry_run, scope, today, reason, progress
        )
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) not in CONFLICTS:
            raise
        # Another session wrote the same rows at the same moment (a deadlock the server broke
        # by cancelling this import, or a lock it waited for too long): nothing was written.
        outcome.created = outcome.updated = outcome.unchanged = 0
        outcome.problem_count = 1
        outcome.problems = [
            Problem(
                table.sheet.name,
                None,
                "",
                "",
                _(
                    "một thao tác khác đang ghi cùng dữ liệu nên chưa nhập được — không có gì "
                    "được ghi; hãy nhập lại tệp"
                ),
            )
        ]
        return outcome


# PostgreSQL's answers when two sessions want the same rows: deadlock detected, could not
# serialize, lock not available (lock_timeout).
CONFLICTS = {"40P01", "40001", "55P03"}


def _apply(
    actor: Actor,
    kind: str,
    table: Table,
    rows: list[Row] | None,
    problems: Problems,
    outcome: Outcome,
    dry_run: bool,
    scope: OrgUnit | None,
    today: dt.date,
    reason: str,
    progress: Progress | None,
) -> Outcome:
    """The database part of ``_import``: plan, then apply unless there are problems (or
    ``dry_run``), in one transaction."""
    report = progress or (lambda done, total, message: None)
    total = len(table.rows)
    with transaction.atomic():
        if not dry_run:
            bulk.lock(f"xeploai-import-{kind}")
        if rows is None:
            streamed = people.plan(
                table, problems, scope=scope, today=today, write=not dry_run, progress=progress
            )
            outcome.rows = streamed.rows
            plan: Plan = streamed
        else:
            outcome.rows = len(rows)
            report(total, 2 * total, _("Đang đối chiếu với dữ liệu đã có"))
            plan = _plan(actor, kind, rows, problems, scope, reason)
        if outcome.rows == 0 and not problems:
            # Blank rows under the header are no data either: the answer of a header alone.
            raise WorkbookError(header_only_message(table))
        outcome.problems = problems.sorted()
        outcome.problem_count = len(problems)
        outcome.created, outcome.updated, outcome.unchanged = (
            plan.created,
            plan.updated,
            plan.unchanged,
        )
        outcome.details = plan.details
        if problems or dry_run:
            # All or nothing: the blocks of people already written go with the rollback.
            transaction.set_rollback(True)
            return outcome
        report(total, 2 * total, _("Đang ghi vào cơ sở dữ liệu"))
        plan.apply(actor)
        audit_record(
            actor=actor,
            action=f"import_{kind}",
            object_type="imports.file",
            unit_path=scope.path if scope else "",
            after=outcome.as_dict(),
            note=outcome.filename,
        )
    report(2 * total, 2 * total, _("Đã nhập xong"))
    return outcome
