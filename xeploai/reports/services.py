"""Writes of the reports app: sending a snapshot upward, logging downloads and exports."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xeploai.audit.actor import Actor, actor_user
from xeploai.audit.services import audit_record
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reports.compute import compute_report
from xeploai.reports.models import ReportSnapshot
from xeploai.reports.payload import dumps, sha256, to_payload
from xeploai.reports.records import Options


def _options_dict(options: Options) -> dict[str, str]:
    return {"denominator": options.denominator.value, "quota_base": options.quota_base.value}


@transaction.atomic
def snapshot_send(
    *, actor: Actor, unit: OrgUnit, period: Period, options: Options, as_of: dt.date
) -> ReportSnapshot:
    """Freeze the report as it is now and record who sent it upward."""
    payload = to_payload(compute_report(unit, period, as_of=as_of, options=options))
    snapshot = ReportSnapshot(
        unit=unit,
        period=period,
        options=_options_dict(options),
        as_of=as_of,
        payload=dumps(payload),
        sha256=sha256(payload),
        created_by=actor_user(actor),
        created_at=timezone.now(),
    )
    snapshot.full_clean()
    snapshot.save()
    audit_record(
        actor=actor,
        action="report_send",
        obj=snapshot,
        unit_path=unit.path,
        after={
            "unit": unit.code,
            "year": period.year,
            "options": snapshot.options,
            "sha256": snapshot.sha256,
        },
    )
    return snapshot


def download_log(
    *, actor: Actor, unit: OrgUnit, what: str, year: int, fmt: str, snapshot_id: int | None = None
) -> None:
    """Every file that leaves the system is recorded: who, which unit, what, which format."""
    audit_record(
        actor=actor,
        action="report_download" if what == "report" else "export_download",
        object_type="reports.snapshot" if snapshot_id else "reports.export",
        object_id=str(snapshot_id or ""),
        unit_path=unit.path,
        after={"unit": unit.code, "what": what, "year": year, "format": fmt},
    )
