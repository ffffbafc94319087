"""Progress of a round per unit and step, against the period's deadlines (constant queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from xeploai.cycles.models import Period, Step
from xeploai.org.models import SEGMENT, OrgUnit
from xeploai.reviews.models import Evaluation, Stage, SubjectKind

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


@dataclass
class Cell:
    done: int = 0
    late: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.done + self.late + self.missing


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


def progress(unit: OrgUnit, period: Period, today: dt.date) -> Progress:
    deadlines = {d.step: d.due for d in period.deadlines.all()}
    children = list(unit.children.order_by("kind", "name"))
    prefix_len = len(unit.path) + SEGMENT
    rows = {child.path: ProgressRow(child) for child in children}
    total = ProgressRow(unit)
    counts = (
        Evaluation.objects.filter(period=period, unit__path__startswith=unit.path)
        .annotate(prefix=Substr("unit__path", 1, prefix_len))
        .values("prefix", "kind", "stage")
        .annotate(n=Count("id"), not_rated=Count("id", filter=~Q(not_rated_reason="")))
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
            open_ = n - done
            late = open_ if due is not None and today > due else 0
            for target in [total, rows.get(row["prefix"])]:
                if target is None:
                    continue
                cell = target.steps.setdefault(key, Cell())
                cell.done += done
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
