"""The demo's 2026 round for one whole cell, through the pages alone (issue 15 §10).

The demo cell (the one whose members have accounts: "dangvien", "dangvien02"…, secretary "bithu",
committee clerk "vanphong"): members submit their own review, the secretary enters the others on
their behalf, records the comments the round page says are missing, proposes each subject and
sends the file; the clerk reads what blocks each decision on the board before deciding (the
civil-service ratings: entered on the civil-service page), accepts the members' proposals in
bulk and decides the cell from its row (htmx: the row changes, the page is not reloaded); the
report shows the cell decided. No step goes through /admin/ or a service, no decision is refused.

Screenshots of each step: test-artifacts/round/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from xeploai.cycles.models import PeriodKind
from xeploai.e2e.conftest import DESKTOP, PHONE, Screen
from xeploai.e2e.test_round import fill_review
from xeploai.org.models import OrgUnit, Person
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.seed.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-artifacts/round")
SELF = ("dangvien", "dangvien02", "dangvien03")  # the members who write their own review
# the round page's names of the missing comments → the comment form's sources
SOURCES = {
    "nơi cư trú": "noi_cu_tru",
    "đơn vị cũ": "don_vi_cu",
    "chi bộ tạm thời": "chi_bo_tam_thoi",
}


class Walk:
    """One desktop tab walking the round, and where its screenshots go."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        self.context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
        self.screen = Screen(self.context.new_page(), url, "desktop")
        self.step = 0

    @property
    def page(self) -> Page:
        return self.screen.page

    def login(self, username: str) -> None:
        self.screen.login(username, DEMO_PASSWORD)
        expect(self.page.locator(".username")).to_be_visible()

    def shot(self, name: str, *, phone_too: bool = False) -> None:
        """The page at desktop width (whole), and at 390 px when asked."""
        self.step += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        stem = f"{self.step:02d}-{name}"
        self.page.screenshot(path=str(SHOTS / f"{stem}-desktop.png"), full_page=True)
        if phone_too:
            self.page.set_viewport_size(PHONE)
            self.page.screenshot(path=str(SHOTS / f"{stem}-phone.png"), full_page=True)
            self.page.set_viewport_size(DESKTOP)


def _rated_members(cell: OrgUnit) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(
            period__year=2026,
            period__kind=PeriodKind.YEAR,  # the demo's leaders have quarters of 2026 too
            unit=cell,
            kind=SubjectKind.MEMBER,
            not_rated_reason="",
        ).order_by("pk")
    )


def members_write(w: Walk, cell: OrgUnit) -> None:
    """1. Three members write and submit their own review; the secretary enters the others."""
    for username in SELF:
        w.login(username)
        w.page.get_by_role("link", name="Bản kiểm điểm của tôi").first.click()
        fill_review(w.page, common="27", tasks="60", level="HTTNV")
        w.page.once("dialog", lambda dialog: dialog.accept())
        w.page.click("button:has-text('Nộp bản kiểm điểm')")
        expect(w.page.locator("ul.messages")).to_contain_text("Đã nộp bản kiểm điểm")
        if username == SELF[0]:
            w.shot("member-submitted", phone_too=True)
    w.login("bithu")
    w.page.get_by_role("link", name="Kiểm điểm", exact=True).click()
    expect(w.page.locator("h1")).to_contain_text(cell.name)
    w.shot("secretary-round-before", phone_too=True)
    own = {p.pk for p in Person.objects.filter(user__username__in=SELF)}
    for evaluation in _rated_members(cell):
        if evaluation.person_id in own:
            continue
        w.screen.go(reverse("review_detail", args=[evaluation.pk]))
        fill_review(w.page, common="26", tasks="60", level="HTTNV")
        w.page.once("dialog", lambda dialog: dialog.accept())
        w.page.click("button:has-text('Nộp bản kiểm điểm')")
        expect(w.page.locator("ul.messages")).to_contain_text("Đã nộp bản kiểm điểm")


def missing_comments(page: Page) -> list[tuple[str, str]]:
    """What the round page says is missing: (the review's path, the comment's source)."""
    found = []
    for row in page.locator("table.data tbody tr").all():
        link = row.locator("td").first.locator("a").first.get_attribute("href") or ""
        for badge in row.locator("td").nth(3).locator(".badge.bad").all_inner_texts():
            found.append((link, SOURCES[badge.strip()]))
    return found


def secretary_comments_proposes_sends(w: Walk, cell: OrgUnit) -> None:
    """2. The secretary records the comments the round page lists, proposes, sends the file."""
    round_url = reverse("round_page", args=[cell.code])
    w.screen.go(round_url)
    missing = missing_comments(w.page)
    assert missing, "the demo cell starts with comments to record"
    # each subject's blockers are on the round page before anything is sent
    expect(w.page.locator("ul.blockers").first).to_be_visible()
    w.shot("round-blockers-listed")
    for path, source in missing:
        w.screen.go(path + "comments/add/")
        w.page.select_option("#id_source", source)
        w.page.fill("#id_author", "Chi ủy nơi nhận xét")
        w.page.fill("#id_text", "Gương mẫu, chấp hành tốt quy định.")
        w.page.click("button:has-text('Ghi nhận')")
        expect(w.page.locator("ul.messages")).to_contain_text("Đã ghi nhận nhận xét")
    w.screen.go(round_url)
    assert missing_comments(w.page) == []
    for evaluation in [*_rated_members(cell), _cell_evaluation(cell)]:
        w.screen.go(reverse("review_detail", args=[evaluation.pk]))
        w.page.locator("#propose select[name='level']").select_option("HTTNV")
        w.page.click("button:has-text('Ghi đề xuất')")
        expect(w.page.locator("ul.messages")).to_contain_text("Đã ghi đề xuất")
    w.screen.go(round_url)
    w.shot("round-proposed")
    w.page.once("dialog", lambda dialog: dialog.accept())
    w.page.click("button:has-text('Gửi hồ sơ lên cấp quyết định')")
    expect(w.page.locator("ul.messages .msg-success")).to_contain_text("Đã gửi hồ sơ")
    w.shot("round-sent")


def _cell_evaluation(cell: OrgUnit) -> Evaluation:
    return Evaluation.objects.get(period__year=2026, unit=cell, kind=SubjectKind.CELL)


def civil_ratings_entered(w: Walk, cell: OrgUnit) -> int:
    """3b. The clerk enters the civil-service ratings the board asked for, on their page."""
    w.screen.go(reverse("civil_ratings", args=[cell.code]))
    rows = w.page.locator("tr[id^='civil-']")
    entered = 0
    for index in range(rows.count()):
        row = rows.nth(index)
        if not row.locator("form").count() or not row.locator(".badge.bad").count():
            continue
        row.locator("select[name$='level']").select_option("HTTNV")
        points = row.locator("input[name$='points']")
        if points.count():
            points.fill("80")
        rated_on = row.locator("input[name$='rated_on']")
        if rated_on.count():
            rated_on.fill("2026-11-15")
        row.locator("button:has-text('Ghi')").click()
        expect(row.locator(".badge.ok")).to_be_visible()
        entered += 1
    w.shot("civil-ratings-entered")
    return entered


def clerk_decides(w: Walk, cell: OrgUnit) -> None:
    """3. The clerk filters the board to the cell, reads the blockers, clears them, decides."""
    cell_evaluation = _cell_evaluation(cell)
    w.login("vanphong")
    w.page.get_by_role("link", name="Quyết định", exact=True).click()
    expect(w.page.locator("h1")).to_contain_text("Bảng quyết định")
    w.page.locator("nav.filters").get_by_role("link", name=cell.name).click()
    w.page.locator("nav.filters").get_by_role("link", name="Chờ quyết định").click()
    expect(w.page).to_have_url(re.compile(r"cell=" + re.escape(cell.code)))
    cell_row = w.page.locator(f"tr#e{cell_evaluation.pk}")
    # the cell after its members: said on its row, and not ticked for bulk accept
    expect(cell_row.locator("ul.blockers")).to_contain_text("trước")
    expect(cell_row.locator("input[name='ids']")).not_to_be_checked()
    w.shot("board-blockers", phone_too=True)
    civil = w.page.locator("ul.blockers li", has_text="xếp loại công chức")
    if civil.count():  # the demo's civil servants without this year's rating (366 Đ.3 k.4)
        assert civil_ratings_entered(w, cell) > 0
        w.page.go_back()
        w.page.reload()
        expect(w.page.locator("ul.blockers li", has_text="xếp loại công chức")).to_have_count(0)
    members = set(  # the not-rated members too: their reason is decided with the others
        Evaluation.objects.filter(
            period__year=2026, unit=cell, kind=SubjectKind.MEMBER
        ).values_list("pk", flat=True)
    )
    by_row = accepted = 0
    while True:  # page after page (25 rows), the decided ones leaving the pending filter
        w.page.evaluate("window.notReloaded = true")
        ids = [
            int((row.get_attribute("id") or "e0")[1:])
            for row in w.page.locator("table.board tbody tr[id^='e']").all()
        ]
        waiting = [pk for pk in ids if pk in members]
        if not waiting:
            break
        for pk in waiting:
            row = w.page.locator(f"tr#e{pk}")
            if not row.locator("ul.blockers").count():  # ready: ticked for bulk accept
                expect(row.locator("input[name='ids']")).to_be_checked()
                continue
            # what is left needs a reason, not a fix (a party level above the civil-service
            # rating, 366 Đ.3 k.4): not ticked; decided from its row with the reason written
            expect(row.locator("ul.blockers li.bad")).to_have_count(0)
            expect(row.locator("input[name='ids']")).not_to_be_checked()
            row.locator("input[name='reason']").fill("Hoàn thành tốt nhiệm vụ được giao")
            row.locator("input[name='override']").check()
            row.locator("button:has-text('Quyết định')").click()
            expect(w.page.locator(f"tr#e{pk}")).to_contain_text("đã khóa")
            by_row += 1
            if by_row == 1:
                w.shot("board-decided-from-a-row")
        assert w.page.evaluate("window.notReloaded === true")  # each row swapped in place
        if w.page.locator("input[name='ids']:checked").count():
            w.page.click("button:has-text('Quyết định theo đề xuất')")
            expect(w.page.locator(".messages .msg-success")).to_contain_text(
                "Đã quyết định theo đề xuất"
            )
            expect(w.page.locator(".messages .msg-error")).to_have_count(0)
            accepted += 1
            if accepted == 1:
                w.shot("board-accepted-in-bulk")
        else:
            w.page.reload()
    assert accepted and by_row
    # the cell, now after all its members: decided from its row, the row swapped in place
    w.page.locator("nav.filters").get_by_role("link", name="Tất cả").first.click()
    cell_row = w.page.locator(f"tr#e{cell_evaluation.pk}")
    expect(cell_row.locator("ul.blockers")).to_have_count(0)
    w.page.evaluate("window.notReloaded = true")
    cell_row.locator("button:has-text('Quyết định')").click()
    expect(w.page.locator(f"tr#e{cell_evaluation.pk}")).to_contain_text("đã khóa")
    expect(w.page.locator("#board-notes")).to_contain_text("Đã quyết định xếp loại")
    assert w.page.evaluate("window.notReloaded === true")
    w.shot("board-cell-decided", phone_too=True)


def report_shows_the_cell(w: Walk, cell: OrgUnit, before: str) -> None:
    """4. The report of the cell counts its decided members."""
    w.screen.go(reverse("report_detail", args=[cell.code]))
    after = w.page.locator(".kpis").inner_text()
    assert after != before
    members = after[after.index("Đảng viên HTTNV trở lên") - 40 :]
    assert re.search(r"100(,00)?\s?%", members), after  # every member rated HTTNV
    assert "Đảng viên HTTNV trở lên chưa có kết quả" not in after
    w.shot("report-updated", phone_too=True)


def test_the_demo_round_of_a_whole_cell_through_the_pages(
    browser: Browser, live_server: LiveServer, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    seed_demo(members=400, log=lambda _: None)
    cell = Person.objects.select_related("unit").get(user__username="dangvien").unit
    w = Walk(browser, live_server.url)
    w.login("vanphong")
    w.screen.go(reverse("report_detail", args=[cell.code]))
    before = w.page.locator(".kpis").inner_text()
    members_write(w, cell)
    secretary_comments_proposes_sends(w, cell)
    clerk_decides(w, cell)
    report_shows_the_cell(w, cell, before)
    subjects = Evaluation.objects.filter(period__year=2026, period__kind=PeriodKind.YEAR, unit=cell)
    assert subjects.exclude(stage=Stage.DECIDED).count() == 0
    assert User.objects.filter(username="vanphong", is_staff=False).exists()  # no admin
    assert w.screen.console_errors == []
    w.context.close()
