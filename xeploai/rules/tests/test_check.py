"""Set check: quotas (rules.md §4.1; 366.md §4), comments, ordering and preconditions
(rules.md §6; 366.md §5.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from xeploai.rules import (
    CheckReport,
    Decision,
    ExcellenceGroup,
    InvalidFacts,
    Level,
    QuotaBase,
    Rounding,
    RuleSet,
    Severity,
    SubjectKind,
    ceiling,
    check_decisions,
    get_ruleset,
    undecided_first,
)

from .conftest import ON_2024, ON_2025, decide, member, org

R124 = get_ruleset("124-2023")
R366 = get_ruleset("366-2025")
R132 = get_ruleset("132-2018")
NO_POST = ExcellenceGroup.KHONG_CHUC_VU


def members(
    n_xs: int,
    n_tt: int,
    n_ht: int = 0,
    group: ExcellenceGroup = NO_POST,
    body: str = "DU",
    prefix: str = "m",
) -> list[Decision]:
    levels = [Level.HTXSNV] * n_xs + [Level.HTTNV] * n_tt + [Level.HTNV] * n_ht
    return [
        decide(member(f"{prefix}{i}", excellence_group=group), level, body)
        for i, level in enumerate(levels)
    ]


def keys(report: CheckReport, severity: Severity = Severity.ERROR) -> list[str]:
    return sorted({v.key for v in report.violations if v.severity is severity})


QUOTA = [
    # id, ruleset, n_xs, n_tt, n_ht, ok, allowed
    ("QD124-D12-k1-10-of-50-within-20pct", R124, 10, 40, 0, True, 10),
    ("QD124-D12-k1-11-of-50-over-20pct", R124, 11, 39, 0, False, 10),
    ("QD124-D12-k1-floor-rounding-14-gives-2", R124, 2, 12, 0, True, 2),
    ("QD124-D12-k1-floor-rounding-14-not-3", R124, 3, 11, 0, False, 2),
    ("S000-small-unit-4-all-httnv-one-allowed", R124, 1, 3, 0, True, 1),
    ("S000-small-unit-not-if-one-htnv", R124, 1, 2, 1, False, 0),
    ("S000-small-unit-only-one", R124, 2, 2, 0, False, 1),
    ("QD366-D11-k1.5-no-small-unit-exception", R366, 1, 3, 0, False, 0),
    ("HD21-2.3-single-group-per-organisation", R132, 2, 8, 0, True, 2),
]


@pytest.mark.parametrize(
    ("ruleset", "n_xs", "n_tt", "n_ht", "ok", "allowed"),
    [q[1:] for q in QUOTA],
    ids=[q[0] for q in QUOTA],
)
def test_quota_table(
    ruleset: RuleSet, n_xs: int, n_tt: int, n_ht: int, ok: bool, allowed: int
) -> None:
    on = {R124: ON_2024, R366: ON_2025, R132: dt.date(2020, 12, 1)}[ruleset]
    report = check_decisions(members(n_xs, n_tt, n_ht), ruleset, on)
    (summary,) = report.quotas
    assert summary.allowed == allowed
    assert ("quota.exceeded" not in keys(report)) is ok


def test_quota_message_matches_the_published_style() -> None:
    report = check_decisions(members(11, 39), R124, ON_2024)
    (violation,) = [v for v in report.violations if v.key == "quota.exceeded"]
    assert violation.message_vi.startswith("11 HTXSNV > 20% × 50 = 10")
    assert violation.clause == "QĐ 124 Đ.12 k.1"


def test_quota_base_ttnv_only_is_stricter() -> None:
    ruleset = R124.with_settings(quota_base=QuotaBase.TTNV_ONLY)
    report = check_decisions(members(10, 40), ruleset, ON_2024)
    assert report.quotas[0].allowed == 8
    assert "quota.exceeded" in keys(report)


def test_rounding_is_a_setting() -> None:
    report = check_decisions(members(3, 11), R124.with_settings(rounding=Rounding.CEIL), ON_2024)
    assert report.quotas[0].allowed == 3


def test_outstanding_body_gets_25pct_under_366() -> None:
    decisions = members(12, 38)
    assert "quota.exceeded" in keys(check_decisions(decisions, R366, ON_2025))
    report = check_decisions(decisions, R366, ON_2025, outstanding_bodies={"DU"})
    assert report.quotas[0].ratio_pct == 25
    assert "quota.exceeded" not in keys(report)


def test_outstanding_body_has_no_25pct_under_124() -> None:
    report = check_decisions(members(12, 38), R124, ON_2024, outstanding_bodies={"DU"})
    assert "quota.exceeded" in keys(report)
    assert "quota.outstanding_unavailable" in keys(report, Severity.WARNING)


def test_three_member_groups_are_separate_quota_groups() -> None:
    decisions = members(3, 7, group=ExcellenceGroup.LANH_DAO_DON_VI, prefix="a") + members(
        0, 10, group=NO_POST, prefix="b"
    )
    report = check_decisions(decisions, R124, ON_2024)
    # 3 HTXSNV of 20 would fit one pool (20% × 20 = 4), not the leaders' group (20% × 10 = 2)
    assert "quota.exceeded" in keys(report)
    assert [q.group.group for q in report.quotas] == ["KHONG_CHUC_VU", "LANH_DAO_DON_VI"]


def test_member_rated_htxsnv_without_group() -> None:
    decision = decide(member("x"), Level.HTXSNV)
    report = check_decisions([decision, *members(0, 9)], R124, ON_2024)
    assert "quota.group_missing" in keys(report)


CHECKS = [
    (
        "S000-review-before-rating",
        R124,
        [decide(member(), Level.HTTNV, reviewed=False)],
        ON_2024,
        "order.review_before_rating",
    ),
    (
        "QD213-residence-comment-missing",
        R124,
        [decide(member(comments_received=frozenset()), Level.HTTNV)],
        ON_2024,
        "comment.residence",
    ),
    (
        "S000-old-unit-comment-missing",
        R124,
        [decide(member(transfer_months_at_old_unit=8), Level.HTTNV)],
        ON_2024,
        "comment.transfer",
    ),
    (
        "HD43-7.6-temporary-cell-comment-missing",
        R366,
        [decide(member(temporary_activity=True), Level.HTNV)],
        ON_2025,
        "comment.temporary",
    ),
    (
        "QD124-D5-rated-although-new-member",
        R124,
        [decide(member(admitted_on=dt.date(2024, 9, 1)), Level.HTTNV)],
        ON_2024,
        "elig.rated_not_eligible",
    ),
    (
        "QD366-D3-k4-reviewed-must-be-rated",
        R366,
        [decide(member(), None)],
        ON_2025,
        "elig.not_rated_without_reason",
    ),
    (
        "QD124-D12-decision-above-ceiling",
        R124,
        [
            decide(
                member(disciplines=()),
                Level.HTXSNV,
            ),
            decide(member("y", degradation=True), Level.HTNV),
        ],
        ON_2024,
        "khtnv.degradation",
    ),
    (
        "QD124-D3-civil-servant-rating-first",
        R124,
        [decide(member(civil_servant=True), Level.HTTNV)],
        ON_2024,
        "order.civil_service_first",
    ),
    (
        "QD366-D12-k2.4-agency-before-party",
        R366,
        [decide(org(agency_required=True), Level.HTTNV)],
        ON_2025,
        "order.agency_before_party",
    ),
    (
        "QD366-D12-k2.3-members-before-org",
        R366,
        [
            decide(org("cb"), Level.HTTNV, decided_on=dt.date(2025, 12, 1)),
            decide(member(parent_id="cb"), Level.HTTNV, decided_on=dt.date(2025, 12, 5)),
        ],
        ON_2025,
        "order.members_before_org",
    ),
    (
        "QD366-D12-k2.5-lower-before-upper",
        R366,
        [
            decide(org("db", SubjectKind.TCCSD), Level.HTTNV, decided_on=dt.date(2025, 12, 1)),
            decide(org("cb", parent_id="db"), Level.HTTNV, decided_on=dt.date(2025, 12, 5)),
        ],
        ON_2025,
        "order.lower_before_upper",
    ),
    (
        "QD366-D12-k2.3-committee-before-org",
        R366,
        [
            decide(org("db", SubjectKind.TCCSD), Level.HTTNV, decided_on=dt.date(2025, 12, 1)),
            decide(
                org("cu", SubjectKind.TT_CAP_UY, parent_id="db"),
                Level.HTTNV,
                decided_on=dt.date(2025, 12, 5),
            ),
        ],
        ON_2025,
        "order.committee_before_org",
    ),
    (
        "QD366-D12-k2.2-collective-before-head",
        R366,
        [
            decide(org("cu", SubjectKind.TT_CAP_UY), Level.HTTNV, decided_on=dt.date(2025, 12, 9)),
            decide(
                member(collective_id="cu", is_head=True),
                Level.HTTNV,
                decided_on=dt.date(2025, 12, 5),
            ),
        ],
        ON_2025,
        "order.collective_before_head",
    ),
    (
        "QD366-D12-k2.1-collective-before-members",
        R366,
        [
            decide(org("cu", SubjectKind.TT_CAP_UY), Level.HTTNV, decided_on=dt.date(2025, 12, 9)),
            decide(member(collective_id="cu"), Level.HTTNV, decided_on=dt.date(2025, 12, 5)),
        ],
        ON_2025,
        "order.collective_before_members",
    ),
    (
        "S000-committee-above-organisation",
        R124,
        [
            decide(org("db", SubjectKind.TCCSD), Level.HTNV),
            decide(org("cu", SubjectKind.TT_CAP_UY, parent_id="db"), Level.HTTNV),
        ],
        ON_2024,
        "cap.committee_le_org",
    ),
    (
        "S000-head-above-committee",
        R124,
        [
            decide(org("cu", SubjectKind.TT_CAP_UY), Level.HTNV),
            decide(member(collective_id="cu", is_head=True), Level.HTTNV),
        ],
        ON_2024,
        "cap.head_le_collective",
    ),
    (
        "duplicate-decisions",
        R124,
        [decide(member(), Level.HTTNV), decide(member(), Level.HTNV)],
        ON_2024,
        "facts.duplicate",
    ),
    (
        "invalid-facts-reported-not-raised",
        R366,
        [decide(member(score_common=40, score_tasks=40), Level.HTTNV)],
        ON_2025,
        "facts.invalid",
    ),
]


@pytest.mark.parametrize(
    ("ruleset", "decisions", "on", "key"), [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS]
)
def test_check_table(ruleset: RuleSet, decisions: list[Decision], on: dt.date, key: str) -> None:
    report = check_decisions(decisions, ruleset, on)
    assert key in keys(report)
    for violation in report.violations:
        assert violation.message_vi and violation.message_en


def test_absent_member_past_the_deadline_of_the_evaluation_year() -> None:
    decisions = [decide(member(absent=True), None)]
    late = check_decisions(decisions, R366, dt.date(2026, 1, 5), year=2025)
    assert "elig.absent_overdue" in keys(late)
    assert check_decisions(decisions, R366, dt.date(2025, 12, 20)).ok


def test_clean_set_passes() -> None:
    decisions = [
        decide(org("cb"), Level.HTTNV, decided_on=dt.date(2025, 12, 10)),
        *[
            decide(
                member(
                    f"m{i}",
                    parent_id="cb",
                    excellence_group=NO_POST,
                    score_common=25,
                    score_tasks=55,
                    tasks_done_pct=100,
                    tasks_late_pct=0,
                ),
                Level.HTTNV,
                decided_on=dt.date(2025, 12, 5),
            )
            for i in range(10)
        ],
    ]
    report = check_decisions(decisions, R366, ON_2025)
    assert report.ok, [v.message_en for v in report.violations]


def test_gap_decision_needs_override_reason() -> None:
    subject = member(score_common=25, score_tasks=40, tasks_done_pct=80, tasks_late_pct=0)
    plain = check_decisions([decide(subject, Level.HTNV)], R366, ON_2025)
    assert "gap.needs_decision" in keys(plain, Severity.WARNING)
    assert plain.ok
    decided = check_decisions(
        [decide(subject, Level.HTNV, override_reason="BTV quyết định")], R366, ON_2025
    )
    assert "gap.needs_decision" not in keys(decided, Severity.WARNING)


def test_civil_service_basis_warns_under_124() -> None:
    report = check_decisions(
        [decide(member(civil_servant=True, civil_service_level=Level.HTNV), Level.HTTNV)],
        R124,
        ON_2024,
    )
    assert report.ok
    assert "cap.civil_service_basis" in keys(report, Severity.WARNING)


def test_facts_the_caller_could_not_read_are_refused_in_its_words() -> None:
    unreadable = ("bản kiểm điểm hỏng", "the review is broken")
    subject = member(score_common=28, score_tasks=62, unreadable=unreadable)
    with pytest.raises(InvalidFacts) as raised:
        ceiling(subject, R366, ON_2025)
    assert (raised.value.message_vi, raised.value.message_en) == (
        f"{subject.id}: bản kiểm điểm hỏng",
        f"{subject.id}: the review is broken",
    )
    report = check_decisions([decide(subject, Level.HTTNV)], R366, ON_2025)
    [violation] = [v for v in report.violations if v.key == "facts.invalid"]
    assert violation.subject == subject.id  # named once, by the violation, not in its sentence
    assert violation.message_vi == "Dữ liệu không hợp lệ: bản kiểm điểm hỏng"
    assert violation.message_en == "Invalid facts: the review is broken"


def test_a_missing_transfer_comment_says_how_long_and_from_how_long() -> None:
    subject = member(score_common=28, score_tasks=62, transfer_months_at_old_unit=8)
    report = check_decisions([decide(subject, Level.HTTNV)], R366, ON_2025)
    [violation] = [v for v in report.violations if v.key == "comment.transfer"]
    assert "8 tháng (từ 6 tháng trở lên)" in violation.message_vi
    assert "8 months at the old unit (6 or more)" in violation.message_en


@pytest.mark.parametrize(
    ("ruleset", "waiting", "n", "names", "clause"),
    [
        pytest.param(R366, [], None, None, None, id="QD366-D12-k2.3-undecided-first-none-left"),
        pytest.param(
            R366,
            ["An", "Bình"],
            2,
            "An, Bình",
            "QĐ 366 Đ.12 k.2.3",
            id="QD366-D12-k2.3-undecided-first-members-left",
        ),
        pytest.param(
            R366,
            [f"m{i}" for i in range(7)],
            7,
            "m0, m1, m2, m3, m4…",
            "QĐ 366 Đ.12 k.2.3",
            id="QD366-D12-k2.3-undecided-first-five-names-shown",
        ),
        pytest.param(
            R124, ["An"], 1, "An", "QĐ 124 Đ.11", id="QD124-D11-undecided-first-members-left"
        ),
    ],
)
def test_undecided_first_table(
    ruleset: RuleSet, waiting: list[str], n: int | None, names: str | None, clause: str | None
) -> None:
    violation = undecided_first("c1", waiting, ruleset)
    if n is None:
        assert violation is None
        return
    assert violation is not None and names is not None
    assert (violation.key, violation.clause, violation.subject) == (
        "order.undecided_first",
        clause,
        "c1",
    )
    assert violation.numbers == {"n": n, "names": names}
    assert violation.severity is Severity.ERROR
    assert f"còn {n} đối tượng" in violation.message_vi and names in violation.message_en
