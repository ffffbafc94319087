"""Issue 18 §1: every role's home lists the open quarterly rounds' work beside the year's — the
leader's own Mẫu 05 (state, deadline), the deciding body's files waiting, the upper board's late
units — each section in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xeploai.cycles.models import Deadline, Period, Step
from xeploai.org.models import ExcellenceGroup, Person, Position, Role, RoleAssignment
from xeploai.reviews import quarters, services
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast, make_person, make_round, make_user

pytestmark = pytest.mark.django_db


def leader(cast: Cast, name: str, user: User | None = None) -> Person:
    person = make_person(cast.cell_a1, full_name=name, user=user)
    Position.objects.create(
        person=person,
        title="Trưởng phòng",
        group=ExcellenceGroup.MANAGER,
        appointed=dt.date(2020, 1, 1),
    )
    return person


def open_quarter(cast: Cast, days: int) -> Period:
    """This quarter's round at the root, its self-evaluations due ``days`` from today."""
    today = timezone.localdate()
    period = quarters.quarter_open(
        actor=None, scope_root=cast.root, year=today.year, quarter=(today.month - 1) // 3 + 1
    )
    Deadline.objects.filter(period=period, step=Step.SELF_REVIEW).update(
        due=today + dt.timedelta(days=days)
    )
    return period


def home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def submit(evaluation: Evaluation, actor: User) -> None:
    services.review_submit(
        actor=actor,
        evaluation=evaluation,
        content={
            "form": "05-2025",
            "score_common": 27,
            "score_tasks": 63,
            "tasks_total": 2,
            "tasks_done": 2,
            "tasks_exceeded": 0,
            "tasks_late": 0,
            "self_level": "HTTNV",
        },
        expected_version=evaluation.version,
    )


def test_a_leader_sees_their_form_05_its_deadline_then_its_state(
    cast: Cast, client: Client
) -> None:
    user = make_user("truong", role=Role.MEMBER, unit=cast.cell_a1)
    leader(cast, "Đỗ Văn Trưởng", user)
    period = open_quarter(cast, 4)
    due = timezone.localdate() + dt.timedelta(days=4)
    evaluation = Evaluation.objects.get(period=period)
    client.force_login(user)
    page = home(client)
    assert "Bản tự đánh giá hằng quý của tôi" in page
    assert f"{period.name}: viết và nộp bản tự đánh giá, xếp loại (Mẫu 05)" in page
    assert f"hạn {due:%d/%m/%Y}" in page and "quá hạn" not in page
    assert reverse("review_detail", args=[evaluation.pk]) in page
    assert reverse("quarters", args=["A1"]) in page
    submit(evaluation, user)
    page = home(client)
    assert f"{period.name} — bản tự đánh giá: Đã gửi cấp quyết định" in page
    assert "viết và nộp bản tự đánh giá" not in page


def test_the_quarter_sits_beside_the_year_for_the_member(cast: Cast, client: Client) -> None:
    user = make_user("truong", role=Role.MEMBER, unit=cast.cell_a1)
    leader(cast, "Đỗ Văn Trưởng", user)
    make_round(cast)  # the year's round of Đảng bộ A, with every member
    period = open_quarter(cast, -1)
    client.force_login(user)
    page = home(client)
    assert "Bản kiểm điểm của tôi" in page and "Viết và nộp bản tự kiểm điểm" in page
    assert "Bản tự đánh giá hằng quý của tôi" in page
    assert f"{period.name}: viết và nộp bản tự đánh giá" in page
    assert "quá hạn" in page


def test_the_deciding_body_sees_files_waiting_and_who_has_not_submitted(
    cast: Cast, client: Client
) -> None:
    first = leader(cast, "Đỗ Văn Một")
    leader(cast, "Lê Thị Hai")
    period = open_quarter(cast, 2)
    submit(Evaluation.objects.get(period=period, person=first), cast.committee)
    decide_on = timezone.localdate().replace(day=1)
    Deadline.objects.filter(period=period, step=Step.GRASSROOTS_DECISION).update(due=decide_on)
    for user in (cast.clerk, cast.committee):
        client.force_login(user)
        page = home(client)
        assert f"— Đảng bộ A — đánh giá {period.name}" in page
        assert "Quyết định xếp loại 1 hồ sơ đã gửi lên" in page and "Chi bộ A1: 1" in page
        assert "Chưa nộp bản tự đánh giá (Mẫu 05)" in page
        assert f"{reverse('board', args=['A'])}?period={period.pk}" in page
        assert reverse("quarter_report", args=["A", period.pk]) in page
    late = decide_on < timezone.localdate()
    assert (f"quá hạn {decide_on:%d/%m/%Y}" in page) == late


def test_the_upper_board_sees_the_quarter_s_late_units(cast: Cast, client: Client) -> None:
    leader(cast, "Đỗ Văn Một")
    period = open_quarter(cast, -3)
    client.force_login(cast.upper_board)
    page = home(client)
    assert f"Ban Tổ chức cấp trên — Đảng bộ Khối thử — đánh giá {period.name}" in page
    assert "Đơn vị trễ hạn (1)" in page and "Đảng bộ A (Nộp bản kiểm điểm 1)" in page
    assert f"{reverse('progress', args=['ROOT'])}?period={period.pk}" in page


def test_the_secretary_sees_a_quarter_that_asks_for_the_cell_s_ballot(
    cast: Cast, client: Client
) -> None:
    leader(cast, "Đỗ Văn Một")
    today = timezone.localdate()
    without = open_quarter(cast, 5)
    client.force_login(cast.secretary)
    # the competent level decides directly: nothing for the cell, the home opens the unit
    assert client.get(reverse("home"))["Location"] == reverse("unit_detail", args=["A1"])
    Evaluation.objects.filter(period=without).delete()
    Period.objects.filter(pk=without.pk).delete()
    period = quarters.quarter_open(
        actor=None,
        scope_root=cast.org_a,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        cell_ballot=True,
    )
    page = home(client)
    assert "Bí thư chi bộ — Chi bộ A1" in page and period.name in page
    assert "Đôn đốc đảng viên nộp bản kiểm điểm (1/1 chưa nộp)" in page
    assert f"{reverse('round_page', args=['A1'])}?period={period.pk}" in page
    assert f"{reverse('progress', args=['A1'])}?period={period.pk}" in page


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries)


def test_the_quarter_sections_run_a_constant_number_of_queries(cast: Cast, client: Client) -> None:
    """A leader who is also a clerk and an upper board: their own Mẫu 05, the body's files and
    the late units, before and after the round grows by eight leaders with files sent."""
    user = make_user("both", role=Role.CLERK, unit=cast.org_a)
    RoleAssignment.objects.create(user=user, role=Role.UPPER_BOARD, unit=cast.root)
    leader(cast, "Đỗ Văn Trưởng", user)
    period = open_quarter(cast, -1)
    client.force_login(user)
    before = _queries(client)
    from xeploai.reviews.periods import period_open

    for i in range(8):
        leader(cast, f"Người {i}")
    period_open(actor=None, period=period)
    for evaluation in Evaluation.objects.filter(period=period).order_by("pk")[1:]:
        submit(evaluation, cast.committee)
    page = home(client)
    assert "Quyết định xếp loại 8 hồ sơ đã gửi lên" in page
    after = _queries(client)
    assert after == before, (before, after)
