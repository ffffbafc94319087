import re
from html import escape as escape_html

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xeploai.lib.auth import ThrottledPasswordChangeForm, throttled_status
from xeploai.lib.htmx import is_htmx
from xeploai.lib.numbers import vn_int
from xeploai.org import access, services
from xeploai.org.models import OrgUnit, Person, Role
from xeploai.org.selectors import Counts, lineage_of, unit_overview
from xeploai.org.transfer_views import may_transfer

# codes that reverse() writes as they are (its quoting leaves these characters alone)
_PLAIN_CODE = re.compile(r"[A-Za-z0-9._-]+")
_DIM = ' class="dim"'


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
    predecessors, successors = lineage_of(unit)
    roles = access.roles_at(request.user, unit.parent or unit)
    context = {
        "o": overview,
        "children_rows": _children_rows(overview.children),
        "predecessors": predecessors,
        "successors": successors,
        "can_reorganize": bool(roles & {Role.ADMIN, Role.COMMITTEE, Role.UPPER_BOARD}),
    }
    return render(request, "org/unit_detail.html", context)


def _children_rows(children: list[tuple[OrgUnit, Counts]]) -> SafeString:
    """The children's table rows of ``org/unit_detail.html``, written here: a bloc's 300
    children took the template's loop (a link reversed, five translations and four filters
    a row) 80 ms. The same bytes as the loop it replaces, which test_unit_page.py keeps."""
    link = reverse("unit_detail", args=["-CODE-"])
    kind_cell = f'<td data-label="{escape_html(_("Loại"))}">'
    nums = [
        f'<td class="num" data-label="{escape_html(_(title))}">'
        for title in ("Chi bộ", "Đảng viên", "Miễn SH", "Đình chỉ")
    ]
    kinds: dict[str, str] = {}
    out: list[str] = []
    for child, c in children:
        code = child.code
        href = (
            link.replace("-CODE-", code)
            if _PLAIN_CODE.fullmatch(code)
            else reverse("unit_detail", args=[code])
        )
        kind = kinds.get(child.kind)
        if kind is None:
            kinds[child.kind] = kind = escape_html(str(child.get_kind_display()))
        figures = (
            "" if c.cells is None else vn_int(int(c.cells)),
            vn_int(int(c.present)),
            vn_int(int(c.by_status.get("mien_sinh_hoat") or 0)),
            vn_int(int(c.by_status.get("dinh_chi") or 0)),
        )
        cells = "".join(
            f"{open_}{escape_html(text)}</td>" for open_, text in zip(nums, figures, strict=True)
        )
        out.append(
            f"\n    <tr{_DIM if child.dissolved else ''}>"
            f'<td><a href="{escape_html(href)}">{escape_html(child.name)}</a></td>'
            f"{kind_cell}{kind}</td>{cells}</tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped


SEARCH_COUNT_CAP = 10_000


class CappedPaginator(Paginator[Person]):
    """Counts at most ``SEARCH_COUNT_CAP`` + 1 rows: "more than 10,000" is all a reader needs, and
    counting every member of the country took over a second per page."""

    @cached_property
    def count(self) -> int:
        people: QuerySet[Person] = self.object_list  # type: ignore[assignment]
        return len(people[: SEARCH_COUNT_CAP + 1].values_list("pk", flat=True))


@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people = access.visible_people(request.user).select_related("unit")
    unit_code = request.GET.get("unit", "")
    if unit_code:
        people = people.filter(unit=access.get_unit(request.user, unit_code))
    if query:
        # Sorted on an expression, not the name index: walking that index in order while
        # filtering a common name took 18 s over 5.6 M members; the trigram index finds the
        # few thousand matches, which are then sorted.
        people = people.search(query).order_by(Lower("name_folded"), "pk")
    else:
        people = people.order_by("name_folded", "pk")
    page = CappedPaginator(people, 50).get_page(request.GET.get("page"))
    template = "org/person_search.html#results" if is_htmx(request) else "org/person_search.html"
    context = {
        "page": page,
        "q": query,
        "unit_code": unit_code,
        "cap": SEARCH_COUNT_CAP,
        "cap_text": vn_int(SEARCH_COUNT_CAP),
    }
    return render(request, template, context)


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person(request.user, pk)
    context = {
        "person": person,
        "memberships": person.memberships.select_related("unit").order_by("-start"),
        "positions": person.positions.order_by("-appointed"),
        "disciplines": person.disciplines.order_by("-decision_date"),
        "ratings": person.civil_service_ratings.order_by("-year"),
        "may_transfer": may_transfer(request.user, person),
    }
    return render(request, "org/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Every logged-in user changes their own password; the session stays logged in."""
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware lets no anonymous user in
    form = ThrottledPasswordChangeForm(user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.password_change(actor=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Đã đổi mật khẩu."))
        return redirect("home")
    response = render(request, "org/password_change.html", {"form": form})
    return throttled_status(response, request)
