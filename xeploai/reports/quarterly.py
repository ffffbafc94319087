"""The quarterly report of any subtree: the standard blocks of a quarter (``compute_report``, which
compares a period with the one of the same kind and quarter a year earlier), with the previous
quarter's blocks attached as ``Report.quarter`` so that every format carries both comparisons
(issue 18 §3). A constant number of queries: the report, one look-up and one read of the previous
quarter's counts of the unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.http import Http404
from django.utils.translation import gettext as _

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org.models import OrgUnit
from xeploai.reports.compute import compute_report, unit_counts
from xeploai.reports.exports import Sheet
from xeploai.reports.formats import tables
from xeploai.reports.records import Options, QuarterRef, Report


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
    report: Report  # its blocks compare with the same quarter a year earlier; ``quarter`` set
    period: Period
    previous: Period | None  # the previous quarter's round covering the unit, if any
    previous_name: str
    same_quarter_name: str


def quarter_name(year: int, quarter: int) -> str:
    return _("Quý {q}/{year}").format(q=quarter, year=year)


def quarter_report(
    unit: OrgUnit, period: Period, *, as_of: dt.date, options: Options | None = None
) -> QuarterReport:
    report = compute_report(unit, period, as_of=as_of, options=options)
    before = previous_quarter(period, unit)
    year, q = (period.year, period.quarter - 1) if period.quarter > 1 else (period.year - 1, 4)
    ref = QuarterRef(
        quarter=period.quarter,
        previous_name=before.name if before is not None else quarter_name(year, q),
        previous_found=before is not None,
        same_name=quarter_name(period.year - 1, period.quarter),
        previous=unit_counts(unit, before) if before is not None else (),
    )
    return QuarterReport(
        report=replace(report, quarter=ref),
        period=period,
        previous=before,
        previous_name=ref.previous_name,
        same_quarter_name=ref.same_name,
    )


def comparison(quarter: QuarterReport) -> Sheet:
    """The compare files (xlsx, csv): the quarter table of every report format
    (``tables.quarter_table``), its rates and changes written as the documents write them."""
    table = tables.quarter_table(quarter.report)
    return Sheet(
        title=_("So sánh {name}").format(name=quarter.period.name),
        header=tuple(c.title for c in table.columns),
        rows=[
            tuple(
                value
                if c.kind == "int" and isinstance(value, int)
                else tables.cell_text(value, c.kind)
                for value, c in zip(row, table.columns, strict=True)
            )
            for row in table.rows
        ],
    )
