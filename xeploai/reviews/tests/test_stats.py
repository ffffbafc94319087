"""The statistics tables follow every move and always equal a full recount."""

import datetime as dt
from typing import Any

import pytest

from xeploai.cycles.models import Period
from xeploai.org.models import SEGMENT, Level, OrgUnit
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


def _member_evaluation(period: Period, cast: Cast) -> Evaluation:
    return Evaluation.objects.select_related("unit", "decider").get(
        period=period, person=cast.member_a1
    )


def test_a_move_with_every_row_in_place_is_two_updates(
    period: Period, cast: Cast, django_assert_num_queries: Any
) -> None:
    evaluation = _member_evaluation(period, cast)
    rows = UnitStat.objects.count()
    with django_assert_num_queries(2):  # the ancestors' rows, the pool's row: no read, no insert
        result_set(evaluation, level=Level.HTTNV, not_rated_reason="")
    evaluation.save()
    assert UnitStat.objects.count() == rows
    assert stats_differences(period) == []


@pytest.mark.parametrize("gone", [("cell_a1",), ("org_a",), ("root", "org_a", "cell_a1")])
def test_a_move_makes_the_ancestors_rows_that_are_missing(
    period: Period, cast: Cast, gone: tuple[str, ...]
) -> None:
    """A unit's row missing (made after the opening, say): made, and moved once — the rows
    found moved once too, not again."""
    evaluation = _member_evaluation(period, cast)
    ancestors = (cast.root, cast.org_a, cast.cell_a1)
    before = {u.path: n(period, u, SubjectKind.MEMBER, PENDING) for u in ancestors}
    paths = [getattr(cast, name).path for name in gone]
    UnitStat.objects.filter(period=period, path__in=paths, block=SubjectKind.MEMBER).delete()
    result_set(evaluation, level=Level.HTXSNV, not_rated_reason="")
    evaluation.save()
    for unit in ancestors:
        row = UnitStat.objects.get(period=period, path=unit.path, block=SubjectKind.MEMBER)
        assert row.htxsnv == 1
        assert row.unit_id == unit.pk and row.depth == len(unit.path) // SEGMENT - 1
        # a row made now starts from nothing (its other subjects are a recount's to find)
        assert row.pending == (-1 if unit.path in paths else before[unit.path] - 1)
    assert n(period, cast.org_b, SubjectKind.MEMBER, Level.HTXSNV) == 0


def test_a_move_makes_the_pool_row_when_missing(period: Period, cast: Cast) -> None:
    evaluation = _member_evaluation(period, cast)
    PoolStat.objects.filter(period=period, decider=cast.org_a).delete()
    result_set(evaluation, level=Level.HTXSNV, not_rated_reason="")
    evaluation.save()
    pool = PoolStat.objects.get(
        period=period, decider=cast.org_a, block=SubjectKind.MEMBER, group=evaluation.group
    )
    assert (pool.htxsnv, pool.pending, pool.decider_path) == (1, -1, cast.org_a.path)
    result_set(evaluation, level=Level.HTNV, not_rated_reason="")
    evaluation.save()
    pool.refresh_from_db()
    assert (pool.htxsnv, pool.htnv, pool.pending) == (0, 1, -1)


def test_moves_with_every_row_in_place_equal_a_recount(period: Period, cast: Cast) -> None:
    evaluation = _member_evaluation(period, cast)
    for level, reason in (
        (Level.HTXSNV, ""),
        ("", "VANG_MAT_CHUA_XL"),
        (Level.KHTNV, ""),
        ("", ""),
        (Level.HTTNV, ""),
    ):
        result_set(evaluation, level=level, not_rated_reason=reason)
        evaluation.save()
        assert stats_differences(period) == []
