"""The report as JSON (schema in docs/report-json.md) and back.

``to_payload`` writes the counts the report was computed from *and* the figures derived from
them (for consumers); ``from_payload`` rebuilds the ``Report`` from the counts alone, so a
stored snapshot renders exactly as it did when it was sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from xeploai.reports.basis import basis_from, basis_payload
from xeploai.reports.records import (
    BLOCKS,
    Block,
    ChildRow,
    Counts,
    Denominator,
    GroupFinding,
    Options,
    PeriodRef,
    Progress,
    QuarterRef,
    QuotaBase,
    QuotaFinding,
    Report,
    UnitProgress,
    UnitRef,
    UnratedUnit,
)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _unit(ref: UnitRef) -> dict[str, Any]:
    return {"code": ref.code, "name": ref.name, "kind": ref.kind}


def _counts(counts: Counts, denominator: Denominator) -> dict[str, Any]:
    return {
        "total": counts.total,
        "pending": counts.pending,
        "not_rated": dict(counts.not_rated),
        "levels": {"HTXSNV": counts.xs, "HTTNV": counts.tt, "HTNV": counts.ht, "KHTNV": counts.k},
        "derived": {
            "rated": counts.rated,
            "decided": counts.decided,
            "complete": counts.complete,
            "not_rated_total": counts.not_rated_total,
            "tt_plus": counts.tt_plus,
            "rated_share": _dec(counts.rated_share),
            "not_rated_share": _dec(counts.not_rated_share),
            "tt_plus_rate": _dec(counts.tt_plus_rate),
            "ht_rate": _dec(counts.ht_rate),
            "k_rate": _dec(counts.k_rate),
            "xs_share": _dec(counts.xs_share(denominator)),
            "xs_share_by_base": {d.value: _dec(counts.xs_share(d)) for d in Denominator},
        },
    }


def _block(block: Block, denominator: Denominator) -> dict[str, Any]:
    return {
        "kind": block.kind,
        "current": _counts(block.current, denominator),
        "previous": None if block.previous is None else _counts(block.previous, denominator),
        "change": {
            "tt_plus_rate": _dec(block.tt_plus_change),
            "ht_rate": _dec(block.ht_change),
            "k_rate": _dec(block.k_change),
        },
        "provisional": block.provisional,
    }


def _quarter(report: Report) -> dict[str, Any]:
    """A quarter report's two comparisons (docs/report-json.md "quarter")."""
    quarter = report.quarter
    assert quarter is not None
    denominator = report.options.denominator
    comparisons = []
    for block in report.blocks:
        for compared in report.comparisons(block.kind):
            counts = compared.counts
            comparisons.append(
                {
                    "block": block.kind,
                    "with": compared.with_.value,
                    "name": compared.name,
                    "counts": None if counts is None else _counts(counts, denominator),
                    "change": {
                        "tt_plus_rate": None
                        if counts is None
                        else _dec(compared.block.tt_plus_change),
                        "ht_rate": None if counts is None else _dec(compared.block.ht_change),
                        "k_rate": None if counts is None else _dec(compared.block.k_change),
                    },
                    "provisional": counts is not None and compared.block.provisional,
                    "reason": None if compared.reason is None else compared.reason.value,
                }
            )
    return {
        "quarter": quarter.quarter,
        "previous_quarter": {"name": quarter.previous_name, "found": quarter.previous_found},
        "same_quarter": {
            "name": quarter.same_name,
            "found": report.period.previous_year is not None,
        },
        "previous_counts": [_counts(c, denominator) for c in quarter.previous],
        "comparisons": comparisons,
    }


def to_payload(report: Report) -> dict[str, Any]:
    denominator = report.options.denominator
    progress = report.progress
    return {
        "schema": "xeploai.report",
        "version": report.version,
        "unit": _unit(report.unit),
        "period": {
            "year": report.period.year,
            "name": report.period.name,
            "previous_year": report.period.previous_year,
        },
        "as_of": report.as_of.isoformat(),
        "options": {
            "denominator": report.options.denominator.value,
            "quota_base": report.options.quota_base.value,
        },
        "blocks": [_block(b, denominator) for b in report.blocks],
        "provisional": report.provisional,
        "targets": [
            {
                "block": t.block,
                "rate": _dec(t.rate),
                "met": t.met,
                "status": t.status.value,
                "provisional": t.provisional,
                "decided": t.decided,
                "total": t.total,
                "due": _iso(t.due),
            }
            for t in report.targets
        ],
        "children": [
            {
                "unit": _unit(c.unit),
                "blocks": [_block(b, denominator) for b in c.blocks],
                **({"basis": basis_payload(c.basis)} if c.basis is not None else {}),
            }
            for c in report.children
        ],
        **({"basis": basis_payload(report.basis)} if report.basis is not None else {}),
        **({"quarter": _quarter(report)} if report.quarter is not None else {}),
        "quota_findings": [
            {
                "decider": _unit(f.decider),
                "block": f.block,
                "group": f.group,
                "HTXSNV": f.xs,
                "HTTNV": f.tt,
                "rated": f.rated,
                "base": f.base,
                "allowed": f.allowed,
                "share": _dec(f.share),
                "small_unit": f.small_unit,
            }
            for f in report.quota_findings
        ],
        "group_findings": [
            {
                "decider": _unit(f.decider),
                "reason": f.reason,
                "groups": [{"group": g, "HTXSNV": xs, "rated": rated} for g, xs, rated in f.groups],
            }
            for f in report.group_findings
        ],
        "unrated_units": [
            {"unit": _unit(u.unit), "block": u.block, "reason": u.reason}
            for u in report.unrated_units
        ],
        "progress": None
        if progress is None
        else {
            "grassroots_due": _iso(progress.grassroots_due),
            "upper_due": _iso(progress.upper_due),
            "units": [
                {
                    "unit": _unit(u.unit),
                    "pending_lower": u.pending_lower,
                    "pending_upper": u.pending_upper,
                }
                for u in progress.units
            ],
            "total": progress.total,
            "done": progress.done,
            "share": _dec(progress.share),
            "overdue": [u.unit.code for u in progress.overdue],
        },
    }


# ---- back from JSON -------------------------------------------------------------------------


def _ref(data: dict[str, Any]) -> UnitRef:
    return UnitRef(code=data["code"], name=data["name"], kind=data["kind"])


def _counts_from(data: dict[str, Any]) -> Counts:
    levels = data["levels"]
    return Counts(
        total=data["total"],
        pending=data["pending"],
        not_rated=tuple(sorted((reason, n) for reason, n in data["not_rated"].items())),
        xs=levels["HTXSNV"],
        tt=levels["HTTNV"],
        ht=levels["HTNV"],
        k=levels["KHTNV"],
    )


def _block_from(data: dict[str, Any]) -> Block:
    return Block(
        kind=data["kind"],
        current=_counts_from(data["current"]),
        previous=None if data["previous"] is None else _counts_from(data["previous"]),
    )


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _quarter_from(data: dict[str, Any] | None) -> QuarterRef | None:
    if data is None:
        return None
    previous = tuple(_counts_from(c) for c in data["previous_counts"])
    assert not previous or len(previous) == len(BLOCKS)
    return QuarterRef(
        quarter=data["quarter"],
        previous_name=data["previous_quarter"]["name"],
        previous_found=data["previous_quarter"]["found"],
        same_name=data["same_quarter"]["name"],
        previous=previous,
    )


def from_payload(data: dict[str, Any]) -> Report:
    as_of = dt.date.fromisoformat(data["as_of"])
    progress = data.get("progress")
    return Report(
        basis=basis_from(data.get("basis")),
        quarter=_quarter_from(data.get("quarter")),
        version=data["version"],
        unit=_ref(data["unit"]),
        period=PeriodRef(
            year=data["period"]["year"],
            name=data["period"]["name"],
            previous_year=data["period"]["previous_year"],
        ),
        as_of=as_of,
        options=Options(
            denominator=Denominator(data["options"]["denominator"]),
            quota_base=QuotaBase(data["options"]["quota_base"]),
        ),
        blocks=tuple(_block_from(b) for b in data["blocks"]),
        children=tuple(
            ChildRow(
                unit=_ref(c["unit"]),
                blocks=tuple(_block_from(b) for b in c["blocks"]),
                basis=basis_from(c.get("basis")),
            )
            for c in data["children"]
        ),
        quota_findings=tuple(
            QuotaFinding(
                decider=_ref(f["decider"]),
                block=f["block"],
                group=f["group"],
                xs=f["HTXSNV"],
                tt=f["HTTNV"],
                rated=f["rated"],
                base=f["base"],
                allowed=f["allowed"],
                small_unit=f["small_unit"],
            )
            for f in data["quota_findings"]
        ),
        group_findings=tuple(
            GroupFinding(
                decider=_ref(f["decider"]),
                reason=f["reason"],
                groups=tuple((g["group"], g["HTXSNV"], g["rated"]) for g in f["groups"]),
            )
            for f in data["group_findings"]
        ),
        unrated_units=tuple(
            UnratedUnit(unit=_ref(u["unit"]), block=u["block"], reason=u["reason"])
            for u in data["unrated_units"]
        ),
        progress=None
        if progress is None
        else Progress(
            as_of=as_of,
            grassroots_due=_date(progress["grassroots_due"]),
            upper_due=_date(progress["upper_due"]),
            units=tuple(
                UnitProgress(
                    unit=_ref(u["unit"]),
                    pending_lower=u["pending_lower"],
                    pending_upper=u["pending_upper"],
                )
                for u in progress["units"]
            ),
        ),
    )


def dumps(payload: dict[str, Any]) -> str:
    """The canonical text of a payload: what is stored, hashed and served as JSON."""
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def sha256(payload: dict[str, Any]) -> str:
    return hashlib.sha256(dumps(payload).encode("utf-8")).hexdigest()
