"""The demo shows the civil-service workflow (issue 15 §3): some civil servants already rated for
the open year, on Nghị định 335/2025's points, some not; last year's ratings without points;
submitted reviews of civil servants declare a civil-service level."""

from __future__ import annotations

import pytest

from xeploai import rules
from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import CivilServiceRating
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.seed.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_some_civil_servants_are_rated_on_the_years_scale_and_some_not() -> None:
    seed_demo(seed=7, members=600, log=lambda _: None)
    current = Period.objects.get(status=PeriodStatus.OPEN, kind="nam")
    servants = Evaluation.objects.filter(
        period=current, kind=SubjectKind.MEMBER, person__is_civil_servant=True
    )
    rated = set(
        CivilServiceRating.objects.filter(year=current.year).values_list("person_id", flat=True)
    )
    people = set(servants.values_list("person_id", flat=True))
    assert people & rated and people - rated  # the workflow has work left to show
    for rating in CivilServiceRating.objects.all():
        assert (rating.points is not None) == rules.civil_scale_for(rating.year).has_points
        level = rules.Level[rating.level]
        assert rules.civil_rating_problems(rating.year, level, rating.points) == ()
    declared = [e.content.get("civil_level") for e in servants if e.content]
    assert any(declared)
    plain = Evaluation.objects.filter(
        period=current, kind=SubjectKind.MEMBER, person__is_civil_servant=False
    )
    assert not any(e.content.get("civil_level") for e in plain if e.content)
