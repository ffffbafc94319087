"""Eligibility: rules.md §4.6–§4.7, §5.5; 366.md §1.3, §6."""

from __future__ import annotations

import datetime as dt

import pytest

from xeploai.rules import (
    CommentKind,
    MemberStatus,
    NewMemberPolicy,
    NotRatedReason,
    ResidenceExemption,
    RuleSet,
    Subject,
    SubjectKind,
    eligibility,
    get_ruleset,
)

from .conftest import ON_2024, ON_2025, member, org

R124 = get_ruleset("124-2023")
R132 = get_ruleset("132-2018")
R366 = get_ruleset("366-2025")

CASES = [
    # id, ruleset, subject, on, reviewed, rated, reason, key
    (
        "QD124-D5-k2-exempt",
        R124,
        member(status=MemberStatus.EXEMPT),
        ON_2024,
        False,
        False,
        NotRatedReason.MIEN_SINH_HOAT,
        "elig.exempt",
    ),
    (
        "QD124-D5-k2-suspended",
        R124,
        member(status=MemberStatus.SUSPENDED),
        ON_2024,
        False,
        False,
        NotRatedReason.DINH_CHI_SINH_HOAT,
        "elig.suspended",
    ),
    (
        "HD21-2.1-suspended-excluded",
        R132,
        member(status=MemberStatus.SUSPENDED),
        dt.date(2020, 12, 1),
        False,
        False,
        NotRatedReason.DINH_CHI_SINH_HOAT,
        "elig.suspended",
    ),
    (
        "QD366-D5-k2.1-new-member-not-reviewed",
        R366,
        member(admitted_on=dt.date(2025, 7, 1)),
        ON_2025,
        False,
        False,
        NotRatedReason.MOI_KET_NAP_DUOI_6T,
        "elig.new_member",
    ),
    (
        "QD124-D5-new-member-exactly-6-months-is-rated",
        R124,
        member(admitted_on=dt.date(2024, 6, 10)),
        ON_2024,
        True,
        True,
        None,
        None,
    ),
    (
        "S000-new-member-one-day-short",
        R124,
        member(admitted_on=dt.date(2024, 6, 11)),
        ON_2024,
        False,
        False,
        NotRatedReason.MOI_KET_NAP_DUOI_6T,
        "elig.new_member",
    ),
    (
        "HD21-new-member-default-reviewed-not-rated",
        R132,
        member(admitted_on=dt.date(2020, 9, 1)),
        dt.date(2020, 12, 1),
        True,
        False,
        NotRatedReason.MOI_KET_NAP_DUOI_6T,
        "elig.new_member",
    ),
    (
        "S000-leader-appointed-under-6-months",
        R124,
        org("ld", SubjectKind.CN_LDQL, appointed_on=dt.date(2024, 9, 1)),
        ON_2024,
        True,
        False,
        NotRatedReason.MOI_BO_NHIEM_DUOI_6T,
        "elig.new_leader",
    ),
    (
        "F24-org-newly-established",
        R124,
        org(established_on=dt.date(2024, 10, 1)),
        ON_2024,
        True,
        False,
        NotRatedReason.MOI_THANH_LAP,
        "elig.new_org",
    ),
    (
        "F24-org-split-or-merged",
        R366,
        org(reorganized_on=dt.date(2025, 7, 1)),
        ON_2025,
        True,
        False,
        NotRatedReason.CHIA_TACH_SAP_NHAP,
        "elig.reorganized",
    ),
    (
        "HD43-7.7-committee-suspended-still-rated",
        R366,
        member(committee_suspended=True),
        ON_2025,
        True,
        True,
        None,
        "elig.committee_suspended",
    ),
    (
        "S000-absent-pending",
        R124,
        member(absent=True),
        ON_2024,
        False,
        False,
        NotRatedReason.VANG_MAT_CHUA_XL,
        "elig.absent",
    ),
]


@pytest.mark.parametrize(
    ("ruleset", "subject", "on", "reviewed", "rated", "reason", "key"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_eligibility_table(
    ruleset: RuleSet,
    subject: Subject,
    on: dt.date,
    reviewed: bool,
    rated: bool,
    reason: NotRatedReason | None,
    key: str | None,
) -> None:
    result = eligibility(subject, ruleset, on)
    assert (result.reviewed, result.rated, result.reason) == (reviewed, rated, reason)
    keys = [e.key for e in result.explanations]
    if key is not None:
        assert key in keys
        explanation = next(e for e in result.explanations if e.key == key)
        assert explanation.clause
        assert explanation.message_vi and explanation.message_en


def test_new_member_policy_is_a_setting() -> None:
    ruleset = R124.with_settings(new_member_policy=NewMemberPolicy.REVIEWED_NOT_RATED)
    result = eligibility(member(admitted_on=dt.date(2024, 9, 1)), ruleset, ON_2024)
    assert (result.reviewed, result.rated) == (True, False)
    assert "vẫn kiểm điểm" in result.explanations[0].message_vi


def test_absent_deadline_comes_from_the_rule_set() -> None:
    result = eligibility(member(absent=True), R366, ON_2025)
    assert result.pending_until == dt.date(2025, 12, 31)
    assert eligibility(member(absent=True), R124, ON_2024).pending_until is None


COMMENTS = [
    ("QD213-D3-k4-residence-required", member(), (CommentKind.NOI_CU_TRU,)),
    (
        "HD33-residence-exempt-barracks",
        member(residence_exemption=ResidenceExemption.LUC_LUONG_VU_TRANG_DOANH_TRAI),
        (),
    ),
    (
        "S000-transfer-6-months-needs-old-unit",
        member(transfer_months_at_old_unit=6),
        (CommentKind.NOI_CU_TRU, CommentKind.DON_VI_CU),
    ),
    (
        "S000-transfer-5-months-no-old-unit-comment",
        member(transfer_months_at_old_unit=5),
        (CommentKind.NOI_CU_TRU,),
    ),
    (
        "HD43-7.6-temporary-activity",
        member(temporary_activity=True),
        (CommentKind.NOI_CU_TRU, CommentKind.CHI_BO_TAM_THOI),
    ),
    ("collectives-need-no-member-comments", org(), ()),
]


@pytest.mark.parametrize(
    ("subject", "required"), [c[1:] for c in COMMENTS], ids=[c[0] for c in COMMENTS]
)
def test_required_comments(subject: Subject, required: tuple[CommentKind, ...]) -> None:
    assert eligibility(subject, R366, ON_2025).required_comments == required
