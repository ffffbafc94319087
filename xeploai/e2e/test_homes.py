"""The home says what to do; the self-review adds up while the member types (issue 15 §1, §6).
On a desktop and a phone, in Chromium; screenshots in test-artifacts/homes/."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from xeploai.e2e.conftest import Screen
from xeploai.testing import make_cast, make_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-artifacts/homes")


def _shot(screen: Screen, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = "1280" if screen.device == "desktop" else "390"
    screen.page.screenshot(path=str(SHOTS / f"e2e-{name}-{width}.png"), full_page=True)


def _fits(screen: Screen) -> None:
    page = screen.page
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_member_lands_on_the_home_and_the_total_adds_up_live(
    screen: Screen, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_round(make_cast())
    screen.login("member")
    page = screen.page
    page.wait_for_selector("h1:has-text('Việc cần làm')")
    assert "Viết và nộp bản tự kiểm điểm" in page.locator(".todo").first.inner_text()
    _fits(screen)
    _shot(screen, "home-member")
    page.click(".todo a:has-text('Mở bản kiểm điểm')")
    page.wait_for_selector("#review-form")
    page.fill("#id_score_common", "28")
    page.fill("#id_score_tasks", "62")
    total = page.locator("[data-testid=score-total]")
    total.wait_for()
    page.wait_for_function(
        "document.querySelector('[data-testid=score-total]')?.textContent === '90'"
    )
    assert "(HTXSNV)" in page.locator("[data-testid=score-band]").inner_text()
    page.select_option("#id_self_level", "HTTNV")
    assert page.locator("[data-testid=score-warning]").count() == 0
    # fewer task points: the band drops below the declared level and the warning says why
    page.fill("#id_score_tasks", "40")
    page.wait_for_selector("[data-testid=score-warning]")
    assert total.inner_text() == "68"
    warning = page.locator("[data-testid=score-warning]").inner_text()
    assert "Hoàn thành tốt nhiệm vụ (HTTNV) cao hơn" in warning and "QĐ 366 Đ.11" in warning
    page.locator("#score-hint").scroll_into_view_if_needed()
    _fits(screen)
    _shot(screen, "review-live-total")
    assert screen.console_errors == []


def test_the_secretary_and_the_clerk_see_what_is_theirs_to_do(
    screen: Screen, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_round(make_cast())
    screen.login("secretary")
    page = screen.page
    page.wait_for_selector("h2:has-text('Bí thư chi bộ — Chi bộ A1')")
    text = page.locator("main").inner_text()
    assert "Đôn đốc đảng viên nộp bản kiểm điểm" in text and "Thu thập nhận xét còn thiếu" in text
    _fits(screen)
    _shot(screen, "home-secretary")
    page.click(".todo a:has-text('Mở trang kiểm điểm')")
    assert page.url.endswith("/units/A1/round/")
    page.context.clear_cookies()  # on a phone the logout button is behind the top bar's menu
    screen.login("clerk")
    page.wait_for_selector("h1:has-text('Việc cần làm')")
    _fits(screen)
    _shot(screen, "home-clerk")
    page.click(".unitlinks a:has-text('Trang tổ chức')")
    for label in ("Kiểm điểm, đề xuất", "Bảng quyết định", "Tiến độ", "Báo cáo"):
        assert page.locator(f".unitlinks a:has-text('{label}')").count() >= 1
    assert screen.console_errors == []
