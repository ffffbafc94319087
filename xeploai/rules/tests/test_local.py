"""Local rule sets may only tighten (rules.md §0; 366.md §2.1)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from xeploai.rules import (
    BallotRule,
    CommentKind,
    Deadline,
    GapPolicy,
    InvalidFacts,
    InvalidRuleSet,
    Level,
    LocalRuleSet,
    LoosensCentralRule,
    QuotaBase,
    Role,
    Rounding,
    RuleError,
    SubCriterion,
    ceiling,
    eligibility,
    get_ruleset,
    layer,
)

from .conftest import ON_2024, ON_2025, member

R124 = get_ruleset("124-2023")
R366 = get_ruleset("366-2025")


def local(base: str = "124-2023", **changes: Any) -> LocalRuleSet:
    return LocalRuleSet("L-2024", "Đảng ủy Khối", base, **changes)


LOOSE = [
    ("quota-ratio-30pct", {"quota_ratio_pct": 30}, "quota_ratio_pct"),
    ("quota-round-up", {"rounding": Rounding.CEIL}, "rounding"),
    ("ttnv-only-central-back-to-or-above", {}, None),
    ("outstanding-25pct-not-in-124", {"outstanding_ratio_pct": 25}, "outstanding_ratio_pct"),
    ("drop-head-cap", {"cap_head_by_collective": False}, "cap_head_by_collective"),
    ("gap-fallback-htnv", {"gap_policy": GapPolicy.FALLBACK_HTNV}, "gap_policy"),
    (
        "ballot-threshold-40pct",
        {"ballot": BallotRule(threshold=Fraction(2, 5))},
        "ballot.threshold",
    ),
]


@pytest.mark.parametrize(
    ("changes", "setting"), [c[1:] for c in LOOSE if c[2]], ids=[c[0] for c in LOOSE if c[2]]
)
def test_loosening_is_refused_and_named(changes: dict[str, Any], setting: str) -> None:
    with pytest.raises(LoosensCentralRule) as raised:
        layer(R124, local(**changes))
    assert [item.setting for item in raised.value.loosenings] == [setting]
    assert "nới lỏng" in raised.value.message_vi


def test_every_loosening_is_listed() -> None:
    with pytest.raises(LoosensCentralRule) as raised:
        layer(R124, local(quota_ratio_pct=25, small_unit_exception=True, rounding=Rounding.CEIL))
    settings = {item.setting for item in raised.value.loosenings}
    assert settings == {"quota_ratio_pct", "rounding"}  # small-unit is already on in 124


def test_small_unit_exception_cannot_be_added_to_366() -> None:
    with pytest.raises(LoosensCentralRule):
        layer(R366, local("366-2025", small_unit_exception=True))


TIGHT = [
    ("quota-15pct", {"quota_ratio_pct": 15}),
    ("quota-ttnv-only", {"quota_base": QuotaBase.TTNV_ONLY}),
    ("no-small-unit-exception", {"small_unit_exception": False}),
    ("gap-fallback-khtnv", {"gap_policy": GapPolicy.FALLBACK_KHTNV}),
    ("extra-comment", {"extra_required_comments": ("CONG_DOAN",)}),
    ("earlier-absent-deadline", {"absent_deadline": Deadline(12, 17)}),
]


@pytest.mark.parametrize("changes", [t[1] for t in TIGHT], ids=[t[0] for t in TIGHT])
def test_tightening_is_accepted(changes: dict[str, Any]) -> None:
    ruleset = layer(R124, local(**changes))
    assert ruleset.base_key == "124-2023" and ruleset.key == "L-2024"


def test_local_extra_comment_is_required() -> None:
    ruleset = layer(R124, local(extra_required_comments=("CONG_DOAN",)))
    result = eligibility(member(), ruleset, ON_2024)
    assert result.required_comments == (CommentKind.NOI_CU_TRU, "CONG_DOAN")


def test_local_clause_cites_the_local_rule_set() -> None:
    ruleset = layer(R124, local(quota_ratio_pct=15))
    assert ruleset.clause("quota.exceeded").endswith("Đảng ủy Khối (L-2024)")


def test_366_local_sub_criteria_must_add_up_to_30_and_70() -> None:
    good = {
        Role.NON_LEADER: (
            SubCriterion("C1", "CHUNG", 18),
            SubCriterion("C2", "CHUNG", 12),
            SubCriterion("N1", "NHIEM_VU", 70),
        )
    }
    ruleset = layer(R366, local("366-2025", sub_criteria=good))
    subject = member(score_common=28, score_tasks=60, sub_scores={"C1": 17, "C2": 11, "N1": 60})
    assert ceiling(subject, ruleset, ON_2025).level is Level.HTTNV
    bad = {Role.NON_LEADER: (SubCriterion("C1", "CHUNG", 20), SubCriterion("N1", "NHIEM_VU", 70))}
    with pytest.raises(InvalidRuleSet):
        layer(R366, local("366-2025", sub_criteria=bad))
    over = member(score_common=28, score_tasks=60, sub_scores={"C1": 19, "C2": 9, "N1": 60})
    with pytest.raises(InvalidFacts):
        ceiling(over, ruleset, ON_2025)


def test_366_local_may_raise_score_bands_not_lower_them() -> None:
    ruleset = layer(R366, local("366-2025", score_bands={Level.HTXSNV: 92}))
    assert dict(ruleset.score_bands)[Level.HTXSNV] == 92
    with pytest.raises(LoosensCentralRule):
        layer(R366, local("366-2025", score_bands={Level.HTTNV: 65}))


def test_points_cannot_be_layered_on_a_graded_rule_set() -> None:
    with pytest.raises(InvalidRuleSet):
        layer(R124, local(score_bands={Level.HTXSNV: 92}))


def test_wrong_base_is_refused() -> None:
    with pytest.raises(RuleError):
        layer(R366, local("124-2023"))
