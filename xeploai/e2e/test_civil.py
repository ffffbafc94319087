"""The clerk enters a civil-servant member's civil-service rating in Chromium, then decides
(issue 15 §3): the board first refuses the decision with the rule and its clause, links to the
unit's civil-service page, where the row shows the level the member declared as a suggestion;
the entry replaces its row in place (htmx), and the decision then passes. Screenshots at 1280 and
390 px wide in test-artifacts/civil/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from xeploai.e2e.conftest import DESKTOP, PHONE, Screen
from xeploai.org.models import CivilServiceRating, Person
from xeploai.reviews import services
from xeploai.reviews.models import CommentSource, Evaluation, Stage, SubjectKind
from xeploai.seed.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("XEPLOAI_CIVIL_SCREENSHOTS", "test-artifacts/civil"))
RULE = "phải có kết quả xếp loại công chức trước khi xếp loại đảng viên"


def shot(page: Page, name: str, device: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{device}.png"), full_page=full_page)


def a_civil_servant_ready_to_decide() -> Evaluation:
    """A civil-servant member of the demo cell, through review, comments, proposal and file,
    with no civil-service rating for the year (the demo leaves some unrated)."""
    seed_demo(members=400, log=lambda _: None)
    cell = Person.objects.select_related("unit").get(user__username="dangvien").unit
    evaluation = (
        Evaluation.objects.filter(
            period__year=2026,
            unit=cell,
            kind=SubjectKind.MEMBER,
            not_rated_reason="",
            person__is_civil_servant=True,
        )
        .select_related("person", "period")
        .order_by("pk")
        .first()
    )
    assert evaluation is not None and evaluation.person is not None
    CivilServiceRating.objects.filter(person=evaluation.person, year=2026).delete()
    secretary = User.objects.get(username="bithu")
    services.review_submit(
        actor=secretary,
        evaluation=evaluation,
        expected_version=evaluation.version,
        on_behalf=True,
        content={
            "sections": {},
            "score_common": 27,
            "score_tasks": 60,
            "tasks_total": 5,
            "tasks_done": 5,
            "tasks_exceeded": 1,
            "tasks_late": 0,
            "self_level": "HTTNV",
            "civil_level": "HTTNV",
        },
    )
    for source in (
        CommentSource.RESIDENCE,
        CommentSource.PREVIOUS_UNIT,
        CommentSource.TEMPORARY_CELL,
    ):
        services.comment_record(
            actor=secretary,
            evaluation=Evaluation.objects.get(pk=evaluation.pk),
            source=source,
            text="Hoàn thành tốt nhiệm vụ",
            received_on=dt.date(2026, 11, 20),
        )
    fresh = Evaluation.objects.get(pk=evaluation.pk)
    services.proposal_record(
        actor=secretary, evaluation=fresh, level="HTTNV", expected_version=fresh.version
    )
    services.file_send(
        actor=secretary, unit=cell, evaluations=[Evaluation.objects.get(pk=evaluation.pk)]
    )
    return Evaluation.objects.select_related("decider", "unit", "person").get(pk=evaluation.pk)


def login(page: Page, url: str) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", "vanphong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    expect(page.locator(".username")).to_be_attached()  # behind the menu on a phone


def decide(page: Page, url: str, evaluation: Evaluation) -> None:
    page.goto(f"{url}/units/{evaluation.decider.code}/board/?show=pending")
    row = page.locator(f"tr#e{evaluation.pk}")
    row.locator("select[name='level']").select_option("HTTNV")
    row.locator("button:has-text('Quyết định')").click()


def test_the_clerk_enters_a_civil_service_rating_then_decides(
    browser: Browser, live_server: LiveServer, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    evaluation = a_civil_servant_ready_to_decide()
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    screen = Screen(context.new_page(), live_server.url, "desktop")
    page = screen.page
    login(page, live_server.url)

    # 1. Deciding first is refused with the rule and its clause, before anything is written.
    decide(page, live_server.url, evaluation)
    error = page.locator(".messages .msg-error").first
    expect(error).to_contain_text(RULE)
    expect(error).to_contain_text("QĐ 366 Đ.3 k.4")
    shot(page, "civil-01-decision-refused", "desktop")
    assert Evaluation.objects.get(pk=evaluation.pk).stage == Stage.SENT

    # 2. The board links to the unit's civil-service page: the rule, the scale, the suggestion.
    page.goto(f"{live_server.url}/units/{evaluation.decider.code}/board/")
    page.locator("a.civil-link").click()
    expect(page.locator("h1")).to_contain_text("Xếp loại cán bộ, công chức, viên chức")
    expect(page.locator("#civil .callout")).to_contain_text("QĐ 366 Đ.3 k.4")
    expect(page.locator("#civil")).to_contain_text("Nghị định 335/2025/NĐ-CP")
    row = page.locator(f"tr#civil-{evaluation.pk}")
    row.scroll_into_view_if_needed()
    expect(row).to_contain_text("chưa có — chưa xếp loại đảng viên được")
    counter = page.locator("#civil-count")
    done_before = int(counter.inner_text().split("/")[0])
    shot(page, "civil-02-page", "desktop")

    # 3. A level above the points' band comes back in the row, the decree cited.
    prefix = f"#id_c{evaluation.pk}"
    row.locator(f"{prefix}-level").select_option("HTXSNV")
    row.locator(f"{prefix}-points").fill("85")
    row.locator("button:has-text('Ghi')").click()
    row = page.locator(f"tr#civil-{evaluation.pk}")
    expect(row.locator(".errors")).to_contain_text("Điểm: 85 điểm chỉ đạt mức HTTNV")
    expect(row.locator(".errors")).to_contain_text("NĐ 335/2025/NĐ-CP")
    shot(page, "civil-03-entry-refused", "desktop")

    # 4. The suggestion fills the level the member declared; the row is replaced in place.
    row.locator("button[data-fill]").click()
    expect(row.locator(f"{prefix}-level")).to_have_value("HTTNV")
    row.locator(f"{prefix}-agency").fill("Sở Tài chính")
    row.locator(f"{prefix}-rated_on").fill("2026-12-01")
    page.evaluate("window.__kept = true")  # gone if the whole page reloads
    row.locator("button:has-text('Ghi')").click()
    row = page.locator(f"tr#civil-{evaluation.pk}")
    expect(row).to_contain_text("Đã ghi")
    expect(row).to_contain_text("85 điểm")
    assert page.evaluate("window.__kept") is True
    # The panel's "n/N" counts the new rating without a reload of the page.
    expect(page.locator("#civil-count")).to_contain_text(f"{done_before + 1}/")
    assert page.evaluate("window.__kept") is True
    shot(page, "civil-04-entered", "desktop")
    rating = CivilServiceRating.objects.get(person=evaluation.person, year=2026)
    assert (rating.level, rating.agency, rating.rated_on) == (
        "HTTNV",
        "Sở Tài chính",
        dt.date(2026, 12, 1),
    )

    # 5. The decision now passes.
    decide(page, live_server.url, evaluation)
    expect(page.locator(".messages .msg-success")).to_contain_text("Đã quyết định")
    decided = Evaluation.objects.get(pk=evaluation.pk)
    assert (decided.stage, decided.level) == (Stage.DECIDED, "HTTNV")
    shot(page, "civil-05-decided", "desktop")
    assert screen.console_errors == [], screen.console_errors
    context.close()

    # The same pages on a phone.
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    login(page, live_server.url)
    page.goto(f"{live_server.url}/units/{evaluation.unit.code}/civil/")
    expect(page.locator(f"tr#civil-{evaluation.pk}")).to_contain_text("HTTNV")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # only the table scrolls, inside its frame
    shot(page, "civil-02-page", "phone")
    page.locator(f"tr#civil-{evaluation.pk}").scroll_into_view_if_needed()
    shot(page, "civil-04-entered", "phone")
    page.goto(f"{live_server.url}/units/{evaluation.unit.code}/round/")
    page.locator("#civil").scroll_into_view_if_needed()
    shot(page, "civil-06-round-page", "phone")
    phone.close()
