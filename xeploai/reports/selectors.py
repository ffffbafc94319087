"""Reads for the report pages: which periods a unit reports on, its snapshots."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.http import Http404

from xeploai.cycles.models import Period, PeriodKind
from xeploai.lib.fixedsql import Columns, Statement
from xeploai.org.models import OrgUnit
from xeploai.reports.compute import compute_report
from xeploai.reports.models import ReportSnapshot
from xeploai.reports.payload import from_payload, sha256, to_payload
from xeploai.reports.records import Denominator, Options, QuotaBase, Report


class _CoveringRead:
    """``Period.objects.covering(unit).filter(kind=YEAR).select_related("scope_root")
    .order_by("-year", "-scope_root__depth")`` as a statement written once per process and
    number of paths (``xeploai.lib.fixedsql``): every report page reads it."""

    def __init__(self, paths: int) -> None:
        self.paths = paths
        self.period = Columns(Period, "p")
        self.root = Columns(OrgUnit, "u")
        self.statement = Statement(Period, self._build)

    def _build(self, connection: Any) -> str:
        period = functools.partial(self.period.column, connection)
        root = functools.partial(self.root.column, connection)
        marks = ", ".join(["%s"] * self.paths)
        return (
            f"SELECT {self.period.sql(connection)}, {self.root.sql(connection)} "  # noqa: S608
            f"FROM {self.period.table(connection)} INNER JOIN {self.root.table(connection)} "
            f"ON {period('scope_root')} = {root('id')} "
            f"WHERE {root('path')} IN ({marks}) AND {period('kind')} = %s "
            f"ORDER BY {period('year')} DESC, {root('depth')} DESC"
        )

    def __call__(self, paths: list[str]) -> list[Period]:
        connection, rows = self.statement.rows([*paths, PeriodKind.YEAR.value])
        width = len(self.period)
        link = Period._meta.get_field("scope_root")
        periods = []
        for row in rows:
            period = self.period.instance(connection, row[:width])
            link.set_cached_value(period, self.root.instance(connection, row[width:]))
            periods.append(period)
        return periods


@functools.cache
def _covering_read(paths: int) -> _CoveringRead:
    return _CoveringRead(paths)


def yearly_periods(unit: OrgUnit) -> list[Period]:
    """Yearly periods covering ``unit``, latest first (one per year: the nearest scope)."""
    seen: set[int] = set()
    result: list[Period] = []
    paths = [*unit.ancestor_paths(), unit.path]  # Period.objects.covering(unit)
    for period in _covering_read(len(paths))(paths):
        if period.year not in seen:
            seen.add(period.year)
            result.append(period)
    return result


def period_for(unit: OrgUnit, year: int) -> Period:
    """The yearly period of ``year`` covering ``unit``; 404 when there is none."""
    period = (
        Period.objects.covering(unit)
        .filter(kind=PeriodKind.YEAR, year=year)
        .select_related("scope_root")
        .order_by("-scope_root__depth")
        .first()
    )
    if period is None:
        raise Http404
    return period


def options_from(data: Any) -> Options:
    """Report options from a query string; unknown values fall back to the defaults."""
    denominators = {d.value for d in Denominator}
    bases = {b.value for b in QuotaBase}
    denominator = data.get("denominator", "")
    quota_base = data.get("quota_base", "")
    return Options(
        denominator=Denominator(denominator)
        if denominator in denominators
        else Denominator.TT_PLUS,
        quota_base=QuotaBase(quota_base) if quota_base in bases else QuotaBase.TT_PLUS,
    )


def snapshots_of(unit: OrgUnit) -> list[ReportSnapshot]:
    return list(
        ReportSnapshot.objects.filter(unit=unit)
        .select_related("period", "created_by")
        .order_by("-created_at", "-pk")
    )


def get_snapshot(pk: int) -> ReportSnapshot:
    """A snapshot by id, 404 when missing (callers then check its unit with access.get_unit)."""
    snapshot = ReportSnapshot.objects.filter(pk=pk).select_related("unit", "period").first()
    if snapshot is None:
        raise Http404
    return snapshot


def snapshot_report(snapshot: ReportSnapshot) -> Report:
    return from_payload(json.loads(snapshot.payload))


def snapshot_changed(snapshot: ReportSnapshot) -> bool:
    """Whether the live numbers differ from the sent ones (the snapshot itself never changes)."""
    report = snapshot_report(snapshot)
    live = compute_report(
        snapshot.unit, snapshot.period, as_of=snapshot.as_of, options=report.options
    )
    return sha256(to_payload(live)) != snapshot.sha256
