"""A board member logs in, browses the tree, searches a member — on a desktop and a phone."""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from xeploai.e2e.conftest import Screen
from xeploai.testing import make_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_the_tree_and_find_a_member(screen: Screen) -> None:
    make_cast()
    screen.login("upper")
    page = screen.page
    assert page.url.endswith("/units/ROOT/")
    assert page.locator("h1").inner_text() == "Đảng bộ Khối thử"
    screen.shot("unit-tree")
    page.click("text=Đảng bộ A")
    assert page.locator(".breadcrumbs").inner_text().startswith("Đảng bộ Khối thử")
    screen.shot("unit-grassroots")
    screen.go("/people/")
    page.fill("#q", "tran thi")
    page.wait_for_selector("#results td a:has-text('Trần Thị Lan')")
    screen.shot("person-search")
    page.click("text=Trần Thị Lan")
    assert "Trần Thị Lan" in page.locator("h1").inner_text()
    screen.shot("person-detail")
    assert screen.console_errors == []


def test_an_outsider_gets_not_found_for_another_organization(screen: Screen) -> None:
    make_cast()
    screen.login("outsider")
    screen.go("/units/A/")
    assert "404" in screen.page.title() or "Not Found" in screen.page.content()


def test_a_member_s_review_form_fits_the_screen(
    screen: Screen, settings: Settings, tmp_path: Path
) -> None:
    """The review form on a phone once ran 60 px past the screen (a fieldset as wide as its
    longest heading; the task table's hidden labels escaping its scroll box)."""
    from xeploai.testing import make_round

    settings.MEDIA_ROOT = tmp_path
    make_round(make_cast())
    screen.login("member")
    screen.go("/review/")
    page = screen.page
    assert page.locator("#review-form").count() == 1
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screen.shot("review-form")


def test_a_member_changes_their_password_from_the_top_bar(screen: Screen) -> None:
    """The page is reached from the top bar, fits a phone, says why a wrong old password is
    refused, and after the change the member stays logged in."""
    make_cast()
    screen.login("member")
    page = screen.page
    if screen.device == "phone":
        page.click(".menutoggle")  # on a phone the top bar's links sit behind its menu
    page.click(".userbox a:has-text('Đổi mật khẩu')")
    assert page.locator("h1").inner_text() == "Đổi mật khẩu"
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screen.shot("password-change")
    page.fill("#id_old_password", "not-my-password")
    page.fill("#id_new_password1", "Chi-bo-A1-nam-2026")
    page.fill("#id_new_password2", "Chi-bo-A1-nam-2026")
    page.click("button.primary")
    assert "Mật khẩu cũ không chính xác" in page.locator(".errors").inner_text()
    screen.shot("password-change-refused", full_page=True)
    page.fill("#id_old_password", "pw-for-tests-1")
    page.fill("#id_new_password1", "Chi-bo-A1-nam-2026")
    page.fill("#id_new_password2", "Chi-bo-A1-nam-2026")
    page.click("button.primary")
    assert "Đã đổi mật khẩu." in page.locator(".messages").inner_text()
    if screen.device == "phone":
        page.click(".menutoggle")
    assert page.locator(".username").is_visible()
    screen.shot("password-changed")
    assert screen.console_errors == []
