"""A quarterly round in Chromium (issue 18): the committee opens Q4 for its leaders, a leader
writes Mẫu 05, the committee decides it on the board without the cell, locks the round and
reopens it with a reason, and reads the quarter's report. The leader's and the committee's homes
list the quarter's work (desktop and a 390 px phone). Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.e2e.conftest import Screen
from xeploai.org.models import ExcellenceGroup, Position, Role, RoleAssignment
from xeploai.reviews.models import Evaluation, Stage
from xeploai.testing import make_cast, make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def nav(screen: Screen, name: str) -> None:
    """Follow a link of the top bar (on a phone, open the menu first)."""
    menu = screen.page.get_by_role("button", name="☰ Menu")
    if menu.is_visible():
        menu.click()
    screen.page.locator(".topbar").get_by_role("link", name=name, exact=True).click()


def fits(screen: Screen) -> None:
    """Nothing wider than the screen (a phone at 390 px scrolls only down)."""
    width = screen.page.evaluate("document.documentElement.clientWidth")
    assert screen.page.evaluate("document.documentElement.scrollWidth") <= width


def compare_reads(screen: Screen) -> None:
    """The quarter report's comparison reads as rows, not a word a line (its eighteen columns
    once squeezed the note to ~80 px and a row to ~210 px). On a desktop each row is at most
    two lines, the note at least 250 px wide, the table scrolling inside its box and not the
    page; on a phone each period is a card, its note across the card, each rate beside its
    change."""
    sizes = screen.page.evaluate(
        """() => {
          const t = document.querySelector('.quarter-compare table.data');
          const box = e => e.getBoundingClientRect();
          const rows = [...t.tBodies[0].rows];
          return {line: parseFloat(getComputedStyle(rows[0].cells[0]).lineHeight),
                  rows: rows.map(r => box(r).height),
                  notes: rows.map(r => r.lastElementChild.innerText.trim() ? box(r.lastElementChild).width : null),
                  width: rows.map(r => box(r).width),
                  pairs: rows.map(r => [11, 13, 15].map(i => box(r.cells[i - 1]).top === box(r.cells[i]).top
                    || r.cells[i].innerText.trim() === ''))};
        }"""
    )
    assert any(sizes["notes"]), sizes  # the test round has a note to read
    fits(screen)
    if screen.device == "desktop":
        assert max(sizes["rows"]) <= 2 * sizes["line"] + 16, sizes
        assert all(w is None or w >= 250 for w in sizes["notes"]), sizes
    else:
        for note, width in zip(sizes["notes"], sizes["width"], strict=True):
            assert note is None or note >= 0.9 * width - 24, sizes  # the card's padding
        assert all(all(pair) for pair in sizes["pairs"]), sizes


def test_a_quarterly_round(screen: Screen) -> None:
    cast = make_cast()
    leader_user = User.objects.create_user("truongphong", password="pw-for-tests-1")
    leader = make_person(cast.cell_a1, full_name="Vũ Thị Trưởng Phòng", user=leader_user)
    RoleAssignment.objects.create(user=leader_user, role=Role.MEMBER, unit=cast.cell_a1)
    Position.objects.create(
        person=leader,
        title="Trưởng phòng",
        group=ExcellenceGroup.MANAGER,
        appointed=dt.date(2020, 1, 1),
    )
    page = screen.page

    # 1. The committee opens Q4/2026 for its leaders and managers (the defaults).
    screen.login("committee")
    nav(screen, "Đánh giá quý")
    expect(page.locator("h1")).to_contain_text("Đánh giá hằng quý")
    page.fill("input[name='year']", "2026")
    page.select_option("select[name='quarter']", "4")
    page.click("button:has-text('Mở đợt')")
    expect(page.locator("ul.messages")).to_contain_text("Quý 4/2026")
    expect(page.locator("table.data")).to_contain_text("15/12/2026")
    screen.shot("quarter-01-opened", full_page=True)
    period = Period.objects.get(kind=PeriodKind.QUARTER)
    evaluation = Evaluation.objects.get(period=period)
    assert evaluation.person_id == leader.pk and evaluation.form_code == "05-2025"

    # 2. The leader finds Mẫu 05 on the home (issue 18 §1) and writes it: 30 + 70 points, the
    # quarter's tasks and products, counted "trong quý".
    screen.login("truongphong")
    todo = page.locator("section.todo", has_text="Bản tự đánh giá hằng quý của tôi")
    expect(todo).to_contain_text("Quý 4/2026: viết và nộp bản tự đánh giá, xếp loại (Mẫu 05)")
    expect(todo).to_contain_text("hạn 10/12/2026")
    fits(screen)
    screen.shot("quarter-home-leader", full_page=True)
    todo.get_by_role("link", name="Mở bản tự đánh giá").click()
    expect(page.locator("h1")).to_have_text(
        "Bản tự đánh giá, xếp loại của cá nhân Quý 4 năm 2026 (Mẫu 05-HD KĐ.ĐG 2025)"
    )
    expect(page.locator("main")).to_contain_text("Số nhiệm vụ được giao trong quý")
    page.fill("#id_text_common", "Giữ vững lập trường tư tưởng; chấp hành nghiêm kỷ luật.")
    page.fill("#id_text_quarter_tasks", "Hoàn thành kế hoạch công tác quý IV.")
    page.fill("#id_score_common", "27")
    page.fill("#id_score_tasks", "62")
    page.fill("#id_task_0", "Tổng kết công tác năm")
    page.fill("#id_product_0", "Báo cáo tổng kết số 45-BC")
    page.select_option("#id_result_0", "dung_han")
    page.select_option("#id_self_level", "HTTNV")
    screen.shot("quarter-02-mau05", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Nộp bản kiểm điểm')")
    expect(page.locator("ul.messages")).to_contain_text("Đã nộp bản kiểm điểm")
    # straight to the competent level: no cell step in this round
    assert Evaluation.objects.get(pk=evaluation.pk).stage == Stage.SENT

    # 3. The committee's home lists the file waiting in the quarter; it decides on the board
    # of the quarter, without the cell.
    screen.login("committee")
    todo = page.locator("section.todo", has_text="đánh giá Quý 4/2026")
    expect(todo).to_contain_text("Quyết định xếp loại 1 hồ sơ đã gửi lên")
    expect(todo).to_contain_text("Chi bộ A1: 1")
    fits(screen)
    screen.shot("quarter-home-committee", full_page=True)
    todo.get_by_role("link", name="Mở bảng quyết định").click()
    expect(page.locator("h1")).to_contain_text("Bảng quyết định")
    row = page.locator(f"tr#e{evaluation.pk}")
    row.locator("select[name='level']").select_option("HTTNV")
    row.locator("button:has-text('Quyết định')").click()
    expect(page.locator("ul.messages")).to_contain_text("Đã quyết định")
    screen.shot("quarter-03-decided", full_page=True)
    assert Evaluation.objects.get(pk=evaluation.pk).level == "HTTNV"

    # 4. Lock the round, then reopen it with a reason.
    page.goto(f"{screen.base_url}/units/{cast.org_a.code}/quarters/")
    page.click("button:has-text('Khóa đợt')")
    expect(page.locator("ul.messages")).to_contain_text("Đã khóa")
    assert Period.objects.get(pk=period.pk).status == PeriodStatus.CLOSED
    page.fill("input[name='reason']", "Bổ sung sản phẩm quý")
    page.click("button:has-text('Mở lại')")
    expect(page.locator("ul.messages")).to_contain_text("Đã mở lại")
    assert Period.objects.get(pk=period.pk).status == PeriodStatus.OPEN

    # 5. The quarter's report.
    page.get_by_role("link", name="Báo cáo", exact=True).last.click()
    expect(page.locator("h1")).to_contain_text("Quý 4/2026")
    compare = page.locator("table.data").first  # this quarter, the previous, the same in 2025
    expect(compare).to_contain_text("so với quý trước")
    expect(compare).to_contain_text("không có đợt đánh giá Quý 4/2025 bao gồm đơn vị này")
    screen.shot("quarter-04-report", full_page=True)
    compare_reads(screen)
    assert not screen.console_errors
