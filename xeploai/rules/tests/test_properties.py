"""Hypothesis properties: quotas hold on every passing set; results do not depend on input
order; a local rule set can only tighten."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction
from math import ceil, floor
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xeploai.rules import (
    CivilServiceLink,
    Decision,
    ExcellenceGroup,
    GapPolicy,
    Level,
    LocalRuleSet,
    LoosensCentralRule,
    MemberGrouping,
    QuotaBase,
    Rounding,
    Subject,
    SubjectKind,
    check_decisions,
    get_ruleset,
    layer,
)
from xeploai.rules.rulesets.base import Settings as RuleSettings

ON = dt.date(2025, 12, 15)
R366 = get_ruleset("366-2025")
R124 = get_ruleset("124-2023")


@st.composite
def member_decision(draw: st.DrawFn, index: int) -> Decision:
    subject = Subject(
        f"m{index:03d}",
        SubjectKind.DANG_VIEN,
        parent_id="cb",
        admitted_on=dt.date(2010, 1, 1),
        comments_received=frozenset({"NOI_CU_TRU"}),
        excellence_group=draw(st.sampled_from(tuple(ExcellenceGroup))),
        score_common=draw(st.sampled_from((15.0, 22.0, 26.0, 29.0))),
        score_tasks=draw(st.sampled_from((30.0, 45.0, 60.0, 66.0))),
        tasks_done_pct=draw(st.sampled_from((40.0, 80.0, 100.0, 100.0))),
        tasks_late_pct=draw(st.sampled_from((0.0, 0.0, 30.0))),
        tasks_exceeded_pct=draw(st.sampled_from((10.0, 50.0))),
        civil_servant=True,
        civil_service_level=draw(st.sampled_from(tuple(Level))),
        is_head=index == 0,
        collective_id="cu" if index == 0 else None,
    )
    level = draw(st.sampled_from((Level.HTXSNV, Level.HTTNV, Level.HTTNV, Level.HTNV, Level.KHTNV)))
    body = draw(st.sampled_from(("DU1", "DU2")))
    return Decision(subject, level, body, override_reason=draw(st.sampled_from((None, "BTV"))))


@st.composite
def decision_sets(draw: st.DrawFn) -> list[Decision]:
    n = draw(st.integers(min_value=1, max_value=30))
    out = [draw(member_decision(i)) for i in range(n)]
    committee = Subject("cu", SubjectKind.TT_CAP_UY, parent_id="cb")
    out.append(Decision(committee, draw(st.sampled_from(tuple(Level))), "DU1"))
    return out


SETTINGS = st.fixed_dictionaries(
    {
        "quota_base": st.sampled_from(tuple(QuotaBase)),
        "rounding": st.sampled_from(tuple(Rounding)),
        "small_unit_exception": st.booleans(),
        "member_grouping": st.sampled_from(tuple(MemberGrouping)),
    }
)


def independent_allowed(n_xs: int, n_tt: int, rated: int, s: RuleSettings) -> int:
    base = n_xs + n_tt if s.quota_base is QuotaBase.TTNV_OR_ABOVE else n_tt
    exact = Fraction(s.quota_ratio_pct, 100) * base
    allowed = {
        Rounding.FLOOR: floor(exact),
        Rounding.CEIL: ceil(exact),
        Rounding.HALF_UP: floor(exact + Fraction(1, 2)),
    }[s.rounding]
    if s.small_unit_exception and allowed < 1 and rated < 5 and n_xs + n_tt == rated:
        allowed = 1
    return allowed


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(decision_sets(), SETTINGS)
def test_a_set_that_passes_never_exceeds_its_quota(
    decisions: list[Decision], chosen: dict[str, Any]
) -> None:
    ruleset = R366.with_settings(**chosen)
    report = check_decisions(decisions, ruleset, ON)
    if any(v.key == "quota.exceeded" for v in report.violations):
        return
    groups: dict[tuple[str, str, str], list[Level]] = {}
    for d in decisions:
        if d.level is None or d.subject.kind is not SubjectKind.DANG_VIEN:
            continue
        group = "TAT_CA"
        if chosen["member_grouping"] is MemberGrouping.THREE_GROUPS:
            assert d.subject.excellence_group is not None
            group = d.subject.excellence_group.value
        groups.setdefault((d.deciding_body, "DANG_VIEN", group), []).append(d.level)
    for levels in groups.values():
        n_xs = levels.count(Level.HTXSNV)
        n_tt = levels.count(Level.HTTNV)
        assert n_xs <= independent_allowed(n_xs, n_tt, len(levels), ruleset.settings)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(decision_sets(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    decisions: list[Decision], rng: random.Random
) -> None:
    shuffled = list(decisions)
    rng.shuffle(shuffled)
    for ruleset in (R366, R124):
        first = check_decisions(decisions, ruleset, ON)
        second = check_decisions(shuffled, ruleset, ON)
        assert first.violations == second.violations
        assert first.quotas == second.quotas


LOCAL = st.builds(
    LocalRuleSet,
    key=st.just("L"),
    issuer=st.just("Tỉnh ủy"),
    base_key=st.just("366-2025"),
    quota_ratio_pct=st.one_of(st.none(), st.integers(min_value=5, max_value=35)),
    quota_base=st.one_of(st.none(), st.sampled_from(tuple(QuotaBase))),
    rounding=st.one_of(st.none(), st.sampled_from(tuple(Rounding))),
    small_unit_exception=st.one_of(st.none(), st.booleans()),
    member_grouping=st.one_of(st.none(), st.sampled_from(tuple(MemberGrouping))),
    gap_policy=st.one_of(st.none(), st.sampled_from(tuple(GapPolicy))),
    cap_head_by_collective=st.one_of(st.none(), st.booleans()),
    cap_committee_by_organization=st.one_of(st.none(), st.booleans()),
    civil_service_link=st.one_of(st.none(), st.sampled_from(tuple(CivilServiceLink))),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(LOCAL, decision_sets())
def test_a_local_rule_set_can_only_tighten(local: LocalRuleSet, decisions: list[Decision]) -> None:
    try:
        ruleset = layer(R366, local)
    except LoosensCentralRule as refused:
        assert refused.loosenings
        return
    if check_decisions(decisions, ruleset, ON).ok:
        assert check_decisions(decisions, R366, ON).ok
