"""The admin forms of units and people refuse the names the imports refuse (issue 13 §5): a
name set in the back office ends up in every export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xeploai.org.models import OrgUnit, Person
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def _form_data(client: Any, url: str) -> dict[str, Any]:
    """What the change page would send back unchanged: the form and every inline formset."""
    context = client.get(url).context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, dt.date):
                value = value.strftime("%Y-%m-%d")
            data[form.add_prefix(name)] = value
    return data


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('=HYPERLINK("http://x","y")', 'bắt đầu bằng "=" nên bảng tính có thể hiểu là công thức'),
        ("@SUM(A1)", 'bắt đầu bằng "@"'),
        ("+1+2", 'bắt đầu bằng "+"'),
        ("-3+4", 'bắt đầu bằng "-"'),
        ("Chi bộ\u200bA1", "có ký tự ẩn U+200B ở vị trí 7"),
        ("Chi b\u043e A1", 'có ký tự "о" (U+043E) ở vị trí 6 không phải chữ tiếng Việt'),
    ],
)
@pytest.mark.parametrize(
    ("model", "field", "pick"),
    [
        ("orgunit", "name", lambda cast: cast.cell_a1),
        ("person", "full_name", lambda cast: cast.member_a1),
    ],
)
def test_the_admin_refuses_a_name_the_import_refuses(
    client: Client,
    cast: Cast,
    model: str,
    field: str,
    pick: Callable[[Cast], OrgUnit | Person],
    name: str,
    expected: str,
) -> None:
    obj = pick(cast)
    before = getattr(obj, field)
    client.force_login(cast.admin)
    url = reverse(f"admin:org_{model}_change", args=[obj.pk])
    data = _form_data(client, url)
    data[field] = name
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and expected in errors[field][0], errors
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.parametrize(
    ("model", "field", "pick"),
    [
        ("orgunit", "name", lambda cast: cast.cell_a1),
        ("person", "full_name", lambda cast: cast.member_a1),
    ],
)
def test_the_admin_saves_an_ordinary_name(
    client: Client, cast: Cast, model: str, field: str, pick: Callable[[Cast], OrgUnit | Person]
) -> None:
    obj = pick(cast)
    client.force_login(cast.admin)
    url = reverse(f"admin:org_{model}_change", args=[obj.pk])
    data = _form_data(client, url)
    data[field] = "Nguyễn Thị Hoa - Chi bộ 1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == "Nguyễn Thị Hoa - Chi bộ 1"
