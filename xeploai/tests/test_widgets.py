"""The widgets written in Python (``xeploai.lib.widgets``) give Django's templates' HTML exactly:
odd values and attributes widget by widget, and whole pages of the round both ways."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import Client
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from pytest_django.fixtures import Settings

from xeploai.lib.widgets import Renderer
from xeploai.testing import Cast, make_round

VALUES: list[Any] = [
    None,
    "",
    "x",
    "a<b>&\"'",
    mark_safe("<i>safe</i>"),
    5,
    0,
    Decimal("26.5"),
    1.5,
    True,
    False,
    dt.date(2025, 12, 31),
    gettext_lazy("Lý do"),
    "dòng 1\ndòng 2",
]
ATTRS: list[dict[str, Any]] = [
    {},
    {"rows": 4, "required": True, "disabled": False, "data-x": None},
    {"aria-label": 'Mức <1> & "2"', "class": mark_safe("a&b")},
    {"type": "date", "id": "id_x", "min": 3},
]
CHOICES: list[Any] = [
    [("", "—"), ("HTXSNV", "Hoàn thành xuất sắc"), ("HTTNV", 'Hoàn thành <tốt> & "đủ"')],
    [("Nhóm <1>", [("a", "A"), ("b", gettext_lazy("Lý do"))]), ("c", "C")],
    [(1, 1), (2, 2)],  # numbers as labels: the template localizes them (left to Django)
    [(None, "không"), (True, "có")],
]


def _widgets() -> list[forms.Widget]:
    simple: list[forms.Widget] = [
        forms.TextInput(),
        forms.NumberInput(),
        forms.HiddenInput(),
        forms.CheckboxInput(),
        forms.EmailInput(),
        forms.DateInput(),
        forms.DateInput(attrs={"type": "date"}),
        forms.PasswordInput(render_value=True),
        forms.URLInput(),
        forms.Textarea(),
        forms.Textarea(attrs={"rows": 3}),
        forms.ClearableFileInput(),
        forms.NullBooleanSelect(),
    ]
    chosen: list[forms.Widget] = []
    for choices in CHOICES:
        chosen += [
            forms.Select(choices=choices),
            forms.SelectMultiple(choices=choices),
            forms.RadioSelect(choices=choices),
        ]
    return simple + chosen


@pytest.mark.parametrize("widget", _widgets(), ids=lambda w: type(w).__name__)
def test_every_widget_gives_the_templates_html(widget: forms.Widget) -> None:
    ours, django = Renderer(), DjangoTemplates()
    compared = 0
    for value, attrs in product(VALUES, ATTRS):
        if isinstance(widget, forms.SelectMultiple) and value is not None:
            value = [value, "HTTNV", "a"]
        expected = widget.render("field", value, attrs=attrs, renderer=django)
        assert widget.render("field", value, attrs=attrs, renderer=ours) == expected, (
            value,
            attrs,
        )
        compared += 1
    assert compared == len(VALUES) * len(ATTRS)


def test_a_select_is_built_in_python_not_by_the_template(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of it: the widgets above never reach the template engine (only what it
    cannot print the same, like a number as a label)."""
    asked: list[str] = []
    original = DjangoTemplates.render

    def spy(self: DjangoTemplates, name: str, context: Any, request: Any = None) -> str:
        asked.append(name)
        return original(self, name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    renderer = Renderer()
    forms.Select(choices=CHOICES[0]).render("level", "HTTNV", renderer=renderer)
    forms.Textarea().render("text", "x", renderer=renderer)
    forms.TextInput().render("q", "x", renderer=renderer)
    assert asked == []
    forms.Select(choices=CHOICES[2]).render("n", 1, renderer=renderer)
    assert asked == ["django/forms/widgets/select.html"]


def test_error_lists_give_the_templates_html(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty error list is written as nothing without the template engine; one with
    errors, in every output, as Django writes it."""
    from django.forms.utils import ErrorList

    ours, django = Renderer(), DjangoTemplates()
    lists = [
        ErrorList(),
        ErrorList(field_id="id_x"),
        ErrorList(['Sai <1> & "2"', mark_safe("<i>đúng</i>")], field_id="id_x"),
        ErrorList([gettext_lazy("Lý do")], error_class="nonfield"),  # type: ignore[list-item]
    ]
    for errors in lists:
        for name in ("as_ul", "as_text", "__str__"):
            errors.renderer = ours
            mine = getattr(errors, name)()
            errors.renderer = django
            assert mine == getattr(errors, name)(), (errors, name)
    asked: list[str] = []
    original = DjangoTemplates.render

    def spy(self: DjangoTemplates, name: str, context: Any, request: Any = None) -> str:
        asked.append(name)
        return original(self, name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    assert str(ErrorList(renderer=ours)) == "" and asked == []


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_the_round_pages_are_the_same_with_either_renderer(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    pages = [
        (cast.member, reverse("review_detail", args=[round_.evaluation.pk])),
        (cast.secretary, reverse("round_page", args=[cast.cell_a1.code])),
        (cast.secretary, reverse("ballot_list", args=[cast.cell_a1.code])),
        (cast.clerk, reverse("board", args=[cast.org_a.code])),
        (cast.secretary, reverse("comment_add", args=[round_.evaluation.pk])),
    ]
    widgets = 0
    for user, url in pages:
        client.force_login(user)
        settings.FORM_RENDERER = "xeploai.lib.widgets.Renderer"
        ours = client.get(url)
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
        theirs = client.get(url)
        assert ours.status_code == theirs.status_code == 200, url
        widgets += ours.content.decode().count("<select") + ours.content.decode().count("<textarea")
        assert _without_tokens(ours.content.decode()) == _without_tokens(theirs.content.decode())
    assert widgets >= 10  # the review form's selects and text areas among them
