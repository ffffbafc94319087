"""The people and units imports leave the organization page's member counts consistent."""

import datetime as dt

import pytest

from xeploai.imports.services import import_file
from xeploai.imports.tests.conftest import TODAY, Writer
from xeploai.org.counts import member_count_differences
from xeploai.org.models import Person, PersonStatus
from xeploai.org.tests.test_counts import assert_page_matches_recount
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def test_the_people_and_units_imports_keep_the_counts(cast: Cast, xlsx: Writer) -> None:
    row = {
        "Họ và tên": "Phạm Văn Hùng",
        "Ngày sinh": "15/08/1985",
        "Giới tính": "Nam",
        "Số CCCD": "084185000123",
        "Ngày vào Đảng": dt.date(2010, 5, 19),
        "Mã chi bộ": "A1",
    }
    outcome = import_file(actor=None, kind="people", path=xlsx("people", [row]), today=TODAY)
    assert outcome.ok
    assert member_count_differences() == []
    moved = {"Mã chi bộ": "A2", "Ngày bắt đầu sinh hoạt": "01/02/2026"}
    outcome = import_file(
        actor=None, kind="people", path=xlsx("people", [{**row, **moved}]), today=TODAY
    )
    assert outcome.ok
    assert member_count_differences() == []
    suspended = {**row, **moved, "Tình trạng": "Đình chỉ sinh hoạt đảng"}
    outcome = import_file(actor=None, kind="people", path=xlsx("people", [suspended]), today=TODAY)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert Person.objects.get(citizen_id="084185000123").status == PersonStatus.SUSPENDED
    assert member_count_differences() == []
    units = [
        {
            "Mã tổ chức": "A1",
            "Tên tổ chức": "Chi bộ A1",
            "Loại tổ chức": "Chi bộ trực thuộc",
            "Mã tổ chức cấp trên": "B",
        },
        {
            "Mã tổ chức": "B9",
            "Tên tổ chức": "Chi bộ B9",
            "Loại tổ chức": "Chi bộ trực thuộc",
            "Mã tổ chức cấp trên": "B",
        },
    ]
    outcome = import_file(actor=None, kind="units", path=xlsx("units", units), today=TODAY)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert member_count_differences() == []
    assert_page_matches_recount(cast.root)


def test_the_units_import_counts_the_cells_it_touches_without_a_recount(
    cast: Cast, xlsx: Writer
) -> None:
    """New cells and a changed kind are added to their ancestors' counts; the people of the
    country are not counted again (the import's cost follows what it changes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    units = [
        {
            "Mã tổ chức": "B7",
            "Tên tổ chức": "Chi bộ B7",
            "Loại tổ chức": "Chi bộ trực thuộc",
            "Mã tổ chức cấp trên": "B",
        },
        {
            "Mã tổ chức": "B8",
            "Tên tổ chức": "Chi bộ B8",
            "Loại tổ chức": "Chi bộ trực thuộc",
            "Mã tổ chức cấp trên": "B",
        },
    ]
    with CaptureQueriesContext(connection) as queries:
        outcome = import_file(actor=None, kind="units", path=xlsx("units", units), today=TODAY)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.created == 2
    recounts = [q["sql"] for q in queries if "org_person" in q["sql"] and "GROUP BY" in q["sql"]]
    assert recounts == []
    assert member_count_differences() == []
    assert_page_matches_recount(cast.root)
