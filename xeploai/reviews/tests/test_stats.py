"""The statistics tables follow every move and always equal a full recount."""

import datetime as dt

import pytest

from xeploai.cycles.models import Period
from xeploai.org.models import Level, OrgUnit
from xeploai.reviews.models import (
    BUCKET_COLUMNS,
    PENDING,
    Evaluation,
    PoolStat,
    SubjectKind,
    UnitStat,
)
from xeploai.reviews.stats import bucket_of, result_set, stats_differences, stats_move
from xeploai.testing import Cast, make_person, open_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(cast: Cast) -> Period:
    make_person(cast.cell_a1)
    make_person(cast.cell_a2, admission_date=dt.date(2026, 10, 1), official_date=None)
    period = open_year(cast.root, 2026)
    return period


def n(period: Period, unit: OrgUnit, block: str, bucket: str) -> int:
    row = UnitStat.objects.filter(period=period, path=unit.path, block=block).first()
    return getattr(row, BUCKET_COLUMNS[bucket]) if row else 0


def test_opening_a_period_counts_every_subject_in_every_ancestor(
    period: Period, cast: Cast
) -> None:
    assert n(period, cast.root, SubjectKind.MEMBER, PENDING) == 3  # member_a1, member_b1, one more
    assert n(period, cast.org_a, SubjectKind.MEMBER, PENDING) == 2
    assert n(period, cast.org_a, SubjectKind.MEMBER, "NR:MOI_KET_NAP_DUOI_6T") == 1
    assert n(period, cast.root, SubjectKind.CELL, PENDING) == 3
    assert stats_differences(period) == []


def test_a_move_shows_in_every_ancestor_at_once(period: Period, cast: Cast) -> None:
    evaluation = Evaluation.objects.select_related("unit", "decider").get(
        period=period, person=cast.member_a1
    )
    evaluation.level = Level.HTXSNV
    evaluation.save()
    stats_move(evaluation, PENDING, Level.HTXSNV)
    for unit in (cast.root, cast.org_a, cast.cell_a1):
        assert n(period, unit, SubjectKind.MEMBER, Level.HTXSNV) == 1
    assert n(period, cast.org_b, SubjectKind.MEMBER, Level.HTXSNV) == 0
    assert n(period, cast.root, SubjectKind.MEMBER, PENDING) == 2
    pool = PoolStat.objects.get(
        period=period, decider=cast.org_a, block=SubjectKind.MEMBER, group=evaluation.group
    )
    assert pool.htxsnv == 1
    assert stats_differences(period) == []


def test_the_recount_catches_a_change_made_behind_the_services_back(
    period: Period, cast: Cast
) -> None:
    Evaluation.objects.filter(period=period, person=cast.member_a1).update(level=Level.HTNV)
    differences = stats_differences(period)
    assert {d["key"][2] for d in differences if d["table"] == "unit"} == {PENDING, Level.HTNV}


def test_buckets() -> None:
    assert bucket_of("HTTNV", "") == "HTTNV"
    assert bucket_of("", "MIEN_SINH_HOAT") == "NR:MIEN_SINH_HOAT"
    assert bucket_of("", "") == PENDING


def test_setting_a_result_moves_the_subject_out_of_its_old_bucket(
    period: Period, cast: Cast
) -> None:
    evaluation = Evaluation.objects.select_related("unit", "decider").get(
        period=period, person=cast.member_a1
    )
    result_set(evaluation, level=Level.HTNV, not_rated_reason="")
    evaluation.save()
    assert n(period, cast.cell_a1, SubjectKind.MEMBER, Level.HTNV) == 1
    assert stats_differences(period) == []
    result_set(
        evaluation, level="", not_rated_reason="VANG_MAT_CHUA_XL"
    )  # to not rated, from a level
    evaluation.save()
    assert (evaluation.level, evaluation.not_rated_reason) == ("", "VANG_MAT_CHUA_XL")
    assert n(period, cast.cell_a1, SubjectKind.MEMBER, Level.HTNV) == 0
    assert n(period, cast.root, SubjectKind.MEMBER, "NR:VANG_MAT_CHUA_XL") == 1
    assert stats_differences(period) == []
