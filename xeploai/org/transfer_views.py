"""Transferring one member's party activity to another cell (chuyển sinh hoạt đảng).

Who may: the committee or the upper organization board over the member's cell and over the
receiving cell — the committee that gives the introduction letter (giấy giới thiệu sinh hoạt
đảng) inside its own organization, the upper board between organizations. The work is done by
``org.services.person_transfer``: the open membership closes the day before, the new one
opens, the member counts move and the member's evaluation not yet decided follows to the
receiving cell and its round (``reviews.transfers``). A list of many members goes through the
people import instead (docs/imports.md).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from xeploai.org import access
from xeploai.org.models import OrgUnit, Person, Role
from xeploai.org.services import person_transfer

TRANSFERRERS = (Role.COMMITTEE, Role.UPPER_BOARD)


class TransferForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("Mã chi bộ nhận"),
        max_length=40,
        help_text=gettext_lazy("Mã của chi bộ đảng viên chuyển đến sinh hoạt."),
    )
    start = forms.DateField(
        label=gettext_lazy("Ngày bắt đầu sinh hoạt ở chi bộ mới"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def may_transfer(user: Any, person: Person) -> bool:
    """Whether ``user`` may transfer ``person`` out of their cell (the page's link)."""
    try:
        access.require_role(user, person.unit, TRANSFERRERS)
    except PermissionDenied:
        return False
    return True


def _receiving(user: Any, code: str) -> OrgUnit:
    """The receiving unit, if the user may transfer members into it; else a form error that
    says the same for a unit that does not exist and one outside the user's scope."""
    try:
        unit = access.get_unit(user, code)
        access.require_role(user, unit, TRANSFERRERS)
    except (Http404, PermissionDenied) as error:
        raise ValidationError(
            {
                "unit": _(
                    "Không có chi bộ mã {code} trong phạm vi đồng chí được chuyển đến."
                ).format(code=code)
            }
        ) from error
    return unit


@require_http_methods(["GET", "POST"])
def person_transfer_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person(request.user, pk)
    access.require_role(request.user, person.unit, TRANSFERRERS)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            to_unit = _receiving(request.user, data["unit"].strip())
            person_transfer(actor=request.user, person=person, to_unit=to_unit, on=data["start"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Đã chuyển {name} đến sinh hoạt ở {unit} từ ngày {day}.").format(
                    name=person.full_name,
                    unit=to_unit.name,
                    day=date_format(data["start"], "d/m/Y"),
                ),
            )
            return redirect("person_detail", pk=person.pk)
    return render(request, "org/person_transfer.html", {"person": person, "form": form})
