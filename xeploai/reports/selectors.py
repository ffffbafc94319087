"""Reads for the report pages: which periods a unit reports on, its snapshots."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org.models import OrgUnit
from xeploai.reports.compute import compute_report
from xeploai.reports.models import ReportSnapshot
from xeploai.reports.payload import from_payload, sha256, to_payload
from xeploai.reports.records import Denominator, Options, QuotaBase, Report


def yearly_periods(unit: OrgUnit) -> list[Period]:
    """Yearly periods covering ``unit``, latest first (one per year: the nearest scope)."""
    seen: set[int] = set()
    result: list[Period] = []
    for period in (
        Period.objects.covering(unit)
        .filter(kind=PeriodKind.YEAR)
        .select_related("scope_root")
        .order_by("-year", "-scope_root__depth")
    ):
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
