"""A secret ballot in Chromium (issues 15 §4 and 17 §5): the secretary creates it and is told
before any code is printed what is wrong (the quorum refused, reviews not submitted), prints
the slips with their QR codes (and as a PDF, the way the printer gets them), and members vote
on 360 and 390 px phones, opening the QR code's address, a choice left blank only after
confirming it. Screenshots in test-artifacts/ballots/.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from xeploai.ballots.models import Ballot, BallotCode
from xeploai.org.models import Role
from xeploai.testing import Cast, make_cast, make_person, make_user, open_year

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("XEPLOAI_BALLOT_SCREENSHOTS", "test-artifacts/ballots"))
PRESENT = 12  # of 17 full members: more than half


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def fits(page: Page) -> None:
    """No sideways scrolling: the document is no wider than the screen."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def set_up() -> Cast:
    cast = make_cast()
    for n in range(16):
        make_person(cast.cell_a1, full_name=f"Nguyễn Thị Phương Thảo {n:02d}")
    open_year(cast.root, 2026)
    return cast


def secretary_creates_and_prints(browser: Browser, url: str, cast: Cast) -> list[str]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url + "/login/")
    page.fill("#id_username", cast.secretary.username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.goto(url + f"/units/{cast.cell_a1.code}/ballots/")
    expect(page.locator("#quorum-hint")).to_contain_text("Cần ít nhất 9/17")
    page.check("input[value='tai_cho']")
    # 3 of 17 present: refused now, not found void at the close
    page.fill("#present", "3")
    page.click("button:has-text('Tạo cuộc bỏ phiếu')")
    expect(page.locator("ul.errors")).to_contain_text("Có mặt 3/17 đảng viên chính thức")
    expect(page.locator("ul.errors")).to_contain_text("cần ít nhất 9 người có mặt")
    shot(page, "01-quorum-refused", full_page=False)
    assert not Ballot.objects.exists()
    # 12 present: the reviews not submitted are warned, and confirmed
    page.fill("#present", str(PRESENT))
    page.click("button:has-text('Tạo cuộc bỏ phiếu')")
    warnings = page.locator("#ballot-warnings")
    expect(warnings).to_contain_text("17 đảng viên chưa nộp bản kiểm điểm")
    expect(warnings).to_contain_text("Chưa có báo cáo kiểm điểm của tập thể: Chi bộ A1")
    shot(page, "02-warnings-before-creating", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "02-warnings-before-creating-390", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Ballot.objects.exists()
    # Enter in a field asks again; it does not confirm what was not read
    page.press("#present", "Enter")
    expect(page.locator("#ballot-warnings")).to_contain_text("17 đảng viên chưa nộp bản kiểm điểm")
    assert not Ballot.objects.exists()
    page.click("button:has-text('Đã đọc, vẫn tạo cuộc bỏ phiếu')")
    expect(page.locator(".callout.guard")).to_contain_text("17 đảng viên chưa nộp")
    shot(page, "03-ballot-before-printing", full_page=False)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('In phiếu mã')")
    codes = page.locator(".slip-code").all_inner_texts()
    assert len(codes) == PRESENT
    qr = page.locator("img.slip-qr")
    expect(qr).to_have_count(PRESENT)
    assert all(
        q.evaluate("i => i.complete && i.naturalWidth > 0") for q in qr.all()
    )  # the data: URI loads under the CSP
    shot(page, "04-code-slips")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "04-code-slips-390", full_page=False)
    fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    shot(page, "05-code-slips-print")
    pdf = PdfReader(BytesIO(page.pdf(format="A4", print_background=True)))
    (SHOTS / "05-code-slips.pdf").write_bytes(page.pdf(format="A4"))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) == 1  # 12 slips, two columns, on one A4 sheet
    assert all(code in text for code in codes) and "Tạo cuộc bỏ phiếu" not in text
    expect(page.locator(".noprint").first).to_be_hidden()  # the print button is not printed
    # the refused form came back with 400 (the house's status for a form with errors)
    assert [e for e in errors if "400 (Bad Request)" not in e] == []
    context.close()
    return codes


def member_votes(browser: Browser, url: str, code: str, width: int, already: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/vote/#code={code}")  # the address in the slip's QR code
    expect(page.locator("#code")).to_have_value(code)
    assert "#" not in page.url  # dropped from the address bar and the history
    fits(page)
    shot(page, f"10-vote-code-{width}", full_page=False)
    page.click("button:has-text('Tiếp tục')")
    fieldsets = page.locator("fieldset.vote")
    expect(fieldsets).to_have_count(18)  # the 17 members and the cell
    expect(fieldsets.first).to_contain_text("Hoàn thành xuất sắc nhiệm vụ (HTXSNV)")
    expect(fieldsets.first).to_contain_text("Không hoàn thành nhiệm vụ (KHTNV)")
    fits(page)
    for fieldset in fieldsets.all()[:16]:  # two left blank
        fieldset.locator("input[value='HTTNV']").check()
    shot(page, f"11-vote-choices-{width}", full_page=False)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button.primary:has-text('Gửi phiếu')")
    confirm = page.locator("#blank-confirm")
    expect(confirm).to_contain_text("Đồng chí chưa chọn mức cho 2 đối tượng")
    expect(page.locator("fieldset.is-blank")).to_have_count(2)
    expect(page.locator("input[value='HTTNV']:checked")).to_have_count(16)  # kept
    assert BallotCode.objects.filter(choices__isnull=False).count() == already  # not cast yet
    fits(page)
    shot(page, f"12-vote-blank-confirm-{width}", full_page=False)
    shot(page, f"12-vote-blank-confirm-{width}-full")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Gửi phiếu, để trống 2 đối tượng')")
    expect(page.locator("h1")).to_have_text("Đã gửi phiếu")
    fits(page)
    shot(page, f"13-vote-done-{width}", full_page=False)
    assert errors == []
    context.close()


def test_a_ballot_created_with_its_warnings_and_voted_on_phones(
    browser: Browser, live_server: LiveServer
) -> None:
    cast = set_up()
    codes = secretary_creates_and_prints(browser, live_server.url, cast)
    for already, (code, width) in enumerate(zip(codes, (390, 360), strict=False)):
        member_votes(browser, live_server.url, code, width, already)
    cast_rows = list(BallotCode.objects.exclude(choices__isnull=True))
    assert len(cast_rows) == 2
    for row in cast_rows:
        assert row.choices is not None
        assert sorted(row.choices.values()).count("") == 2


def test_the_paper_count_is_keyed_once_per_ballot_by_two_accounts(
    browser: Browser, live_server: LiveServer
) -> None:
    cast = set_up()
    deputy = make_user("phobithu", role=Role.CELL_SECRETARY, unit=cast.cell_a1)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()

    def login(username: str) -> None:
        context.clear_cookies()
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pw-for-tests-1")
        page.click("button.primary")

    def key(number: int, valid: int) -> None:
        page.goto(f"{live_server.url}/ballots/{held.pk}/entry/{number}/")
        for field, value in (("issued", PRESENT), ("returned", PRESENT), ("valid", valid)):
            page.fill(f"#counts-{field}", str(value))
        for row in page.locator("table.entry tbody tr").all():
            inputs = row.locator("input")
            for position, value in enumerate((1, 9, 1, 0)):
                inputs.nth(position).fill(str(value))
        page.click("button:has-text('Lưu lần nhập')")

    login(cast.secretary.username)
    page.goto(live_server.url + f"/units/{cast.cell_a1.code}/ballots/")
    page.check("input[value='giay']")
    page.fill("#present", str(PRESENT))
    page.click("button:has-text('Tạo cuộc bỏ phiếu')")
    page.click("button:has-text('Đã đọc, vẫn tạo cuộc bỏ phiếu')")
    held = Ballot.objects.get()
    page.goto(f"{live_server.url}/ballots/{held.pk}/entry/1/")
    expect(page.locator("#counts-issued")).to_have_count(1)
    shot(page, "20-paper-entry")
    key(1, valid=11)
    expect(page.locator("ul.messages")).to_contain_text("Đã lưu lần nhập 1")
    key(2, valid=11)  # the same account: refused
    expect(page.locator("ul.errors")).to_contain_text("phải do một người khác")
    login(deputy.username)
    key(2, valid=12)
    expect(page.locator("table.mismatches tr.mismatch")).to_have_count(1)
    expect(page.locator("table.mismatches")).to_contain_text("Số phiếu của cuộc bỏ phiếu")
    shot(page, "21-paper-mismatch", full_page=False)
    page.goto(f"{live_server.url}/ballots/{held.pk}/entry/2/")
    expect(page.locator(".counts.mismatch")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "22-paper-entry-again-390", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    key(2, valid=11)
    page.click("button:has-text('Chấp nhận kết quả')")
    expect(page.locator("ul.messages")).to_contain_text("khớp nhau")
    shot(page, "23-paper-accepted", full_page=False)
    context.close()
