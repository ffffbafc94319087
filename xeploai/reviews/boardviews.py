"""The decision board: a deciding body's files filtered by cell and status and paginated (the
filters in the URL), with the quota meters and the rule problems of the whole body and, on each
row, what would stop its decision now. A decision made from a row answers htmx with that row, the
rows of the page it may have changed, the meters and the problems — not the whole page; a refused
one, which changes nothing, with its row and the notes only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xeploai.audit.services import audit_record
from xeploai.cycles.models import Period, PeriodKind
from xeploai.lib.htmx import is_htmx
from xeploai.lib.redirects import local_next
from xeploai.org import access as org_access
from xeploai.org.models import OrgUnit, Role
from xeploai.reviews import access, checks, meters, quarters, selectors, services
from xeploai.reviews.documents import results_docx, results_pdf
from xeploai.reviews.forms import DecideForm
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.selectors import Row
from xeploai.reviews.views import RESULT_FORMATS, _form_errors, _keep_refused

LEVEL_CHOICES = DecideForm.base_fields["level"].choices  # type: ignore[attr-defined]
REASON_CHOICES = DecideForm.base_fields["not_rated_reason"].choices  # type: ignore[attr-defined]
PAGE_SIZE = 25  # rows per page: about a cell; half the first paint of 50 (docs/benchmarks.md)
SHOWS = {
    "all": gettext_lazy("Tất cả"),
    "pending": gettext_lazy("Chờ quyết định"),
    "ready": gettext_lazy("Sẵn sàng quyết định"),
    "blocked": gettext_lazy("Còn vướng"),
    "decided": gettext_lazy("Đã quyết định"),
}
# The board's last refused decision (without htmx), kept in the session for the next board page.
REFUSED = "xeploai-board-refused"


def _deciders(unit: OrgUnit) -> tuple[str, ...]:
    return access.GRASSROOTS_DECIDERS if unit.is_grassroots else access.UPPER_DECIDERS


def _board_unit(request: HttpRequest, code: str) -> OrgUnit:
    unit = org_access.get_unit(request.user, code)
    if not (unit.is_grassroots or unit.kind == "cap_tren"):
        raise Http404
    return unit


def _query(**params: str | int) -> str:
    """The board's query string for these filters (empty ones left out)."""
    defaults = {"show": "all", "page": 1}
    kept = {k: v for k, v in params.items() if v != "" and v != defaults.get(k)}
    return f"?{urlencode(kept)}" if kept else ""


def _wanted(row: Row, show: str, cell: int | None) -> bool:
    e = row.evaluation
    if cell is not None and e.unit_id != cell:
        return False
    if show == "pending":
        return e.stage == Stage.SENT
    if show == "ready":
        return e.stage == Stage.SENT and not row.blockers
    if show == "blocked":
        return e.stage == Stage.SENT and bool(row.blockers)
    if show == "decided":
        return e.stage == Stage.DECIDED
    return True


def _board(
    request: HttpRequest,
    unit: OrgUnit,
    period: Period,
    params: QueryDict,
    *,
    whole_page: bool = True,
    also: int | None = None,
) -> dict[str, Any]:
    """Everything the board's page (or one of its rows) shows: the body's rows checked as a
    whole, then the chosen cell and status, then the page (``whole_page=False``: what a
    decision's answer swaps in — the rows, the meters, the problems — without the filters'
    links and the quarters below the table; ``also``: the id of a row it shows besides the
    page's).

    The subjects each file must wait for are named for the rows shown alone, unless the
    filter itself asks which files are blocked ("ready", "blocked"): nothing else reads the
    other rows' blockers."""
    show = params.get("show", "all")
    show = show if show in SHOWS else "all"
    rows, facts = selectors.board(unit, period, every_row=show == "all")
    evaluations = [r.evaluation for r in rows]
    on = timezone.localdate()
    every_tick = show in ("ready", "blocked")
    check = checks.board_check(
        evaluations, period, on, facts, complete=show == "all", waiting=every_tick
    )
    if every_tick:
        for row in rows:
            row.blockers = check.blockers.get(row.evaluation.pk, [])
    units = sorted({e.unit for e in evaluations}, key=lambda u: u.path)
    by_code = {u.code: u for u in units}
    chosen = by_code.get(params.get("cell", ""))
    shown = [r for r in rows if _wanted(r, show, chosen.pk if chosen else None)]
    # "page=all": every row on one page, to print the board (a link beside the pages)
    whole = params.get("page") == "all"
    page = Paginator(shown, max(1, len(shown)) if whole else PAGE_SIZE).get_page(
        1 if whole else params.get("page")
    )
    cell = chosen.code if chosen else ""
    base = reverse("board", args=[unit.code])
    # kept by every link when one was chosen, and always for a quarter's board: the default
    # period of a unit is its yearly round
    period_pk = params.get("period") or ("" if period.kind == PeriodKind.YEAR else str(period.pk))
    page_rows: list[Row] = list(page.object_list)
    if not every_tick:
        shown_ids = {r.evaluation.pk for r in page_rows}
        if also is not None:
            shown_ids.add(also)
        checks.board_waiting(check, evaluations, period, complete=show == "all", only=shown_ids)
        for row in rows:
            row.blockers = check.blockers.get(row.evaluation.pk, [])
    context = {
        "unit": unit,
        "period": period,
        "rows": page_rows,
        "page": page,
        "summaries": meters.pool_summaries(evaluations, period, facts, check),
        "violations": check.violations,
        "show": show,
        "cell": cell,
        "board_url": base
        + _query(period=period_pk, show=show, cell=cell, page="all" if whole else page.number),
        "whole": whole,
        "can_decide": bool(
            org_access.roles_at(request.user, unit) & {*_deciders(unit), Role.ADMIN}
        ),
        # the options of every row's selects, translated once for the page
        "level_codes": tuple(value for value, _label in LEVEL_CHOICES),
        "reason_choices": tuple((value, str(label)) for value, label in REASON_CHOICES),
        "on_page": {r.evaluation.pk for r in page_rows},  # the problems link the others' pages
        # not ticked for "decide as proposed": the rules refuse them as they stand
        "blocked": check.blocked,
        "checked": rows,  # every row read and checked, whatever the filter
    }
    if not whole_page:
        return context
    context.update(
        filters=[
            (key, label, _query(period=period_pk, show=key, cell=cell))
            for key, label in SHOWS.items()
        ],
        cells=[(u.code, u.name, _query(period=period_pk, show=show, cell=u.code)) for u in units],
        all_cells=_query(period=period_pk, show=show),
        pages=[
            (n, _query(period=period_pk, show=show, cell=cell, page=n))
            for n in page.paginator.page_range
        ],
        whole_url=_query(period=period_pk, show=show, cell=cell, page="all"),
        pending=[r for r in page_rows if r.evaluation.stage == Stage.SENT],
        waiting=sum(1 for r in rows if r.evaluation.stage == Stage.SENT),
        # the yearly board shows its members' quarters (a section below the table)
        year_quarters=quarters.year_quarters(evaluations, period, get_language()),
    )
    return context


@require_GET
def board(request: HttpRequest, code: str) -> HttpResponse:
    unit = _board_unit(request, code)
    period = access.open_period(unit, request.GET.get("period"))
    context = _board(request, unit, period, request.GET)
    context["refused"] = request.session.pop(REFUSED, None)
    return render(request, "reviews/board.html", context)


def _related(row: Row, decided: Evaluation) -> bool:
    """Whether a decision on ``decided`` may have changed this row of the page: the
    organization decided after it (its ordering), or an HTXSNV still proposed when the
    decision moved the quota (a level other than the one proposed, which the meters counted)."""
    e = row.evaluation
    if e.pk == decided.pk:
        return False
    parent = (e.kind == SubjectKind.CELL and decided.kind == SubjectKind.MEMBER) or (
        e.kind == SubjectKind.GRASSROOTS and decided.kind != SubjectKind.GRASSROOTS
    )
    if parent and decided.unit.path.startswith(e.unit.path):
        return True
    moved = decided.stage == Stage.DECIDED and decided.level != decided.cell_level
    return moved and e.stage == Stage.SENT and e.cell_level == "HTXSNV"


def _row_update(
    request: HttpRequest,
    evaluation: Evaluation,
    notes: list[tuple[str, str]],
    refused: dict[str, Any] | None,
) -> HttpResponse:
    """The answer to a decision made with htmx from a board row: the row, the page's rows it
    may have changed, the quota meters, the problems and the notes (swapped out of band)."""
    unit, period = evaluation.decider, evaluation.period
    back = local_next(request) or reverse("board", args=[unit.code])
    params = QueryDict(urlsplit(back).query)
    context = _board(request, unit, period, params, whole_page=False, also=evaluation.pk)
    context["board_url"] = back.split("#", 1)[0]
    rows: list[Row] = context["rows"]
    own = [r for r in rows if r.evaluation.pk == evaluation.pk]
    if not own:  # left the filter (decided, or no longer blocked): the row as it is now,
        # among the rows checked (a decided row is, in every filter) or else read alone
        checked: list[Row] = context["checked"]
        own = [r for r in checked if r.evaluation.pk == evaluation.pk]
        own = own or selectors.board_row(unit, period, evaluation.pk)[0]
    context.update(
        own=own,
        also=[r for r in rows if _related(r, evaluation)],
        notes=notes,
        refused=refused,
    )
    return render(request, "reviews/_board_update.html", context)


def _refused_row(
    request: HttpRequest,
    evaluation: Evaluation,
    notes: list[tuple[str, str]],
    refused: dict[str, Any],
    pool: checks.Pool | None,
) -> HttpResponse:
    """The answer to a decision the rules refused (htmx): its row, with why and what was sent,
    and the notes. A refusal changes nothing, so neither the meters, the problems nor the
    other rows are sent again — and the body is not checked as a whole for them: the row's
    tick ("decide as proposed") is what ``board_check`` would say of it, found for it alone
    (``pool``: the file and what the rules' check of the decision read, not read again)."""
    unit, period = evaluation.decider, evaluation.period
    back = local_next(request) or reverse("board", args=[unit.code])
    on = timezone.localdate()
    if pool is not None:  # the rules' refusal: the file and the facts its check read
        own = selectors.row_of(pool.target, pool.facts)
        blocked = frozenset(
            [pool.target.pk] if checks.row_blocked(pool.target, on, pool=pool) else []
        )
    else:
        own, facts = selectors.board_row(unit, period, evaluation.pk)
        blocked = frozenset(
            r.evaluation.pk for r in own if checks.row_blocked(r.evaluation, on, facts)
        )
    context = {
        "own": own,
        "notes": notes,
        "refused": refused,
        "blocked": blocked,
        "board_url": back.split("#", 1)[0],
        "can_decide": bool(
            org_access.roles_at(request.user, unit) & {*_deciders(unit), Role.ADMIN}
        ),
        "level_codes": tuple(value for value, _label in LEVEL_CHOICES),
        "reason_choices": tuple((value, str(label)) for value, label in REASON_CHOICES),
    }
    return render(request, "reviews/_board_refused.html", context)


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk)
    access.require(request.user, evaluation.decider, access.decider_roles(evaluation))
    form = DecideForm(request.POST)
    back = local_next(request) or reverse("review_detail", args=[evaluation.pk])
    row_only = is_htmx(request)  # from a board row: answer with the row, not the page
    if not form.is_valid():
        if row_only:
            notes = [
                ("error", f"{evaluation.subject_name}: {text}")
                for errors in form.errors.values()
                for text in errors
            ]
            return _row_update(request, evaluation, notes, None)
        _form_errors(request, form, prefix=f"{evaluation.subject_name}: ")
        return redirect(back)
    try:
        decided = services.decision_record(
            actor=request.user,
            evaluation=evaluation,
            expected_version=form.cleaned_data["version"],
            on=timezone.localdate(),
            level=form.cleaned_data["level"],
            not_rated_reason=form.cleaned_data["not_rated_reason"],
            reason=form.cleaned_data["reason"],
            override=form.cleaned_data["override"],
        )
    except ValidationError as error:
        errors = [f"{evaluation.subject_name}: {text}" for text in error.messages]
        if row_only:
            sent = ("level", "not_rated_reason", "reason", "override")
            attempt = {
                "pk": evaluation.pk,
                **{name: form.cleaned_data.get(name) for name in sent},
                "errors": list(error.messages),
            }
            pool = error.pool if isinstance(error, checks.Refused) else None
            notes = [("error", t) for t in errors]
            return _refused_row(request, evaluation, notes, attempt, pool)
        for text in errors:
            messages.error(request, text)
        # The board shows the refusal on the row, with what was chosen (REFUSED).
        _keep_refused(request, REFUSED, evaluation, form, error)
        return redirect(back)
    done = _("Đã quyết định xếp loại: {name}.").format(name=evaluation.subject_name)
    if row_only:  # the evaluation as recorded (read under the lock, with its decision)
        return _row_update(request, decided, [("success", done)], None)
    messages.success(request, done)
    return redirect(back)


@require_GET
def board_results(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The announcement of the levels the unit decided, ready to sign (the download is logged)."""
    unit = _board_unit(request, code)
    if fmt not in RESULT_FORMATS:
        raise Http404
    period = access.open_period(unit, request.GET.get("period"))
    on = timezone.localdate()
    content = (results_docx if fmt == "docx" else results_pdf)(unit, period, on)
    audit_record(
        actor=request.user,
        action="export_results_document",
        obj=unit,
        unit_path=unit.path,
        after={"unit": unit.code, "year": period.year, "format": fmt},
    )
    response = HttpResponse(content, content_type=RESULT_FORMATS[fmt])
    name = f"thong-bao-ket-qua-{unit.code}-{period.year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def board_accept(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    access.require(request.user, unit, _deciders(unit))
    period = access.open_period(unit, request.POST.get("period"))
    back = local_next(request) or reverse("board", args=[unit.code])
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    evaluations = list(
        Evaluation.objects.filter(period=period, decider=unit, pk__in=ids, stage=Stage.SENT)
        .select_related("unit", "decider", "person", "period")
        .order_by("kind", "pk")
    )
    if not evaluations:
        messages.error(request, _("Chưa chọn đối tượng nào có đề xuất đang chờ quyết định."))
        return redirect(back)
    n, refused = services.decisions_accept(
        actor=request.user, evaluations=evaluations, on=timezone.localdate()
    )
    if n:
        messages.success(request, _("Đã quyết định theo đề xuất cho {n} đối tượng.").format(n=n))
    if refused:
        messages.error(
            request,
            _("Không quyết định được {n} đối tượng (các đối tượng khác đã được ghi):").format(
                n=len({line.split(": ", 1)[0] for line in refused})
            ),
        )
        for line in refused:
            messages.error(request, line)
    return redirect(back)
