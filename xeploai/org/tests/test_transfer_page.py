"""Transferring one member's party activity from the person's page (org/transfer_views.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from xeploai.audit.models import AuditEvent
from xeploai.org.models import Membership, OrgUnit, Person
from xeploai.testing import Cast, make_round

pytestmark = pytest.mark.django_db


def _post(client: Client, person: Person, **data: str) -> str:
    response = client.post(reverse("person_transfer", args=[person.pk]), data)
    if response.status_code == 302:
        return str(response["Location"])
    assert response.status_code == 200
    return response.content.decode()


def _state(person: Person) -> tuple[object, ...]:
    person.refresh_from_db()
    return (
        person.unit_id,
        list(Membership.objects.filter(person=person).values_list("unit_id", "start", "end")),
        AuditEvent.objects.count(),
    )


def test_the_committee_transfers_a_member_between_its_cells(client: Client, cast: Cast) -> None:
    client.force_login(cast.committee)
    page = client.get(reverse("person_detail", args=[cast.member_a1.pk])).content.decode()
    assert reverse("person_transfer", args=[cast.member_a1.pk]) in page
    form = client.get(reverse("person_transfer", args=[cast.member_a1.pk])).content.decode()
    assert "Chuyển sinh hoạt đảng" in form and "Chi bộ A1" in form
    where = _post(client, cast.member_a1, unit=" A2 ", start="01/07/2026")
    assert where == reverse("person_detail", args=[cast.member_a1.pk])
    cast.member_a1.refresh_from_db()
    assert cast.member_a1.unit_id == cast.cell_a2.pk
    rows = set(Membership.objects.filter(person=cast.member_a1).values_list("unit__code", "end"))
    assert rows == {("A1", dt.date(2026, 6, 30)), ("A2", None)}
    assert AuditEvent.objects.filter(action="person_transfer").count() == 1
    page = client.get(where).content.decode()
    assert "Đã chuyển Trần Thị Lan đến sinh hoạt ở Chi bộ A2 từ ngày 01/07/2026." in page


def test_the_open_evaluation_follows_the_member(client: Client, cast: Cast) -> None:
    round_ = make_round(cast)
    evaluation = round_.evaluation  # member_a1's
    client.force_login(cast.upper_board)
    _post(client, cast.member_a1, unit="A2", start=dt.date.today().isoformat())
    evaluation.refresh_from_db()
    assert evaluation.unit_id == cast.cell_a2.pk


def test_the_upper_board_transfers_between_organizations(client: Client, cast: Cast) -> None:
    client.force_login(cast.upper_board)
    _post(client, cast.member_a1, unit="B1", start="2026-07-01")
    cast.member_a1.refresh_from_db()
    assert cast.member_a1.unit_id == cast.cell_b1.pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"unit": "B1", "start": "01/07/2026"}, "Không có chi bộ mã B1 trong phạm vi"),
        ({"unit": "ZZ9", "start": "01/07/2026"}, "Không có chi bộ mã ZZ9 trong phạm vi"),
        (
            {"unit": "<script>x</script>", "start": "01/07/2026"},
            "Không có chi bộ mã &lt;script&gt;x&lt;/script&gt; trong phạm vi",
        ),
        ({"unit": "A", "start": "01/07/2026"}, "Chỉ chuyển sinh hoạt đến một chi bộ."),
        ({"unit": "A1", "start": "01/07/2026"}, "Đảng viên đã sinh hoạt ở chi bộ này."),
        (
            {"unit": "A2", "start": "01/01/1990"},
            "Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại.",
        ),
        ({"unit": "A2", "start": "31/02/2026"}, "Nhập một ngày hợp lệ"),
        ({"unit": "", "start": ""}, "Trường này là bắt buộc"),
        ({"unit": "A2" * 30, "start": "01/07/2026"}, "tối đa 40"),
    ],
    ids=[
        "outside",
        "unknown",
        "hostile",
        "not-a-cell",
        "same",
        "early",
        "bad-date",
        "empty",
        "long",
    ],
)
def test_a_refusal_is_shown_on_the_form_and_nothing_changes(
    client: Client, cast: Cast, data: dict[str, str], message: str
) -> None:
    client.force_login(cast.committee)  # over A: A1 and A2, not B
    before = _state(cast.member_a1)
    page = _post(client, cast.member_a1, **data)
    assert message in page, page
    assert "<script>x" not in page
    assert _state(cast.member_a1) == before


def test_a_dissolved_cell_receives_nobody(client: Client, cast: Cast) -> None:
    OrgUnit.objects.filter(pk=cast.cell_a2.pk).update(dissolved=dt.date(2026, 1, 1))
    client.force_login(cast.committee)
    before = _state(cast.member_a1)
    page = _post(client, cast.member_a1, unit="A2", start="01/07/2026")
    assert "Chi bộ nhận đã thôi tồn tại." in page
    assert _state(cast.member_a1) == before


def test_who_may_not_transfer_sees_no_link_and_changes_nothing(client: Client, cast: Cast) -> None:
    before = _state(cast.member_a1)
    for user, status in [
        (cast.secretary, 403),
        (cast.clerk, 403),
        (cast.inspector, 403),
        (cast.member, 403),  # the member reads their own page, but does not transfer
        (cast.outsider, 404),
    ]:
        client.force_login(user)
        detail = client.get(reverse("person_detail", args=[cast.member_a1.pk]))
        assert reverse("person_transfer", args=[cast.member_a1.pk]) not in detail.content.decode()
        response = client.post(
            reverse("person_transfer", args=[cast.member_a1.pk]),
            {"unit": "A2", "start": "01/07/2026"},
        )
        assert response.status_code == status, user
    assert _state(cast.member_a1) == before
    # the committee of B may not take a member of A into its own cell
    client.force_login(cast.committee)
    assert client.get(reverse("person_transfer", args=[cast.member_b1.pk])).status_code == 404
