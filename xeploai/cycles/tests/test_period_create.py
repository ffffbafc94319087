import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from xeploai.cycles.models import Period, PeriodKind, ruleset_key_for_year
from xeploai.cycles.services import period_create
from xeploai.org.models import OrgUnit
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def yearly(root: OrgUnit, year: int = 2024, **fields: Any) -> Period:
    fields.setdefault("name", f"Kiểm điểm năm {year} — {root.code}")
    return period_create(
        actor=None,
        year=year,
        kind=fields.pop("kind", PeriodKind.YEAR),
        ruleset=ruleset_key_for_year(year),
        scope_root=root,
        evaluation_date=dt.date(year, 12, 10),
        **fields,
    )


@pytest.mark.parametrize(
    ("first", "second"), [("root", "org_a"), ("org_a", "root"), ("org_a", "cell_a1")]
)
def test_a_yearly_period_may_not_overlap_another_of_the_same_year(
    cast: Cast, first: str, second: str
) -> None:
    existing = yearly(getattr(cast, first))
    with pytest.raises(ValidationError) as refused:
        yearly(getattr(cast, second))
    assert f'"{existing.name}"' in " ".join(refused.value.messages)
    assert list(Period.objects.all()) == [existing]


def test_yearly_periods_of_disjoint_scopes_or_other_years_are_allowed(cast: Cast) -> None:
    yearly(cast.org_a)
    yearly(cast.org_b)
    yearly(cast.root, year=2025)
    yearly(cast.org_a, kind=PeriodKind.TERM, name="Nhiệm kỳ")
    assert Period.objects.count() == 4
