"""Reads for the round's pages: constant queries per page, rule answers computed in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from django.db.models import Q, QuerySet, Subquery

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.org.models import ExcellenceGroup, OrgUnit
from xeploai.reviews import boardread, wording
from xeploai.reviews.facts import Facts, ruleset_of
from xeploai.reviews.models import Comment, Evaluation, Proposal, Stage, SubjectKind

# The related rows a page already holds, put in an evaluation's field cache (``_in_hand``).
_PERIOD = Evaluation._meta.get_field("period")
_DECIDER = Evaluation._meta.get_field("decider")
_UNIT = Evaluation._meta.get_field("unit")

_COMMENT_LABELS: dict[str, str] = {
    rules.CommentKind.NOI_CU_TRU: "noi_cu_tru",
    rules.CommentKind.DON_VI_CU: "don_vi_cu",
    rules.CommentKind.CHI_BO_TAM_THOI: "chi_bo_tam_thoi",
}


def _previous_of(evaluation: Evaluation) -> QuerySet[Evaluation]:
    """The same subject's evaluations in the previous period of the same kind (that period
    found inside the statement: one statement, not two)."""
    previous = Subquery(evaluation.period.previous_first().values("pk")[:1])
    found = Evaluation.objects.filter(period=previous, kind=evaluation.kind)
    if evaluation.person_id:
        return found.filter(person=evaluation.person_id)
    return found.filter(unit=evaluation.unit_id)


def previous_evaluation(evaluation: Evaluation) -> Evaluation | None:
    """The same subject's evaluation in the previous period of the same kind."""
    return _previous_of(evaluation).first()


def previous_items(evaluation: Evaluation) -> list[str]:
    """Last year's listed shortcomings, to report progress on each (section III of the form).
    Only the previous evaluation's content is read: building the statement for the whole row
    (its 40 columns) cost the self-review page more CPU than running it."""
    found = _previous_of(evaluation)
    # one row at most (one evaluation per member, per organization subject, in a period):
    # without the Meta.ordering's joins on the period and unit, which only cost
    rows = list(found.order_by().values_list("content", flat=True)[:1])
    return _shortcomings(rows[0] if rows else None)


def _shortcomings(content: dict[str, Any] | None) -> list[str]:
    items = content.get("shortcomings", []) if content else []
    return [item if isinstance(item, str) else str(item.get("text", "")) for item in items][:30]


def self_review_reads(evaluation: Evaluation) -> tuple[list[str], dict[str, Any] | None]:
    """``previous_items`` and ``collective_content`` in one statement (the self-review page
    asks both; each statement's building costs it more than running it). Last year's row is
    of another period than this year's collective one: the period tells them apart."""
    previous, collective = _previous_of(evaluation), _collective_of(evaluation)
    found = previous if collective is None else previous | collective
    rows = list(found.order_by().values_list("period_id", "content")[:2])
    last_year = next((content for period, content in rows if period != evaluation.period_id), None)
    this_year = [content for period, content in rows if period == evaluation.period_id]
    shown = None if collective is None or not this_year else (this_year[0] or {})
    return _shortcomings(last_year), shown


def collective_evaluation(evaluation: Evaluation) -> Evaluation | None:
    """The collective's review a member reads before writing their own: their cell's."""
    found = _collective_of(evaluation)
    return None if found is None else found.first()


def collective_content(evaluation: Evaluation) -> dict[str, Any] | None:
    """``collective_evaluation(evaluation).content`` ({} when it has none), None without one:
    all the self-review page shows of it, read as one column (the statement for the whole
    row, or for ``.only()``, costs the page more CPU than running it)."""
    found = _collective_of(evaluation)
    # one row at most (one evaluation per organization subject in a period): no ordering
    rows = [] if found is None else list(found.order_by().values_list("content", flat=True)[:1])
    return (rows[0] or {}) if rows else None


def _collective_of(evaluation: Evaluation) -> QuerySet[Evaluation] | None:
    if evaluation.kind != SubjectKind.MEMBER:
        return None
    kind = SubjectKind.CELL if evaluation.unit.kind == "chi_bo" else SubjectKind.GRASSROOTS
    return Evaluation.objects.filter(
        period=evaluation.period_id, kind=kind, unit=evaluation.unit_id
    )


GROUP_LABELS = {
    **dict(ExcellenceGroup.choices),
    **dict(SubjectKind.choices),
}


@dataclass
class Row:
    evaluation: Evaluation
    # The comments missing and the rule ceiling are worked out when first read: the round page
    # shows the comments, the board the ceiling, and only on the rows of the chosen filter.
    missing_of: Callable[[], list[str]] | None = field(default=None, repr=False)
    ceiling_of: Callable[[], rules.Ceiling | str] | None = field(default=None, repr=False)
    # What would stop its decision now, in words with the clause (True: refused; False: needs
    # a reason): set by the page from ``checks.board_check`` or ``checks.round_blockers``.
    blockers: list[tuple[str, bool]] = field(default_factory=list)

    @cached_property
    def missing_comments(self) -> list[str]:
        return self.missing_of() if self.missing_of is not None else []

    @cached_property
    def _worked_out(self) -> rules.Ceiling | str | None:
        return self.ceiling_of() if self.ceiling_of is not None else None

    @property
    def ceiling(self) -> rules.Ceiling | None:
        worked_out = self._worked_out
        return worked_out if isinstance(worked_out, rules.Ceiling) else None

    @property
    def facts_problem(self) -> str:
        """What the rules could not read in this subject's stored facts (else "")."""
        worked_out = self._worked_out
        return worked_out if isinstance(worked_out, str) else ""

    @cached_property
    def messages(self) -> list[str]:
        ceiling = self.ceiling
        if ceiling is None:
            return []
        return [  # with the discipline forms and quota groups by name, not their codes
            wording.violation_message(e)
            for e in (
                *(limit.explanation for limit in ceiling.limits),
                *(limit.explanation for limit in ceiling.soft_limits),
                *ceiling.decisions,
            )
        ]

    @property
    def group_label(self) -> str:
        return str(GROUP_LABELS.get(self.evaluation.group, self.evaluation.group))

    @property
    def ceiling_level(self) -> str:
        return self.ceiling.level.name if self.ceiling else ""

    @property
    def needs_decision(self) -> bool:
        return bool(self.ceiling and self.ceiling.status == rules.CeilingStatus.NEEDS_DECISION)


def _missing_comments(facts: Facts, evaluation: Evaluation, ruleset: rules.RuleSet) -> list[str]:
    subject = facts.subject(evaluation)
    required = rules.required_comments(subject, ruleset)
    return [_COMMENT_LABELS.get(c, c) for c in required if c not in subject.comments_received]


def _ceiling(facts: Facts, evaluation: Evaluation, ruleset: rules.RuleSet) -> rules.Ceiling | str:
    """The rules' ceiling for the subject; or, when its stored facts are ones the rules cannot
    read (a score out of range written around the form, say), what is wrong with them in words:
    the board shows that on the row instead of failing (a decision on it is refused with the
    same words, ``rules.check`` "facts.invalid")."""
    period = facts.period
    subject = facts.subject(evaluation)
    try:
        return rules.ceiling(subject, ruleset, period.evaluation_date, year=period.year)
    except rules.InvalidFacts as error:  # "Dữ liệu không hợp lệ: …", as the refusal says
        invalid = rules.Explanation("facts.invalid", "", error.details(subject.id), subject.id)
        return wording.message(invalid)


def _rows(
    period: Period,
    evaluations: list[Evaluation],
    with_ceiling: bool,
    facts: Facts | None = None,
) -> list[Row]:
    """The rows, with what the rules say of each worked out (and its subject built) only when
    a page reads it."""
    facts = facts or Facts.load(period, evaluations)
    ruleset = ruleset_of(period)
    rows = []
    for evaluation in evaluations:
        row = Row(evaluation=evaluation)
        if not evaluation.not_rated_reason:
            row.missing_of = partial(_missing_comments, facts, evaluation, ruleset)
            if with_ceiling and evaluation.reviewed:
                row.ceiling_of = partial(_ceiling, facts, evaluation, ruleset)
        rows.append(row)
    return rows


def round_rows(unit: OrgUnit, period: Period) -> list[Row]:
    """What the unit prepares: a cell its members and itself; a grassroots organization
    itself and its committee collective (and its members, for a grassroots cell) — with
    their deciding bodies."""
    rows = round_page(unit, period)[0]
    evaluations = [row.evaluation for row in rows]
    deciders = OrgUnit.objects.in_bulk({e.decider_id for e in evaluations})
    for evaluation in evaluations:
        _DECIDER.set_cached_value(evaluation, deciders[evaluation.decider_id])
    return rows


def round_page(unit: OrgUnit, period: Period) -> tuple[list[Row], Facts]:
    """``round_rows`` and the facts they were built from (the page's blockers reuse them).
    Their unit and period are the ones in hand, not joined to every row (the statement for
    four joined tables cost more CPU than the page's rules); the deciding body is not read."""
    evaluations = list(
        Evaluation.objects.filter(period=period, unit=unit)
        .select_related("person")
        .order_by("kind", "person__name_folded", "pk")
    )
    for evaluation in evaluations:
        _UNIT.set_cached_value(evaluation, unit)
        _PERIOD.set_cached_value(evaluation, period)
    facts = Facts.load(period, evaluations)
    return _rows(period, evaluations, with_ceiling=False, facts=facts), facts


def board(decider: OrgUnit, period: Period, *, every_row: bool = True) -> tuple[list[Row], Facts]:
    """The decision board's rows and the facts they were built from, loaded once for the
    page (the quota meters and the rule problems reuse them).

    ``every_row=False`` (the pending or decided files only): the rows of the files sent or
    decided, and of those with a level or a proposal — the others are neither shown nor
    counted by the quota meters and the rule problems, which read decided levels, else
    proposals. Read in a statement written once per process (``boardread``)."""
    read = boardread.board_evaluations(decider, period, every_row=every_row)
    evaluations = _in_hand(read, decider, period)
    facts = Facts.load(period, evaluations)
    return _rows(period, evaluations, with_ceiling=True, facts=facts), facts


def _in_hand(evaluations: list[Evaluation], decider: OrgUnit, period: Period) -> list[Evaluation]:
    """The board's evaluations with their period, deciding body and unit set from what is
    already in hand (the body's few units read once, in a statement written once per process,
    rather than joined to every row).

    Put in each row's field cache, as ``select_related`` puts them: the ids already match
    (the rows were read by period and deciding body, the units by their ids), and the
    descriptor's assignment checks and copies them again — three times a row, 2.4 ms on a
    board of 700 rows against 0.35 ms (docs/benchmarks.md, the sixth session, h22d)."""
    units = boardread.board_units(decider, period) if evaluations else {}
    for evaluation in evaluations:
        _PERIOD.set_cached_value(evaluation, period)
        _DECIDER.set_cached_value(evaluation, decider)
        _UNIT.set_cached_value(evaluation, units[evaluation.unit_id])
    return evaluations


def board_row(decider: OrgUnit, period: Period, pk: int) -> tuple[list[Row], Facts | None]:
    """The board's row of one evaluation (none when the body does not decide it), as
    ``board`` builds it — for a decision's answer, without the body's other rows — and the
    facts it was built from."""
    evaluations = _in_hand(boardread.board_evaluation(decider, period, pk), decider, period)
    if not evaluations:
        return [], None
    facts = Facts.load(period, evaluations)
    return _rows(period, evaluations, with_ceiling=True, facts=facts), facts


def row_of(evaluation: Evaluation, facts: Facts) -> list[Row]:
    """``board_row`` of an evaluation in hand, with its period, unit, deciding body and person,
    built from ``facts`` already loaded for it (a refused decision's, which changed nothing)."""
    return _rows(evaluation.period, [evaluation], with_ceiling=True, facts=facts)


def board_rows(decider: OrgUnit, period: Period) -> list[Row]:
    return board(decider, period)[0]


# The few rows of one evaluation or one person are sorted here, not by an ORDER BY: Django
# builds one by comparing it with every selected column (the statement's CPU doubles with
# the joined tables' columns), and a member's pages read a handful of rows.


def comments_of(evaluation: Evaluation) -> list[Comment]:
    """The comments the review page lists, oldest first (it does not show who recorded them:
    not read)."""
    return sorted(evaluation.comments.order_by(), key=lambda c: (c.recorded_at, c.pk))


def ledger_of(evaluation: Evaluation) -> list[Proposal]:
    """The evaluation's proposals and decisions in the order they were made, with who made
    them."""
    return sorted(evaluation.ledger.select_related("actor").order_by(), key=lambda p: (p.at, p.pk))


def is_done(evaluation: Evaluation) -> bool:
    return evaluation.stage == Stage.DECIDED or bool(evaluation.not_rated_reason)


def history_of(person_id: int) -> list[Evaluation]:
    """A person's evaluations, the latest year first (sorted here: see ``comments_of``)."""
    found = Evaluation.objects.filter(person=person_id).select_related("period", "unit")
    return sorted(found.order_by(), key=lambda e: (-e.period.year, -e.pk))


def ledger_differences(decider: OrgUnit, period: Period) -> dict[str, list[Any]]:
    """Decisions two or more levels from the self-proposal, and overturned cell proposals."""
    order = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}
    decided = list(
        Evaluation.objects.filter(period=period, decider=decider, stage=Stage.DECIDED)
        .exclude(level="")
        .filter(~Q(self_level="") | ~Q(cell_level=""))
        .select_related("person", "unit")
    )
    far = [e for e in decided if e.self_level and abs(order[e.self_level] - order[e.level]) >= 2]
    overturned = [e for e in decided if e.cell_level and e.cell_level != e.level]
    return {"far": far, "overturned": overturned}
