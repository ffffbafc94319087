"""The civil-service panel the round page includes, and the board's one-line link to it: one
template line each on those pages, the work here (``reviews.civil``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reviews.civil import can_write, civil_counts, civil_rows, civil_rule, civil_scale
from xeploai.reviews.models import Evaluation

register = template.Library()


@register.inclusion_tag("reviews/_civil_panel.html", takes_context=True)
def civil_panel(
    context: template.Context,
    unit: OrgUnit,
    period: Period,
    in_hand: list[Evaluation] | None = None,
) -> dict[str, Any]:
    """A cell's civil-servant members with their rating and, for the clerk, the entry; empty
    when it has none. A larger unit's round page shows nothing here: its board links to the
    unit's own page (``civil_link``), which lists its whole subtree. ``in_hand``: the round
    page's evaluations of the cell (``civil.civil_rows``)."""
    request = context["request"]
    rows = civil_rows(unit, period, in_hand) if unit.is_cell else []
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "unit": unit,
        "period": period,
        "rows": rows,
        "hidden": not rows,
        "rated": sum(1 for r in rows if r.rating is not None),
        "can_write": can_write(request.user, unit),
        "rule": civil_rule(period),
        "scale": civil_scale(period),
        "next": request.get_full_path(),
    }


@register.simple_tag
def civil_link(unit: OrgUnit, period: Period) -> SafeString:
    """ "Xếp loại CBCCVC: 3/5 đã có" linking to the unit's civil-service page (one statement)."""
    rated, total = civil_counts(unit, period)
    if not total:
        return SafeString("")
    return format_html(
        '<a href="{}" class="{}">{}</a>',
        reverse("civil_ratings", args=[unit.code]),
        "civil-link" if rated == total else "civil-link bad",
        _("Xếp loại CBCCVC: {rated}/{total} đảng viên đã có").format(rated=rated, total=total),
    )
