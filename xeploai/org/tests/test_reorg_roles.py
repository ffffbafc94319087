"""Role assignments on a unit that a reorganization ends (issue 16; docs/rules.md
"Reorganizations and rounds"): offices end with the unit, a member's account follows them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from xeploai.audit.models import AuditEvent
from xeploai.org import access
from xeploai.org.models import OrgUnit, Role, RoleAssignment, UnitKind
from xeploai.org.reorg import SplitPart, unit_dissolve, unit_merge, unit_split
from xeploai.testing import Cast, make_unit, make_user

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)


def test_a_merged_cells_secretary_loses_it_and_its_member_follows_to_the_new_cell(
    client: Client, cast: Cast
) -> None:
    ended: list[str] = []
    unit_merge(actor=None, sources=[cast.cell_a1], target=cast.cell_a2, on=ON, ended_roles=ended)
    assert ended == ["secretary: Bí thư, chi ủy chi bộ"]
    assert not RoleAssignment.objects.filter(user=cast.secretary).exists()
    # the member's own account went with her party activity to A2
    assert list(RoleAssignment.objects.filter(user=cast.member).values_list("role", "unit")) == [
        (Role.MEMBER, cast.cell_a2.pk)
    ]
    event = AuditEvent.objects.get(action="unit_merge")
    assert event.after is not None and event.after["roles_ended"] == ended
    # the ex-secretary can no longer act on (or even see) the ended cell
    access.forget(cast.secretary)
    a1 = OrgUnit.objects.get(pk=cast.cell_a1.pk)
    assert access.roles_at(cast.secretary, a1) == set()
    client.force_login(cast.secretary)
    assert client.get(reverse("unit_detail", args=["A1"])).status_code == 404
    assert client.get(reverse("unit_reorganize", args=["A1"])).status_code == 404


def test_a_committee_merged_away_ends_its_committee_and_clerk(client: Client, cast: Cast) -> None:
    ended: list[str] = []
    unit_merge(actor=None, sources=[cast.org_a], target=cast.org_b, on=ON, ended_roles=ended)
    assert sorted(ended) == [
        "clerk: Bộ phận giúp việc đảng ủy cơ sở",
        "committee: Đảng ủy, ban thường vụ",
    ]
    # the cells they managed are now under B: out of their reach
    client.force_login(cast.committee)
    assert client.get(reverse("unit_detail", args=["A1"])).status_code == 404
    # the secretary of A1 keeps the cell (it continues, under B); B's clerk keeps B
    assert RoleAssignment.objects.filter(user=cast.secretary, unit=cast.cell_a1).exists()
    assert RoleAssignment.objects.filter(user=cast.outsider, unit=cast.org_b).exists()


def test_a_split_and_a_dissolution_end_the_roles_of_the_unit_that_ends(cast: Cast) -> None:
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AE", established=ON)
    ended: list[str] = []
    unit_split(
        actor=None,
        source=cast.org_a,
        parts=[SplitPart(east, (cast.cell_a1, cast.cell_a2))],
        on=ON,
        ended_roles=ended,
    )
    assert len(ended) == 2 and not RoleAssignment.objects.filter(unit=cast.org_a).exists()
    empty = make_unit(UnitKind.CELL, east, code="E9")
    make_user("e9", role=Role.CELL_SECRETARY, unit=empty)
    ended = []
    unit_dissolve(actor=None, unit=empty, on=ON, ended_roles=ended)
    assert ended == ["e9: Bí thư, chi ủy chi bộ"]
    after = AuditEvent.objects.get(action="unit_dissolve").after
    assert after is not None and after["roles_ended"] == ended


def test_the_screen_says_which_roles_ended(client: Client, cast: Cast) -> None:
    client.force_login(cast.upper_board)
    response = client.post(
        reverse("unit_reorganize", args=["A"]),
        {"action": "merge", "target": "B", "on": "01/07/2026"},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã kết thúc 2 phân quyền trên tổ chức thôi tồn tại" in page
    assert "committee: Đảng ủy, ban thường vụ" in page
