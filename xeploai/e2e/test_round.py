"""One cell of the demo bloc through a whole round, in Chromium, as its users would do it.

Members submit (one entered on behalf), comments are recorded, the paper ballot is keyed twice
(a mismatch caught), an in-room ballot runs on phones with one-time codes, the cell proposes,
the decision board refuses a decision over the quota, decides, locks, and reopens with a reason.
Screenshots of each main screen are kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from xeploai.ballots import services as ballots
from xeploai.ballots.models import Ballot
from xeploai.e2e.conftest import PHONE, Screen
from xeploai.org.models import CivilServiceRating, OrgUnit, Person
from xeploai.reviews import services
from xeploai.reviews.models import CommentSource, Evaluation, Stage, SubjectKind
from xeploai.reviews.stats import stats_rebuild
from xeploai.seed.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(screen: Screen, username: str) -> None:
    screen.login(username, DEMO_PASSWORD)
    expect(screen.page.locator(".username")).to_be_visible()


def fill_review(page: Page, *, common: str, tasks: str, level: str) -> None:
    page.fill("#id_text_qualities", "Luôn giữ vững lập trường, tư tưởng chính trị vững vàng.")
    page.fill("#id_text_duties", "Hoàn thành các nhiệm vụ được giao đúng tiến độ.")
    page.fill("#id_text_shortcomings", "Có lúc chưa chủ động đề xuất giải pháp")
    for select in page.locator("select[id^='id_prev_']").all():
        select.select_option("da_khac_phuc")
    page.fill("#id_score_common", common)
    page.fill("#id_score_tasks", tasks)
    page.fill("#id_tasks_total", "10")
    page.fill("#id_tasks_done", "10")
    page.fill("#id_tasks_exceeded", "4")
    page.fill("#id_tasks_late", "0")
    if page.locator("#id_civil_level").count():
        page.select_option("#id_civil_level", "HTTNV")
    page.select_option("#id_self_level", level)
    # The live total answers before the form is sent: a request still in flight when the page
    # navigates is cut short, which htmx logs as a console error.
    expect(page.get_by_test_id("score-total")).to_have_text(str(int(common) + int(tasks)))
    page.wait_for_load_state("networkidle")


def prepare(cell_members: list[Evaluation]) -> None:
    """Everything not walked through the browser is done the way the services would do it:
    the other members submit and get their comments; civil servants have this year's rating."""
    for evaluation in cell_members:
        person = evaluation.person
        assert person is not None
        if person.is_civil_servant:
            CivilServiceRating.objects.update_or_create(
                person=person,
                year=2026,
                defaults={"level": "HTTNV", "rated_on": dt.date(2026, 11, 15)},
            )


@dataclass
class Round:
    """What the steps of the round share: the cell, its members, the desktop screen."""

    browser: Browser
    url: str
    cell: OrgUnit
    rated: list[Evaluation]
    walked: dict[str, Evaluation]
    others: list[Evaluation]
    secretary: User
    screen: Screen

    @property
    def page(self) -> Page:
        return self.screen.page


def set_up_cell(browser: Browser, url: str) -> Round:
    """The demo bloc, with the cell's members other than the three walked ones already through."""
    seed_demo(members=400, log=lambda _: None)
    me = Person.objects.select_related("unit").get(user__username="dangvien")
    cell = me.unit
    period_evaluations = Evaluation.objects.filter(
        period__year=2026, period__kind="nam", unit=cell, kind=SubjectKind.MEMBER
    )
    rated = list(
        period_evaluations.filter(not_rated_reason="").select_related("person__user").order_by("pk")
    )
    prepare(rated)
    secretary = User.objects.get(username="bithu")
    walked = {
        e.person.user.username: e
        for e in rated
        if e.person
        and e.person.user
        and e.person.user.username in ("dangvien", "dangvien02", "dangvien03")
    }
    assert set(walked) == {"dangvien", "dangvien02", "dangvien03"}
    others = [e for e in rated if e.pk not in {w.pk for w in walked.values()}]
    for evaluation in rated:  # the comments the browser part does not record
        for source in (CommentSource.PREVIOUS_UNIT, CommentSource.TEMPORARY_CELL):
            services.comment_record(
                actor=secretary,
                evaluation=evaluation,
                source=source,
                text="Hoàn thành tốt nhiệm vụ",
                received_on=dt.date(2026, 11, 18),
            )
    for evaluation in others:
        evaluation.refresh_from_db()
        services.review_submit(
            actor=secretary,
            evaluation=evaluation,
            expected_version=evaluation.version,
            content={
                "sections": {},
                "score_common": 27,
                "score_tasks": 60,
                "tasks_total": 5,
                "tasks_done": 5,
                "tasks_exceeded": 1,
                "tasks_late": 0,
                "self_level": "HTTNV",
            },
        )
        services.comment_record(
            actor=secretary,
            evaluation=evaluation,
            source=CommentSource.RESIDENCE,
            text="Tốt",
            received_on=dt.date(2026, 11, 20),
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    screen = Screen(context.new_page(), url, "desktop")
    return Round(browser, url, cell, rated, walked, others, secretary, screen)


def members_submit(r: Round) -> None:
    """1. Two members write and submit their own review."""
    screen, page = r.screen, r.page
    for username in ("dangvien", "dangvien02"):
        login(screen, username)
        page.click("text=Bản kiểm điểm của tôi")
        expect(page.locator("h1")).to_contain_text("Mẫu 2")
        fill_review(page, common="29", tasks="66", level="HTXSNV")
        page.click("button:has-text('Lưu nháp')")
        expect(page.locator("ul.messages")).to_contain_text("Đã lưu bản nháp")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("button:has-text('Nộp bản kiểm điểm')")
        expect(page.locator("ul.messages")).to_contain_text("Đã nộp bản kiểm điểm")
        if username == "dangvien":
            screen.shot("round-01-member-submitted")


def secretary_enters_and_comments(r: Round) -> None:
    """2. The secretary enters the third member's review on their behalf and records comments."""
    screen, page = r.screen, r.page
    login(screen, "bithu")
    page.get_by_role("link", name="Kiểm điểm", exact=True).click()
    expect(page.locator("h1")).to_contain_text(r.cell.name)
    screen.shot("round-02-cell-progress")
    third = r.walked["dangvien03"]
    screen.go(f"/reviews/{third.pk}/")
    expect(page.locator(".badge.warn").first).to_contain_text("nhập thay")
    fill_review(page, common="26", tasks="60", level="HTTNV")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Nộp bản kiểm điểm')")
    expect(page.locator(".badge").filter(has_text="Nhập thay bởi")).to_be_visible()
    for evaluation in r.walked.values():
        screen.go(f"/reviews/{evaluation.pk}/comments/add/")
        page.select_option("#id_source", CommentSource.RESIDENCE)
        page.fill("#id_author", "Chi ủy chi bộ khu phố 4")
        page.fill("#id_text", "Gương mẫu chấp hành quy định nơi cư trú.")
        page.set_input_files(
            "#id_scan",
            {"name": "nhan-xet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 nhan xet"},
        )
        page.click("button:has-text('Ghi nhận')")
        expect(page.locator("ul.messages")).to_contain_text("Đã ghi nhận nhận xét")
    screen.shot("round-03-review-with-comment")


def create_ballot(page: Page, mode: str, present: int | None = None) -> None:
    """Create a ballot from the cell's ballot page, confirming the warnings it shows first
    (the cell's own report is not written yet; the second ballot covers the same subjects)."""
    page.check(f"input[value='{mode}']")
    if present is not None:
        page.fill("#present", str(present))
    page.click("button:has-text('Tạo cuộc bỏ phiếu')")
    warnings = page.locator("#ballot-warnings")
    if warnings.count():
        page.click("button:has-text('Đã đọc, vẫn tạo cuộc bỏ phiếu')")
    expect(page.locator("h1")).not_to_have_text("Bỏ phiếu kín đề xuất mức xếp loại")


def paper_ballot_keyed_twice(r: Round) -> None:
    """3. Paper ballot, keyed twice by two accounts; the first second keying has a mismatch."""
    screen, page = r.screen, r.page
    screen.go(f"/units/{r.cell.code}/ballots/")
    create_ballot(page, "giay")
    ballot_url = page.url
    present = Ballot.objects.latest("created_at").present

    def key_entry(number: int, wrong: bool) -> None:
        page.goto(ballot_url + f"entry/{number}/")
        for field in ("issued", "returned", "valid"):
            page.fill(f"#counts-{field}", str(present))
        rows = page.locator("table.entry tbody tr")
        for index in range(rows.count()):
            inputs = rows.nth(index).locator("input")
            excellent = 1 if (wrong and index == 0) else 0
            values = [excellent, present - excellent, 0, 0]
            for position, value in enumerate(values):
                inputs.nth(position).fill(str(value))
        page.click("button:has-text('Lưu lần nhập')")
        expect(page.locator("ul.messages")).to_contain_text(f"Đã lưu lần nhập {number}")

    key_entry(1, wrong=False)
    login(screen, "phobithu")  # the second keying is by another account
    key_entry(2, wrong=True)
    expect(page.locator("table.mismatches tbody tr.mismatch")).to_have_count(2)
    screen.shot("round-04-paper-mismatch")
    key_entry(2, wrong=False)
    login(screen, "bithu")
    page.goto(ballot_url)
    page.click("button:has-text('Chấp nhận kết quả')")
    expect(page.locator("ul.messages")).to_contain_text("khớp nhau")
    page.click("text=Biên bản kiểm phiếu")
    expect(page.locator("h1")).to_contain_text("BIÊN BẢN KIỂM PHIẾU")
    expect(page.locator(".minutes")).to_contain_text("Lần nhập 2")
    screen.shot("round-05-minutes")


def room_ballot_on_phones(r: Round) -> None:
    """4. In-room ballot with one-time codes, voted on phones (the quorum present)."""
    screen, page = r.screen, r.page
    present = ballots.full_members(r.cell) // 2 + 1  # more than half
    screen.go(f"/units/{r.cell.code}/ballots/")
    create_ballot(page, "tai_cho", present)
    room_url = page.url
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('In phiếu mã')")
    codes = [c.replace("-", "") for c in page.locator(".slip-code").all_inner_texts()]
    assert len(codes) == present
    screen.shot("round-06-code-slips")
    phone = r.browser.new_context(viewport=PHONE, locale="vi-VN")
    voter = Screen(phone.new_page(), r.url, "phone")
    for code in codes:
        voter.go("/vote/")
        voter.page.fill("#code", code)
        voter.page.click("button:has-text('Tiếp tục')")
        expect(voter.page.locator("fieldset.vote").first).to_be_visible()  # the ballot loaded
        for fieldset in voter.page.locator("fieldset.vote").all():
            fieldset.locator("input[value='HTTNV']").check()
        if code == codes[0]:
            voter.shot("round-07-vote-on-phone")
        voter.page.once("dialog", lambda dialog: dialog.accept())
        voter.page.click("button:has-text('Gửi phiếu')")
        expect(voter.page.locator("h1")).to_have_text("Đã gửi phiếu")
    page.goto(room_url)
    expect(page.locator(f"text=Đã bỏ phiếu: {present}/{present}")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Kết thúc bỏ phiếu')")
    expect(page.locator("ul.messages")).to_contain_text("công bố kết quả")
    screen.shot("round-08-room-results")
    voter.go("/vote/check/")
    voter.page.fill("#code", codes[0])
    voter.page.click("button:has-text('Kiểm tra')")
    expect(voter.page.locator("ul.plainlist")).to_contain_text("HTTNV")
    phone.close()


def cell_proposes_and_sends(r: Round) -> Evaluation:
    """5. The cell proposes (HTXSNV for two members) and sends its file; returns the cell's own."""
    screen, page = r.screen, r.page
    for username, level in (
        ("dangvien", "HTXSNV"),
        ("dangvien02", "HTXSNV"),
        ("dangvien03", "HTTNV"),
    ):
        screen.go(f"/reviews/{r.walked[username].pk}/")
        page.select_option("select[name='level']", level)
        page.click("button:has-text('Ghi đề xuất')")
        expect(page.locator("ul.messages")).to_contain_text("Đã ghi đề xuất")
    for evaluation in r.others:
        services.proposal_record(
            actor=r.secretary,
            evaluation=Evaluation.objects.get(pk=evaluation.pk),
            expected_version=Evaluation.objects.get(pk=evaluation.pk).version,
            level="HTTNV",
        )
    cell_evaluation = Evaluation.objects.get(
        period__year=2026, period__kind="nam", unit=r.cell, kind=SubjectKind.CELL
    )
    services.proposal_record(
        actor=r.secretary,
        evaluation=cell_evaluation,
        expected_version=cell_evaluation.version,
        level="HTTNV",
    )
    screen.go(f"/units/{r.cell.code}/round/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Gửi hồ sơ lên cấp quyết định')")
    expect(page.locator("ul.messages")).to_contain_text("Đã gửi hồ sơ")
    return cell_evaluation


def office_decides(r: Round, cell_evaluation: Evaluation) -> Evaluation:
    """6. The committee's office decides: the quota refuses one HTXSNV too many."""
    screen, page, walked = r.screen, r.page, r.walked
    # Elsewhere in the committee, the quota of this member's group is already used up.
    target = Evaluation.objects.get(pk=walked["dangvien"].pk)
    committee = target.decider
    Evaluation.objects.filter(
        period__year=2026,
        period__kind="nam",
        decider=committee,
        kind=SubjectKind.MEMBER,
        group=target.group,
        not_rated_reason="",
    ).exclude(unit=r.cell).update(level="HTXSNV", stage=Stage.DECIDED, reviewed=True)
    stats_rebuild(cell_evaluation.period)
    login(screen, "vanphong")
    page.get_by_role("link", name="Quyết định", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Bảng quyết định")
    page.click("text=Chờ quyết định")
    page.locator("nav.filters").get_by_role("link", name=r.cell.name).click()  # its cell only
    row = page.locator(f"tr#e{walked['dangvien'].pk}")
    row.locator("select[name='level']").select_option("HTXSNV")
    row.locator("button:has-text('Quyết định')").click()
    expect(page.locator(".messages .msg-error").first).to_contain_text("HTXSNV")
    expect(page.locator(".messages .msg-error").first).to_contain_text(re.compile("QĐ 366"))
    screen.shot("round-09-board-quota-refused")
    row = page.locator(f"tr#e{walked['dangvien'].pk}")
    row.locator("select[name='level']").select_option("HTTNV")
    row.locator("button:has-text('Quyết định')").click()
    # other than the cell proposed (HTXSNV): refused without a reason, kept on the ledger
    expect(page.locator(".messages .msg-error").first).to_contain_text("cần ghi lý do")
    row = page.locator(f"tr#e{walked['dangvien'].pk}")
    row.locator("select[name='level']").select_option("HTTNV")
    row.locator("input[name='reason']").fill("Nhóm đã đủ tỉ lệ HTXSNV")
    row.locator("button:has-text('Quyết định')").click()
    expect(page.locator(".messages .msg-success")).to_contain_text("Đã quyết định")
    assert (
        Evaluation.objects.get(pk=walked["dangvien"].pk)
        .ledger.filter(reason="Nhóm đã đủ tỉ lệ HTXSNV", level="HTTNV")
        .exists()
    )
    screen.go(f"/units/{committee.code}/board/?show=pending&cell={r.cell.code}")
    keep = {e.pk for e in r.rated} - {walked["dangvien02"].pk}  # the cell waits for its members
    for checkbox in page.locator("input[name='ids']").all():
        if int(checkbox.get_attribute("value") or 0) not in keep:
            checkbox.uncheck()
    page.click("button:has-text('Quyết định theo đề xuất')")
    expect(page.locator(".messages .msg-success")).to_contain_text("Đã quyết định theo đề xuất")
    screen.shot("round-10-board-decided")
    decided = Evaluation.objects.get(pk=walked["dangvien03"].pk)
    assert decided.stage == Stage.DECIDED and decided.level == "HTTNV"
    return decided


def decided_is_reopened(r: Round, decided: Evaluation) -> None:
    """7. A decided subject is locked; reopening needs a reason and keeps the history."""
    screen, page = r.screen, r.page
    screen.go(f"/reviews/{decided.pk}/")
    expect(page.get_by_role("button", name="Mở lại")).to_be_visible()
    page.fill("#id_reopen_reason", "Phát hiện thông tin chưa trung thực sau khi xếp loại")
    page.click("button:has-text('Mở lại')")
    expect(page.locator("ul.messages")).to_contain_text("Đã mở lại")
    expect(page.locator("table.data").last).to_contain_text("Mở lại để xếp loại lại")
    screen.shot("round-11-reopened")
    assert Evaluation.objects.get(pk=decided.pk).stage == Stage.SENT


def test_a_whole_round_in_one_cell(
    browser: Browser, live_server: LiveServer, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    r = set_up_cell(browser, live_server.url)
    members_submit(r)
    secretary_enters_and_comments(r)
    paper_ballot_keyed_twice(r)
    room_ballot_on_phones(r)
    cell_evaluation = cell_proposes_and_sends(r)
    decided = office_decides(r, cell_evaluation)
    decided_is_reopened(r, decided)
    assert r.screen.console_errors == []
    r.page.context.close()
