"""What every page pays before its own work (issue 19 §4): the session, the user with its
person record in one statement, the roles with their units in one — the navigation of the top
bar (``user.person``, ``access.default_unit``) reads nothing more."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xeploai.org import access
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def _statements(queries: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_a_page_reads_the_person_with_the_user(client: Client, cast: Cast) -> None:
    client.force_login(cast.member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("my_history"))
    assert response.status_code == 200
    assert cast.member_a1.full_name in response.content.decode()
    users = _statements(queries, "auth_user")
    assert len(users) == 1
    assert 'JOIN "org_person"' in users[0]
    assert _statements(queries, "org_person") == []  # no statement of its own


def test_a_user_without_a_person_reads_no_person_either(client: Client, cast: Cast) -> None:
    client.force_login(cast.upper_board)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("unit_detail", args=[cast.root.code]))
    assert response.status_code == 200
    assert reverse("my_review") not in response.content.decode()  # no "my review" link
    assert _statements(queries, "org_person") == []


def test_the_default_unit_comes_with_the_roles(cast: Cast) -> None:
    clerk = get_user_model().objects.get(pk=cast.clerk.pk)
    with CaptureQueriesContext(connection) as queries:
        unit = access.default_unit(clerk)
        again = access.default_unit(clerk)
    assert unit == again == cast.org_a
    assert len(queries.captured_queries) == 1  # the roles, their units joined


def test_forget_drops_the_units_with_the_roles(cast: Cast) -> None:
    clerk = get_user_model().objects.get(pk=cast.clerk.pk)
    assert access.default_unit(clerk) == cast.org_a
    clerk.role_assignments.update(unit=cast.org_b)
    access.forget(clerk)
    assert access.default_unit(clerk) == cast.org_b
