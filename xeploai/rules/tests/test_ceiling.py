"""Ceilings: rules.md §4.2–§4.5, §4.8; 366.md §3. One row per clause."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xeploai.rules import (
    CeilingStatus,
    Discipline,
    DisciplineForm,
    DisciplineTarget,
    GapPolicy,
    Grade,
    InvalidFacts,
    Level,
    Related,
    RuleSet,
    Subject,
    SubjectKind,
    ceiling,
    get_ruleset,
)

from .conftest import ON_2020, ON_2024, ON_2025, member, org

R132 = get_ruleset("132-2018")
R124 = get_ruleset("124-2023")
R366 = get_ruleset("366-2025")

XS, TOT, TB, KEM = Grade.XS, Grade.TOT, Grade.TB, Grade.KEM
G_ALL_XS = {"PHAM_CHAT": XS, "NHIEM_VU": XS, "KHAC_PHUC": XS}
DETERMINED, NEEDS = CeilingStatus.DETERMINED, CeilingStatus.NEEDS_DECISION


def grades(pham: Grade, nhiem: Grade, khac: Grade = TOT) -> dict[str, Grade]:
    return {"PHAM_CHAT": pham, "NHIEM_VU": nhiem, "KHAC_PHUC": khac}


def disc(
    form: DisciplineForm = DisciplineForm.KHIEN_TRACH,
    on: dt.date = dt.date(2024, 5, 1),
    **more: Any,
) -> Discipline:
    return Discipline(form, on, **more)


def d366(form: DisciplineForm = DisciplineForm.KHIEN_TRACH, **more: Any) -> Discipline:
    return Discipline(form, dt.date(2025, 5, 1), **more)


GOOD_366 = {
    "score_common": 28,
    "score_tasks": 65,
    "tasks_done_pct": 100,
    "tasks_late_pct": 0,
    "tasks_exceeded_pct": 40,
    "shortcomings_fixed_pct": 100,
}


def m366(**facts: Any) -> Subject:
    return member(**{**GOOD_366, **facts})


CASES = [
    # ---- 124 grade rules (Đ.12 k.1–3) ----
    (
        "QD124-D12-k1-all-tot-tasks-xs-individual-100-50",
        R124,
        member(grades=grades(TOT, XS), tasks_done_pct=100, tasks_exceeded_pct=50),
        ON_2024,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD124-D12-k1-tasks-tot-gives-httnv",
        R124,
        member(grades=grades(XS, TOT)),
        ON_2024,
        Level.HTTNV,
        DETERMINED,
        "grade.rule",
    ),
    (
        "QD124-D12-k2-tb-criterion-tasks-tot-httnv",
        R124,
        member(grades=grades(TB, TOT)),
        ON_2024,
        Level.HTTNV,
        DETERMINED,
        "grade.rule",
    ),
    (
        "QD124-D12-k3-tasks-tb-htnv",
        R124,
        member(grades=grades(TOT, TB)),
        ON_2024,
        Level.HTNV,
        DETERMINED,
        "grade.rule",
    ),
    (
        "QD124-D12-k4-K8-kem-criterion",
        R124,
        member(grades=grades(KEM, XS)),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.grade_kem",
    ),
    (
        "QD124-D12-k1-exceeded-below-50-caps-httnv",
        R124,
        member(grades=grades(TOT, XS), tasks_done_pct=100, tasks_exceeded_pct=40),
        ON_2024,
        Level.HTTNV,
        DETERMINED,
        "cond.tasks_exceeded",
    ),
    (
        "QD124-D12-k1-summary-grades",
        R124,
        member(grade_all_min=TOT, grade_task_min=TOT),
        ON_2024,
        Level.HTTNV,
        DETERMINED,
        "grade.rule",
    ),
    (
        "QD124-D12-k1-collective-no-discipline-for-htxsnv",
        R124,
        org(
            grades={
                "NGUYEN_TAC": XS,
                "KET_QUA": XS,
                "XAY_DUNG_DANG": XS,
                "TRACH_NHIEM_LD": XS,
                "KHAC_PHUC": XS,
            },
            disciplines=(
                disc(target=DisciplineTarget.LEADERSHIP_MEMBER, self_detected_remedied=True),
            ),
        ),
        ON_2024,
        Level.HTTNV,
        DETERMINED,
        "cond.no_discipline",
    ),
    # ---- 124 forcing cases (Đ.12 k.4) ----
    (
        "QD124-D12-k4-K6-discipline-in-year",
        R124,
        member(disciplines=(disc(),)),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.discipline",
    ),
    (
        "QD124-D12-k4-K6-self-detected-remedied-exempt",
        R124,
        member(disciplines=(disc(self_detected_remedied=True),)),
        ON_2024,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD124-D12-k4-K6-discipline-previous-year-not-counted",
        R124,
        member(disciplines=(disc(on=dt.date(2023, 11, 1)),)),
        ON_2024,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD124-D12-k4-K7-degradation",
        R124,
        member(degradation=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.degradation",
    ),
    (
        "QD124-D12-k4-K7-19-prohibitions",
        R124,
        member(violated_prohibitions=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.prohibitions",
    ),
    (
        "QD124-D12-k4-K7-example-duty",
        R124,
        member(violated_example_duty=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.example_duty",
    ),
    (
        "QD124-D12-k4-K2-collective-under-50-main-missed",
        R124,
        org(tasks_done_pct=45, main_targets_missed=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.collective_targets",
    ),
    (
        "QD124-D12-k4-K2-force-majeure-excepted",
        R124,
        org(tasks_done_pct=45, main_targets_missed=True, force_majeure=True),
        ON_2024,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD124-D12-k4-K5-leader-unit-under-50",
        R124,
        member(has_post=True, led_unit_tasks_done_pct=40, main_targets_missed=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.leader_unit_targets",
    ),
    (
        "QD124-D12-k4-K1-subordinate-case",
        R124,
        org(disciplines=(disc(target=DisciplineTarget.SUBORDINATE_UNIT),)),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.subordinate_case",
    ),
    (
        "QD124-D12-k4-K1-subordinate-self-remedied",
        R124,
        org(
            disciplines=(
                disc(target=DisciplineTarget.SUBORDINATE_UNIT, self_detected_remedied=True),
            )
        ),
        ON_2024,
        Level.HTTNV,
        DETERMINED,
        "cond.no_discipline",
    ),
    (
        "QD124-D12-k4-K3-collective-disciplined",
        R124,
        org(disciplines=(disc(self_detected_remedied=True),)),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.collective_disciplined",
    ),
    (
        "QD124-D12-k4-K3-over-20pct-units-disciplined",
        R124,
        org(subordinate_units_total=10, subordinate_units_disciplined=3),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.subordinates_disciplined_share",
    ),
    (
        "QD124-D12-k4-K3-exactly-20pct-is-not-over",
        R124,
        org(subordinate_units_total=10, subordinate_units_disciplined=2),
        ON_2024,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD124-D12-k4-K4-disunity",
        R124,
        org(disunity=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.disunity",
    ),
    (
        "QD124-D12-k4-K4-degraded-member",
        R124,
        org(degraded_member=True),
        ON_2024,
        Level.KHTNV,
        DETERMINED,
        "khtnv.degraded_member",
    ),
    (
        "HD25-4-violation-at-old-unit-counts-there",
        R124,
        org(
            unit_id="cb",
            disciplines=(disc(target=DisciplineTarget.LEADERSHIP_MEMBER, violation_unit="old"),),
        ),
        ON_2024,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    # ---- 132 / 21-HD ----
    (
        "HD21-2.3-htxsnv-needs-civil-servant-htxsnv",
        R132,
        member(grades=grades(TOT, XS), civil_servant=True, civil_service_level=Level.HTTNV),
        ON_2020,
        Level.HTTNV,
        DETERMINED,
        "cap.civil_service",
    ),
    (
        "HD21-KHTNV-c-civil-servant-khtnv",
        R132,
        member(civil_servant=True, civil_service_level=Level.KHTNV),
        ON_2020,
        Level.KHTNV,
        DETERMINED,
        "cap.civil_service",
    ),
    (
        "HD21-KHTNV-b-under-50pct-targets",
        R132,
        member(tasks_done_pct=40),
        ON_2020,
        Level.KHTNV,
        DETERMINED,
        "khtnv.targets_below_50",
    ),
    (
        "HD21-KHTNV-d-discipline-no-self-remedy-exception",
        R132,
        member(disciplines=(disc(on=dt.date(2020, 3, 1), self_detected_remedied=True),)),
        ON_2020,
        Level.KHTNV,
        DETERMINED,
        "khtnv.discipline",
    ),
    (
        "HD21-KHTNV-d-one-violation-counts-once",
        R132,
        member(disciplines=(disc(on=dt.date(2020, 1, 5), counted_in_year=2019),)),
        ON_2020,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "HD21-collective-member-reprimand-below-warning",
        R132,
        org(disciplines=(disc(on=dt.date(2020, 3, 1), target=DisciplineTarget.LEADERSHIP_MEMBER),)),
        ON_2020,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "HD21-collective-member-warning-forces-khtnv",
        R132,
        org(
            disciplines=(
                disc(
                    DisciplineForm.CANH_CAO,
                    on=dt.date(2020, 3, 1),
                    target=DisciplineTarget.LEADERSHIP_MEMBER,
                ),
            )
        ),
        ON_2020,
        Level.KHTNV,
        DETERMINED,
        "khtnv.leadership_member_disciplined",
    ),
    (
        "QD132-D12-k4-kem-criterion",
        R132,
        member(grades=grades(TOT, KEM)),
        ON_2020,
        Level.KHTNV,
        DETERMINED,
        "khtnv.grade_kem",
    ),
    # ---- 366 bands and cascade (Đ.11 k.1–3) ----
    (
        "QD366-D11-k1-93-points-all-conditions",
        R366,
        m366(),
        ON_2025,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD366-D11-k1-exceeded-under-30-cascades-to-httnv",
        R366,
        m366(tasks_exceeded_pct=20),
        ON_2025,
        Level.HTTNV,
        DETERMINED,
        "cond.tasks_exceeded",
    ),
    (
        "QD366-D11-k1.4-shortcomings-not-all-fixed",
        R366,
        m366(shortcomings_fixed_pct=80),
        ON_2025,
        Level.HTTNV,
        DETERMINED,
        "cond.shortcomings_fixed",
    ),
    (
        "QD366-D11-k1.4-no-shortcomings-recorded-is-vacuous",
        R366,
        m366(shortcomings_fixed_pct=None),
        ON_2025,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD366-D11-k2-late-tasks-cascade-to-htnv",
        R366,
        m366(tasks_late_pct=10),
        ON_2025,
        Level.HTNV,
        DETERMINED,
        "cond.tasks_on_time",
    ),
    (
        "QD366-D11-k2-75-points",
        R366,
        m366(score_common=25, score_tasks=50),
        ON_2025,
        Level.HTTNV,
        DETERMINED,
        "score.band",
    ),
    (
        "QD366-D11-k3-55-points",
        R366,
        m366(score_common=20, score_tasks=35),
        ON_2025,
        Level.HTNV,
        DETERMINED,
        "score.band",
    ),
    (
        "QD366-D11-k4-below-50-points",
        R366,
        m366(score_common=15, score_tasks=30),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.score_below_50",
    ),
    (
        "QD366-D11-gap-65-points-80pct-done",
        R366,
        m366(score_common=25, score_tasks=40, tasks_done_pct=80),
        ON_2025,
        Level.HTNV,
        NEEDS,
        "gap.needs_decision",
    ),
    (
        "QD366-D11-gap-late-over-20pct",
        R366,
        m366(tasks_late_pct=30),
        ON_2025,
        Level.HTNV,
        NEEDS,
        "gap.needs_decision",
    ),
    (
        "QD366-D11-k4.3-over-50pct-not-done",
        R366,
        m366(tasks_done_pct=40),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.tasks_not_done_over_50",
    ),
    # ---- 366 forcing cases (Đ.11 k.4) ----
    (
        "QD366-D11-k4.3-duty-discipline",
        R366,
        m366(disciplines=(d366(),)),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.discipline",
    ),
    (
        "QD366-D11-k4.3-discipline-not-duty-is-a-review-flag",
        R366,
        m366(disciplines=(d366(related_to_duty=False),)),
        ON_2025,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD366-D11-k4-self-remedied-goes-to-competent-level",
        R366,
        m366(disciplines=(d366(self_detected_remedied=True),)),
        ON_2025,
        Level.HTXSNV,
        NEEDS,
        "khtnv.mitigation",
    ),
    (
        "QD366-D11-k4.3-prohibitions",
        R366,
        m366(violated_prohibitions=True),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.prohibitions",
    ),
    (
        "QD366-D11-k4.2-low-confidence-over-50",
        R366,
        m366(has_post=True, low_confidence_pct=51),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.low_confidence",
    ),
    (
        "QD366-D11-k4.2-low-confidence-exactly-50",
        R366,
        m366(
            has_post=True,
            low_confidence_pct=50,
            led_unit_tasks_done_pct=100,
            led_unit_late_pct=0,
            led_unit_exceeded_pct=30,
        ),
        ON_2025,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "QD366-D11-k4.2-led-units-khtnv-over-50",
        R366,
        m366(has_post=True, led_units_khtnv_pct=60),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.led_units_khtnv",
    ),
    (
        "QD366-D11-k4.2-led-unit-under-70",
        R366,
        m366(has_post=True, led_unit_tasks_done_pct=65),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.leader_unit_below_70",
    ),
    (
        "QD366-D11-k1.2-led-unit-exceeded-under-30",
        R366,
        m366(
            has_post=True,
            led_unit_tasks_done_pct=100,
            led_unit_late_pct=0,
            led_unit_exceeded_pct=10,
        ),
        ON_2025,
        Level.HTTNV,
        DETERMINED,
        "cond.led_unit_exceeded",
    ),
    (
        "QD366-D11-k4.2-corruption-disciplined",
        R366,
        m366(has_post=True, corruption_disciplined=True),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.corruption_disciplined",
    ),
    (
        "QD366-D11-k4.1-collective-under-70",
        R366,
        org(score_common=25, score_tasks=45, tasks_done_pct=60),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.collective_tasks_below_70",
    ),
    (
        "QD366-D11-k4.1-collective-under-70-force-majeure",
        R366,
        org(score_common=25, score_tasks=45, tasks_done_pct=60, force_majeure=True),
        ON_2025,
        Level.HTNV,
        NEEDS,
        "khtnv.mitigation",
    ),
    (
        "QD366-D11-k4.1-basic-targets-missed",
        R366,
        org(basic_targets_missed=True),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.basic_targets_missed",
    ),
    (
        "QD366-D11-k4.1-leadership-member-duty-discipline",
        R366,
        org(disciplines=(d366(target=DisciplineTarget.LEADERSHIP_MEMBER),)),
        ON_2025,
        Level.KHTNV,
        DETERMINED,
        "khtnv.leadership_member_disciplined",
    ),
    (
        "QD366-D11-k4.1-unrelated-to-remit-excepted",
        R366,
        org(disciplines=(d366(target=DisciplineTarget.LEADERSHIP_MEMBER, related_to_remit=False),)),
        ON_2025,
        Level.HTTNV,
        DETERMINED,
        "cond.no_discipline",
    ),
    (
        "QD366-D11-k1.1-subordinate-discipline-blocks-htxsnv",
        R366,
        org(disciplines=(d366(target=DisciplineTarget.SUBORDINATE_UNIT),)),
        ON_2025,
        Level.HTTNV,
        DETERMINED,
        "cond.no_discipline",
    ),
    (
        "QD366-D3-k4-civil-servant-rating-is-a-basis",
        R366,
        m366(civil_servant=True, civil_service_level=Level.HTNV),
        ON_2025,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
    (
        "HD43-7.5-sick-or-maternity-no-cap",
        R366,
        m366(sick_or_maternity=True),
        ON_2025,
        Level.HTXSNV,
        DETERMINED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("ruleset", "subject", "on", "level", "status", "key"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_ceiling_table(
    ruleset: RuleSet,
    subject: Subject,
    on: dt.date,
    level: Level | None,
    status: CeilingStatus,
    key: str | None,
) -> None:
    result = ceiling(subject, ruleset, on)
    assert result.level is level
    assert result.status is status
    cited = [lim.explanation.key for lim in result.limits] + [e.key for e in result.decisions]
    if key is None:
        assert not result.limits
    else:
        assert key in cited
    for explanation in result.explanations:
        assert explanation.clause, explanation.key
        assert "—" not in explanation.message_vi.replace(" — ", " "), explanation.message_vi
        assert explanation.message_en


def test_gap_policy_fallback_is_a_setting() -> None:
    subject = m366(score_common=25, score_tasks=40, tasks_done_pct=80)
    strict = ceiling(subject, R366.with_settings(gap_policy=GapPolicy.FALLBACK_KHTNV), ON_2025)
    assert (strict.level, strict.status) == (Level.KHTNV, DETERMINED)
    lenient = ceiling(subject, R366.with_settings(gap_policy=GapPolicy.FALLBACK_HTNV), ON_2025)
    assert (lenient.level, lenient.status) == (Level.HTNV, DETERMINED)


def test_gap_message_names_the_numbers() -> None:
    result = ceiling(m366(score_common=25, score_tasks=40, tasks_done_pct=80), R366, ON_2025)
    message = result.decisions[0].message_vi
    assert "80%" in message and "cấp có thẩm quyền" in message


CAPS = [
    (
        "S000-committee-not-above-organisation",
        R124,
        org("cu", SubjectKind.TT_CAP_UY, parent_id="cb"),
        Related(organization_level=Level.HTNV),
        Level.HTNV,
        "cap.committee_le_org",
    ),
    (
        "S000-head-not-above-committee",
        R124,
        member(is_head=True, collective_id="cu"),
        Related(collective_level=Level.HTTNV),
        Level.HTTNV,
        "cap.head_le_collective",
    ),
    (
        "S000-head-newly-arrived-exempt",
        R124,
        member(is_head=True, collective_id="cu", newly_arrived_head=True),
        Related(collective_level=Level.HTNV),
        Level.HTXSNV,
        None,
    ),
    (
        "QD366-no-head-cap-by-default",
        R366,
        m366(is_head=True, collective_id="cu"),
        Related(collective_level=Level.HTNV),
        Level.HTXSNV,
        None,
    ),
]


@pytest.mark.parametrize(
    ("ruleset", "subject", "related", "level", "key"),
    [c[1:] for c in CAPS],
    ids=[c[0] for c in CAPS],
)
def test_caps_between_subjects(
    ruleset: RuleSet, subject: Subject, related: Related, level: Level | None, key: str | None
) -> None:
    on = ON_2025 if ruleset is R366 else ON_2024
    result = ceiling(subject, ruleset, on, related=related)
    assert result.level is level
    if key:
        assert key in [lim.explanation.key for lim in result.limits]


def test_civil_service_basis_is_a_soft_limit_under_124() -> None:
    result = ceiling(member(civil_servant=True, civil_service_level=Level.HTNV), R124, ON_2024)
    assert result.level is Level.HTXSNV
    assert [s.explanation.key for s in result.soft_limits] == ["cap.civil_service_basis"]


@pytest.mark.parametrize(
    "facts",
    [
        {"grades": {"PHAM_CHAT": XS}},
        {"grade_task_min": XS},
        {"score_common": 31, "score_tasks": 60},
        {"score_common": 20},
    ],
    ids=["missing-criteria", "one-summary-grade", "common-over-30", "one-score-only"],
)
def test_inconsistent_facts_raise_invalid_facts(facts: dict[str, Any]) -> None:
    ruleset = R366 if any(k.startswith("score") for k in facts) else R124
    with pytest.raises(InvalidFacts):
        ceiling(member(**facts), ruleset, ON_2025)


def test_missing_data_is_reported_not_guessed() -> None:
    result = ceiling(member(score_common=28, score_tasks=65), R366, ON_2025)
    assert result.level is Level.HTXSNV
    assert "cond.not_checked" in [n.key for n in result.notes]
