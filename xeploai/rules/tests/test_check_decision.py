"""``check_decision``: what the whole-set check finds about one subject — the violations that name
it and the quota violations of its group — from the full facts of that subject and its
children, and only the quota, ordering and eligibility facts of the others."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xeploai.rules import (
    CheckReport,
    Decision,
    ExcellenceGroup,
    Level,
    MemberGrouping,
    MemberStatus,
    QuotaBase,
    RuleSet,
    Subject,
    SubjectKind,
    Violation,
    check_decision,
    check_decisions,
    quota_summaries,
)
from xeploai.rules.check import OTHER_SUBJECT_FACTS
from xeploai.rules.quota import quota_group

from .conftest import ON_2025, decide, member, org
from .test_check import CHECKS, R124, R366, members


def about(
    report: CheckReport, decisions: list[Decision], subject_id: str, ruleset: RuleSet
) -> tuple[Violation, ...]:
    """The part of the whole set's report that concerns ``subject_id``."""
    ids = [d.subject.id for d in decisions]
    target = next(d for d in decisions if d.subject.id == subject_id)
    label = quota_group(target, ruleset).label if ids.count(subject_id) == 1 else None
    return tuple(
        v
        for v in report.violations
        if v.subject == subject_id
        or (label is not None and v.subject is None and v.numbers.get("group") == label)
    )


def light(decision: Decision) -> Decision:
    """The decision with only the facts check_decision reads of the others."""
    facts = {name: getattr(decision.subject, name) for name in OTHER_SUBJECT_FACTS}
    return dataclasses.replace(decision, subject=Subject(**facts))


def assert_same_as_the_whole_check(
    decisions: list[Decision], ruleset: RuleSet, on: dt.date
) -> None:
    whole = check_decisions(decisions, ruleset, on)
    for subject_id in {d.subject.id for d in decisions}:
        one = check_decision(subject_id, decisions, ruleset, on)
        assert one.violations == about(whole, decisions, subject_id, ruleset), subject_id
        assert one.quotas == whole.quotas
        others_light = [
            d if subject_id in (d.subject.id, d.subject.parent_id) else light(d) for d in decisions
        ]
        assert check_decision(subject_id, others_light, ruleset, on) == one, subject_id


@pytest.mark.parametrize(
    ("ruleset", "decisions", "on"),
    [(c[1], c[2], c[3]) for c in CHECKS],
    ids=[c[0] for c in CHECKS],
)
def test_each_subject_gets_what_the_whole_check_says_of_it(
    ruleset: RuleSet, decisions: list[Decision], on: dt.date
) -> None:
    assert_same_as_the_whole_check(decisions, ruleset, on)


def test_a_cell_is_told_it_was_decided_before_its_members() -> None:
    cell = decide(org("cb"), Level.HTTNV, decided_on=dt.date(2025, 12, 1))
    late = decide(member("m1", parent_id="cb"), Level.HTTNV, decided_on=dt.date(2025, 12, 5))
    report = check_decision("cb", [cell, late], R366, ON_2025)
    assert [(v.key, v.subject) for v in report.violations] == [("order.members_before_org", "cb")]


def test_an_excellent_member_over_the_quota_is_told_the_group_is_over() -> None:
    decisions = members(3, 7)  # 3 HTXSNV > 20 % × 10 = 2
    report = check_decision("m0", decisions, R366, ON_2025)
    assert [v.key for v in report.violations] == ["quota.exceeded"]
    other_group = members(1, 4, group=ExcellenceGroup.LANH_DAO_DON_VI, prefix="l")
    report = check_decision("l0", decisions + other_group, R366, ON_2025)
    assert "quota.exceeded" not in [v.key for v in report.violations]


def test_a_subject_decided_twice_is_reported_as_such() -> None:
    decisions = [decide(member("m1"), Level.HTTNV), decide(member("m1"), Level.HTNV)]
    report = check_decision("m1", decisions, R366, ON_2025)
    assert [v.key for v in report.violations] == ["facts.duplicate"]


@st.composite
def pools(draw: st.DrawFn) -> list[Decision]:
    """A deciding body's set: cells, their members (some not rated, not eligible, with bad
    facts, decided on various days), a committee collective and its head."""
    day = st.one_of(st.none(), st.dates(dt.date(2025, 11, 20), dt.date(2025, 12, 31)))
    level = st.one_of(st.none(), st.sampled_from(tuple(Level)), st.just(Level.HTXSNV))
    out = [decide(org("db", SubjectKind.TCCSD), draw(level), "DU", decided_on=draw(day))]
    out.append(
        decide(
            org("cu", SubjectKind.TT_CAP_UY, parent_id="db"),
            draw(level),
            "DU",
            decided_on=draw(day),
        )
    )
    for c in range(draw(st.integers(1, 3))):
        cell = f"cb{c}"
        out.append(
            decide(
                org(
                    cell,
                    parent_id="db",
                    established_on=draw(st.sampled_from((None, dt.date(2025, 9, 1)))),
                ),
                draw(level),
                "DU",
                decided_on=draw(day),
            )
        )
        for m in range(draw(st.integers(0, 8))):
            subject = member(
                f"m{c}{m}",
                parent_id=cell,
                excellence_group=draw(st.sampled_from((None, *ExcellenceGroup))),
                status=draw(st.sampled_from((MemberStatus.ACTIVE,) * 4 + tuple(MemberStatus))),
                admitted_on=draw(st.sampled_from((dt.date(2010, 1, 1), dt.date(2025, 10, 1)))),
                absent=draw(st.booleans()),
                score_common=draw(st.sampled_from((None, 22.0, 28.0, 40.0))),
                score_tasks=draw(st.sampled_from((None, 45.0, 66.0))),
                tasks_done_pct=draw(st.sampled_from((None, 80.0, 100.0))),
                civil_servant=draw(st.booleans()),
                civil_service_level=draw(st.sampled_from((None, *Level))),
                comments_received=draw(st.sampled_from((frozenset(), frozenset({"NOI_CU_TRU"})))),
                degradation=draw(st.booleans()),
                collective_id="cu" if m == 0 and c == 0 else None,
                is_head=m == 0 and c == 0,
            )
            out.append(
                decide(
                    subject,
                    draw(level),
                    "DU",
                    decided_on=draw(day),
                    reviewed=draw(st.booleans()),
                    override_reason=draw(st.sampled_from((None, "BTV"))),
                )
            )
    if draw(st.integers(0, 9)) == 0:  # now and then a subject twice
        out.append(draw(st.sampled_from(out)))
    return out


RULESETS = st.sampled_from(
    (
        R366,
        R124,
        R366.with_settings(member_grouping=MemberGrouping.SINGLE, quota_base=QuotaBase.TTNV_ONLY),
    )
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pools(), RULESETS)
def test_each_subject_of_any_set_gets_what_the_whole_check_says_of_it(
    decisions: list[Decision], ruleset: RuleSet
) -> None:
    assert_same_as_the_whole_check(decisions, ruleset, ON_2025)


def test_the_quota_summaries_are_the_whole_sets() -> None:
    decisions = members(3, 7) + members(1, 4, group=ExcellenceGroup.LANH_DAO_DON_VI, prefix="l")
    report = check_decision("m0", decisions, R366, ON_2025)
    assert report.quotas == quota_summaries(decisions, R366)
