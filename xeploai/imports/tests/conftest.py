"""Helpers for import tests: write real workbooks with openpyxl, fingerprint the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period
from xeploai.imports.columns import SHEETS
from xeploai.org.models import Membership, OrgUnit, Person
from xeploai.reviews.models import Evaluation, Proposal, UnitStat

TODAY = dt.date(2026, 3, 1)
Writer = Callable[..., Path]


def headers(kind: str) -> list[str]:
    return [column.header for column in SHEETS[kind].columns]


def write_xlsx(
    path: Path, sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Path:
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = sheet
    data.append(list(header))
    for row in rows:
        data.append(list(row))
    workbook.save(path)
    return path


@pytest.fixture
def xlsx(tmp_path: Path) -> Writer:
    """``xlsx(kind, rows, header=None, name=...)``: a workbook in the template's shape."""
    counter = iter(range(1000))

    def write(
        kind: str,
        rows: Sequence[Sequence[Any] | dict[str, Any]],
        header: Sequence[str] | None = None,
        name: str | None = None,
    ) -> Path:
        header = header or headers(kind)
        table = []
        for row in rows:
            if isinstance(row, dict):
                table.append([row.get(h, "") for h in header])
            else:
                table.append(list(row))
        path = tmp_path / (name or f"{kind}-{next(counter)}.xlsx")
        return write_xlsx(path, SHEETS[kind].name, header, table)

    return write


def fingerprint() -> tuple[Any, ...]:
    """Counts of every table an import touches, and a digest of their contents."""
    digest = hashlib.sha256()
    for queryset in (
        OrgUnit.objects.order_by("pk").values_list(),
        Person.objects.order_by("pk").values_list(),
        Membership.objects.order_by("pk").values_list(),
        Evaluation.objects.order_by("pk").values_list(),
        Period.objects.order_by("pk").values_list(),
    ):
        for row in queryset:
            digest.update(repr(row).encode())
    counts = tuple(
        model.objects.count()
        for model in (
            OrgUnit,
            Person,
            Membership,
            Evaluation,
            Proposal,
            Period,
            AuditEvent,
            UnitStat,
        )
    )
    return counts, digest.hexdigest()
