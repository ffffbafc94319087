"""Phone-first (issue 17 §5): every page a member or a cell secretary uses fits a phone 360 and
390 px wide — nothing scrolls sideways, tables become labelled cards, the top bar is one line
with a menu. Screenshots of every page at 360, 390 and desktop width land in
``test-artifacts/phone/``.

The pages are those the access matrix (``tests/test_access.py``) opens to a member or a
secretary, files and POST-only URLs left out.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings

from xeploai.reviews import services
from xeploai.reviews.models import Evaluation, Stage
from xeploai.testing import Cast, Round, make_cast, make_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("XEPLOAI_PHONE_SHOTS", "test-artifacts/phone"))
WIDTHS = (360, 390)
DESKTOP = 1280
HEIGHT = 800


def member_pages(c: Cast, r: Round) -> dict[str, str]:
    return {
        "review-form": reverse("my_review"),
        "history": reverse("my_history"),
        "person-self": reverse("person_detail", args=[c.member_a1.pk]),
        "units": reverse("unit_list"),
        "people-search": reverse("person_search") + "?q=tran",
        "password": reverse("password_change"),
        "reports-home": reverse("report_home"),
        "jobs": reverse("job_list"),
        "vote": reverse("vote"),
        "vote-check": reverse("vote_check"),
    }


def secretary_pages(c: Cast, r: Round) -> dict[str, str]:
    cell = c.cell_a1.code
    return {
        "units": reverse("unit_list"),
        "unit-cell": reverse("unit_detail", args=[cell]),
        "people-search": reverse("person_search") + "?q=tran",
        "person": reverse("person_detail", args=[c.member_a1.pk]),
        "round": reverse("round_page", args=[cell]),
        "review": reverse("review_detail", args=[r.evaluation.pk]),
        "comment-add": reverse("comment_add", args=[r.evaluation.pk]),
        "progress": reverse("progress", args=[cell]),
        "ballots": reverse("ballot_list", args=[cell]),
        "ballot-paper": reverse("ballot_detail", args=[r.ballot.pk]),
        "ballot-entry": reverse("paper_entry", args=[r.ballot.pk, 1]),
        "ballot-results": reverse("ballot_detail", args=[r.closed_ballot.pk]) + "?reveal=1",
        "ballot-minutes": reverse("ballot_minutes", args=[r.closed_ballot.pk]),
        "ballot-published": reverse("ballot_published", args=[r.closed_ballot.pk]),
        "report": reverse("report_detail", args=[cell]),
        "report-compare": reverse("report_compare", args=[cell]),
        "report-units": reverse("report_drilldown", args=[cell]),
        "snapshots": reverse("snapshot_list", args=[cell]),
        "jobs": reverse("job_list"),
        "password": reverse("password_change"),
    }


@pytest.fixture
def bloc(settings: Settings, tmp_path: Path) -> tuple[Cast, Round]:
    settings.MEDIA_ROOT = tmp_path
    cast = make_cast()
    return cast, make_round(cast)


@pytest.fixture
def tab(browser: Browser, live_server: Any) -> Iterator[tuple[Page, str]]:
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": HEIGHT}, locale="vi-VN", is_mobile=False
    )
    yield context.new_page(), str(live_server.url)
    context.close()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.wait_for_load_state()


def _overflow(page: Page) -> list[str]:
    """What sticks out past the right edge of the screen (tag, class and width), if anything."""
    found: list[str] = page.evaluate(
        """() => {
          const w = window.innerWidth, out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > w + 1 && !el.closest('.tablewrap, .visually-hidden'))
              out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
          }
          return out.slice(0, 5);
        }"""
    )
    return found


def _visit_all(page: Page, base: str, persona: str, pages: dict[str, str]) -> list[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for name, path in pages.items():
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (persona, name, path)
        for width in (*WIDTHS, DESKTOP):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            page.screenshot(path=str(SHOTS / f"{persona}-{name}-{width}.png"), full_page=True)
            if width == DESKTOP:
                continue
            scroll = page.evaluate("document.documentElement.scrollWidth")
            inner = page.evaluate("window.innerWidth")
            if scroll > inner:
                problems.append(f"{persona} {name} at {width}px: {scroll}px wide {_overflow(page)}")
            bar = page.locator("header.topbar").bounding_box()
            assert bar is not None
            if bar["height"] > 60:  # one line: the name and the menu button
                problems.append(f"{persona} {name} at {width}px: top bar {bar['height']}px tall")
    return problems


def test_every_page_a_member_uses_fits_a_phone(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    page, base = tab
    _login(page, base, "member")
    problems = _visit_all(page, base, "member", member_pages(*bloc))
    assert not problems, "\n".join(problems)
    # the self-review's "Mức độ hoàn thành" choices are on the screen, not past its edge
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    page.goto(base + reverse("my_review"))
    choices = page.locator("table.tasks select")
    assert choices.count() >= 1
    for index in range(choices.count()):
        box = choices.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["x"] + box["width"] <= 360
    label = page.locator("table.tasks label:has-text('Mức độ hoàn thành')").first
    assert label.is_visible()
    # the top bar's menu opens on a tap and shows the member's links
    nav = page.locator(".mainnav a:has-text('Kết quả xếp loại của tôi')")
    assert not nav.is_visible()
    page.click(".menutoggle")
    assert nav.is_visible()
    assert page.locator(".menutoggle").get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "member-menu-open-360.png"))
    # the review once submitted: read-only, its tasks and the ledger as cards
    cast, round_ = bloc
    evaluation = services.review_submit(
        actor=cast.member,
        evaluation=round_.evaluation,
        expected_version=round_.evaluation.version,
        content={
            "sections": {"qualities": {"text": "Lập trường tư tưởng vững vàng " * 8}},
            "score_common": 27,
            "score_tasks": 60,
            "tasks": [
                {
                    "task": "Chủ trì xây dựng kế hoạch chuyển đổi số của cơ quan năm 2026",
                    "product": "Kế hoạch số 12-KH/CB được ban hành đúng hạn",
                    "result": "dung_han",
                }
            ],
            "self_level": "HTTNV",
        },
    )
    view = {"review-view": reverse("review_detail", args=[evaluation.pk])}
    problems = _visit_all(page, base, "member", view)
    assert not problems, "\n".join(problems)
    assert page.locator("table.stack td[data-label='Mức độ hoàn thành']").count() == 1


def test_every_page_a_secretary_uses_fits_a_phone(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    page, base = tab
    _login(page, base, "secretary")
    problems = _visit_all(page, base, "secretary", secretary_pages(*bloc))
    assert not problems, "\n".join(problems)
    # tables are cards: no heading row in view, each cell says what it holds
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    page.goto(base + reverse("round_page", args=[bloc[0].cell_a1.code]))
    assert (
        not page.locator("table.stack thead").first.is_visible()
        or (page.locator("table.stack thead").first.bounding_box() or {"height": 0})["height"] <= 1
    )
    result = page.locator("table.stack td[data-label='Kết quả']").first
    label = result.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Kết quả"'
    # a ballot's result rows stay compact: the name, the counts on one line, the level
    page.goto(base + reverse("ballot_detail", args=[bloc[1].closed_ballot.pk]) + "?reveal=1")
    rows = page.locator("table.ballot-results tbody tr")
    for index in range(rows.count()):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["height"] < 200, box


def test_the_board_is_a_card_per_file_on_a_phone(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    """The clerk's decision board at 390 px: each file a card (the subject on top, each level
    under its heading, the decide form across), nothing to scroll sideways, and a decision tried
    on the card comes back on the card (here refused: the member has not submitted a review)."""
    cast, round_ = bloc
    Evaluation.objects.filter(pk=round_.evaluation.pk).update(stage=Stage.SENT, cell_level="HTTNV")
    page, base = tab
    _login(page, base, "clerk")
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    page.goto(base + reverse("board", args=[cast.org_a.code]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "clerk-board-390.png"), full_page=True)
    wrap = page.locator(".tablewrap:has(table.board)")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "the board scrolls sideways"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator(f"table.board tr#e{round_.evaluation.pk}")
    proposal = card.locator("td[data-label='Đề xuất']")
    assert proposal.evaluate("td => getComputedStyle(td, '::before').content") == '"Đề xuất"'
    subject, button = (
        card.locator("td.subject").bounding_box(),
        card.locator("form.decide button").bounding_box(),
    )
    assert subject is not None and button is not None
    assert subject["y"] < button["y"] and button["x"] + button["width"] <= 390
    card.locator("select[name=level]").select_option("HTTNV")
    card.locator("form.decide button").click()
    card = page.locator(f"table.board tr#e{round_.evaluation.pk}")
    expect(card.locator("td[data-label='Quyết định'] .errors")).to_contain_text(
        "Phải hoàn thành kiểm điểm"
    )
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    page.screenshot(path=str(SHOTS / "clerk-board-decided-390.png"), full_page=True)
