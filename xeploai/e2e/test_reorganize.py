"""The upper board merges two grassroots committees from the org page — desktop and phone."""

from __future__ import annotations

import pytest

from xeploai.e2e.conftest import Screen
from xeploai.org.models import OrgUnit, UnitKind
from xeploai.testing import make_cast, make_person, make_unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_board_merges_a_committee_and_sees_its_lineage(screen: Screen) -> None:
    cast = make_cast()
    make_person(cast.cell_b1)
    make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AB", name="Đảng bộ Tân Hòa")
    screen.login("upper")
    page = screen.page
    screen.go("/units/B/")
    page.click("text=Sắp xếp tổ chức")
    assert "Sắp xếp tổ chức" in page.locator("h1").inner_text()
    screen.shot("unit-reorganize", full_page=True)
    page.select_option("#id_action", "merge")
    page.fill("#id_target", "A1")  # a cell: refused, in Vietnamese, on the form
    page.fill("#id_on", "2026-07-01")
    page.click("button.primary")
    assert "cùng loại" in page.locator(".errors").inner_text()
    screen.shot("unit-reorganize-refused")
    page.fill("#id_target", "AB")
    page.click("button.primary")
    assert page.url.endswith("/units/AB/")
    assert "Sáp nhập từ" in page.locator(".lineage").inner_text()
    # B's clerk (the "outsider") held an office on B: it ended with B, and the page says so
    assert "Đã kết thúc 1 phân quyền" in page.locator(".msg-info").inner_text()
    screen.shot("unit-after-merge", full_page=True)
    assert OrgUnit.objects.get(code="B1").parent == OrgUnit.objects.get(code="AB")
    assert screen.console_errors == []
