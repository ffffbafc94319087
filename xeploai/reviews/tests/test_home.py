"""The home page: what each role has to do in the open period, for whom, by when (issue 15 §1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Deadline, Step
from xeploai.org.models import Role, RoleAssignment
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.testing import Cast, Round, make_person, make_round, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def _home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _due(round_: Round, step: str, days: int) -> dt.date:
    due = timezone.localdate() + dt.timedelta(days=days)
    Deadline.objects.create(period=round_.period, step=step, due=due)
    return due


def test_a_member_lands_on_their_review_its_state_and_deadline(
    client: Client, cast: Cast, round_: Round
) -> None:
    due = _due(round_, Step.SELF_REVIEW, -2)
    response = client.post(
        reverse("login"), {"username": "member", "password": "pw-for-tests-1"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Việc cần làm" in page and "Viết và nộp bản tự kiểm điểm" in page
    assert reverse("review_detail", args=[round_.evaluation.pk]) in page
    assert f"quá hạn {due:%d/%m/%Y}" in page
    Evaluation.objects.filter(pk=round_.evaluation.pk).update(stage=Stage.SUBMITTED)
    page = _home(client)
    assert "Bản kiểm điểm: Đã nộp bản kiểm điểm" in page and "quá hạn" not in page


def test_a_returned_review_says_why(client: Client, cast: Cast, round_: Round) -> None:
    Evaluation.objects.filter(pk=round_.evaluation.pk).update(
        stage=Stage.RETURNED, returned_reason="Thiếu phần cam kết"
    )
    client.force_login(cast.member)
    assert "bí thư đã trả lại: Thiếu phần cam kết" in _home(client)


def test_the_secretary_sees_missing_reviews_comments_ballot_and_proposals(
    client: Client, cast: Cast, round_: Round
) -> None:
    due = _due(round_, Step.SELF_REVIEW, 5)
    client.force_login(cast.secretary)
    page = _home(client)
    assert "Bí thư chi bộ — Chi bộ A1" in page
    assert "Đôn đốc đảng viên nộp bản kiểm điểm (2/2 chưa nộp)" in page
    assert "Phạm Văn Hai" in page and "Trần Thị Lan" in page
    assert f"hạn {due:%d/%m/%Y}" in page
    # Phạm Văn Hai has no residence comment on file; the rule is named with its clause
    assert "Thu thập nhận xét còn thiếu" in page and "QĐ 366 Đ.17" in page
    assert reverse("round_page", args=["A1"]) in page
    Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1).filter(
        kind=SubjectKind.MEMBER
    ).update(stage=Stage.SUBMITTED, reviewed=True, ballot_level="")
    page = _home(client)
    assert "nộp bản kiểm điểm (" not in page
    assert "bỏ phiếu kín" in page and reverse("ballot_list", args=["A1"]) in page
    assert "Ghi đề xuất mức xếp loại" in page
    Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1).update(
        stage=Stage.PROPOSED, cell_level="HTTNV", reviewed=True
    )
    assert "Gửi hồ sơ lên Đảng bộ A" in _home(client)


def _send_cell(cast: Cast, round_: Round) -> None:
    Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1).update(
        stage=Stage.SENT, cell_level="HTTNV", reviewed=True
    )


def test_the_clerk_sees_files_waiting_and_what_blocks_them_with_the_clause(
    client: Client, cast: Cast, round_: Round
) -> None:
    _send_cell(cast, round_)
    _due(round_, Step.GRASSROOTS_DECISION, 3)
    for user in (cast.clerk, cast.committee):
        client.force_login(user)
        page = _home(client)
        assert "Đảng bộ A" in page
        assert "Quyết định xếp loại 3 hồ sơ đã gửi lên" in page and "Chi bộ A1: 3" in page
        assert "Chưa quyết định được theo đề xuất" in page
        # the cell waits for its members (ordering), a member for the residence comment
        assert "Chưa thể quyết định" in page and "(QĐ 366 Đ.12 k.2.3) — Chi bộ A1" in page
        assert "Đ.3 k.4) — Phạm Văn Hai" in page
        assert reverse("board", args=["A"]) in page
        # cell A2 has sent nothing: its subjects are counted against the sending deadline
        assert "Đơn vị chưa gửi đủ hồ sơ" in page and "Chi bộ A2: 1" in page


def test_the_upper_board_sees_late_units(client: Client, cast: Cast, round_: Round) -> None:
    _due(round_, Step.SELF_REVIEW, -1)
    client.force_login(cast.upper_board)
    page = _home(client)
    assert "Đơn vị trễ hạn" in page
    assert "Đảng bộ A (Nộp bản kiểm điểm 2)" in page
    assert reverse("progress", args=["ROOT"]) in page


def test_with_nothing_open_the_home_opens_the_unit_as_before(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("unit_detail", args=["A"])


def test_unit_pages_link_their_round_board_progress_and_report(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.clerk)
    page = client.get(reverse("unit_detail", args=["A"])).content.decode()
    for name in ("round_page", "board", "progress", "report_detail"):
        assert f'href="{reverse(name, args=["A"])}"' in page
    cell = client.get(reverse("unit_detail", args=["A1"])).content.decode()
    assert f'href="{reverse("round_page", args=["A1"])}"' in cell
    assert f'href="{reverse("board", args=["A1"])}"' not in cell  # a cell decides nothing


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        _home(client)
    return len(queries)


def test_the_home_runs_a_constant_number_of_queries(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The secretary's, the clerk's and the upper board's home, before and after the cells
    grow by eight members each (with their reviews and sent files): the same queries."""
    both = make_user("both", role=Role.CELL_SECRETARY, unit=cast.cell_a1)
    RoleAssignment.objects.create(user=both, role=Role.CLERK, unit=cast.org_a)
    RoleAssignment.objects.create(user=both, role=Role.UPPER_BOARD, unit=cast.root)
    _send_cell(cast, round_)
    client.force_login(both)
    before = _queries(client)
    from xeploai.reviews.periods import period_open

    for cell in (cast.cell_a1, cast.cell_a2):
        for _ in range(8):
            make_person(cell)
    period_open(actor=None, period=round_.period)
    _send_cell(cast, round_)
    assert Evaluation.objects.filter(period=round_.period, stage=Stage.SENT).count() == 11
    after = _queries(client)
    assert after == before, (before, after)
    assert before <= 40


def test_the_home_reads_the_person_and_roles_once_and_shows_every_role(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The member's person comes with the user and the roles with the top bar's read (issue 19
    §4): the sections are those of every assignment, by unit path then role, as when the page
    read them again itself."""
    from django.contrib.auth import get_user_model

    from xeploai.org import access
    from xeploai.org.models import OrgUnit

    member = cast.member
    RoleAssignment.objects.create(user=member, role=Role.CELL_SECRETARY, unit=cast.cell_a1)
    RoleAssignment.objects.create(user=member, role=Role.CLERK, unit=cast.org_a)
    RoleAssignment.objects.create(user=member, role=Role.COMMITTEE, unit=cast.org_a)
    RoleAssignment.objects.create(user=member, role=Role.INSPECTOR, unit=cast.root)
    user = get_user_model().objects.get(pk=member.pk)
    read: list[tuple[str, OrgUnit]] = [
        (a.role, a.unit)
        for a in RoleAssignment.objects.filter(user=user)
        .select_related("unit")
        .order_by("unit__path", "role")
    ]
    assert access.assigned(user) == read and len(read) >= 5
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        page = _home(client)
    tables = [q["sql"].split(" FROM ", 1)[1].split(" ", 1)[0] for q in queries.captured_queries]
    assert tables.count('"org_roleassignment"') == 1
    assert '"org_person"' not in tables
    assert reverse("review_detail", args=[round_.evaluation.pk]) in page
    assert reverse("board", args=[cast.org_a.code]) in page
