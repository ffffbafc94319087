"""The round's pages. Each view: a scoped fetch, a permission check, a form, a service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xeploai.audit.services import audit_record
from xeploai.cycles.models import PeriodKind, PeriodStatus
from xeploai.lib.redirects import local_next
from xeploai.org import access as org_access
from xeploai.org.models import Role
from xeploai.reviews import access, checks, periods, quarters, selectors, services
from xeploai.reviews.documents import self_review_docx
from xeploai.reviews.formdefs import form_def
from xeploai.reviews.forms import (
    FIX_STATUS,
    TASK_RESULTS,
    CommentForm,
    DecideForm,
    FollowUpForm,
    ProposeForm,
    ReasonForm,
    SelfReviewForm,
    review_form_parts,
)
from xeploai.reviews.home import home_sections
from xeploai.reviews.models import Comment, Evaluation, FollowUp, Stage, SubjectKind
from xeploai.reviews.progress import progress
from xeploai.reviews.scoring import score_hint
from xeploai.reviews.wording import reminder_messages

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RESULT_FORMATS = {"docx": DOCX, "pdf": "application/pdf"}
LEVEL_CHOICES = DecideForm.base_fields["level"].choices  # type: ignore[attr-defined]
# the levels whose follow-up plan review_detail.html shows (its {% if evaluation.level == … %})
FOLLOW_UP_LEVELS = ("HTNV", "KHTNV")
REASON_CHOICES = DecideForm.base_fields["not_rated_reason"].choices  # type: ignore[attr-defined]


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _form_errors(request: HttpRequest, form: Any, prefix: str = "") -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, f"{prefix}{text}")


def _follow_up_initial(follow: FollowUp | None) -> dict[str, str]:
    return (
        {"plan": follow.plan, "assignee": follow.assignee, "status": follow.status}
        if follow
        else {}
    )


def _back(evaluation: Evaluation) -> HttpResponse:
    return redirect("review_detail", pk=evaluation.pk)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the user's roles have to do in the open period (``home.home_sections``); with
    nothing of theirs open, their unit's page (or their own record) as before."""
    sections = home_sections(request.user, timezone.localdate())
    if sections:
        return render(request, "reviews/home.html", {"sections": sections})
    unit = org_access.default_unit(request.user)
    if unit is not None:
        return redirect("unit_detail", code=unit.code)
    person = getattr(request.user, "person", None)
    if person is not None:
        return redirect("person_detail", pk=person.pk)
    return render(request, "org/no_scope.html")


@require_GET
def my_review(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    # its number only: the redirect needs no more (a whole row costs the statement's building)
    pk = (
        Evaluation.objects.filter(person=person, period__status=PeriodStatus.OPEN)
        .order_by("-period__year", "period__kind", "-period__quarter")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return redirect("my_history")
    return redirect("review_detail", pk=pk)


@require_GET
def my_history(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return render(
        request,
        "reviews/history.html",
        {"person": person, "history": selectors.history_of(person.pk)},
    )


def _review_form(
    evaluation: Evaluation, data: Any = None, previous: list[str] | None = None
) -> SelfReviewForm:
    """The self-review form (``previous``: last year's shortcomings, when already read)."""
    person = evaluation.person
    return SelfReviewForm(
        data,
        definition=form_def(evaluation.form_code),
        previous_items=selectors.previous_items(evaluation) if previous is None else previous,
        civil_servant=bool(person and person.is_civil_servant),
        task_rows=max(5, len((evaluation.content or {}).get("tasks", [])) + 3),
        quarter=evaluation.period.quarter,
        year=evaluation.period.year,
        initial=SelfReviewForm.initial_from(evaluation.content or {}, evaluation.version),
    )


def _render_review(
    request: HttpRequest,
    evaluation: Evaluation,
    form: SelfReviewForm,
    collective: dict[str, Any] | None,
    status: int = 200,
) -> HttpResponse:
    """The review page (``collective``: the collective review's content a member reads
    before writing their own, ``selectors.self_review_reads``)."""
    editable = evaluation.stage in services.EDITABLE and access.can_edit_review(
        request.user, evaluation
    )
    roles = org_access.roles_at(request.user, evaluation.unit)
    # the follow-up plan is shown (and edited) only for the two lowest levels: read it then
    follow = (
        FollowUp.objects.filter(evaluation=evaluation).first()
        if evaluation.level in FOLLOW_UP_LEVELS
        else None
    )
    refused = request.session.pop(REFUSED_PROPOSAL, None)
    if refused is not None and refused.get("pk") != evaluation.pk:
        refused = None
    can_manage = bool(roles & {*access.proposer_roles(evaluation), Role.ADMIN})
    can_decide = access.may_decide(roles, evaluation)
    context = {
        "evaluation": evaluation,
        "form": form,
        **review_form_parts(form),
        "task_list": [
            {**row, "result_label": dict(TASK_RESULTS).get(row.get("result", ""), "")}
            for row in (evaluation.content or {}).get("tasks", [])
        ],
        "editable": editable,
        "score_hint": score_hint(
            evaluation.period,
            form.data
            if form.is_bound
            else (evaluation.content or {}) | {"self_level": evaluation.self_level},
        )
        if form.definition.scored
        else None,
        "previous_read": [
            (item.get("text", ""), dict(FIX_STATUS).get(item.get("status", ""), "—"))
            for item in (evaluation.content or {}).get("previous", [])
        ],
        "read_sections": [
            (section, (evaluation.content or {}).get("sections", {}).get(section.key) or {})
            for section in form.definition.sections
        ],
        # a member reads their own review, not their cell's round page
        "round_readable": org_access.can_read_unit(request.user, evaluation.unit),
        "on_behalf": editable and not access.is_own(request.user, evaluation),
        "collective_content": collective,
        "comments": selectors.comments_of(evaluation),
        "ledger": selectors.ledger_of(evaluation),
        "can_manage": can_manage,
        "can_decide": can_decide,
        "proposal_refused": refused["errors"] if refused else [],
        "follow_up": follow,
        "year_quarters": quarters.year_quarters([evaluation], evaluation.period, get_language()),
        # the cell's and the deciding body's forms, built only for those who see them
        **(_managing_forms(evaluation, follow, refused) if can_manage or can_decide else {}),
    }
    return render(request, "reviews/review_detail.html", context, status=status)


def _managing_forms(
    evaluation: Evaluation, follow: FollowUp | None, refused: dict[str, Any] | None
) -> dict[str, Any]:
    """The proposal, reason and follow-up forms of the review page (never its author's)."""
    proposal = {"level": evaluation.cell_level} if refused is None else refused
    return {
        "propose_form": ProposeForm(
            initial={
                "version": evaluation.version,
                **{k: proposal.get(k) for k in ("level", "not_rated_reason", "reason")},
            }
        ),
        "reason_form": ReasonForm(initial={"version": evaluation.version}),
        "follow_up_form": FollowUpForm(
            initial={"status": "chua_thuc_hien", **_follow_up_initial(follow)}
        ),
    }


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk, access.REVIEW_RELATED)
    previous, collective = selectors.self_review_reads(evaluation)
    form = _review_form(evaluation, previous=previous)
    return _render_review(request, evaluation, form, collective)


@require_GET
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    """The live total of a self-review's scores and the band it falls in (an htmx fragment)."""
    evaluation = access.get_evaluation(request.user, pk)
    hint = score_hint(evaluation.period, request.GET)
    return render(request, "reviews/_score.html", {"score_hint": hint})


def _review_write(request: HttpRequest, pk: int, *, submit: bool) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk, access.REVIEW_RELATED)
    if not access.can_edit_review(request.user, evaluation):
        access.deny()
    form = _review_form(evaluation, request.POST)
    valid = form.is_valid()
    if submit:  # report what is missing together with what is wrong, all at once
        form.require_complete()
        valid = not form.errors
    if not valid:
        messages.error(request, _("Chưa lưu: vui lòng sửa các ô được đánh dấu."))
        return _render_review(
            request, evaluation, form, selectors.collective_content(evaluation), status=400
        )
    service = services.review_submit if submit else services.review_save
    try:
        service(
            actor=request.user,
            evaluation=evaluation,
            content=form.content(),
            expected_version=form.cleaned_data["version"],
            on_behalf=not access.is_own(request.user, evaluation),
        )
    except ValidationError as error:
        _error_messages(request, error)
        return _render_review(
            request, evaluation, form, selectors.collective_content(evaluation), status=409
        )
    messages.success(request, _("Đã nộp bản kiểm điểm.") if submit else _("Đã lưu bản nháp."))
    return _back(evaluation)


@require_POST
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_write(request, pk, submit=False)


@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_write(request, pk, submit=True)


def _with_reason(
    request: HttpRequest, evaluation: Evaluation, service: Any, done: str, missing: str
) -> HttpResponse:
    """An action that needs a written reason (return a review, reopen a decision)."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, missing)
        return _back(evaluation)
    try:
        service(
            actor=request.user,
            evaluation=evaluation,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
        messages.success(request, done)
    except ValidationError as error:
        _error_messages(request, error)
    return _back(evaluation)


@require_POST
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk)
    access.require(request.user, evaluation.unit, access.proposer_roles(evaluation))
    return _with_reason(
        request,
        evaluation,
        services.review_return,
        _("Đã trả lại bản kiểm điểm."),
        _("Cần ghi lý do trả lại."),
    )


def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk)
    access.require(request.user, evaluation.unit, access.WRITERS_OF_CELL)
    form = CommentForm(
        request.POST or None, request.FILES or None, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_record(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Đã ghi nhận nhận xét."))
            return _back(evaluation)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/comment_form.html",
        {"evaluation": evaluation, "form": form},
        status=status,
    )


@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk)
    access.require(request.user, evaluation.unit, access.proposer_roles(evaluation))
    form = ProposeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(evaluation)
    try:
        services.proposal_record(
            actor=request.user,
            evaluation=evaluation,
            expected_version=form.cleaned_data["version"],
            level=form.cleaned_data["level"],
            not_rated_reason=form.cleaned_data["not_rated_reason"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Đã ghi đề xuất."))
    except ValidationError as error:
        _error_messages(request, error)
        # The review page shows the refusal at its proposal form, with what was chosen.
        _keep_refused(request, REFUSED_PROPOSAL, evaluation, form, error)
        if not local_next(request):
            return redirect(reverse("review_detail", args=[evaluation.pk]) + "#propose")
    return redirect(local_next(request) or reverse("review_detail", args=[evaluation.pk]))


REFUSED_PROPOSAL = "xeploai-proposal-refused"  # the last refused proposal, for the next page


def _keep_refused(
    request: HttpRequest,
    key: str,
    evaluation: Evaluation,
    form: ProposeForm | DecideForm,
    error: ValidationError,
) -> None:
    """Keep a refused proposal or decision in the session for the next page, which shows why
    at the form and puts back what was sent."""
    sent = ("level", "not_rated_reason", "reason", "override")
    request.session[key] = {
        "pk": evaluation.pk,
        **{name: form.cleaned_data[name] for name in sent if name in form.cleaned_data},
        "errors": list(error.messages),
    }


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk)
    access.require(request.user, evaluation.decider, access.decider_roles(evaluation))
    return _with_reason(
        request,
        evaluation,
        services.evaluation_reopen,
        _("Đã mở lại để xếp loại lại."),
        _("Cần ghi lý do mở lại để xếp loại lại."),
    )


@require_GET
def round_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    period = access.open_period(unit, request.GET.get("period"))
    rows, facts = selectors.round_page(unit, period)
    # what would stop the decision on each subject, shown before the file is sent
    blockers = checks.round_blockers(
        [r.evaluation for r in rows], period, timezone.localdate(), facts
    )
    for row in rows:
        row.blockers = blockers.get(row.evaluation.pk, [])
    roles = org_access.roles_at(request.user, unit)
    can_act = bool(roles & {Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE, Role.ADMIN})
    rated_members = [
        r
        for r in rows
        if r.evaluation.kind == SubjectKind.MEMBER and not r.evaluation.not_rated_reason
    ]
    submitted = sum(1 for r in rated_members if r.evaluation.reviewed)
    members = len(rated_members)
    return render(
        request,
        "reviews/round.html",
        {
            "unit": unit,
            "period": period,
            "rows": rows,
            "evaluations": [r.evaluation for r in rows],  # the civil panel's, in hand
            "can_act": can_act,
            "submitted": submitted,
            "members": members,
            "sendable": [r for r in rows if r.evaluation.stage == Stage.PROPOSED],
            "from_ballot": [
                r
                for r in rows
                if r.evaluation.ballot_level
                and r.evaluation.stage in (Stage.SUBMITTED, Stage.PROPOSED)
            ],
            # every subject the table shows a ballot result for, whatever its stage
            "with_ballot": sum(1 for r in rows if r.evaluation.ballot_level),
        },
    )


@require_POST
def file_send(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    access.require(request.user, unit, (Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE))
    period = access.open_period(unit, request.POST.get("period"))
    evaluations = list(Evaluation.objects.filter(period=period, unit=unit))
    try:
        sent = services.file_send(actor=request.user, unit=unit, evaluations=evaluations)
        messages.success(
            request, _("Đã gửi hồ sơ của {n} đối tượng lên cấp quyết định.").format(n=sent)
        )
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("round_page", code=unit.code)


@require_POST
def propose_from_ballot(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    access.require(request.user, unit, (Role.CELL_SECRETARY,))
    period = access.open_period(unit, request.POST.get("period"))
    evaluations = list(
        Evaluation.objects.filter(period=period, unit=unit).select_related(
            "unit", "person", "period"
        )
    )
    try:
        n, skipped = services.proposals_from_ballot(actor=request.user, evaluations=evaluations)
        messages.success(
            request, _("Đã đề xuất theo kết quả bỏ phiếu cho {n} đối tượng.").format(n=n)
        )
        if skipped:
            messages.warning(
                request, _("Chưa đề xuất {n} đối tượng chưa đủ điều kiện:").format(n=len(skipped))
            )
            for line in skipped:
                messages.warning(request, line)
    except ValidationError as error:
        messages.error(request, _("Không ghi được đề xuất nào."))
        _error_messages(request, error)
    return redirect("round_page", code=unit.code)


@require_GET
def ledger_report(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    period = access.open_period(unit, request.GET.get("period"))
    return render(
        request,
        "reviews/ledger.html",
        {"unit": unit, "period": period, **selectors.ledger_differences(unit, period)},
    )


@require_GET
def comment_scan(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded scan, served only to someone who may read the evaluation (never a public URL)."""
    comment = Comment.objects.filter(pk=pk).select_related("evaluation").first()
    if comment is None or not comment.scan:
        raise Http404
    evaluation = access.get_evaluation(request.user, comment.evaluation_id)
    audit_record(
        actor=request.user,
        action="comment_scan_download",
        obj=comment,
        unit_path=evaluation.unit.path,
    )
    return FileResponse(
        comment.scan.open("rb"),
        as_attachment=True,
        filename=str(comment.scan.name).rsplit("/", 1)[-1],
    )


@require_GET
def review_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The review in its official form, as a Word file (the download is logged)."""
    evaluation = access.get_evaluation(request.user, pk)
    content = self_review_docx(evaluation)
    audit_record(
        actor=request.user,
        action="export_review_docx",
        obj=evaluation,
        unit_path=evaluation.unit.path,
    )
    name = (
        slugify(f"ban-kiem-diem-{evaluation.subject_name}-{evaluation.period.year}")
        or "ban-kiem-diem"
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan to help a member or unit rated HTNV/KHTNV fix its shortcomings."""
    evaluation = access.get_evaluation(request.user, pk)
    access.require(request.user, evaluation.unit, access.WRITERS_OF_CELL)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(evaluation)
    try:
        services.follow_up_save(actor=request.user, evaluation=evaluation, **form.cleaned_data)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Đã lưu kế hoạch khắc phục."))
    return _back(evaluation)


@require_GET
def progress_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    period = access.open_period(unit, request.GET.get("period"))
    roles = org_access.roles_at(request.user, unit)
    return render(
        request,
        "reviews/progress.html",
        {
            "p": progress(unit, period, timezone.localdate()),
            "can_remind": bool(
                roles
                & {Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD, Role.ADMIN}
            ),
        },
    )


@require_POST
def remind(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    org_access.require_role(
        request.user, unit, (Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD)
    )
    period = access.open_period(unit, request.POST.get("period"))
    reminded = periods.reminders_send(
        actor=request.user, unit=unit, period=period, today=timezone.localdate()
    )
    for level, text in reminder_messages(reminded):
        getattr(messages, level)(request, text)
    back = reverse("progress", args=[unit.code])
    if period.kind == PeriodKind.QUARTER:  # back to the quarter's progress, not the year's
        back += f"?period={period.pk}"
    return redirect(back)
