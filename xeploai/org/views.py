from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from xeploai.lib.htmx import is_htmx
from xeploai.org import access
from xeploai.org.models import OrgUnit
from xeploai.org.selectors import unit_overview


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    unit = access.default_unit(request.user)
    if unit is not None:
        return redirect("unit_detail", code=unit.code)
    person = getattr(request.user, "person", None)
    if person is not None:
        return redirect("person_detail", pk=person.pk)
    return render(request, "org/no_scope.html")


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    paths = access.scope_paths(request.user)
    roots = (
        OrgUnit.objects.filter(parent__isnull=True)
        if paths == [""]
        else OrgUnit.objects.filter(path__in=paths)
    )
    return render(request, "org/unit_list.html", {"roots": list(roots.order_by("path"))})


@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    visible_from = next(p for p in access.scope_paths(request.user) if unit.path.startswith(p))
    overview = unit_overview(unit, visible_from)
    return render(request, "org/unit_detail.html", {"o": overview})


@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people = access.visible_people(request.user).select_related("unit")
    unit_code = request.GET.get("unit", "")
    if unit_code:
        people = people.filter(unit=access.get_unit(request.user, unit_code))
    if query:
        people = people.search(query)
    page = Paginator(people.order_by("name_folded", "pk"), 50).get_page(request.GET.get("page"))
    template = "org/person_search.html#results" if is_htmx(request) else "org/person_search.html"
    return render(request, template, {"page": page, "q": query, "unit_code": unit_code})


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person(request.user, pk)
    context = {
        "person": person,
        "memberships": person.memberships.select_related("unit").order_by("-start"),
        "positions": person.positions.order_by("-appointed"),
        "disciplines": person.disciplines.order_by("-decision_date"),
        "ratings": person.civil_service_ratings.order_by("-year"),
    }
    return render(request, "org/person_detail.html", context)
