"""Every state change of the round: one transaction, a version check, an audit event.

``expected_version`` is the version the user's screen showed; if someone else changed the
evaluation since, the change is refused with "changed by someone else" (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor, actor_user
from xeploai.audit.services import audit_event, audit_record, audit_record_all
from xeploai.cycles.models import PeriodStatus
from xeploai.org.models import Level, OrgUnit
from xeploai.reviews import checks, lockread, subjects
from xeploai.reviews.models import (
    Comment,
    Evaluation,
    FollowUp,
    LedgerStage,
    Proposal,
    Stage,
    SubjectKind,
)
from xeploai.reviews.stats import result_set

EDITABLE = (Stage.PENDING, Stage.DRAFT, Stage.RETURNED)
STATE_FIELDS = ("stage", "level", "not_rated_reason", "self_level", "ballot_level", "cell_level")


class ConcurrentChange(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Hồ sơ này vừa được người khác thay đổi. Vui lòng tải lại trang để xem nội dung"
                " mới nhất rồi thực hiện lại."
            ),
            code="concurrent",
        )


def _state(evaluation: Evaluation) -> dict[str, Any]:
    return {name: getattr(evaluation, name) for name in STATE_FIELDS}


def _lock(evaluation: Evaluation, expected_version: int | None) -> Evaluation:
    locked = lockread.locked(evaluation.pk)  # its period, unit, deciding body and person
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentChange
    _refuse_if_closed(locked)
    return locked


def _refuse_if_closed(evaluation: Evaluation) -> None:
    if evaluation.period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("Đợt đánh giá đã kết thúc; không thể thay đổi."))


def _save(evaluation: Evaluation, fields: Iterable[str]) -> None:
    """Save with a bumped version, guarded by the version read under the row lock."""
    expected = evaluation.version
    evaluation.version = expected + 1
    names = [*fields, "version"]
    updated = Evaluation.objects.filter(pk=evaluation.pk, version=expected).update(
        **{name: getattr(evaluation, name) for name in names}
    )
    if updated != 1:  # pragma: no cover — the row lock makes this a belt-and-braces check
        raise ConcurrentChange


def _ledger(
    evaluation: Evaluation,
    stage: str,
    actor: Actor,
    *,
    level: str = "",
    not_rated_reason: str = "",
    reason: str = "",
    override: bool = False,
) -> Proposal:
    proposal = Proposal(
        evaluation=evaluation,
        stage=stage,
        level=level,
        not_rated_reason=not_rated_reason,
        reason=reason,
        override=override,
        actor=actor_user(actor),
        at=timezone.now(),
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _audit(
    actor: Actor, action: str, evaluation: Evaluation, before: dict[str, Any], **extra: Any
) -> None:
    audit_record(**_audited(actor, action, evaluation, before, **extra))


def _audited(
    actor: Actor, action: str, evaluation: Evaluation, before: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """The audit event of a change to an evaluation (``audit_event``'s arguments)."""
    return {
        "actor": actor,
        "action": action,
        "obj": evaluation,
        "unit_path": evaluation.unit.path,
        "before": before,
        "after": {**_state(evaluation), "version": evaluation.version, **extra},
    }


@transaction.atomic
def review_save(
    *,
    actor: Actor,
    evaluation: Evaluation,
    content: dict[str, Any],
    expected_version: int,
    on_behalf: bool = False,
) -> Evaluation:
    """Save the self-review as a draft (member, or the secretary on the member's behalf)."""
    evaluation = _lock(evaluation, expected_version)
    if evaluation.stage not in EDITABLE:
        raise ValidationError(_("Bản kiểm điểm đã nộp; chỉ sửa được khi bí thư trả lại."))
    before = _state(evaluation)
    evaluation.content = content
    evaluation.self_level = content.get("self_level", "")
    evaluation.stage = Stage.DRAFT
    fields = ["content", "self_level", "stage"]
    if on_behalf:
        evaluation.on_behalf_by, evaluation.on_behalf_at = actor_user(actor), timezone.now()
        fields += ["on_behalf_by", "on_behalf_at"]
    _save(evaluation, fields)
    _audit(actor, "review_save", evaluation, before, on_behalf=on_behalf)
    return evaluation


@transaction.atomic
def review_submit(
    *,
    actor: Actor,
    evaluation: Evaluation,
    content: dict[str, Any],
    expected_version: int,
    on_behalf: bool = False,
) -> Evaluation:
    """Submit the self-review: it becomes read-only and the self-proposal enters the ledger."""
    evaluation = _lock(evaluation, expected_version)
    if evaluation.stage not in EDITABLE:
        raise ValidationError(_("Bản kiểm điểm đã được nộp."))
    if not content.get("self_level"):
        raise ValidationError({"self_level": _("Cần tự nhận mức xếp loại trước khi nộp.")})
    before = _state(evaluation)
    evaluation.content = content
    evaluation.self_level = content["self_level"]
    # without the cell's step (a quarterly round), the self-evaluation goes to the decider
    straight = subjects.straight_to_decider(evaluation.period)
    evaluation.stage = Stage.SENT if straight else Stage.SUBMITTED
    evaluation.reviewed = True
    evaluation.submitted_at = timezone.now()
    evaluation.returned_reason = ""
    fields = ["content", "self_level", "stage", "reviewed", "submitted_at", "returned_reason"]
    if on_behalf:
        evaluation.on_behalf_by, evaluation.on_behalf_at = actor_user(actor), timezone.now()
        fields += ["on_behalf_by", "on_behalf_at"]
    _save(evaluation, fields)
    _ledger(
        evaluation,
        LedgerStage.SELF,
        actor,
        level=evaluation.self_level,
        reason=_("Nhập thay đảng viên") if on_behalf else "",
    )
    _audit(actor, "review_submit", evaluation, before, on_behalf=on_behalf)
    return evaluation


@transaction.atomic
def review_return(
    *, actor: Actor, evaluation: Evaluation, reason: str, expected_version: int
) -> Evaluation:
    """The secretary returns a submitted review to its author, with the reason."""
    evaluation = _lock(evaluation, expected_version)
    returnable: tuple[Stage, ...] = (Stage.SUBMITTED, Stage.PROPOSED)
    if subjects.straight_to_decider(evaluation.period):
        returnable += (Stage.SENT,)  # the deciding level returns what came to it directly
    if evaluation.stage not in returnable:
        raise ValidationError(_("Chỉ trả lại được bản kiểm điểm đã nộp và chưa gửi lên cấp trên."))
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi lý do trả lại.")})
    before = _state(evaluation)
    evaluation.stage = Stage.RETURNED
    evaluation.returned_reason = reason
    evaluation.cell_level = ""
    _save(evaluation, ["stage", "returned_reason", "cell_level"])
    _audit(actor, "review_return", evaluation, before, reason=reason)
    return evaluation


@transaction.atomic
def comment_record(
    *,
    actor: Actor,
    evaluation: Evaluation,
    source: str,
    received_on: dt.date,
    text: str = "",
    author: str = "",
    scan: UploadedFile[bytes] | None = None,
) -> Comment:
    evaluation = _lock(evaluation, None)
    if evaluation.is_locked:
        raise ValidationError(_("Đã quyết định xếp loại; không thể bổ sung nhận xét."))
    comment = Comment(
        evaluation=evaluation,
        source=source,
        author=author,
        text=text,
        received_on=received_on,
        recorded_by=actor_user(actor),
        recorded_at=timezone.now(),
    )
    if scan is not None:
        comment.scan = scan
    comment.full_clean()
    comment.save()
    _save(evaluation, [])
    audit_record(
        actor=actor,
        action="comment_record",
        obj=comment,
        unit_path=evaluation.unit.path,
        after={
            "evaluation": evaluation.pk,
            "source": source,
            "author": author,
            "has_scan": bool(scan),
            "received_on": received_on,
        },
    )
    return comment


@transaction.atomic
def ballot_results_record(*, actor: Actor, results: dict[int, tuple[str, str]]) -> int:
    """The cell meeting's secret-ballot results (called by the ballots app when a ballot is
    accepted or closed): ``results[evaluation id] = (level, note)``.

    Each subject gets its level, a version bump, a ballot row in the ledger and an audit event;
    with one lock, one update per level given, one ledger insert and one audit insert for all
    of them (subject by subject it took four statements each)."""
    evaluations = list(
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("period", "unit")
        .filter(pk__in=results)
        .order_by("pk")
    )
    for evaluation in evaluations:
        _refuse_if_closed(evaluation)
        if evaluation.is_locked:
            raise ValidationError(_("Đã quyết định xếp loại; không thể ghi kết quả bỏ phiếu."))
    befores = {evaluation.pk: _state(evaluation) for evaluation in evaluations}
    by_level: dict[str, list[int]] = {}
    for evaluation in evaluations:
        evaluation.ballot_level = results[evaluation.pk][0]
        evaluation.version += 1
        by_level.setdefault(evaluation.ballot_level, []).append(evaluation.pk)
    for level, ids in by_level.items():
        # the rows are locked: the version in the database is the one read, bumped here too
        Evaluation.objects.filter(pk__in=ids).update(ballot_level=level, version=F("version") + 1)
    now = timezone.now()
    user = actor_user(actor)
    proposals = [
        Proposal(
            evaluation=evaluation,
            stage=LedgerStage.BALLOT,
            level=results[evaluation.pk][0],
            reason=results[evaluation.pk][1],
            actor=user,
            at=now,
        )
        for evaluation in evaluations
    ]
    for number, proposal in enumerate(proposals):
        # the actor, the same on every row, is looked up once
        proposal.full_clean(exclude=["evaluation", "actor"] if number else ["evaluation"])
    Proposal.objects.bulk_create(proposals)
    audit_record_all(
        [
            audit_event(
                **_audited(actor, "ballot_result_record", evaluation, befores[evaluation.pk])
            )
            for evaluation in evaluations
        ]
    )
    return len(evaluations)


@transaction.atomic
def proposal_record(
    *,
    actor: Actor,
    evaluation: Evaluation,
    expected_version: int,
    level: str = "",
    not_rated_reason: str = "",
    reason: str = "",
) -> Evaluation:
    """The cell (for members and the cell itself) or the grassroots committee (for itself and
    its committee collective) proposes a level to the deciding body."""
    evaluation = _lock(evaluation, expected_version)
    if evaluation.stage in (Stage.SENT, Stage.DECIDED):
        raise ValidationError(_("Hồ sơ đã gửi cấp quyết định; không thể sửa đề xuất."))
    if level and not evaluation.reviewed and evaluation.kind == SubjectKind.MEMBER:
        raise ValidationError(
            _(
                "Phải hoàn thành kiểm điểm mới được đánh giá, xếp loại: đảng viên chưa nộp bản kiểm điểm."
            )
        )
    if level and evaluation.not_rated_reason and not not_rated_reason:
        # A reason set when the period opened (e.g. new member) is lifted only explicitly.
        raise ValidationError(
            _("Đối tượng thuộc diện chưa xếp loại ({reason}).").format(
                reason=evaluation.get_not_rated_reason_display()
            )
        )
    before = _state(evaluation)
    evaluation.cell_level = level
    if not_rated_reason != evaluation.not_rated_reason and not evaluation.level:
        result_set(evaluation, level=evaluation.level, not_rated_reason=not_rated_reason)
    evaluation.stage = Stage.PROPOSED
    if evaluation.kind != SubjectKind.MEMBER:
        evaluation.reviewed = True
    _save(evaluation, ["cell_level", "not_rated_reason", "stage", "reviewed"])
    _ledger(
        evaluation,
        LedgerStage.CELL,
        actor,
        level=level,
        not_rated_reason=not_rated_reason,
        reason=reason,
    )
    _audit(actor, "proposal_record", evaluation, before)
    return evaluation


@transaction.atomic
def file_send(*, actor: Actor, unit: OrgUnit, evaluations: list[Evaluation]) -> int:
    """Send a cell's (or a grassroots organization's) file to the deciding body. Every subject
    must have a proposal or a not-rated reason, and what the rules require before a rating
    (the member's review, the required comments: ``checks.send_problems``); if anything is
    missing nothing is sent, and the refusal lists each subject with what it lacks."""
    locked = list(
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("period", "unit", "person")
        .filter(pk__in=[e.pk for e in evaluations])
        .order_by("pk")
    )
    problems = checks.send_problems(locked, locked[0].period) if locked else []
    if problems:
        raise ValidationError(
            [
                _("Chưa gửi được hồ sơ: còn {n} điều kiện chưa đủ.").format(n=len(problems)),
                *problems,
            ]
        )
    sent = 0
    now = timezone.now()  # the progress page flags a file sent after its deadline
    for evaluation in locked:
        if evaluation.stage == Stage.PROPOSED or (
            evaluation.not_rated_reason and evaluation.stage not in (Stage.SENT, Stage.DECIDED)
        ):
            evaluation.stage = Stage.SENT
            evaluation.sent_at = now
            _save(evaluation, ["stage", "sent_at"])
            sent += 1
    audit_record(
        actor=actor,
        action="file_send",
        obj=unit,
        unit_path=unit.path,
        after={"sent": sent, "evaluations": [e.pk for e in locked]},
    )
    return sent


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    evaluation: Evaluation,
    expected_version: int,
    on: dt.date,
    level: str = "",
    not_rated_reason: str = "",
    reason: str = "",
    override: bool = False,
) -> Evaluation:
    """The competent level decides. The rule engine checks the decision against the ceiling,
    the quota of the deciding body and the ordering; a refusal names the rule and clause.
    Where the rule leaves it to the competent level, ``override`` with a reason lets it pass."""
    evaluation = _lock(evaluation, expected_version)
    if evaluation.is_locked:
        raise ValidationError(_("Đã quyết định và khóa; muốn thay đổi phải mở lại (có lý do)."))
    if level and not evaluation.reviewed:
        raise ValidationError(_("Phải hoàn thành kiểm điểm mới được đánh giá, xếp loại."))
    if evaluation.stage != Stage.SENT and subjects.cell_step_required(evaluation.period):
        raise ValidationError(
            _("Đợt này chi bộ bỏ phiếu, đề xuất trước: chờ chi bộ gửi hồ sơ lên cấp quyết định.")
        )
    proposed = (evaluation.cell_level, "" if evaluation.cell_level else evaluation.not_rated_reason)
    if (
        any(proposed)
        and (level, "" if level else not_rated_reason) != proposed
        and not reason.strip()
    ):
        raise ValidationError(
            {
                "reason": _("Quyết định khác mức đã đề xuất ({proposed}): cần ghi lý do.").format(
                    proposed=evaluation.cell_level or evaluation.get_not_rated_reason_display()
                )
            }
        )
    kept: list[checks.Pool] = []  # a refusal hands what it read to its answer
    problems = checks.decision_problems(
        evaluation,
        level=level,
        not_rated_reason=not_rated_reason,
        on=on,
        override_reason=reason if override else "",
        keep=kept,
    )
    if problems:
        raise checks.Refused(problems, kept[0])
    before = _state(evaluation)
    result_set(evaluation, level=level, not_rated_reason=not_rated_reason)
    evaluation.stage = Stage.DECIDED
    evaluation.decided_at = timezone.now()
    evaluation.decided_by = actor_user(actor)
    _save(evaluation, ["level", "not_rated_reason", "stage", "decided_at", "decided_by"])
    stage = (
        LedgerStage.GRASSROOTS
        if evaluation.kind in (SubjectKind.MEMBER, SubjectKind.CELL)
        else LedgerStage.UPPER
    )
    _ledger(
        evaluation,
        stage,
        actor,
        level=level,
        not_rated_reason=not_rated_reason,
        reason=reason,
        override=override,
    )
    _audit(actor, "decision_record", evaluation, before, override=override, reason=reason)
    return evaluation


# Members before their cell, cells and the committee collective before their grassroots
# organization (366 Đ.12 k.2.3): a batch ticked whole is decided in the order it may be.
_DECISION_ORDER: dict[str, int] = {
    SubjectKind.MEMBER: 0,
    SubjectKind.CELL: 1,
    SubjectKind.COMMITTEE: 1,
    SubjectKind.GRASSROOTS: 2,
}


@transaction.atomic
def decisions_accept(
    *, actor: Actor, evaluations: list[Evaluation], on: dt.date
) -> tuple[int, list[str]]:
    """Accept the proposals of many subjects at once, each in its own savepoint: those the
    rules accept are decided, each refused one is named with why ("name: reason") and leaves
    nothing behind. One transaction: a batch cut short (a killed process) leaves none of it.
    Returns how many were decided and the refusals."""
    refused: list[str] = []
    decided = 0
    ordered = sorted(evaluations, key=lambda e: (_DECISION_ORDER.get(e.kind, 3), e.pk))
    for evaluation in ordered:
        if evaluation.is_locked:
            continue
        try:
            with transaction.atomic():
                decision_record(
                    actor=actor,
                    evaluation=evaluation,
                    expected_version=evaluation.version,
                    on=on,
                    level=evaluation.cell_level,
                    not_rated_reason="" if evaluation.cell_level else evaluation.not_rated_reason,
                    reason=_("Chấp nhận đề xuất"),
                )
            decided += 1
        except ValidationError as error:
            refused.extend(f"{evaluation.subject_name}: {message}" for message in error.messages)
    return decided, refused


@transaction.atomic
def evaluation_reopen(
    *, actor: Actor, evaluation: Evaluation, reason: str, expected_version: int
) -> Evaluation:
    """Reopen a decided subject for re-rating (2025: Mẫu 03). The earlier decision stays in the
    ledger and the audit trail."""
    evaluation = _lock(evaluation, expected_version)
    if not evaluation.is_locked:
        raise ValidationError(_("Chỉ mở lại được đối tượng đã quyết định xếp loại."))
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi lý do mở lại để xếp loại lại.")})
    before = _state(evaluation)
    result_set(evaluation, level="", not_rated_reason=evaluation.not_rated_reason)
    evaluation.stage = Stage.SENT
    _save(evaluation, ["level", "stage"])
    _ledger(evaluation, LedgerStage.REOPEN, actor, reason=reason)
    _audit(actor, "evaluation_reopen", evaluation, before, reason=reason)
    return evaluation


@transaction.atomic
def follow_up_save(
    *, actor: Actor, evaluation: Evaluation, plan: str, assignee: str, status: str
) -> FollowUp:
    """Save the plan to help a subject rated HTNV or KHTNV fix its shortcomings (only those)."""
    if evaluation.level not in (Level.HTNV, Level.KHTNV):
        raise ValidationError(_("Kế hoạch khắc phục dành cho đối tượng xếp loại HTNV hoặc KHTNV."))
    follow_up, created = FollowUp.objects.select_for_update().get_or_create(
        evaluation=evaluation,
        defaults={
            "plan": plan,
            "assignee": assignee,
            "status": status,
            "updated_at": timezone.now(),
            "updated_by": actor_user(actor),
        },
    )
    before = None if created else {"plan": follow_up.plan, "status": follow_up.status}
    follow_up.plan, follow_up.assignee, follow_up.status = plan, assignee, status
    follow_up.updated_at, follow_up.updated_by = timezone.now(), actor_user(actor)
    follow_up.full_clean()
    follow_up.save()
    audit_record(
        actor=actor,
        action="follow_up_save",
        obj=follow_up,
        unit_path=evaluation.unit.path,
        before=before,
        after={"plan": plan, "status": status, "assignee": assignee},
    )
    return follow_up


@transaction.atomic
def proposals_from_ballot(*, actor: Actor, evaluations: list[Evaluation]) -> tuple[int, list[str]]:
    """The cell proposes, for every subject ready for it, the level the ballot gave (the
    usual case); each proposal goes through ``proposal_record``. Not ready, and named with
    why ("name: reason"): a subject without a ballot result, a member whose review is not in,
    the cell (a collective) until its own report is written and every member of it is
    proposed. Returns how many were proposed and those skipped."""
    done = 0
    skipped: list[str] = []
    ordered = sorted(evaluations, key=lambda e: (e.kind != SubjectKind.MEMBER, e.pk))
    settled = (Stage.PROPOSED, Stage.SENT, Stage.DECIDED)
    for evaluation in ordered:
        if evaluation.stage in (Stage.SENT, Stage.DECIDED) or evaluation.not_rated_reason:
            continue
        why = ""
        if not evaluation.ballot_level:
            why = _("chưa có kết quả bỏ phiếu")
        elif not evaluation.reviewed or evaluation.stage not in (Stage.SUBMITTED, *settled):
            why = (
                _("chưa nộp bản kiểm điểm")
                if evaluation.kind == SubjectKind.MEMBER
                else _("chưa có báo cáo kiểm điểm của tập thể")
            )
        elif evaluation.kind != SubjectKind.MEMBER:
            waiting = [
                e.subject_name
                for e in ordered
                if e.kind == SubjectKind.MEMBER
                and e.unit_id == evaluation.unit_id
                and e.stage not in settled
                and not e.not_rated_reason
            ]
            if waiting:
                why = _("còn {n} đảng viên chưa được đề xuất ({names})").format(
                    n=len(waiting), names=", ".join(waiting[:5])
                )
        if why:
            skipped.append(f"{evaluation.subject_name}: {why}")
            continue
        proposed = proposal_record(
            actor=actor,
            evaluation=evaluation,
            expected_version=evaluation.version,
            level=evaluation.ballot_level,
            reason=_("Theo kết quả bỏ phiếu kín của chi bộ"),
        )
        evaluation.stage = proposed.stage
        done += 1
    return done, skipped
