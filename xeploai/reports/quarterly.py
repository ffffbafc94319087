"""The quarterly report of any subtree: the standard blocks of a quarter (``compute_report``, which
compares a period with the one of the same kind and quarter a year earlier), with the previous
quarter beside them (issue 18 §3). A constant number of queries: two reports and one look-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org.models import OrgUnit
from xeploai.reports.compute import compute_report
from xeploai.reports.exports import Sheet
from xeploai.reports.records import Counts, Options, Report
from xeploai.reports.wording import NOUNS, pct


def quarter_period_for(unit: OrgUnit, pk: int) -> Period:
    """The quarterly period ``pk`` if its scope covers ``unit``; 404 otherwise."""
    period = (
        Period.objects.covering(unit)
        .filter(kind=PeriodKind.QUARTER, pk=pk)
        .select_related("scope_root")
        .first()
    )
    if period is None:
        raise Http404
    return period


def previous_quarter(period: Period, unit: OrgUnit) -> Period | None:
    """The quarterly period just before ``period`` covering ``unit`` (Q4 of the year before
    for a Q1; the nearest scope root wins)."""
    year, quarter = (
        (period.year, period.quarter - 1) if period.quarter > 1 else (period.year - 1, 4)
    )
    return (
        Period.objects.covering(unit)
        .filter(kind=PeriodKind.QUARTER, year=year, quarter=quarter)
        .select_related("scope_root")
        .order_by("-scope_root__depth")
        .first()
    )


@dataclass(frozen=True)
class QuarterReport:
    report: Report  # its blocks compare with the same quarter a year earlier
    period: Period
    previous: Report | None  # the previous quarter's report, when there was one
    previous_name: str
    same_quarter_name: str


def quarter_report(
    unit: OrgUnit, period: Period, *, as_of: dt.date, options: Options | None = None
) -> QuarterReport:
    report = compute_report(unit, period, as_of=as_of, options=options)
    before = previous_quarter(period, unit)
    previous = (
        compute_report(unit, before, as_of=as_of, options=options) if before is not None else None
    )
    return QuarterReport(
        report=report,
        period=period,
        previous=previous,
        previous_name=before.name if before is not None else "",
        same_quarter_name=_("Quý {q}/{year}").format(q=period.quarter, year=period.year - 1),
    )


def _row(noun: str, name: str, counts: Counts | None) -> tuple[object, ...]:
    if counts is None:
        return (noun, name, "", "", "", "", "", "", "", "", "")
    return (
        noun,
        name,
        counts.total,
        counts.xs,
        counts.tt,
        counts.ht,
        counts.k,
        counts.not_rated_total,
        counts.pending,
        pct(counts.tt_plus_rate),
        pct(counts.k_rate),
    )


def comparison(quarter: QuarterReport) -> Sheet:
    """Each block with subjects this quarter: this quarter, the previous quarter and the same
    quarter a year earlier ("" where that period had no round)."""
    previous = {b.kind: b.current for b in quarter.previous.blocks} if quarter.previous else {}
    rows: list[tuple[object, ...]] = []
    for block in quarter.report.blocks:
        if not block.current.total:
            continue
        noun = str(NOUNS[block.kind])
        rows.append(_row(noun, quarter.period.name, block.current))
        rows.append(_row(noun, quarter.previous_name or _("Quý trước"), previous.get(block.kind)))
        rows.append(_row(noun, quarter.same_quarter_name, block.previous))
    return Sheet(
        title=_("So sánh {name}").format(name=quarter.period.name),
        header=(
            _("Đối tượng"),
            _("Kỳ"),
            _("Tổng số"),
            "HTXSNV",
            "HTTNV",
            "HTNV",
            "KHTNV",
            _("Chưa xếp loại"),
            _("Chưa quyết định"),
            _("Tỉ lệ HTTNV trở lên"),
            _("Tỉ lệ KHTNV"),
        ),
        rows=rows,
    )
