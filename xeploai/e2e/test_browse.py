"""A board member logs in, browses the tree, searches a member — on a desktop and a phone."""

import pytest

from xeploai.testing import make_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_the_tree_and_find_a_member(screen):
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


def test_an_outsider_gets_not_found_for_another_organization(screen):
    make_cast()
    screen.login("outsider")
    screen.go("/units/A/")
    assert "404" in screen.page.title() or "Not Found" in screen.page.content()


def test_a_member_s_review_form_fits_the_screen(screen, settings, tmp_path):
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
