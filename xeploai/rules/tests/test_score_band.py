"""The band a 366 score falls in (366.md §3.2): the self-review's live hint. One row per clause."""

from __future__ import annotations

import pytest

from xeploai.rules import Level, LocalRuleSet, get_ruleset, layer, score_band

R124 = get_ruleset("124-2023")
R366 = get_ruleset("366-2025")

# (id named after the clause, common, tasks, declared, band, rule key, warned)
BANDS = [
    ("QD366-D11-k1-90-points-htxsnv", 28, 62, Level.HTTNV, Level.HTXSNV, "score.band", False),
    ("QD366-D11-k1-exactly-90", 30, 60, Level.HTXSNV, Level.HTXSNV, "score.band", False),
    ("QD366-D11-k2-89.5-points-httnv", 29.5, 60, Level.HTXSNV, Level.HTTNV, "score.band", True),
    ("QD366-D11-k2-70-points", 20, 50, Level.HTTNV, Level.HTTNV, "score.band", False),
    ("QD366-D11-k3-69-points-htnv", 20, 49, Level.HTTNV, Level.HTNV, "score.band", True),
    ("QD366-D11-k3-50-points", 10, 40, None, Level.HTNV, "score.band", False),
    ("QD366-D11-k4-49-points", 10, 39, Level.HTNV, Level.KHTNV, "khtnv.score_below_50", True),
    ("QD366-D11-k4-zero", 0, 0, Level.KHTNV, Level.KHTNV, "khtnv.score_below_50", False),
]


@pytest.mark.parametrize(
    ("common", "tasks", "declared", "level", "key", "warned"),
    [pytest.param(*row[1:], id=row[0]) for row in BANDS],
)
def test_score_band_table(
    common: float,
    tasks: float,
    declared: Level | None,
    level: Level,
    key: str,
    warned: bool,
) -> None:
    band = score_band(R366, common, tasks)
    assert band is not None
    assert band.score == common + tasks
    assert band.level is level
    assert band.explanation.key == key
    assert band.explanation.clause == R366.clause(key)
    assert band.explanation.clause.startswith("QĐ 366 Đ.11 k.")
    warning = band.above(declared)
    assert (warning is not None) is warned
    if warning is not None:
        assert warning.severity.value == "WARNING"
        assert str(common + tasks).rstrip("0").rstrip(".").replace(".", ",") in warning.message_vi


def test_score_band_needs_both_scores_in_range_and_a_scored_rule_set() -> None:
    assert score_band(R366, None, 60) is None
    assert score_band(R366, 28, None) is None
    assert score_band(R366, 31, 60) is None  # the common criteria are out of 30
    assert score_band(R366, 20, 71) is None  # the tasks out of 70
    assert score_band(R366, -1, 60) is None
    assert score_band(R124, 28, 62) is None  # 124 grades criteria, it has no points


def test_score_band_follows_the_rule_sets_floors_not_fixed_numbers() -> None:
    """A local rule set that raises the floors (366.md §2.7) moves the band with them."""
    raised = layer(
        R366,
        LocalRuleSet(
            "T-2025", "Tỉnh ủy T", "366-2025", score_bands={Level.HTXSNV: 95, Level.HTTNV: 80}
        ),
    )
    band = score_band(raised, 28, 62)
    assert band is not None and band.level is Level.HTTNV
    assert band.explanation.numbers["floor"] == 80
