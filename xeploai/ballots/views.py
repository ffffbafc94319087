from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xeploai.audit.services import audit_record
from xeploai.ballots import checks, documents, services, slips
from xeploai.ballots.models import Ballot, BallotMode
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


@dataclass(frozen=True)
class Subject:
    """A ballot's subject as its pages show it: the evaluation's id, the subject's name."""

    pk: int
    subject_name: str


def _subjects(ballot: Ballot) -> list[Subject]:
    return [Subject(pk, name) for pk, name in services.subject_names(ballot).items()]


def _votable(unit: Any, period: Any) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(period=period, unit=unit, not_rated_reason="")
        .exclude(kind=SubjectKind.COMMITTEE)
        .select_related("person", "unit")
        .order_by("-kind", "person__name_folded")
    )


@dataclass(frozen=True)
class Candidate:
    """A subject the ballots page offers to vote on, as the page shows it."""

    pk: int
    kind: str
    reviewed: bool
    subject_name: str


def _candidates(unit: Any, period: Any) -> list[Candidate]:
    """``_votable``'s subjects in its order, read as the values the page shows (not as
    evaluations with their person and unit: the review's whole content came with each)."""
    rows = (
        Evaluation.objects.filter(period=period, unit=unit, not_rated_reason="")
        .exclude(kind=SubjectKind.COMMITTEE)
        .order_by("-kind", "person__name_folded")
        .values_list("pk", "kind", "reviewed", "person__full_name")
    )
    return [
        Candidate(pk, kind, reviewed, Evaluation.name_of(kind, person, unit.name))
        for pk, kind, reviewed, person in rows
    ]


def _list_context(
    request: HttpRequest,
    unit: Any,
    period: Any,
    candidates: list[Evaluation] | list[Candidate] | None = None,
) -> dict[str, Any]:
    """The ballots page's context (``candidates``: the subjects that can be voted on, when
    read already)."""
    members = services.full_members(unit)
    needed, _void = checks.quorum(period, members, members)
    return {
        "unit": unit,
        "period": period,
        "ballots": Ballot.objects.filter(unit=unit, period=period),
        "candidates": _candidates(unit, period) if candidates is None else candidates,
        "full_members": members,
        "needed": needed,
        "modes": BallotMode.choices,
        "can_act": bool(access.roles_at(request.user, unit) & {*ACTORS, Role.ADMIN}),
    }


@require_GET
def ballot_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    if not unit.is_cell:
        raise Http404
    period = open_period(unit, request.GET.get("period"))
    return render(request, "ballots/list.html", _list_context(request, unit, period))


@require_POST
def ballot_create(request: HttpRequest, code: str) -> HttpResponse:
    """Create a ballot; when the checks warn (reviews not submitted, an earlier ballot of the
    same subjects), the form comes back with the warnings and a confirm button — nothing is
    created until the secretary confirms. A quorum too small is refused."""
    unit = access.get_unit(request.user, code)
    access.require_role(request.user, unit, ACTORS)
    period = open_period(unit, request.POST.get("period"))
    chosen = {int(i) for i in request.POST.getlist("subjects") if i.isdigit()}
    candidates = _votable(unit, period)
    evaluations = [e for e in candidates if e.pk in chosen]
    mode = request.POST.get("mode", "")
    present = request.POST.get("present", "")
    title = request.POST.get("title", "").strip()[:200]

    def again(status: int = 200, **answer: Any) -> HttpResponse:
        """The page once more, with what was posted and the errors or warnings (read only
        when the ballot is not created: a created one redirects)."""
        context = _list_context(request, unit, period, candidates)
        context["posted"] = {"mode": mode, "present": present, "title": title, "subjects": chosen}
        return render(request, "ballots/list.html", {**context, **answer}, status=status)

    if mode not in BallotMode.values or not present.isdigit() or len(present) > 6:
        return again(
            400, errors=[_("Chọn hình thức bỏ phiếu và nhập số đảng viên chính thức có mặt.")]
        )
    try:
        ballot = services.ballot_create(
            actor=request.user,
            period=period,
            unit=unit,
            mode=mode,
            present=int(present),
            title=title or _("Biểu quyết đề xuất mức xếp loại"),
            evaluations=evaluations,
            confirmed=request.POST.get("confirmed") == "1",
        )
    except services.NeedsConfirmation as warning:
        return again(warnings=warning.warnings)
    except ValidationError as error:
        return again(400, errors=error.messages)
    return redirect("ballot_detail", pk=ballot.pk)


def _mismatch_rows(
    ballot: Ballot, names: dict[int, str], current: dict[int, services.PaperData] | None = None
) -> tuple[list[tuple[str, str, int, int]] | None, set[str]]:
    """The differing cells with the subject's name (the ballot's own counts named as such), and
    the keys of the rows that differ (``counts`` or an evaluation id) for highlighting.
    ``names``: every subject's, in their order; ``current``: the current keyings, when read."""
    mismatches = (
        services.paper_mismatches(ballot, current, list(names))
        if ballot.mode == BallotMode.PAPER
        else None
    )
    if mismatches is None:
        return None, set()
    rows = [
        (
            _("Số phiếu của cuộc bỏ phiếu") if key is None else names.get(key, f"#{key}"),
            str(LABELS.get(field, field)),
            one,
            two,
        )
        for key, field, one, two in mismatches
    ]
    return rows, {"counts" if key is None else str(key) for key, *_rest in mismatches}


LABELS = {
    "issued": _lazy("Phát ra"),
    "returned": _lazy("Thu vào"),
    "valid": _lazy("Hợp lệ"),
}


@require_GET
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    tallies = {t.evaluation_id: t for t in ballot.tallies.all()}
    counts = next(iter(tallies.values()), None)
    # who voted (the ballots returned), not who was present: 2 of 9 present voting is a group
    # of 2, whose breakdown would show how each voted — and "only 9 voted" would be untrue
    voted = counts.returned if counts is not None else ballot.present
    small = voted < SMALL_GROUP
    reveal = request.GET.get("reveal") == "1" or not small
    subjects = _subjects(ballot)
    names = {e.pk: e.subject_name for e in subjects}
    # the current keyings, with who keyed them: shown, and compared (read once for both)
    current = {
        entry.entry_no: entry
        for entry in ballot.entries.filter(superseded=False)
        .select_related("entered_by")
        .order_by("entered_at", "pk")
    }
    mismatches, offending = _mismatch_rows(
        ballot, names, {n: entry.data for n, entry in current.items()}
    )
    return render(
        request,
        "ballots/detail.html",
        {
            "ballot": ballot,
            "subjects": [(e, tallies.get(e.pk)) for e in subjects],
            "counts": counts,
            "small": small,
            "voted": voted,
            "reveal": reveal,
            "entries": ballot.entries.select_related("entered_by").order_by("entered_at"),
            "current": current,
            "entry_numbers": (1, 2),
            "mismatches": mismatches,
            "offending": offending,
            # the codes that voted (their choices are not SQL NULL)
            "cast": ballot.codes.filter(choices__isnull=False).count()
            if ballot.mode == BallotMode.ROOM
            else 0,
            "guard": checks.guard_of(ballot)
            if ballot.is_open and ballot.mode == BallotMode.ROOM and not ballot.codes_issued
            else None,
            "can_act": bool(access.roles_at(request.user, ballot.unit) & {*ACTORS, Role.ADMIN}),
        },
    )


def _number(request: HttpRequest, name: str, label: str, errors: list[str]) -> int:
    raw = request.POST.get(name, "").strip() or "0"
    if not raw.isdigit() or len(raw) > 6:
        errors.append(label)
        return 0
    return int(raw)


def _read_paper_form(request: HttpRequest, ballot: Ballot) -> tuple[services.PaperData, list[str]]:
    """The ballot's three counts once, then each subject's votes per level."""
    errors: list[str] = []
    bad = _("{name}: ô “{field}” phải là số nguyên không âm.")
    what = _("Số phiếu của cuộc bỏ phiếu")
    counts = {
        f: _number(request, f"counts-{f}", bad.format(name=what, field=LABELS[f]), errors)
        for f in services.COUNT_FIELDS
    }
    votes: dict[str, dict[str, int]] = {}
    for evaluation in _subjects(ballot):
        votes[str(evaluation.pk)] = {
            level: _number(
                request,
                f"{evaluation.pk}-{level}",
                bad.format(name=evaluation.subject_name, field=level),
                errors,
            )
            for level in services.LEVELS
        }
    return {"counts": counts, "votes": votes}, errors


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int, entry_no: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    access.require_role(request.user, ballot.unit, ACTORS)
    if entry_no not in (1, 2) or ballot.mode != BallotMode.PAPER:
        raise Http404
    data: services.PaperData = {}
    errors: list[str] = []
    current: dict[int, services.PaperData] | None = None  # the current keyings, once read
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
        current = services.current_keyings(ballot)
        data = current.get(entry_no) or {}
    subjects = _subjects(ballot)
    # rows where the two keyings differ are marked — which rows, never the other's values
    _rows, offending = _mismatch_rows(ballot, {e.pk: e.subject_name for e in subjects}, current)
    votes = data.get("votes", {})
    return render(
        request,
        "ballots/paper_entry.html",
        {
            "ballot": ballot,
            "entry_no": entry_no,
            "counts": data.get("counts", {}),
            "count_fields": [(f, LABELS[f]) for f in services.COUNT_FIELDS],
            "rows": [(e, votes.get(str(e.pk), {}), str(e.pk) in offending) for e in subjects],
            "counts_differ": "counts" in offending,
            "errors": errors,
            "levels": services.LEVELS,
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


def _slips(request: HttpRequest, ballot: Ballot, codes: list[str]) -> HttpResponse:
    base = slips.vote_base(request)
    response = render(
        request,
        "ballots/codes.html",
        {"ballot": ballot, "vote_url": base, "slips": [slips.slip(base, c) for c in codes]},
    )
    response["Cache-Control"] = "no-store"
    return response


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
    return _slips(request, ballot, codes)


@require_POST
@never_cache
def codes_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """The slips did not print: void the codes (none used yet) and print a new set."""
    ballot = _ballot(request, pk)
    access.require_role(request.user, ballot.unit, ACTORS)
    try:
        codes = services.codes_reissue(
            actor=request.user, ballot=ballot, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("ballot_detail", pk=ballot.pk)
    return _slips(request, ballot, codes)


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
