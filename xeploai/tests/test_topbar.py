"""Every page's top bar, written in Python (``xeploai.lib.topbar``, base.html's ``{% topbar
%}``), is byte for byte what ``templates/_topbar.html`` (the header as base.html had it) gives
the same page: for every role of the cast, a signed-out visitor, a member without a unit, a
staff account, hostile names and addresses, in both languages; each page's forms carry the
page's one CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from xeploai.org.models import Role, RoleAssignment
from xeploai.testing import Cast, make_user

ENGINE = engines["django"]
HOSTILE = "<b>Bí thư</b> & \"đồng chí\" 'A' <script>x</script>"
QUERY = "?q=%3Cscript%3E&x=%22%27&y=%26amp%3B"
HEADER = re.compile(r'<header class="topbar">.*?</header>', re.DOTALL)


def _by_template(response: Any) -> str:
    context = response.context[0].flatten()  # the page's context: its user, unit, token
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return ENGINE.get_template("_topbar.html").render(context, request=response.wsgi_request)


def _users(cast: Cast) -> list[Any]:
    grassroots = make_user("grassroots", role=Role.CELL_SECRETARY, unit=cast.grassroots_cell)
    hostile = make_user("hostile", first_name=HOSTILE, last_name="<i>", is_staff=True)
    RoleAssignment.objects.create(user=hostile, role=Role.CLERK, unit=cast.org_b)
    unitless = make_user("unitless")
    return [
        None,
        cast.member,
        cast.secretary,
        cast.clerk,
        cast.committee,
        cast.upper_board,
        cast.inspector,
        cast.outsider,
        cast.admin,
        grassroots,
        hostile,
        unitless,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_bar_is_the_templates_bar(
    client: Client, cast: Cast, settings: Settings, language: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    compared = hostile_paths = 0
    for user in _users(cast):
        client.logout()
        if user is not None:
            client.force_login(user)
        for address in ("/login/",) if user is None else ("/", "/units/"):
            response = client.get(address + QUERY, follow=True)
            if response.status_code == 403:  # a member's account has no unit page
                continue
            html = response.content.decode()
            bars = HEADER.findall(html)
            assert len(bars) == 1
            assert bars[0] == _by_template(response), (user, address)
            tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', bars[0]))
            assert len(tokens) == 1  # one page, one token, in every form of the bar
            assert "<script>" not in bars[0] and "<b>" not in bars[0]
            returned = response.wsgi_request.get_full_path()
            if QUERY in returned:  # the address the language form returns to, escaped
                assert f'value="{returned.replace("&", "&amp;")}"' in bars[0]
                hostile_paths += 1
            compared += 1
    assert compared >= 20 and hostile_paths >= 8


@pytest.mark.django_db
def test_the_bar_shows_each_roles_links(client: Client, cast: Cast) -> None:
    """The markup compared above is not empty: the links each kind of account is given."""
    client.force_login(cast.secretary)
    bar = HEADER.findall(client.get("/", follow=True).content.decode())[0]
    assert "/round/" in bar and "/board/" not in bar and "/imports/" not in bar
    client.force_login(cast.clerk)
    bar = HEADER.findall(client.get("/", follow=True).content.decode())[0]
    assert "/board/" in bar and "/imports/" in bar and "/admin/" not in bar
    client.force_login(cast.admin)
    bar = HEADER.findall(client.get("/", follow=True).content.decode())[0]
    assert "/admin/" in bar
