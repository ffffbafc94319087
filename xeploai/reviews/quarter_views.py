"""The quarterly rounds of a unit: the list, opening one, locking and reopening it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org import access as org_access
from xeploai.org.models import OrgUnit, Role
from xeploai.reviews import access, quarters
from xeploai.reviews.models import Evaluation

OPENERS = (Role.COMMITTEE, Role.CLERK, Role.UPPER_BOARD)


def _openable(unit: OrgUnit) -> bool:
    return unit.is_grassroots or unit.kind == "cap_tren"


def _messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def quarters_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    today = timezone.localdate()
    periods = list(quarters.quarter_periods(unit))
    rows = []
    for period in periods:
        # the pages of the period at the deeper of the unit and the period's scope root
        at = period.scope_root if period.scope_root.depth > unit.depth else unit
        rows.append((period, at, _openable(at)))
    person = getattr(request.user, "person", None)
    mine = (
        list(
            Evaluation.objects.filter(person=person, period__in=periods)
            .select_related("period")
            .order_by("-period__year", "-period__quarter")
        )
        if person is not None and periods
        else []
    )
    roles = org_access.roles_at(request.user, unit)
    return render(
        request,
        "reviews/quarters.html",
        {
            "unit": unit,
            "rows": rows,
            "mine": mine,
            "can_open": _openable(unit) and bool(roles & {*OPENERS, Role.ADMIN}),
            "year": today.year,
            "quarter": (today.month - 1) // 3 + 1,
            "due": quarters.quarter_due(today.year, (today.month - 1) // 3 + 1),
        },
    )


def _int(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationError({name: _("Giá trị không hợp lệ: {v}").format(v=value)}) from None


@require_POST
def quarter_open(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    access.require(request.user, unit, OPENERS)
    if not _openable(unit):
        raise Http404
    try:
        year = _int(request.POST.get("year"), "year")
        quarter = _int(request.POST.get("quarter"), "quarter")
        due_text = request.POST.get("due", "")
        try:
            due = dt.date.fromisoformat(due_text) if due_text else None
        except ValueError:
            raise ValidationError({"due": _("Hạn không hợp lệ: {v}").format(v=due_text)}) from None
        period = quarters.quarter_open(
            actor=request.user,
            scope_root=unit,
            year=year,
            quarter=quarter,
            leaders_only=request.POST.get("subjects", "leaders") != "all",
            cell_ballot=bool(request.POST.get("cell_ballot")),
            due=due,
        )
    except ValidationError as error:
        _messages(request, error)
        return redirect("quarters", code=unit.code)
    messages.success(request, _("Đã mở đợt đánh giá {name}.").format(name=period.name))
    return redirect("quarters", code=unit.code)


def _period_of(request: HttpRequest, code: str, pk: int) -> tuple[OrgUnit, Period]:
    unit = org_access.get_unit(request.user, code)
    access.require(request.user, unit, OPENERS)
    period = access.open_period(unit, str(pk))
    if period.kind != PeriodKind.QUARTER or period.scope_root_id != unit.pk:
        raise Http404
    return unit, period


@require_POST
def quarter_lock(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit, period = _period_of(request, code, pk)
    try:
        quarters.quarter_lock(actor=request.user, period=period)
        messages.success(request, _("Đã khóa {name}.").format(name=period.name))
    except ValidationError as error:
        _messages(request, error)
    return redirect("quarters", code=unit.code)


@require_POST
def quarter_reopen(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit, period = _period_of(request, code, pk)
    try:
        quarters.quarter_reopen(
            actor=request.user, period=period, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Đã mở lại {name}.").format(name=period.name))
    except ValidationError as error:
        _messages(request, error)
    return redirect("quarters", code=unit.code)
