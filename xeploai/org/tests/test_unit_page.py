"""The unit page's children rows, written in the view (``views._children_rows``), are byte
for byte what the template's loop wrote: on real units in both languages, with hostile names,
odd codes, dissolved children and every count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

from xeploai.org.models import OrgUnit, UnitKind
from xeploai.org.selectors import Counts, unit_overview
from xeploai.org.views import _children_rows
from xeploai.testing import Cast, make_person, make_unit

pytestmark = pytest.mark.django_db

# the loop org/unit_detail.html had, kept here as the reference
LOOP = """{% load i18n %}{% for child, c in o.children %}
    <tr{% if child.dissolved %} class="dim"{% endif %}><td><a href="{% url 'unit_detail' child.code %}">{{ child.name }}</a></td><td data-label="{% translate 'Loại' %}">{{ child.get_kind_display }}</td><td class="num" data-label="{% translate 'Chi bộ' %}">{{ c.cells|vnint }}</td><td class="num" data-label="{% translate 'Đảng viên' %}">{{ c.present|vnint }}</td><td class="num" data-label="{% translate 'Miễn SH' %}">{{ c.by_status.mien_sinh_hoat|default:0|vnint }}</td><td class="num" data-label="{% translate 'Đình chỉ' %}">{{ c.by_status.dinh_chi|default:0|vnint }}</td></tr>
  {% endfor %}"""


def by_loop(children: list[tuple[OrgUnit, Counts]]) -> str:
    return engines["django"].from_string(LOOP).render({"o": {"children": children}})


def odd_children(cast: Cast) -> list[OrgUnit]:
    root, org = cast.root, cast.org_a
    return [
        make_unit(UnitKind.GRASSROOTS_COMMITTEE, root, name="Đảng bộ <b>\"A\"</b> & 'B'"),
        make_unit(UnitKind.GRASSROOTS_CELL, root, code="D-01.x_y", name="Chi bộ cơ sở Đ"),
        make_unit(UnitKind.CELL, org, name="Chi bộ &amp; 2"),
        make_unit(UnitKind.CELL, org, name="Chi bộ đã giải thể", dissolved=dt.date(2025, 1, 1)),
        # codes the forms refuse, as an older import may have left them: reverse() quotes them
        OrgUnit(code="X&Y=1", name="Chi bộ 5", kind=UnitKind.CELL, path="x"),
        OrgUnit(code="Đ~b:c@d!e f", name="Chi bộ 6", kind=UnitKind.CELL, path="y"),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_rows_are_the_loops_on_real_units(cast: Cast, language: str) -> None:
    odd_children(cast)
    for _ in range(3):
        make_person(cast.cell_a1)
    compared = 0
    with translation.override(language):
        for unit in OrgUnit.objects.all():
            children = unit_overview(unit).children
            assert _children_rows(children) == by_loop(children)
            compared += len(children)
    assert compared >= 10


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_rows_are_the_loops_for_every_count(cast: Cast, language: str) -> None:
    units = odd_children(cast)
    counts = [
        Counts(),
        Counts(cells=None, by_status={"dinh_chi": 1}),  # type: ignore[arg-type]
        Counts(cells=1_234, members=5, by_status={"mien_sinh_hoat": 0, "dinh_chi": 7}),
        Counts(cells=0, by_status={"mien_sinh_hoat": 12_345, "chinh_thuc": 1_000_000}),
        Counts(cells=3, by_status={"dinh_chi": 0, "du_bi": 2}),
        Counts(cells=2),
    ]
    children = list(zip(units, counts, strict=True))
    with translation.override(language):
        html = _children_rows(children)
        assert html == by_loop(children)
    assert "<b>" not in html and "&lt;b&gt;" in html and "Chi bộ &amp;amp; 2" in html
    assert ' class="dim"' in html


def test_the_page_shows_the_rows(client: Client, cast: Cast) -> None:
    odd_children(cast)
    client.force_login(cast.upper_board)
    html = client.get(reverse("unit_detail", args=[cast.root.code])).content.decode()
    children = unit_overview(cast.root).children
    assert f"  <tbody>\n  {by_loop(children)}\n  </tbody>" in html
