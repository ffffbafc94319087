"""The civil-service scale of each year (rules/civil.py; present.md §4; 366.md §3.8)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from xeploai.rules import Level, civil_rating_problems, civil_scale_for, render
from xeploai.rules.civil import ND90, ND335, SCALES


@pytest.mark.parametrize(
    ("year", "key", "has_points"),
    [
        pytest.param(2019, "ND90-2020", False, id="ND90-2020-before-first-year"),
        pytest.param(2020, "ND90-2020", False, id="ND90-2020-first-year"),
        pytest.param(2025, "ND90-2020", False, id="ND90-2020-last-year"),
        pytest.param(2026, "ND335-2025-first-year", True, id="ND335-2025-from-2026"),
        pytest.param(2031, "ND335-2025", True, id="ND335-2025-later-years"),
    ],
)
def test_civil_scale_per_year(year: int, key: str, has_points: bool) -> None:
    scale = civil_scale_for(year)
    assert key.startswith(scale.key)
    assert scale.has_points is has_points


@pytest.mark.parametrize(
    ("points", "band"),
    [
        pytest.param("100", Level.HTXSNV, id="ND335-2025-band-100"),
        pytest.param("90", Level.HTXSNV, id="ND335-2025-band-90-is-HTXSNV"),
        pytest.param("89.99", Level.HTTNV, id="ND335-2025-band-under-90"),
        pytest.param("70", Level.HTTNV, id="ND335-2025-band-70-is-HTTNV"),
        pytest.param("69.5", Level.HTNV, id="ND335-2025-band-under-70"),
        pytest.param("50", Level.HTNV, id="ND335-2025-band-50-is-HTNV"),
        pytest.param("49.99", Level.KHTNV, id="ND335-2025-band-under-50"),
        pytest.param("0", Level.KHTNV, id="ND335-2025-band-0"),
    ],
)
def test_nd335_bands(points: str, band: Level) -> None:
    assert ND335.band(Decimal(points)) is band


@pytest.mark.parametrize(
    ("year", "level", "points", "key"),
    [
        pytest.param(2026, Level.HTXSNV, "95", None, id="ND335-2025-level-within-band"),
        pytest.param(2026, Level.HTNV, "95", None, id="ND335-2025-lower-level-allowed"),
        pytest.param(2026, Level.HTTNV, None, None, id="ND335-2025-level-without-points"),
        pytest.param(
            2026, Level.HTXSNV, "89", "civil.level_above_points", id="ND335-2025-above-band"
        ),
        pytest.param(2026, Level.HTNV, "101", "civil.points_range", id="ND335-2025-over-100"),
        pytest.param(2026, Level.KHTNV, "-1", "civil.points_range", id="ND335-2025-negative"),
        pytest.param(2025, Level.HTTNV, "80", "civil.no_points", id="ND90-2020-no-points"),
        pytest.param(2025, Level.HTTNV, None, None, id="ND90-2020-level-only"),
    ],
)
def test_civil_rating_problems(
    year: int, level: Level, points: str | None, key: str | None
) -> None:
    found = civil_rating_problems(year, level, Decimal(points) if points is not None else None)
    assert [e.key for e in found] == ([key] if key else [])
    for explanation in found:
        assert explanation.clause == civil_scale_for(year).source
        assert "{" not in explanation.message_vi and "{" not in explanation.message_en


def test_level_above_points_words_the_band() -> None:
    (explanation,) = civil_rating_problems(2026, Level.HTXSNV, Decimal("89.5"))
    assert explanation.message_vi == "89,5 điểm chỉ đạt mức HTTNV: không xếp loại HTXSNV"
    assert render("civil.no_points", {"year": "2024"}, "vi").startswith("Năm 2024 xếp loại")


def test_scales_do_not_overlap_and_leave_no_gap() -> None:
    assert SCALES == (ND90, ND335)
    for before, after in itertools.pairwise(SCALES):
        assert before.last_year is not None and before.last_year + 1 == after.first_year
    assert SCALES[-1].last_year is None
