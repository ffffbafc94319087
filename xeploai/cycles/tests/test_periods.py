"""Periods, their deadlines and the on-screen notices: cycles on its own, below reviews."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xeploai.audit.models import AuditEvent
from xeploai.cycles.context import notices
from xeploai.cycles.models import (
    Deadline,
    Notice,
    Period,
    PeriodKind,
    Step,
    ruleset_key_for_year,
)
from xeploai.cycles.services import period_create
from xeploai.org.models import UnitKind
from xeploai.testing import Cast, make_unit

pytestmark = pytest.mark.django_db


def create(cast: Cast, **fields: Any) -> Period:
    values: dict[str, Any] = {
        "name": "Kiểm điểm năm 2026",
        "year": 2026,
        "ruleset": "366-2025",
        "scope_root": cast.root,
        "evaluation_date": dt.date(2026, 12, 10),
    }
    return period_create(actor=cast.admin, **(values | fields))


def test_a_period_is_created_with_its_deadlines_and_audited(cast: Cast) -> None:
    period = create(cast, deadlines={Step.SELF_REVIEW: dt.date(2026, 11, 30)})
    assert [(d.step, d.due) for d in period.deadlines.all()] == [
        (Step.SELF_REVIEW, dt.date(2026, 11, 30))
    ]
    event = AuditEvent.objects.get(action="period_create")
    assert (event.actor, event.unit_path) == (cast.admin, cast.root.path)
    assert event.after is not None
    assert event.after["deadlines"] == {"tu_kiem_diem": "2026-11-30"}
    assert event.after["status"] == "nhap"


def test_an_evaluation_date_outside_the_year_is_refused_by_field(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        create(cast, evaluation_date=dt.date(2028, 12, 10))
    assert refused.value.message_dict["evaluation_date"] == [
        "Thời điểm đánh giá phải thuộc năm 2026."
    ]
    assert (
        not Period.objects.exists()
        and not AuditEvent.objects.filter(action="period_create").exists()
    )


def test_a_bad_deadline_leaves_no_period_behind(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        create(cast, deadlines={"khong_co": dt.date(2026, 11, 30)})
    assert "step" in refused.value.message_dict
    assert not Period.objects.exists() and not Deadline.objects.exists()
    assert not AuditEvent.objects.filter(action="period_create").exists()


def test_a_second_period_of_the_same_kind_for_the_same_scope_is_refused(cast: Cast) -> None:
    create(cast)
    with pytest.raises(ValidationError):
        create(cast, name="Lần hai")
    assert Period.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "quarter", "valid"),
    [
        (PeriodKind.QUARTER, 2, True),
        (PeriodKind.QUARTER, 0, False),
        (PeriodKind.QUARTER, 5, False),
        (PeriodKind.YEAR, 0, True),
        (PeriodKind.YEAR, 1, False),
    ],
)
def test_only_a_quarterly_period_has_a_quarter(
    cast: Cast, kind: PeriodKind, quarter: int, valid: bool
) -> None:
    if valid:
        assert create(cast, kind=kind, quarter=quarter).quarter == quarter
    else:
        with pytest.raises(ValidationError):
            create(cast, kind=kind, quarter=quarter)


@pytest.mark.parametrize(
    ("year", "ruleset"),
    [
        (2015, "132-2018"),  # before the oldest rule set: kept under it
        (2022, "132-2018"),
        (2023, "124-2023"),
        (2024, "124-2023"),
        (2025, "366-2025"),
        (2030, "366-2025"),
    ],
)
def test_the_rule_set_in_force_follows_the_year(year: int, ruleset: str) -> None:
    assert ruleset_key_for_year(year) == ruleset


def test_a_period_covers_its_scope_and_finds_last_year_s_from_a_scope_above(cast: Cast) -> None:
    this_year = create(cast, scope_root=cast.org_a)
    assert this_year.previous() is None
    at_the_root = create(cast, year=2025, evaluation_date=dt.date(2025, 12, 10))
    assert this_year.previous() == at_the_root  # no 2025 period of org A: the root's covers it
    cell = make_unit(UnitKind.CELL, cast.org_a)
    assert set(Period.objects.covering(cell)) == {this_year, at_the_root}
    assert set(Period.objects.covering(cast.org_b)) == {at_the_root}


def test_only_unread_notices_of_the_user_reach_the_page(cast: Cast, client: Client) -> None:
    now = timezone.now()
    mine = Notice.objects.create(user=cast.member, text="Nhắc", created_at=now)
    Notice.objects.create(user=cast.member, text="Đã đọc", created_at=now, read_at=now)
    theirs = Notice.objects.create(user=cast.clerk, text="Của người khác", created_at=now)
    request = RequestFactory().get("/")
    request.user = cast.member
    with CaptureQueriesContext(connection) as read:
        unread = notices(request)["notices"]
    assert not read  # read only when a template shows them (not by an htmx row's answer)
    assert unread == [mine] and list(unread) == [mine]
    client.force_login(cast.member)
    assert "Nhắc" in client.get("/me/").content.decode()  # the page shows them
    client.force_login(cast.member)
    response = client.post(reverse("notice_read", args=[theirs.pk]), {"next": "/me/"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None  # someone else's notice is left alone
    client.post(reverse("notice_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert notices(request) == {"notices": []}


def test_the_notices_are_read_only_by_a_page_that_shows_them(cast: Cast, client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Notice.objects.create(user=cast.secretary, text="Nhắc <bí thư>", created_at=timezone.now())
    client.force_login(cast.secretary)
    address = reverse("person_search") + f"?q=a&unit={cast.cell_a1.code}"
    for htmx, shown in ((False, True), (True, False)):
        headers = {"HX-Request": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as read:
            page = client.get(address, headers=headers).content.decode()
        asked = any("cycles_notice" in q["sql"] for q in read.captured_queries)
        assert asked is shown
        assert ("Nhắc &lt;bí thư&gt;" in page) is shown
