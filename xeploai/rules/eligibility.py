"""Eligibility: is a subject reviewed, is it rated, and which comments must be on file first
(rules.md §4.6–§4.7, §5.5; 366.md §1.3, §6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xeploai.rules.dates import less_than_months
from xeploai.rules.explain import Explanation, Number, Severity
from xeploai.rules.facts import (
    COLLECTIVE_KINDS,
    CommentKind,
    MemberStatus,
    Subject,
    SubjectKind,
)
from xeploai.rules.levels import NotRatedReason
from xeploai.rules.rulesets.base import NewMemberPolicy, RuleSet


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Whether a subject is reviewed and rated on the evaluation date, and why.

    ``pending_until`` is set for an absent subject: it must be rated by that date (``None``
    with ``reason`` VANG_MAT_CHUA_XL means "as soon as possible"). ``required_comments`` are
    the comments that must be on file before the rating.
    """

    reviewed: bool
    rated: bool
    reason: NotRatedReason | None
    pending_until: dt.date | None
    required_comments: tuple[str, ...]
    explanations: tuple[Explanation, ...]


_COMMENT_KEYS: dict[str, str] = {
    CommentKind.NOI_CU_TRU: "comment.residence",
    CommentKind.DON_VI_CU: "comment.transfer",
    CommentKind.CHI_BO_TAM_THOI: "comment.temporary",
}


def comment_rule_key(comment: str) -> str:
    """The rule key that requires ``comment`` (a local extra comment if not a central one)."""
    return _COMMENT_KEYS.get(comment, "comment.local_extra")


def eligibility(
    subject: Subject,
    ruleset: RuleSet,
    on: dt.date,
    *,
    year: int | None = None,
    notes: bool = True,
) -> Eligibility:
    """Is ``subject`` reviewed and rated under ``ruleset`` on date ``on``, and which comments
    are required before the rating. ``year`` is the evaluation year (default: the year of
    ``on``); an absent member's deadline falls in it. With ``notes=False`` no explanations
    are built (the set check uses that to stay fast).

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> s = Subject("dv1", SubjectKind.DANG_VIEN, admitted_on=dt.date(2024, 8, 1))
    >>> e = eligibility(s, get_ruleset("124-2023"), dt.date(2024, 12, 1))
    >>> (e.reviewed, e.rated, e.reason)
    (False, False, <NotRatedReason.MOI_KET_NAP_DUOI_6T: 'MOI_KET_NAP_DUOI_6T'>)
    """
    found: list[Explanation] = []

    def note(key: str, severity: Severity = Severity.INFO, **numbers: Number) -> None:
        if notes:
            found.append(Explanation(key, ruleset.clause(key), numbers, subject.id, severity))

    def result(
        reviewed: bool, reason: NotRatedReason, pending: dt.date | None = None
    ) -> Eligibility:
        return Eligibility(reviewed, False, reason, pending, (), tuple(found))

    settings = ruleset.settings
    months = settings.new_unit_months
    if subject.kind is SubjectKind.DANG_VIEN or subject.kind is SubjectKind.CN_LDQL:
        if subject.status is MemberStatus.EXEMPT:
            note("elig.exempt")
            return result(False, NotRatedReason.MIEN_SINH_HOAT)
        if subject.status is MemberStatus.SUSPENDED:
            note("elig.suspended")
            return result(False, NotRatedReason.DINH_CHI_SINH_HOAT)
    admitted = subject.admitted_on
    if (
        subject.kind is SubjectKind.DANG_VIEN
        and admitted
        and less_than_months(admitted, on, months)
    ):
        reviewed = settings.new_member_policy is NewMemberPolicy.REVIEWED_NOT_RATED
        note(
            "elig.new_member",
            admitted_on=subject.admitted_on,
            months=months,
            on=on,
            policy=settings.new_member_policy,
            policy_vi="vẫn kiểm điểm nhưng không xếp loại"
            if reviewed
            else "không kiểm điểm, không xếp loại",
            policy_en="reviewed but not rated" if reviewed else "neither reviewed nor rated",
        )
        return result(reviewed, NotRatedReason.MOI_KET_NAP_DUOI_6T)
    appointed = subject.appointed_on
    if (
        subject.kind is SubjectKind.CN_LDQL
        and appointed
        and less_than_months(appointed, on, months)
    ):
        note("elig.new_leader", appointed_on=subject.appointed_on, months=months, on=on)
        return result(True, NotRatedReason.MOI_BO_NHIEM_DUOI_6T)
    if subject.kind in COLLECTIVE_KINDS:
        if subject.established_on is not None and less_than_months(
            subject.established_on, on, months
        ):
            note("elig.new_org", established_on=subject.established_on, months=months)
            return result(True, NotRatedReason.MOI_THANH_LAP)
        if subject.reorganized_on is not None and less_than_months(
            subject.reorganized_on, on, months
        ):
            note("elig.reorganized", reorganized_on=subject.reorganized_on, months=months)
            return result(True, NotRatedReason.CHIA_TACH_SAP_NHAP)
    if subject.committee_suspended:
        note("elig.committee_suspended")

    required = required_comments(subject, ruleset, found if notes else None)
    if subject.absent:
        deadline = (
            settings.absent_deadline.on(on.year if year is None else year)
            if settings.absent_deadline
            else None
        )
        note(
            "elig.absent",
            Severity.WARNING,
            deadline=deadline,
            deadline_vi=f"trước {deadline:%d/%m/%Y}" if deadline else "trong thời gian sớm nhất",
            deadline_en=f"by {deadline.isoformat()}" if deadline else "as soon as possible",
        )
        return Eligibility(
            False, False, NotRatedReason.VANG_MAT_CHUA_XL, deadline, required, tuple(found)
        )
    return Eligibility(True, True, None, None, required, tuple(found))


def required_comments(
    subject: Subject, ruleset: RuleSet, notes: list[Explanation] | None = None
) -> tuple[str, ...]:
    """The comments that must be on file before ``subject`` is rated, in a fixed order.

    Only party members need them, and only for the yearly review: the residence-place comment
    is yearly (QĐ 213-QĐ/TW Đ.3 k.4) and a quarter's self-evaluation (Mẫu 05) has no cell
    review to gather the others for (``Subject.quarterly``). ``notes`` (if given) receives one
    explanation per comment required or waived.
    """
    if subject.kind is not SubjectKind.DANG_VIEN or subject.quarterly:
        return ()
    out: list[str] = []

    def need(comment: str, key: str, /, **numbers: Number) -> None:
        out.append(comment)
        if notes is not None:
            notes.append(Explanation(key, ruleset.clause(key), numbers, subject.id))

    if subject.residence_exemption is None:
        need(CommentKind.NOI_CU_TRU, "comment.residence")
    elif notes is not None:
        key = "comment.residence_exempt"
        notes.append(
            Explanation(
                key, ruleset.clause(key), {"category": subject.residence_exemption}, subject.id
            )
        )
    months = subject.transfer_months_at_old_unit
    if months is not None and months >= ruleset.settings.new_unit_months:
        need(
            CommentKind.DON_VI_CU,
            "comment.transfer",
            months=months,
            min_months=ruleset.settings.new_unit_months,
        )
    if subject.temporary_activity:
        need(CommentKind.CHI_BO_TAM_THOI, "comment.temporary")
    for extra in ruleset.extra_required_comments:
        if extra not in out:
            need(extra, "comment.local_extra", comment=extra, issuer=ruleset.issuer)
    return tuple(out)
