"""Quarter results read by the year: the local rules on HD 02-HD/BTCTW (2026), off centrally."""

from __future__ import annotations

import datetime as dt

import pytest

from xeploai import rules
from xeploai.rules import Level, Subject, SubjectKind

CENTRAL = rules.get_ruleset("366-2025")
LOCAL = rules.layer(CENTRAL, rules.quarter_local(CENTRAL.key))
ON = dt.date(2026, 12, 15)
X, T, N, K = Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV


def leader(*quarters: Level | None) -> Subject:
    return Subject(
        "m1",
        SubjectKind.DANG_VIEN,
        has_post=True,
        score_common=29,
        score_tasks=66,
        tasks_done_pct=100,
        tasks_exceeded_pct=40,
        tasks_late_pct=0,
        led_unit_tasks_done_pct=100,
        led_unit_exceeded_pct=40,
        led_unit_late_pct=0,
        led_units_khtnv_pct=0,
        low_confidence_pct=0,
        shortcomings_fixed_pct=100,
        quarter_levels=tuple(quarters),
    )


# (id named after the clause, quarters, local rules on, year's ceiling, warning flagged)
TABLE = [
    ("QD366-D15-k1-no-central-formula-one-KHTNV-quarter", (T, K, T, T), False, X, False),
    ("HD02-2026-cap-one-KHTNV-quarter-caps-year-at-HTTNV", (T, K, T, T), True, T, False),
    ("HD02-2026-cap-KHTNV-in-Q4-counts", (X, X, X, K), True, T, False),
    ("HD02-2026-cap-no-KHTNV-quarter-no-cap", (X, T, N, X), True, X, False),
    ("HD02-2026-cap-missing-quarters-are-no-KHTNV", (None, None, None, None), True, X, False),
    ("HD02-2026-flag-two-consecutive-KHTNV-quarters", (T, K, K, T), True, T, True),
    ("HD02-2026-flag-not-for-two-apart", (K, T, K, T), True, T, False),
    ("HD02-2026-flag-a-missing-quarter-breaks-the-run", (K, None, K, T), True, T, False),
    ("QD366-D15-k1-central-no-flag-for-consecutive", (T, K, K, T), False, X, False),
]


@pytest.mark.parametrize(
    ("quarters", "local", "top", "flagged"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_quarter_rules_table(
    quarters: tuple[Level | None, ...], local: bool, top: Level, flagged: bool
) -> None:
    ruleset = LOCAL if local else CENTRAL
    result = rules.ceiling(leader(*quarters), ruleset, ON)
    assert result.level is top
    assert ("flag.quarter_khtnv_twice" in {n.key for n in result.notes}) is flagged
    if top is T and local:
        limit = next(lim for lim in result.limits if lim.explanation.key == "cap.quarter_khtnv")
        assert "HD 02-HD/BTCTW" in limit.explanation.clause
        assert LOCAL.issuer in limit.explanation.clause


def test_the_cap_refuses_a_yearly_HTXSNV_decision_with_its_clause() -> None:
    decision = rules.Decision(leader(T, K, T, T), X, "g1")
    local = list(rules.check_decisions([decision], LOCAL, ON).violations)
    assert [v.severity for v in local if v.key == "cap.quarter_khtnv"] == [rules.Severity.ERROR]
    central = rules.check_decisions([decision], CENTRAL, ON).violations
    assert "cap.quarter_khtnv" not in {v.key for v in central}


def test_the_quarter_rules_are_off_in_every_central_rule_set() -> None:
    for ruleset in rules.available():
        assert not ruleset.settings.quarter_khtnv_caps_year
        assert not ruleset.settings.quarter_khtnv_twice_flags


def test_a_local_rule_set_cannot_turn_the_quarter_rules_off_below_one_that_has_them() -> None:
    off = rules.LocalRuleSet("X", "X", LOCAL.key, quarter_khtnv_caps_year=False)
    with pytest.raises(rules.LoosensCentralRule):
        rules.layer(LOCAL, off)


def test_collectives_are_not_capped_by_quarters() -> None:
    cell = Subject("c1", SubjectKind.CHI_BO, quarter_levels=(K, K, K, K))
    assert rules.quarter_findings(cell.quarter_levels, LOCAL)  # the findings exist …
    assert all(
        lim.explanation.key != "cap.quarter_khtnv"
        for lim in rules.ceiling(cell, LOCAL, ON).limits  # … but a collective is not capped
    )


def test_QD213_D3_k4_no_residence_comment_for_a_quarter() -> None:
    member = Subject("m1", SubjectKind.DANG_VIEN)
    assert rules.required_comments(member, CENTRAL) == ("NOI_CU_TRU",)
    quarterly = Subject("m1", SubjectKind.DANG_VIEN, quarterly=True, temporary_activity=True)
    assert rules.required_comments(quarterly, CENTRAL) == ()
