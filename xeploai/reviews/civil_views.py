"""The civil-service ratings page of a unit, and the clerk's entry of one rating (htmx: the row
is replaced in place; without htmx, back to the page the form was on)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xeploai.lib.htmx import is_htmx
from xeploai.lib.redirects import local_next
from xeploai.org import access as org_access
from xeploai.org.models import CivilServiceRating
from xeploai.org.services import civil_rating_set
from xeploai.reviews import access
from xeploai.reviews.civil import (
    CIVIL_WRITERS,
    CivilRatingForm,
    CivilRow,
    can_write,
    civil_rows,
    civil_rule,
    civil_scale,
    rating_form,
)
from xeploai.reviews.models import SubjectKind


@require_GET
def civil_ratings(request: HttpRequest, code: str) -> HttpResponse:
    unit = org_access.get_unit(request.user, code)
    period = access.open_period(unit, request.GET.get("period"))
    rows = civil_rows(unit, period)
    return render(
        request,
        "reviews/civil.html",
        {
            "unit": unit,
            "period": period,
            "rows": rows,
            "rated": sum(1 for r in rows if r.rating is not None),
            "can_write": can_write(request.user, unit),
            "rule": civil_rule(period),
            "scale": civil_scale(period),
            "next": request.get_full_path(),
        },
    )


@require_POST
def civil_rating_save(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation(request.user, pk)
    if evaluation.kind != SubjectKind.MEMBER or evaluation.person is None:
        access.deny()
    access.require(request.user, evaluation.unit, CIVIL_WRITERS)
    person = evaluation.person
    assert person is not None
    form = CivilRatingForm(request.POST, prefix=f"c{evaluation.pk}")
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            civil_rating_set(
                actor=request.user,
                person=person,
                year=evaluation.period.year,
                level=data["level"],
                points=data["points"],
                agency=data["agency"],
                rated_on=data["rated_on"],
            )
            saved = True
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
    name = evaluation.subject_name
    if is_htmx(request):
        rating = CivilServiceRating.objects.filter(
            person=person, year=evaluation.period.year
        ).first()
        shown = rating_form(evaluation, rating) if saved else form
        row = CivilRow(evaluation, rating, shown, saved=saved)
        html = render_to_string(
            "reviews/_civil_row.html",
            {"r": row, "can_write": True, "next": local_next(request) or ""},
            request=request,
        )
        response = HttpResponse(html)
        if saved:  # the panel's "n/N đã có" reloads itself (_civil_panel.html)
            response["HX-Trigger"] = "civilSaved"
        return response
    if saved:
        messages.success(request, _("Đã ghi xếp loại CBCCVC của {name}.").format(name=name))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, f"{name}: {problem}")
    back = local_next(request)
    return redirect(back) if back else redirect("civil_ratings", code=evaluation.unit.code)
