"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Screenshots of every main screen land in ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

CHROMIUM = os.environ.get("XEPLOAI_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("XEPLOAI_SCREENSHOTS", "test-artifacts/screenshots"))
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous and safe. Set only for the browser tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Screen:
    """One browser tab with helpers to log in and keep screenshots."""

    def __init__(self, page: Page, base_url: str, device: str) -> None:
        self.page = page
        self.base_url = base_url
        self.device = device
        self.console_errors: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = "pw-for-tests-1") -> None:
        """Log in afresh (whoever was logged in before) and wait until the page says who is
        logged in: the name is in the top bar, behind the menu on a phone."""
        self.page.context.clear_cookies()
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button.primary")
        expect(self.page.locator(".username")).to_be_attached()

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        """The screen as the user sees it (the top of the page unless ``full_page``)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}-{self.device}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture(params=["desktop", "phone"])
def screen(request: pytest.FixtureRequest, browser: Browser, live_server: Any) -> Iterator[Screen]:
    viewport = DESKTOP if request.param == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    yield Screen(page, live_server.url, request.param)
    context.close()
