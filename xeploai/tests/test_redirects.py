"""Forms send the user back to ``next`` only when it is a path of this site (issue 13 §6).

A link to ``/reviews/1/propose/`` with a hidden ``next=https://evil.example`` once sent the
secretary, logged in and trusting the page, to another site after the click.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.lib.redirects import is_local_path
from xeploai.testing import Cast, make_round

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "https:/evil.example",
    "///evil.example",
    "\x01//evil.example",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_that_leaves_the_site_is_not_a_local_path(value: str) -> None:
    assert not is_local_path(value)


@pytest.mark.parametrize(
    "value", ["/", "/units/A/", "/units/A/board/?year=2025#e12", "/people/?q=tr%E1%BA%A7n"]
)
def test_a_path_of_this_site_is_a_local_path(value: str) -> None:
    assert is_local_path(value)


def _post(client: Client, cast: Cast, name: str, value: str) -> str:
    """Where ``name`` sends its user when the form carries ``next=value``."""
    round_ = make_round(cast)
    if name == "propose":
        # Not submitted yet: the proposal is refused, and the page goes back.
        client.force_login(cast.secretary)
        url = reverse("propose", args=[round_.evaluation.pk])
        data = {"version": str(round_.evaluation.version), "level": "HTNV", "reason": "Thử"}
    elif name == "decide":
        client.force_login(cast.clerk)
        url = reverse("decide", args=[round_.evaluation.pk])
        data = {}
    else:
        client.force_login(cast.member)
        url = reverse("notice_read", args=[round_.notice.pk])
        data = {}
    response = client.post(url, {**data, "next": value})
    assert response.status_code == 302
    return str(response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["propose", "decide", "notice_read"])
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_next_is_ignored(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path, name: str, value: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    location = _post(client, cast, name, value)
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location and "alert" not in location


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["propose", "decide", "notice_read"])
def test_a_path_of_this_site_is_followed(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path, name: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    back = reverse("board", args=[cast.org_a.code]) + "?year=2025#e1"
    assert _post(client, cast, name, back) == back
