"""Pages and downloads with personal data are never kept by a browser or proxy cache
(issue 13 §6): every response of the app says ``Cache-Control: no-store, private``; static
files keep their own cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.testing import Cast, Round, make_round


def _directives(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("person_detail", lambda c, r: [c.member_a1.pk]),
        ("review_detail", lambda c, r: [r.evaluation.pk]),
        ("review_docx", lambda c, r: [r.evaluation.pk]),
        ("export_results", lambda c, r: [c.cell_a1.code, r.period.year, "csv"]),
        ("unit_detail", lambda c, r: [c.org_a.code]),
    ],
)
def test_a_page_or_download_with_personal_data_is_not_stored(
    client: Client,
    cast: Cast,
    settings: Settings,
    tmp_path: Path,
    name: str,
    args: Callable[[Cast, Round], list[Any]],
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    client.force_login(cast.upper_board)
    response = client.get(reverse(name, args=args(cast, round_)))
    assert response.status_code == 200
    assert {"no-store", "private"} <= _directives(response["Cache-Control"])
    assert "public" not in _directives(response["Cache-Control"])


@pytest.mark.django_db
def test_the_login_page_and_the_redirect_to_it_are_not_stored(client: Client) -> None:
    login = client.get(reverse("login"))
    away = client.get(reverse("unit_list"))
    assert away.status_code == 302
    for response in (login, away):
        assert {"no-store", "private"} <= _directives(response["Cache-Control"])


def test_static_files_keep_their_cache(client: Client) -> None:
    response = client.get("/static/xeploai/app.css")
    assert response.status_code == 200
    directives = _directives(response["Cache-Control"])
    assert "no-store" not in directives and "private" not in directives
    assert any(d.startswith("max-age=") for d in directives)
