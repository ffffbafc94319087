"""The report pages' period read, written once per process (reports/selectors.py), gives what
the ORM's query gave: the same periods with their scope roots, in the same order."""

from __future__ import annotations

import pytest

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org.models import OrgUnit
from xeploai.reports.selectors import yearly_periods
from xeploai.testing import Cast, open_year


def _orms(unit: OrgUnit) -> list[Period]:
    seen: set[int] = set()
    result = []
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


def _values(instance: object) -> dict[str, object]:
    fields = instance._meta.concrete_fields  # type: ignore[attr-defined]
    return {f.attname: (type(v := getattr(instance, f.attname)), v) for f in fields}


@pytest.mark.django_db
def test_the_periods_of_each_unit_are_the_orms(
    cast: Cast, django_assert_num_queries: object
) -> None:
    OrgUnit.objects.filter(pk=cast.root.pk).update(name="Khối <b>\"A\"</b> & 'B'")
    open_year(cast.root, 2025, closed=True)
    open_year(cast.root, 2026)
    for unit in (cast.root, cast.org_a, cast.cell_a1, cast.grassroots_cell):
        unit = OrgUnit.objects.get(pk=unit.pk)
        ours, theirs = yearly_periods(unit), _orms(unit)
        assert [p.pk for p in ours] == [p.pk for p in theirs] and [p.year for p in ours] == [
            2026,
            2025,
        ]
        for mine, orms in zip(ours, theirs, strict=True):
            assert _values(mine) == _values(orms)
            assert _values(mine.scope_root) == _values(orms.scope_root)
    assert yearly_periods(OrgUnit.objects.get(pk=cast.org_b.pk))[0].scope_root.name.startswith(
        "Khối <b>"
    )
