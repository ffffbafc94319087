"""Import of the agency's list of civil-service (CBCCVC) ratings.

Upsert key: (member, year). The member is found by citizen ID or party card number, as the
importer may see them that year (``results.Members``: anyone else is answered as a number found
on nobody); they must be recorded as a civil servant. Each rating is checked against the state
scale of its year (``rules.civil_rating_problems``: Nghị định 335/2025's points from 2026, none
before). All or nothing, like the other imports; one audit event for the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.audit.actor import Actor
from xeploai.imports.plans import Plan
from xeploai.imports.results import Members
from xeploai.imports.rows import Problems, Row, chunked
from xeploai.org.models import CivilServiceRating, OrgUnit, Person

COMPARED = ("level", "points", "agency", "rated_on")


@dataclass
class CivilPlan(Plan):
    new: list[CivilServiceRating] = field(default_factory=list)
    changed: list[CivilServiceRating] = field(default_factory=list)

    def apply(self, actor: Actor) -> None:
        CivilServiceRating.objects.bulk_create(self.new, batch_size=1000)
        CivilServiceRating.objects.bulk_update(self.changed, COMPARED, batch_size=1000)


def plan(rows: list[Row], problems: Problems, *, scope: OrgUnit | None) -> CivilPlan:
    result = CivilPlan()
    people = Members(rows, scope, members_only=False)
    found: list[tuple[Row, int]] = []
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        person = people.find(row, problems)
        _check_scale(row, problems)
        if person is None or row.bad or "year" not in row.values:
            continue
        key = (person[0], row.values["year"])
        if key in seen:
            problems.row(
                row,
                _("kết quả năm {year} của đảng viên này trùng với dòng {other}").format(
                    year=row.values["year"], other=seen[key]
                ),
            )
            continue
        seen[key] = row.number
        found.append((row, person[0]))
    servants = _civil_servants([pk for _row, pk in found])
    for row, pk in found:
        if pk not in servants:
            problems.row(
                row,
                _(
                    "đảng viên này không được ghi là cán bộ, công chức, viên chức — hãy nhập lại "
                    'danh sách đảng viên với cột "Là CBCCVC" là Có'
                ),
            )
    if problems:
        return result
    existing = _existing(found)
    for row, pk in found:
        values = _values(row)
        old = existing.get((pk, row.values["year"]))
        if old is None:
            result.new.append(CivilServiceRating(person_id=pk, year=row.values["year"], **values))
            result.created += 1
        elif all(getattr(old, name) == values[name] for name in COMPARED):
            result.unchanged += 1
        else:
            for name, value in values.items():
                setattr(old, name, value)
            result.changed.append(old)
            result.updated += 1
    return result


def _values(row: Row) -> dict[str, Any]:
    values = row.values
    return {
        "level": values["level"],
        "points": values.get("points"),
        "agency": values.get("agency", ""),
        "rated_on": values.get("rated_on"),
    }


def _check_scale(row: Row, problems: Problems) -> None:
    """The rating against the scale of its year, and its date against its year."""
    values = row.values
    year = values.get("year")
    if year is None or "level" not in values:
        return
    points: Decimal | None = values.get("points")
    for explanation in rules.civil_rating_problems(year, rules.Level[values["level"]], points):
        column = "points" if "points" in values else "level"
        problems.cell(row, column, f"{explanation.message_vi} ({explanation.clause})")
    on: dt.date | None = values.get("rated_on")
    if on is not None and not year <= on.year <= year + 1:
        problems.cell(
            row,
            "rated_on",
            _("ngày {on} không thuộc năm {year} hoặc đầu năm sau").format(
                on=f"{on:%d/%m/%Y}", year=year
            ),
        )


def _civil_servants(ids: list[int]) -> set[int]:
    servants: set[int] = set()
    for batch in chunked(sorted(set(ids))):
        servants.update(
            Person.objects.filter(pk__in=batch, is_civil_servant=True).values_list("pk", flat=True)
        )
    return servants


def _existing(found: list[tuple[Row, int]]) -> dict[tuple[int, int], CivilServiceRating]:
    existing: dict[tuple[int, int], CivilServiceRating] = {}
    years = sorted({row.values["year"] for row, _pk in found})
    for batch in chunked(sorted({pk for _row, pk in found})):
        for rating in CivilServiceRating.objects.filter(person_id__in=batch, year__in=years):
            existing[(rating.person_id, rating.year)] = rating
    return existing
