"""The quarter results a year reads (QĐ 366 Đ.15 k.1): one query for any number of people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xeploai.cycles.models import PeriodKind
from xeploai.reviews.models import Evaluation, Stage


def quarter_levels(people: Iterable[int] | Any, year: int) -> dict[int, list[str]]:
    """For each person with a quarterly evaluation in ``year``: the decided level of each
    quarter, Q1 first ("" = no decided result: not opened, not decided, or not rated).

    ``people`` is a list of ids or a query of ``person_id`` values. Where two quarterly rounds
    of a quarter took the same person (overlapping scopes), the deeper scope's result counts."""
    found: dict[int, list[str]] = {}
    rows = (
        Evaluation.objects.filter(
            period__kind=PeriodKind.QUARTER,
            period__year=year,
            person_id__in=people,
            stage=Stage.DECIDED,
        )
        .order_by("period__scope_root__depth", "pk")
        .values_list("person_id", "period__quarter", "level")
    )
    for person_id, quarter, level in rows:
        found.setdefault(person_id, ["", "", "", ""])[quarter - 1] = level
    return found
