from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xeploai.audit.services import audit_record
from xeploai.ballots import documents, services
from xeploai.ballots.models import Ballot, BallotMode, BallotStatus
from xeploai.org import access
from xeploai.org.models import Role
from xeploai.reviews.access import open_period
from xeploai.reviews.models import Evaluation, SubjectKind

ACTORS = (Role.CELL_SECRETARY,)
SMALL_GROUP = 5  # fewer voters than this: a breakdown could reveal individual votes


def _ballot(request: HttpRequest, pk: int) -> Ballot:
    ballot = Ballot.objects.select_related("unit", "period").filter(pk=pk).first()
    if ballot is None or not access.can_read_unit(request.user, ballot.unit):
        raise Http404
    return ballot


def _subjects(ballot: Ballot) -> list[Evaluation]:
    return [
        s.evaluation
        for s in ballot.subjects.select_related("evaluation__person", "evaluation__unit").order_by(
            "position"
        )
    ]


def _votable(unit: Any, period: Any) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(period=period, unit=unit, not_rated_reason="")
        .exclude(kind=SubjectKind.COMMITTEE)
        .select_related("person", "unit")
        .order_by("-kind", "person__name_folded")
    )


@require_GET
def ballot_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    if not unit.is_cell:
        raise Http404
    period = open_period(unit, request.GET.get("period"))
    return render(
        request,
        "ballots/list.html",
        {
            "unit": unit,
            "period": period,
            "ballots": Ballot.objects.filter(unit=unit, period=period),
            "candidates": _votable(unit, period),
            "full_members": services.full_members(unit),
            "modes": BallotMode.choices,
            "can_act": bool(access.roles_at(request.user, unit) & {*ACTORS, Role.ADMIN}),
        },
    )


@require_POST
def ballot_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    access.require_role(request.user, unit, ACTORS)
    period = open_period(unit, request.POST.get("period"))
    chosen = {int(i) for i in request.POST.getlist("subjects") if i.isdigit()}
    evaluations = [e for e in _votable(unit, period) if e.pk in chosen]
    mode = request.POST.get("mode", "")
    present = request.POST.get("present", "")
    if mode not in BallotMode.values or not present.isdigit():
        messages.error(
            request, _("Chọn hình thức bỏ phiếu và nhập số đảng viên chính thức có mặt.")
        )
        return redirect("ballot_list", code=unit.code)
    try:
        ballot = services.ballot_create(
            actor=request.user,
            period=period,
            unit=unit,
            mode=mode,
            present=int(present),
            title=request.POST.get("title", "").strip()[:200]
            or _("Biểu quyết đề xuất mức xếp loại"),
            evaluations=evaluations,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("ballot_list", code=unit.code)
    return redirect("ballot_detail", pk=ballot.pk)


@require_GET
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    tallies = {t.evaluation_id: t for t in ballot.tallies.all()}
    small = ballot.present < SMALL_GROUP
    reveal = request.GET.get("reveal") == "1" or not small
    subjects = _subjects(ballot)
    names = {e.pk: e.subject_name for e in subjects}
    mismatches = services.paper_mismatches(ballot) if ballot.mode == BallotMode.PAPER else None
    return render(
        request,
        "ballots/detail.html",
        {
            "ballot": ballot,
            "subjects": [(e, tallies.get(e.pk)) for e in subjects],
            "small": small,
            "reveal": reveal,
            "entries": ballot.entries.select_related("entered_by").order_by("entered_at"),
            # (subject's name, field, first keying, second keying): names, not ids
            "mismatches": None
            if mismatches is None
            else [(names.get(eid, f"#{eid}"), *rest) for eid, *rest in mismatches],
            "cast": ballot.codes.exclude(choices=None).count()
            if ballot.mode == BallotMode.ROOM
            else 0,
            "can_act": bool(access.roles_at(request.user, ballot.unit) & {*ACTORS, Role.ADMIN}),
        },
    )


def _read_paper_form(
    request: HttpRequest, ballot: Ballot
) -> tuple[dict[str, dict[str, int]], list[str]]:
    data: dict[str, dict[str, int]] = {}
    errors: list[str] = []
    for evaluation in _subjects(ballot):
        row: dict[str, int] = {}
        for field in (*services.LEVELS, *services.COUNT_FIELDS):
            raw = request.POST.get(f"{evaluation.pk}-{field}", "").strip() or "0"
            if not raw.isdigit() or len(raw) > 6:
                errors.append(
                    _("{name}: ô “{field}” phải là số nguyên không âm.").format(
                        name=evaluation.subject_name, field=field
                    )
                )
                row[field] = 0
            else:
                row[field] = int(raw)
        data[str(evaluation.pk)] = row
    return data, errors


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int, entry_no: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    access.require_role(request.user, ballot.unit, ACTORS)
    if entry_no not in (1, 2) or ballot.mode != BallotMode.PAPER:
        raise Http404
    data: dict[str, dict[str, int]] = {}
    errors: list[str] = []
    if request.method == "POST":
        data, errors = _read_paper_form(request, ballot)
        if not errors:
            try:
                services.paper_entry_save(
                    actor=request.user, ballot=ballot, entry_no=entry_no, data=data
                )
                messages.success(request, _("Đã lưu lần nhập {n}.").format(n=entry_no))
                return redirect("ballot_detail", pk=ballot.pk)
            except ValidationError as error:
                errors = error.messages
    else:
        # Keying this entry again (to correct a cell after a mismatch) starts from what it
        # holds; never from the other entry, which the double keying must not see.
        current = ballot.entries.filter(entry_no=entry_no, superseded=False).order_by("-pk")
        kept = current.values_list("data", flat=True).first()
        data = kept or {}
    rows = [(e, data.get(str(e.pk), {})) for e in _subjects(ballot)]
    return render(
        request,
        "ballots/paper_entry.html",
        {
            "ballot": ballot,
            "entry_no": entry_no,
            "rows": rows,
            "errors": errors,
            "levels": services.LEVELS,
            "counts": services.COUNT_FIELDS,
        },
        status=400 if errors else 200,
    )


@require_POST
def paper_accept(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    access.require_role(request.user, ballot.unit, ACTORS)
    try:
        services.paper_accept(actor=request.user, ballot=ballot)
        messages.success(request, _("Hai lần nhập khớp nhau: đã chấp nhận kết quả kiểm phiếu."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("ballot_detail", pk=ballot.pk)


@require_POST
@never_cache
def codes_print(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    access.require_role(request.user, ballot.unit, ACTORS)
    try:
        codes = services.codes_issue(actor=request.user, ballot=ballot)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("ballot_detail", pk=ballot.pk)
    response = render(request, "ballots/codes.html", {"ballot": ballot, "codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def room_close(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    access.require_role(request.user, ballot.unit, ACTORS)
    try:
        services.room_close(actor=request.user, ballot=ballot)
        messages.success(request, _("Đã kết thúc bỏ phiếu và công bố kết quả."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("ballot_detail", pk=ballot.pk)


@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    if ballot.is_open:
        raise Http404
    tallies = {t.evaluation_id: t for t in ballot.tallies.all()}
    return render(
        request,
        "ballots/minutes.html",
        {
            "ballot": ballot,
            "subjects": [(e, tallies.get(e.pk)) for e in _subjects(ballot)],
            "entries": ballot.entries.select_related("entered_by").order_by("entered_at"),
        },
    )


@require_GET
def published(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    if ballot.mode != BallotMode.ROOM or ballot.is_open:
        raise Http404
    codes = sorted(ballot.codes.all(), key=lambda c: c.code_hash)
    return render(
        request,
        "ballots/published.html",
        {"ballot": ballot, "codes": codes, "subjects": _subjects(ballot)},
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    """The voter's phone: a code, then one choice per subject. No login, nothing about the
    voter is stored."""
    code = request.POST.get("code", "")
    context: dict[str, Any] = {"code": code}
    if request.method == "POST":
        found = services.find_code(code) if code else None
        if found is None or not found.ballot.is_open:
            context["error"] = _("Mã không đúng hoặc cuộc bỏ phiếu đã kết thúc.")
        elif found.choices is not None:
            context["error"] = _("Mã này đã được dùng để bỏ phiếu.")
        elif "cast" in request.POST:
            subjects = _subjects(found.ballot)
            choices = {str(e.pk): request.POST.get(f"s{e.pk}", "") for e in subjects}
            try:
                row = services.vote_cast(code=code, choices=choices)
                return render(request, "ballots/vote_done.html", {"fingerprint": row.fingerprint})
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
        else:
            context.update(
                ballot=found.ballot, subjects=_subjects(found.ballot), levels=services.LEVELS
            )
    response = render(request, "ballots/vote.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def vote_check(request: HttpRequest) -> HttpResponse:
    """After the close, a voter checks the ballot cast with their code."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        found = services.find_code(request.POST.get("code", ""))
        if found is None or found.ballot.status != BallotStatus.CLOSED:
            context["error"] = _("Mã không đúng hoặc cuộc bỏ phiếu chưa kết thúc.")
        else:
            context.update(row=found, subjects=_subjects(found.ballot))
    return render(request, "ballots/vote_check.html", context)


@require_GET
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    if ballot.is_open:
        raise Http404
    audit_record(
        actor=request.user, action="export_minutes_docx", obj=ballot, unit_path=ballot.unit.path
    )
    response = HttpResponse(
        documents.minutes_docx(ballot),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="bien-ban-kiem-phieu-{ballot.pk}.docx"'
    return response
