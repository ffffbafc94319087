"""What the rules say of a deciding body's decisions: whether one decision may be recorded
(``decision_problems``), and the board's quota meters and list of problems — checked on the
facts of ``facts``, worded by ``wording``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit, Person
from xeploai.reviews import boardread
from xeploai.reviews.facts import (
    Facts,
    decision_of,
    row_identity,
    ruleset_of,
    subject_id,
)
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.wording import message, violation_message
from xeploai.rules.quota import quota_group


@dataclass(frozen=True, slots=True)
class _Path:
    path: str


@dataclass(frozen=True, slots=True)
class _Undecided:
    """What ``_waiting`` reads of an evaluation not yet decided (read as values, not as a
    model instance with its person and unit: a board has hundreds)."""

    pk: int
    kind: str
    unit_id: int
    unit: _Path
    subject_name: str
    level: str = ""
    not_rated_reason: str = ""


def _undecided(period: Period, cells: set[int], paths: list[str]) -> list[_Undecided]:
    """The evaluations of ``period`` neither decided nor marked not rated, of the members of
    ``cells`` and of every subject under ``paths``, as ``_Undecided`` in the model's order (the
    unit's path, then the id), each named as ``Evaluation.subject_name`` names it — one plain
    statement (the ORM's building of it cost more than running it)."""
    quote = connection.ops.quote_name
    e, u, p = Evaluation._meta, OrgUnit._meta, Person._meta

    def col(meta: Any, name: str) -> str:
        return str(quote(meta.get_field(name).column))

    scope: list[str] = []
    params: list[Any] = [period.pk]
    if cells:
        marks = ", ".join(["%s"] * len(cells))
        scope.append(f"(e.{col(e, 'kind')} = %s AND e.{col(e, 'unit')} IN ({marks}))")
        params += [str(SubjectKind.MEMBER), *sorted(cells)]
    for path in paths:  # base-36 digits and "/": nothing to escape for LIKE
        scope.append(f"u.{col(u, 'path')} LIKE %s")
        params.append(path + "%")
    sql = (
        f"SELECT e.{col(e, 'id')}, e.{col(e, 'kind')}, e.{col(e, 'unit')}, u.{col(u, 'path')}, "  # noqa: S608
        f"u.{col(u, 'name')}, e.{col(e, 'person')}, p.{col(p, 'full_name')} "
        f"FROM {quote(e.db_table)} e JOIN {quote(u.db_table)} u ON u.{col(u, 'id')} = e.{col(e, 'unit')} "
        f"LEFT JOIN {quote(p.db_table)} p ON p.{col(p, 'id')} = e.{col(e, 'person')} "
        f"WHERE e.{col(e, 'period')} = %s AND e.{col(e, 'level')} = '' "
        f"AND e.{col(e, 'not_rated_reason')} = '' AND ({' OR '.join(scope)}) "
        f"ORDER BY u.{col(u, 'path')}, e.{col(e, 'id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    committee = _("Tập thể cấp ủy {name}")
    found = []
    for pk, kind, unit_id, path, unit_name, person_id, person_name in rows:
        if kind == SubjectKind.COMMITTEE:
            name = committee.format(name=unit_name)
        else:
            name = str(person_name if person_id else unit_name)
        found.append(_Undecided(pk, kind, unit_id, _Path(path), name))
    return found


def _waiting(evaluation: Evaluation, candidates: Sequence[Evaluation | _Undecided]) -> list[str]:
    """The names of the subjects among ``candidates`` that must be decided before this one
    and are not yet (nor marked not rated): the members of a cell before the cell; the
    committee collective, cells and members of a grassroots organization before it."""
    if evaluation.kind == SubjectKind.CELL:
        scope = [
            p
            for p in candidates
            if p.kind == SubjectKind.MEMBER and p.unit_id == evaluation.unit_id
        ]
    elif evaluation.kind == SubjectKind.GRASSROOTS:
        path = evaluation.unit.path
        scope = [p for p in candidates if p.pk != evaluation.pk and p.unit.path.startswith(path)]
    else:
        return []
    return [p.subject_name for p in scope if not p.level and not p.not_rated_reason]


def blockers(evaluation: Evaluation, peers: list[Evaluation], ruleset: rules.RuleSet) -> list[str]:
    """Subjects that must be decided before this one (366 Đ.12 k.2; 124 Đ.11), ``_waiting``
    (``peers``: evaluations of the deciding body that include a cell's members)."""
    candidates = peers
    if evaluation.kind == SubjectKind.GRASSROOTS:
        candidates = list(
            Evaluation.objects.filter(
                period=evaluation.period_id, unit__path__startswith=evaluation.unit.path
            )
            .exclude(pk=evaluation.pk)
            .select_related("unit", "person")
        )
    violation = rules.undecided_first(
        subject_id(evaluation), _waiting(evaluation, candidates), ruleset
    )
    return [] if violation is None else [message(violation)]


def waiting_messages(
    targets: list[Evaluation],
    period: Period,
    among: list[Evaluation] | None = None,
    only: Collection[int] | None = None,
) -> dict[int, str]:
    """Why each of ``targets`` that ``blockers`` would refuse now must wait, in words with the
    clause (366 Đ.12 k.2: the cell after its members; a grassroots organization after its
    committee collective, cells and members) — one query for them all, none for cells when
    ``among`` (the rows in hand, with their units) holds every member of their cells.

    ``only``: the ids of the targets whose messages are wanted (a board's page). The others
    still decide which members are taken from ``among`` — and so the order an organization's
    message names them in — so each message is the one written for every target; the query
    reads only the cells and organizations wanted (its rows come in the order of their paths
    and ids, whatever else it reads)."""
    targets = [
        e
        for e in targets
        if e.kind in (SubjectKind.CELL, SubjectKind.GRASSROOTS)
        and e.stage != Stage.DECIDED
        and not e.not_rated_reason
    ]
    wanted = targets if only is None else [e for e in targets if e.pk in only]
    if not wanted:
        return {}
    cells = {e.unit_id for e in targets if e.kind == SubjectKind.CELL}
    candidates: list[Evaluation | _Undecided] = []
    if cells and among is not None:
        candidates = [
            e
            for e in among
            if e.kind == SubjectKind.MEMBER
            and e.unit_id in cells
            and not e.level
            and not e.not_rated_reason
        ]
        cells = set()
    elif only is not None:
        cells = {e.unit_id for e in wanted if e.kind == SubjectKind.CELL}
    paths = [t.unit.path for t in wanted if t.kind == SubjectKind.GRASSROOTS]
    if cells or paths:
        # a member both in ``among`` and in an organization's subtree is named once
        held = {e.pk for e in candidates}
        candidates += [e for e in _undecided(period, cells, paths) if e.pk not in held]
    ruleset = ruleset_of(period)
    found: dict[int, str] = {}
    for target in wanted:
        names = _waiting(target, candidates)
        violation = rules.undecided_first(subject_id(target), names, ruleset) if names else None
        if violation is not None:
            found[target.pk] = message(violation)
    return found


def send_problems(evaluations: list[Evaluation], period: Period) -> list[str]:
    """What the cell (or grassroots organization) must still do before it sends its file to
    the deciding body, one line per subject and missing thing, with the clause: a proposal
    (or a reason for not rating), the member's review before a level is proposed, and the
    comments the rules require on file — the same rules the deciding body's check refuses a
    decision for (``rules.missing_comments``), so a file sent is not refused on them."""
    ruleset = ruleset_of(period)
    facts = Facts.load(period, evaluations)
    on = period.evaluation_date
    problems: list[str] = []
    for evaluation in evaluations:
        if evaluation.stage in (Stage.SENT, Stage.DECIDED):
            continue
        found: list[str] = []
        if evaluation.stage != Stage.PROPOSED and not evaluation.not_rated_reason:
            found.append(_("chưa có đề xuất mức xếp loại (hoặc lý do chưa xếp loại)"))
        elif evaluation.cell_level:
            subject = facts.subject(evaluation)
            if not evaluation.reviewed:
                key = "order.review_before_rating"
                found.append(message(rules.Explanation(key, ruleset.clause(key), {}, subject.id)))
            required = rules.eligibility(
                subject, ruleset, on, year=period.year, notes=False
            ).required_comments
            found.extend(
                violation_message(v) for v in rules.missing_comments(subject, ruleset, required)
            )
        problems.extend(f"{evaluation.subject_name}: {text}" for text in found)
    return problems


def _pool_level(level: str, cell_level: str, not_rated_reason: str) -> str | None:
    """The level another subject of the deciding body counts with while one is decided: the
    decided level, else the proposal (None: it does not count)."""
    if level:
        return level
    if cell_level and not not_rated_reason:
        # An undecided proposal counts in the quota's base, never as a decided HTXSNV.
        return "HTTNV" if cell_level == "HTXSNV" else cell_level
    return None


def _pool_rows(
    evaluation: Evaluation,
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """The rows (``POOL_FIELDS``) of every subject of ``evaluation``'s deciding body in its
    period (read in a statement written once per process: ``boardread``), and each one's
    rule identity, by id."""
    rows = boardread.pool_rows(evaluation.decider_id, evaluation.period_id)
    return rows, {row["pk"]: row_identity(row) for row in rows}


def _row_decision(
    row: dict[str, Any],
    level: str,
    peer: Evaluation | None,
    facts: Facts,
    identities: dict[int, dict[str, Any]],
    made: dict[tuple[int, str], rules.Decision],
) -> rules.Decision:
    """One subject of the deciding body at ``level``: from its full facts when it was read in
    full (``peer``), else from its row (``made``: the decisions already built from rows, by id
    and level — a refusal's answer asks again of most rows what its check asked)."""
    if peer is not None:
        return facts.decision(peer, level=level)
    key = (row["pk"], level)
    decision = made.get(key)
    if decision is None:
        decision = made[key] = decision_of(
            rules.Subject(**identities[row["pk"]]),
            level=level,
            not_rated_reason=row["not_rated_reason"],
            decider_id=row["decider_id"],
            reviewed=row["reviewed"],
            decided_at=row["decided_at"],
        )
    return decision


@dataclass
class Pool:
    """The deciding body as ``decision_problems`` read it for one file (``target``, read under
    the row lock): every subject's row and rule identity, the file and its children in full,
    and their facts. A refusal changes nothing, so its answer reuses them (``row_blocked``)."""

    target: Evaluation
    rows: list[dict[str, Any]]
    identities: dict[int, dict[str, Any]]
    full: dict[int, Evaluation]
    facts: Facts
    # the other subjects' decisions built from their rows, by id and level (``_row_decision``)
    made: dict[tuple[int, str], rules.Decision] = field(default_factory=dict)


class Refused(ValidationError):
    """A decision the rules refuse, with the ``Pool`` its check read."""

    def __init__(self, problems: list[str], pool: Pool) -> None:
        super().__init__(problems)
        self.pool = pool


def decision_problems(
    evaluation: Evaluation,
    *,
    level: str,
    not_rated_reason: str,
    on: dt.date,
    override_reason: str,
    keep: list[Pool] | None = None,
) -> list[str]:
    """Why the rules refuse this decision (empty: it may be recorded).

    Checked together with the deciding body's other subjects — decided ones at their decided
    level, undecided ones at their proposal — for the ceiling and forcing cases, the quota of
    the group, required comments and ordering. Warnings (cases the regulation leaves to the
    competent level) pass only with an override reason; errors never do.

    ``evaluation`` is the one read under the row lock, with its period, unit and person. Only
    this subject and those whose checks can name it (a cell's members) are read in full; of
    the others, the row of their evaluation is enough for ``rules.check_decision``
    (``keep``: what was read is appended to it, a ``Pool``).
    """
    period = evaluation.period
    ruleset = ruleset_of(period)
    target_id = subject_id(evaluation)
    rows, identities = _pool_rows(evaluation)
    read_in_full = {
        row["pk"]
        for row in rows
        if row["pk"] == evaluation.pk
        or identities[row["pk"]]["parent_id"] == target_id
        or (
            evaluation.kind == SubjectKind.CELL  # its members, for ``blockers``
            and row["kind"] == SubjectKind.MEMBER
            and row["unit_id"] == evaluation.unit_id
        )
    }
    full = {evaluation.pk: evaluation}
    if len(read_in_full) > 1:
        full.update(
            (e.pk, e)
            for e in Evaluation.objects.filter(
                pk__in=read_in_full - {evaluation.pk}
            ).select_related("unit", "person", "period")
        )
    problems = blockers(evaluation, sorted(full.values(), key=lambda e: e.pk), ruleset)
    facts = Facts.load(period, list(full.values()))
    made: dict[tuple[int, str], rules.Decision] = {}
    if keep is not None:
        keep.append(Pool(evaluation, rows, identities, full, facts, made))
    decisions: list[rules.Decision] = []
    target_decision = None
    for row in rows:
        peer = full.get(row["pk"])
        if row["pk"] == evaluation.pk:
            assert peer is not None
            target_decision = facts.decision(
                peer,
                level=level,
                not_rated_reason=not_rated_reason,
                override_reason=override_reason,
            )
            decisions.append(target_decision)
            continue
        counted = _pool_level(row["level"], row["cell_level"], row["not_rated_reason"])
        if counted is None:
            continue
        decisions.append(_row_decision(row, counted, peer, facts, identities, made))
    report = rules.check_decision(target_id, decisions, ruleset, on, year=period.year)
    target_group = (
        quota_group(target_decision, ruleset).label if target_decision and level else None
    )
    for violation in report.violations:
        about_target = violation.subject == target_id or (
            violation.key == "quota.exceeded"
            and level == "HTXSNV"
            and violation.numbers.get("group") == target_group
        )
        if not about_target or violation.severity == rules.Severity.INFO:
            continue
        if violation.severity == rules.Severity.ERROR or not override_reason:
            problems.append(violation_message(violation))
    return problems


@dataclass
class BoardViolation:
    """One rule problem and every subject it concerns (the board lists each problem once)."""

    message: str
    error: bool
    subjects: list[tuple[int, str]] = field(default_factory=list)


Blocker = tuple[str, bool]  # a sentence with its clause; True: refused, False: needs a reason


@dataclass
class BoardCheck:
    """What the board shows of the rules: each problem once with its subjects, and on each
    row what would stop its decision now (``blocked``: the files sent not to pre-tick for
    "decide as proposed")."""

    violations: list[BoardViolation]
    blockers: dict[int, list[Blocker]]
    blocked: frozenset[int]
    # what was checked, by evaluation id: each row at its decided level, else its proposal
    # (``meters.pool_summaries`` counts the same ones)
    decisions: dict[int, rules.Decision] = field(default_factory=dict)


def standing(evaluations: list[Evaluation], facts: Facts) -> dict[int, rules.Decision]:
    """The deciding body's set as it stands: each row at its decided level, else at its
    proposal (rows with neither, or marked not rated, are left out)."""
    return {
        e.pk: facts.decision(e, level=e.level or e.cell_level)
        for e in evaluations
        if (e.level or e.cell_level) and not e.not_rated_reason
    }


def board_violations(
    evaluations: list[Evaluation], period: Period, on: dt.date, facts: Facts | None = None
) -> list[BoardViolation]:
    """What the rules say about the deciding body's set as it stands — decided levels, else the
    proposals — each problem once, with the subjects it concerns (linked from the board;
    ``facts``: already loaded for these evaluations)."""
    return board_check(evaluations, period, on, facts, waiting=False).violations


def board_check(
    evaluations: list[Evaluation],
    period: Period,
    on: dt.date,
    facts: Facts | None = None,
    *,
    waiting: bool = True,
    complete: bool = False,
) -> BoardCheck:
    """``board_violations``, and each undecided row's blockers: its own problems (a missing
    comment or civil-service rating, a level above its ceiling, …), a proposed HTXSNV in a
    group over its quota, and (``waiting``) the subjects to decide before it (``complete``:
    ``evaluations`` are every row of the deciding body, none left out by a filter)."""
    ruleset = ruleset_of(period)
    facts = facts or Facts.load(period, evaluations)
    by_subject = {subject_id(e): e for e in evaluations}
    decisions = standing(evaluations, facts)
    report = rules.check_decisions(decisions.values(), ruleset, on, year=period.year)
    grouped: dict[str, BoardViolation] = {}
    english = get_language() == "en"
    blockers: dict[int, list[Blocker]] = {}
    over: dict[str, BoardViolation] = {}  # the quota groups over their quota
    # The sentence depends on the rule, its clause and its numbers, not on the subject: a
    # problem shared by a hundred subjects is written once.
    texts: dict[str, str] = {}
    for violation in report.violations:
        if violation.severity == rules.Severity.INFO:
            continue
        same = f"{violation.key}|{violation.clause}|{violation.numbers!r}"
        text = texts.get(same)
        if text is None:
            text = texts[same] = violation_message(violation, english=english)
        error = violation.severity == rules.Severity.ERROR
        entry = grouped.setdefault(text, BoardViolation(text, error))
        evaluation = by_subject.get(violation.subject or "")
        if evaluation is not None:
            entry.subjects.append((evaluation.pk, evaluation.subject_name))
            if not evaluation.is_locked:
                blockers.setdefault(evaluation.pk, []).append((text, error))
        elif violation.key == "quota.exceeded":
            over[str(violation.numbers.get("group"))] = entry
    if over:  # an HTXSNV still proposed there breaches it: named on its row, not pre-ticked
        for e in evaluations:
            if e.level or e.cell_level != "HTXSNV" or e.is_locked or e.pk not in decisions:
                continue
            entry_over = over.get(quota_group(decisions[e.pk], ruleset).label)
            if entry_over is not None:
                blockers.setdefault(e.pk, []).append((entry_over.message, True))
    violations = sorted(grouped.values(), key=lambda v: (not v.error, -len(v.subjects), v.message))
    check = BoardCheck(violations, blockers, frozenset(), decisions)
    if waiting:
        board_waiting(check, evaluations, period, complete=complete)
    else:
        check.blocked = _blocked(check, evaluations)
    return check


def board_waiting(
    check: BoardCheck,
    evaluations: list[Evaluation],
    period: Period,
    *,
    complete: bool = False,
    only: Collection[int] | None = None,
) -> None:
    """Add to ``check`` (``board_check`` of ``evaluations`` without ``waiting``) the subjects
    to decide before each file sent, after its other blockers, and the files it blocks
    (``only``: the ids of the rows a page shows, whose blockers alone are then complete — the
    names of the subjects still waiting are the longest part of the check on a board of
    hundreds of files, docs/benchmarks.md, h23a)."""
    pending = [e for e in evaluations if e.stage == Stage.SENT]
    among = evaluations if complete else None
    for pk, text in waiting_messages(pending, period, among, only).items():
        check.blockers.setdefault(pk, []).append((text, True))
    check.blocked = _blocked(check, evaluations)


def _blocked(check: BoardCheck, evaluations: list[Evaluation]) -> frozenset[int]:
    """The files sent with a blocker: not ticked for "decide as proposed"."""
    sent = {e.pk for e in evaluations if e.stage == Stage.SENT}
    return frozenset(pk for pk in check.blockers if pk in sent)


def round_blockers(
    evaluations: list[Evaluation], period: Period, on: dt.date, facts: Facts
) -> dict[int, list[Blocker]]:
    """What would stop the deciding body's decision on each subject the round page prepares,
    before the file is sent: its own problems at the level proposed (else voted, else
    self-assessed; else at the lowest level, which no ceiling refuses) — a review not
    submitted, a comment or a civil-service rating missing, … — and the subjects to decide
    before it (the cell after its members). The quota is the deciding body's, on its board."""
    ruleset = ruleset_of(period)
    open_ = [e for e in evaluations if e.stage != Stage.DECIDED and not e.not_rated_reason]
    decisions = [
        facts.decision(e, level=e.cell_level or e.ballot_level or e.self_level or "KHTNV")
        for e in open_
    ]
    report = rules.check_decisions(decisions, ruleset, on, year=period.year)
    by_subject = {subject_id(e): e for e in open_}
    found: dict[int, list[Blocker]] = {}
    for violation in report.violations:
        evaluation = by_subject.get(violation.subject or "")
        if (
            evaluation is None
            or violation.severity == rules.Severity.INFO
            or violation.key.startswith("quota.")
        ):
            continue
        error = violation.severity == rules.Severity.ERROR
        found.setdefault(evaluation.pk, []).append((violation_message(violation), error))
    for pk, text in waiting_messages(open_, period, evaluations).items():
        found.setdefault(pk, []).append((text, True))
    return found


def row_blocked(
    evaluation: Evaluation, on: dt.date, facts: Facts | None = None, pool: Pool | None = None
) -> bool:
    """Whether ``board_check`` of the deciding body would hold this file in ``blocked`` (not
    ticked for "decide as proposed"), found for it alone: its decision as proposed checked
    with its own facts and its children's (``rules.check_decision``; the body's other
    subjects from their rows, as ``decision_problems`` reads them), the quota of its group,
    and the subjects to decide before it. ``evaluation`` has its period, unit and person
    (``facts``: loaded for it, used when it has no children; ``pool``: what a refused
    decision on it read, nothing read again)."""
    if evaluation.stage != Stage.SENT:
        return False
    period = evaluation.period
    if waiting_messages([evaluation], period):
        return True
    if not (evaluation.level or evaluation.cell_level) or evaluation.not_rated_reason:
        return False  # not among the decisions checked: nothing names it
    ruleset = ruleset_of(period)
    target_id = subject_id(evaluation)
    if pool is not None:  # the file and every child in full (a cell's members are its children)
        rows, identities, full, facts = pool.rows, pool.identities, pool.full, pool.facts
        made = pool.made
    else:
        rows, identities = _pool_rows(evaluation)
        full, facts = _children(evaluation, rows, identities, facts)
        made = {}
    decisions: list[rules.Decision] = []
    for row in rows:
        level = row["level"] or row["cell_level"]
        if not level or row["not_rated_reason"]:
            continue  # as ``board_check``: decided levels, else the proposals
        peer = full.get(row["pk"])
        decisions.append(_row_decision(row, level, peer, facts, identities, made))
    report = rules.check_decision(target_id, decisions, ruleset, on, year=period.year)
    for violation in report.violations:
        if violation.severity == rules.Severity.INFO:
            continue
        if violation.subject == target_id:
            return True
        over = violation.subject is None and violation.key == "quota.exceeded"
        if over and evaluation.cell_level == "HTXSNV" and not evaluation.level:
            return True  # an HTXSNV still proposed in a group over its quota
    return False


def _children(
    evaluation: Evaluation,
    rows: list[dict[str, Any]],
    identities: dict[int, dict[str, Any]],
    facts: Facts | None,
) -> tuple[dict[int, Evaluation], Facts]:
    """The file and its children read in full (by id), and their facts (``facts`` when it has
    no children)."""
    target_id = subject_id(evaluation)
    children = {
        row["pk"]
        for row in rows
        if row["pk"] != evaluation.pk and identities[row["pk"]]["parent_id"] == target_id
    }
    full = {evaluation.pk: evaluation}
    if children:
        full.update(
            (e.pk, e)
            for e in Evaluation.objects.filter(pk__in=children).select_related(
                "unit", "person", "period"
            )
        )
    if facts is None or children:
        facts = Facts.load(evaluation.period, list(full.values()))
    return full, facts
