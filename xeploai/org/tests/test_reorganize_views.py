"""The board's reorganization screen: merge, split, dissolve through the org page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xeploai.org.models import LineageKind, OrgUnit, Person, UnitKind, UnitLineage
from xeploai.testing import Cast, make_person, make_unit

pytestmark = pytest.mark.django_db


def _post(client: Client, code: str, **data: str) -> str:
    response = client.post(reverse("unit_reorganize", args=[code]), data)
    if response.status_code == 302:
        return str(response["Location"])
    assert response.status_code == 200
    return response.content.decode()


def test_the_committee_merges_a_cell_into_another_and_the_pages_show_the_lineage(
    client: Client, cast: Cast
) -> None:
    make_person(cast.cell_a2)
    client.force_login(cast.committee)
    page = client.get(reverse("unit_detail", args=[cast.cell_a2.code])).content.decode()
    assert reverse("unit_reorganize", args=["A2"]) in page
    where = _post(client, "A2", action="merge", target="A1", on="01/07/2026")
    assert where == reverse("unit_detail", args=["A1"])
    assert OrgUnit.objects.get(code="A2").dissolved is not None
    assert Person.objects.filter(unit=cast.cell_a1).count() == 2
    page = client.get(where).content.decode()
    assert "Quá trình sắp xếp" in page and "Chi bộ A2" in page


def test_a_refusal_is_shown_on_the_form_in_vietnamese(client: Client, cast: Cast) -> None:
    client.force_login(cast.committee)
    page = _post(client, "A2", action="merge", target="B1", on="01/07/2026")
    assert "Không có tổ chức mã B1 trong phạm vi" in page  # B is outside the committee's A
    page = _post(client, "A2", action="merge", target="", on="01/07/2026")
    assert "Chọn tổ chức nhận để sáp nhập." in page
    assert not UnitLineage.objects.exists()


def test_the_upper_board_splits_a_committee_cell_by_cell(client: Client, cast: Cast) -> None:
    make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="AE")
    client.force_login(cast.upper_board)
    data = {
        "action": "split",
        "on": "2026-07-01",
        f"to-u-{cast.cell_a1.pk}": "AE",
        f"to-u-{cast.cell_a2.pk}": "B",
    }
    where = _post(client, "A", **data)
    assert where == reverse("unit_detail", args=["A"])
    assert OrgUnit.objects.get(code="A1").parent_id == OrgUnit.objects.get(code="AE").pk
    assert set(UnitLineage.objects.values_list("successor__code", "kind")) == {
        ("AE", LineageKind.SPLIT),
        ("B", LineageKind.SPLIT),
    }


def test_the_clerk_may_read_the_unit_but_not_reorganize_it(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    assert client.get(reverse("unit_reorganize", args=["A1"])).status_code == 403
    page = client.get(reverse("unit_detail", args=["A1"])).content.decode()
    assert reverse("unit_reorganize", args=["A1"]) not in page
