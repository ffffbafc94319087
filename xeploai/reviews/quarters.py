"""Quarterly rounds (366.md §1.2; Kết luận 198-KL/TW; HD 43 Mẫu 05) on the machinery of the year:
``period_create`` + ``period_open`` with the quarter's defaults, the round's lock and reopening,
and what a yearly page shows of the year's quarters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.audit.actor import Actor
from xeploai.audit.services import audit_record
from xeploai.cycles.models import (
    Period,
    PeriodKind,
    PeriodStatus,
    Step,
    ruleset_key_for_year,
)
from xeploai.cycles.services import period_create
from xeploai.org.models import OrgUnit
from xeploai.reviews.facts import ruleset_of
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.periods import period_open
from xeploai.reviews.quarter_results import quarter_levels

SELF_REVIEW_DAYS_BEFORE = 5  # the self-evaluation is due five days before the report


def quarter_due(year: int, quarter: int) -> dt.date:
    """The default deadline: the 15th of the quarter's last month (Kết luận 198-KL/TW).

    >>> quarter_due(2026, 4)
    datetime.date(2026, 12, 15)
    """
    return dt.date(year, 3 * quarter, 15)


def _check(year: int, quarter: int, due: dt.date) -> None:
    errors: dict[str, str] = {}
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("Quý phải là 1, 2, 3 hoặc 4 (nhận được {q}).").format(q=quarter)
    elif not dt.date(year, 3 * quarter - 2, 1) <= due <= dt.date(year, 12, 31):
        errors["due"] = _("Hạn {due} không thuộc quý {q}/{year} hay sau đó trong năm.").format(
            due=f"{due:%d/%m/%Y}", q=quarter, year=year
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def quarter_open(
    *,
    actor: Actor,
    scope_root: OrgUnit,
    year: int,
    quarter: int,
    leaders_only: bool = True,
    cell_ballot: bool = False,
    due: dt.date | None = None,
) -> Period:
    """Open the quarterly round of ``scope_root``: a period of kind "quý" under the rule set of
    the year, every subject's evaluation in Mẫu 05 (by default the leaders and managers, from
    their posts), the competent level deciding without the cell's ballot unless asked, and
    the deadlines: the report and the decision on ``due`` (by default the 15th of the quarter's
    last month), the self-evaluation five days before."""
    due = due or quarter_due(year, quarter if quarter in (1, 2, 3, 4) else 1)
    _check(year, quarter, due)
    period = period_create(
        actor=actor,
        name=_("Quý {q}/{year}").format(q=quarter, year=year),
        year=year,
        kind=PeriodKind.QUARTER,
        quarter=quarter,
        ruleset=ruleset_key_for_year(year),
        scope_root=scope_root,
        evaluation_date=due,
        small_unit_exception=False,
        leaders_only=leaders_only,
        cell_ballot=cell_ballot,
        deadlines={
            Step.SELF_REVIEW: due - dt.timedelta(days=SELF_REVIEW_DAYS_BEFORE),
            Step.GRASSROOTS_DECISION: due,
            Step.REPORT: due,
        },
    )
    period_open(actor=actor, period=period)
    return Period.objects.select_related("scope_root").get(pk=period.pk)  # opened since


@transaction.atomic
def quarter_lock(*, actor: Actor, period: Period) -> Period:
    """Close a quarterly round once every subject is decided: nothing in it changes until
    it is reopened. Refused, naming how many are left, while any is not decided."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.kind != PeriodKind.QUARTER:
        raise ValidationError(_("Chỉ khóa được đợt hằng quý ở đây."))
    open_left = Evaluation.objects.filter(period=period).exclude(stage=Stage.DECIDED).count()
    if open_left:
        raise ValidationError(
            _("Chưa khóa được {name}: còn {n} đối tượng chưa quyết định.").format(
                name=period.name, n=open_left
            )
        )
    period.status = PeriodStatus.CLOSED
    period.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="quarter_lock",
        obj=period,
        unit_path=period.scope_root.path,
        after={"status": period.status},
    )
    return period


@transaction.atomic
def quarter_reopen(*, actor: Actor, period: Period, reason: str) -> Period:
    """Reopen a locked quarterly round (a reason is required and kept in the audit)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.kind != PeriodKind.QUARTER or period.status != PeriodStatus.CLOSED:
        raise ValidationError(_("Đợt không ở trạng thái đã khóa."))
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi lý do mở lại đợt.")})
    period.status = PeriodStatus.OPEN
    period.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="quarter_reopen",
        obj=period,
        unit_path=period.scope_root.path,
        after={"status": period.status, "reason": reason.strip()},
    )
    return period


@dataclass(frozen=True)
class YearQuarters:
    """One subject's four quarters on a yearly page, and what the quarter rules say."""

    evaluation: Evaluation
    levels: tuple[str, ...]  # Q1..Q4, "" = missing
    findings: tuple[str, ...]  # the rules' sentences (the local rules, when the year has them)

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(i + 1 for i, level in enumerate(self.levels) if not level)


def year_quarters(evaluations: list[Evaluation], period: Period, lang: str) -> list[YearQuarters]:
    """The quarters of the members among ``evaluations`` of yearly ``period`` who were in a
    quarterly round of its year (one query); [] for other periods."""
    if period.kind != PeriodKind.YEAR:
        return []
    members = [e for e in evaluations if e.kind == SubjectKind.MEMBER and e.person_id]
    if not members or not Period.objects.filter(kind=PeriodKind.QUARTER, year=period.year).exists():
        return []  # no quarterly round that year: nobody has a quarter (a query of few rows)
    found = quarter_levels([e.person_id for e in members], period.year)
    ruleset = ruleset_of(period)
    result: list[YearQuarters] = []
    for evaluation in members:
        levels = found.get(evaluation.person_id or 0)
        if levels is None:
            continue
        explained = rules.quarter_findings(
            [rules.Level[lv] if lv else None for lv in levels], ruleset
        )
        result.append(
            YearQuarters(
                evaluation,
                tuple(levels),
                tuple(rules.render(e.key, e.numbers, lang) for e in explained),
            )
        )
    return result


def quarter_periods(unit: OrgUnit, year: int | None = None) -> Any:
    """The quarterly periods covering ``unit`` or opened inside it, newest first."""
    periods = Period.objects.filter(kind=PeriodKind.QUARTER).overlapping(unit)
    if year is not None:
        periods = periods.filter(year=year)
    return periods.select_related("scope_root").order_by("-year", "-quarter", "scope_root__path")
