"""The board's screen for merging, splitting and dissolving a unit (issue 16 §2).

Who may: the committee or the upper organization board over the unit's parent — the level
that decides a reorganization of its subordinate units (HD 31-HD/BTCTW 2025) — and over the
receiving units as well. The work is done by ``org.reorg``'s services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from xeploai.org import access
from xeploai.org.models import OrgUnit, Person, PersonStatus, Role
from xeploai.org.reorg import SplitPart, unit_dissolve, unit_merge, unit_split
from xeploai.org.selectors import lineage_of

REORGANIZERS = (Role.COMMITTEE, Role.UPPER_BOARD)
ACTIONS = [
    ("merge", gettext_lazy("Sáp nhập vào tổ chức khác")),
    ("split", gettext_lazy("Chia tách")),
    ("dissolve", gettext_lazy("Giải thể")),
]


class ReorganizeForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Hình thức"), choices=ACTIONS)
    target = forms.CharField(
        label=gettext_lazy("Mã tổ chức nhận"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Sáp nhập: tổ chức nhận; giải thể: tổ chức nhận bàn giao (nếu có)."),
    )
    on = forms.DateField(
        label=gettext_lazy("Ngày hiệu lực"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    continues = forms.BooleanField(
        label=gettext_lazy("Chia tách một phần: tổ chức này vẫn tồn tại"), required=False
    )


def _may_reorganize(user: Any, unit: OrgUnit) -> None:
    """403 unless ``user`` acts over the level that decides ``unit``'s reorganization."""
    access.require_role(user, unit.parent or unit, REORGANIZERS)


def _receiver(user: Any, code: str) -> OrgUnit:
    try:
        unit = access.get_unit(user, code)
        _may_reorganize(user, unit)
    except (Http404, PermissionDenied) as error:
        raise ValidationError(
            _("Không có tổ chức mã {code} trong phạm vi đồng chí được sắp xếp.").format(code=code)
        ) from error
    return unit


def _split_parts(request: HttpRequest, unit: OrgUnit) -> list[SplitPart]:
    """The parts from the split table: ``to-u-<unit id>`` and ``to-p-<person id>`` = a code."""
    children: dict[str, list[OrgUnit]] = {}
    people: dict[str, list[int]] = {}
    for child in OrgUnit.objects.filter(parent=unit, dissolved__isnull=True):
        code = request.POST.get(f"to-u-{child.pk}", "").strip()
        if code:
            children.setdefault(code, []).append(child)
    for pk in Person.objects.filter(unit=unit).values_list("pk", flat=True):
        code = request.POST.get(f"to-p-{pk}", "").strip()
        if code:
            people.setdefault(code, []).append(pk)
    return [
        SplitPart(
            _receiver(request.user, code),
            tuple(children.get(code, ())),
            tuple(people.get(code, ())),
        )
        for code in sorted({*children, *people})
    ]


def _perform(
    request: HttpRequest, unit: OrgUnit, data: dict[str, Any], roles: list[str]
) -> OrgUnit:
    """Run the chosen operation; return the unit to show afterwards. ``roles`` receives the
    role assignments that ended with the unit."""
    user, on, code = request.user, data["on"], data["target"].strip()
    if data["action"] == "merge":
        if not code:
            raise ValidationError(_("Chọn tổ chức nhận để sáp nhập."))
        target = _receiver(user, code)
        return unit_merge(actor=user, sources=[unit], target=target, on=on, ended_roles=roles)
    if data["action"] == "dissolve":
        successor = _receiver(user, code) if code else None
        unit_dissolve(actor=user, unit=unit, on=on, successor=successor, ended_roles=roles)
        return successor or unit
    unit_split(
        actor=user,
        source=unit,
        parts=_split_parts(request, unit),
        on=on,
        source_continues=data["continues"],
        ended_roles=roles,
    )
    return unit


@require_http_methods(["GET", "POST"])
def unit_reorganize(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    _may_reorganize(request.user, unit)
    form = ReorganizeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        roles: list[str] = []
        try:
            shown = _perform(request, unit, form.cleaned_data, roles)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã sắp xếp {unit}.").format(unit=unit.name))
            if roles:
                messages.info(
                    request,
                    _(
                        "Đã kết thúc {n} phân quyền trên tổ chức thôi tồn tại ({roles}); phân "
                        "quyền cho tổ chức nhận cần được giao mới."
                    ).format(n=len(roles), roles="; ".join(roles)),
                )
            return redirect("unit_detail", code=shown.code)
    predecessors, successors = lineage_of(unit)
    context = {
        "unit": unit,
        "form": form,
        "children": [
            (child, f"to-u-{child.pk}", request.POST.get(f"to-u-{child.pk}", ""))
            for child in OrgUnit.objects.filter(parent=unit, dissolved__isnull=True)
        ],
        "people": [
            (person, f"to-p-{person.pk}", request.POST.get(f"to-p-{person.pk}", ""))
            for person in Person.objects.filter(
                unit=unit, status__in=PersonStatus.present()
            ).order_by("name_folded", "pk")
        ],
        "predecessors": predecessors,
        "successors": successors,
    }
    return render(request, "org/unit_reorganize.html", context)
