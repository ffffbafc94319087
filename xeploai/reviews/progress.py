"""Progress of a round per unit and step, against the period's deadlines (constant queries).

A step is done, late (open past its deadline) or missing (open, deadline not passed); of the
done, those done after the deadline are counted too ("done late"): the review by its
submission time, the proposal by the cell's first entry in the ledger, the decisions by their
time. Sending the file has no time of its own on the evaluation: it is not flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateTimeField, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xeploai.cycles.models import Period, Step
from xeploai.org.models import SEGMENT, OrgUnit
from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage, SubjectKind

_ORDER: dict[str, int] = {
    Stage.PENDING: 0,
    Stage.DRAFT: 0,
    Stage.RETURNED: 0,
    Stage.SUBMITTED: 1,
    Stage.PROPOSED: 2,
    Stage.SENT: 3,
    Stage.DECIDED: 4,
}
# (step, deadline step, the stage rank that means "done", which subjects it is about)
STEPS = [
    ("review", Step.SELF_REVIEW, 1, (SubjectKind.MEMBER,), _("Nộp bản kiểm điểm")),
    ("propose", Step.CELL_MEETING, 2, (SubjectKind.MEMBER, SubjectKind.CELL), _("Chi bộ đề xuất")),
    ("send", Step.CELL_SUBMIT, 3, (SubjectKind.MEMBER, SubjectKind.CELL), _("Gửi hồ sơ")),
    (
        "decide",
        Step.GRASSROOTS_DECISION,
        4,
        (SubjectKind.MEMBER, SubjectKind.CELL),
        _("Đảng ủy cơ sở quyết định"),
    ),
    (
        "upper",
        Step.UPPER_DECISION,
        4,
        (SubjectKind.GRASSROOTS, SubjectKind.COMMITTEE),
        _("Cấp trên quyết định"),
    ),
]


# the time a done step was done, by step
DONE_AT: dict[str, str] = {
    "review": "submitted_at",
    "propose": "proposed_at",
    "send": "sent_at",
    "decide": "decided_at",
    "upper": "decided_at",
}


@dataclass
class Cell:
    done: int = 0
    late: int = 0
    missing: int = 0
    done_late: int = 0  # of ``done``: done after the deadline

    @property
    def total(self) -> int:
        return self.done + self.late + self.missing

    @property
    def share(self) -> int:
        """Whole percent done (for the bar and its text)."""
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class ProgressRow:
    unit: OrgUnit
    steps: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Progress:
    period: Period
    unit: OrgUnit
    deadlines: dict[str, dt.date]
    total: ProgressRow
    rows: list[ProgressRow]
    steps: list[tuple[str, str, dt.date | None]]


def _after(due: dt.date | None) -> dt.datetime | None:
    """The first moment past ``due`` (its deadline day ends at midnight, local time)."""
    if due is None:
        return None
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))


def _late_counts(deadlines: dict[str, dt.date]) -> dict[str, Count]:
    """One conditional count per step with a deadline and a recorded time: done after it."""
    counts: dict[str, Count] = {}
    for key, deadline_step, _needed, _kinds, _label in STEPS:
        field_name, after = DONE_AT[key], _after(deadlines.get(deadline_step))
        if after is not None:
            counts[f"late_{key}"] = Count("id", filter=Q(**{f"{field_name}__gte": after}))
    return counts


def progress(unit: OrgUnit, period: Period, today: dt.date) -> Progress:
    deadlines = {d.step: d.due for d in period.deadlines.all()}
    children = list(unit.children.order_by("kind", "name"))
    prefix_len = len(unit.path) + SEGMENT
    rows = {child.path: ProgressRow(child) for child in children}
    total = ProgressRow(unit)
    first_proposal = (
        Proposal.objects.filter(evaluation=OuterRef("pk"), stage=LedgerStage.CELL)
        .order_by("at")
        .values("at")[:1]
    )
    counts = (
        Evaluation.objects.filter(period=period, unit__path__startswith=unit.path)
        .annotate(
            prefix=Substr("unit__path", 1, prefix_len),
            proposed_at=Subquery(first_proposal, output_field=DateTimeField()),
        )
        .values("prefix", "kind", "stage")
        .annotate(
            n=Count("id"),
            not_rated=Count("id", filter=~Q(not_rated_reason="")),
            **_late_counts(deadlines),
        )
        .order_by()
    )
    for row in counts:
        rank = _ORDER.get(row["stage"], 0)
        for key, deadline_step, needed, kinds, _label in STEPS:
            if row["kind"] not in kinds:
                continue
            due = deadlines.get(deadline_step)
            # Subjects not rated (exempt, suspended, newly admitted…) write no review, as the
            # round page counts them; their not-rated status is still proposed, sent and
            # decided like any level, so the later steps count them by their stage.
            n = row["n"] - row["not_rated"] if key == "review" else row["n"]
            done = n if rank >= needed else 0
            late_done: Any = row.get(f"late_{key}") or 0
            done_late = min(done, int(late_done)) if done else 0
            open_ = n - done
            late = open_ if due is not None and today > due else 0
            for target in [total, rows.get(row["prefix"])]:
                if target is None:
                    continue
                cell = target.steps.setdefault(key, Cell())
                cell.done += done
                cell.done_late += done_late
                cell.late += late
                cell.missing += open_ - late
    return Progress(
        period=period,
        unit=unit,
        deadlines=deadlines,
        total=total,
        rows=list(rows.values()),
        steps=[(key, str(label), deadlines.get(step)) for key, step, _n, _k, label in STEPS],
    )


def late_members(unit: OrgUnit, period: Period, today: dt.date) -> list[Evaluation]:
    """Members whose self-review is past its deadline (for reminders)."""
    due = period.deadlines.filter(step=Step.SELF_REVIEW).values_list("due", flat=True).first()
    if due is None or today <= due:
        return []
    return list(
        Evaluation.objects.filter(
            period=period,
            unit__path__startswith=unit.path,
            kind=SubjectKind.MEMBER,
            stage__in=[Stage.PENDING, Stage.DRAFT, Stage.RETURNED],
            not_rated_reason="",
        ).select_related("person__user", "unit")
    )
