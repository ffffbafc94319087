"""civil_rating_set: the agency's rating of a civil-servant member, checked and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from xeploai.audit.models import AuditEvent
from xeploai.org.models import CivilServiceRating, Person
from xeploai.org.services import civil_rating_set
from xeploai.testing import Cast, make_person


@pytest.fixture
def servant(cast: Cast) -> Person:
    return make_person(cast.cell_a1, full_name="Đỗ Thị Công", is_civil_servant=True)


def test_set_then_correct_is_audited_with_before_and_after(cast: Cast, servant: Person) -> None:
    rating = civil_rating_set(
        actor=cast.clerk,
        person=servant,
        year=2026,
        level="HTTNV",
        points=Decimal("85.5"),
        agency="  Sở  Tài chính ",
        rated_on=dt.date(2026, 11, 20),
    )
    assert (rating.level, rating.points, rating.agency) == (
        "HTTNV",
        Decimal("85.5"),
        "Sở Tài chính",
    )
    again = civil_rating_set(
        actor=cast.clerk, person=servant, year=2026, level="HTXSNV", points=Decimal(92)
    )
    assert again.pk == rating.pk and CivilServiceRating.objects.filter(person=servant).count() == 1
    events = list(AuditEvent.objects.filter(action="civil_rating_set").order_by("pk"))
    assert [e.before for e in events] == [
        None,
        {
            "year": 2026,
            "level": "HTTNV",
            "points": "85.50",
            "agency": "Sở Tài chính",
            "rated_on": "2026-11-20",
        },
    ]
    assert events[1].after is not None and events[1].after["level"] == "HTXSNV"
    assert events[1].actor_id == cast.clerk.pk and events[1].unit_path == cast.cell_a1.path


@pytest.mark.parametrize(
    ("year", "level", "points", "field", "words"),
    [
        pytest.param(2026, "HTXSNV", "89", "points", "89 điểm chỉ đạt mức HTTNV", id="above-band"),
        pytest.param(2026, "HTNV", "120", "points", "ngoài thang 0–100", id="over-100"),
        pytest.param(2025, "HTTNV", "80", "points", "không chấm điểm", id="points-before-2026"),
        pytest.param(2026, "GIOI", None, "level", "", id="unknown-level"),
    ],
)
def test_bad_rating_is_refused_naming_the_field(
    cast: Cast, servant: Person, year: int, level: str, points: str | None, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        civil_rating_set(
            actor=cast.clerk,
            person=servant,
            year=year,
            level=level,
            points=Decimal(points) if points else None,
        )
    assert field in caught.value.message_dict
    assert words in " ".join(caught.value.message_dict[field])
    if field == "points":
        assert "NĐ" in caught.value.message_dict[field][0]  # the decree is cited
    assert not CivilServiceRating.objects.exists()
    assert not AuditEvent.objects.filter(action="civil_rating_set").exists()


def test_date_outside_the_year_is_refused(cast: Cast, servant: Person) -> None:
    with pytest.raises(ValidationError) as caught:
        civil_rating_set(
            actor=cast.clerk, person=servant, year=2026, level="HTNV", rated_on=dt.date(2025, 6, 1)
        )
    assert "không thuộc năm 2026" in caught.value.message_dict["rated_on"][0]


def test_member_not_a_civil_servant_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        civil_rating_set(actor=cast.clerk, person=cast.member_a1, year=2026, level="HTNV")
    assert (
        "không được ghi là cán bộ, công chức, viên chức" in caught.value.message_dict["person"][0]
    )
