"""Exports: final results keyed for the member database, reward candidates, follow-up list."""

import csv
import io
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from xeploai.audit.models import AuditEvent
from xeploai.reports import exports
from xeploai.reports.tests.factories import evaluate, make_people, make_period
from xeploai.reviews.models import Evaluation, FollowUp, FollowUpStatus, SubjectKind
from xeploai.testing import Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


def _csv(response: "_MonkeyPatchedWSGIResponse") -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_results_are_keyed_by_citizen_id_and_card_number(client: Client, cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    [person] = make_people(cast.cell_a1, 1, citizen_id="084085000001", party_card_number="84000001")
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTXSNV": 1}, people=[person])
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"NR:MOI_KET_NAP_DUOI_6T": 1})
    evaluate(period, SubjectKind.MEMBER, cast.cell_b1, cast.org_b, {"HTTNV": 1})
    client.force_login(cast.clerk)
    rows = _csv(client.get(reverse("export_results", args=["A", 2026, "csv"])))
    assert rows[0][:8] == [
        "Năm",
        "Đối tượng",
        "Mã tổ chức",
        "Số CCCD",
        "Số thẻ đảng viên",
        "Họ và tên",
        "Mức xếp loại",
        "Lý do chưa xếp loại",
    ]
    assert len(rows) == 3  # header + the two members of A; B's member is outside the subtree
    assert rows[1][:7] == [
        "2026",
        "Đảng viên",
        "A1",
        "084085000001",
        "84000001",
        person.full_name,
        "HTXSNV",
    ]
    assert rows[1][10] == "Hoàn thành xuất sắc nhiệm vụ"
    assert rows[2][6:8] == ["", "Mới kết nạp dưới 06 tháng"]
    event = AuditEvent.objects.get(action="export_download")
    assert event.after == {"unit": "A", "what": "ket-qua", "year": 2026, "format": "csv"}


def test_results_as_xlsx(client: Client, cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTTNV": 3})
    client.force_login(cast.upper_board)
    response = client.get(reverse("export_results", args=["ROOT", 2026, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 4


def test_five_consecutive_years_follow_a_member_across_transfers(cast: Cast) -> None:
    [loyal, gap] = make_people(cast.cell_a1, 2)
    for year in range(2022, 2027):
        period = make_period(cast.root, year)
        # the loyal member was in B's cell until 2024, then transferred to A1
        cell, decider = (cast.cell_b1, cast.org_b) if year < 2025 else (cast.cell_a1, cast.org_a)
        evaluate(period, SubjectKind.MEMBER, cell, decider, {"HTXSNV": 1}, people=[loyal])
        level = "HTTNV" if year == 2024 else "HTXSNV"
        evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {level: 1}, people=[gap])
    members, _orgs = exports.rewards(cast.org_a, period)
    by_name = {row[2]: row for row in members.rows}
    assert by_name[loyal.full_name][5:] == (5, "5 năm liền (2022–2026)")
    assert by_name[gap.full_name][5:] == (2, "Năm 2026")


def test_organizations_rated_htxsnv_are_reward_candidates_too(cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    evaluate(period, SubjectKind.CELL, cast.cell_a1, cast.org_a, {"HTXSNV": 1})
    evaluate(period, SubjectKind.CELL, cast.cell_a2, cast.org_a, {"HTTNV": 1})
    _members, orgs = exports.rewards(cast.root, period)
    assert [row[0] for row in orgs.rows] == ["A1"]


def test_follow_up_lists_shortcomings_and_the_plan(client: Client, cast: Cast) -> None:
    period = make_period(cast.root, 2026)
    [weak] = evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"KHTNV": 1})
    Evaluation.objects.filter(pk=weak.pk).update(
        content={"shortcomings": ["Chưa hoàn thành chỉ tiêu", {"text": "Vi phạm nội quy"}]}
    )
    FollowUp.objects.create(
        evaluation=weak,
        plan="Giúp đỡ hằng tháng",
        assignee="Bí thư chi bộ",
        status=FollowUpStatus.IN_PROGRESS,
        updated_at="2026-12-20T09:00:00+07:00",
    )
    evaluate(period, SubjectKind.CELL, cast.cell_a2, cast.org_a, {"HTNV": 1})
    evaluate(period, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTTNV": 4})
    client.force_login(cast.secretary)
    assert client.get(reverse("export_follow_ups", args=["A", 2026, "csv"])).status_code == 404
    client.force_login(cast.clerk)
    rows = _csv(client.get(reverse("export_follow_ups", args=["A", 2026, "csv"])))
    assert len(rows) == 3
    member = next(r for r in rows if r[0] == "Đảng viên")
    assert member[5:] == [
        "Không hoàn thành nhiệm vụ",
        "Chưa hoàn thành chỉ tiêu; Vi phạm nội quy",
        "Giúp đỡ hằng tháng",
        "Bí thư chi bộ",
        "Đang khắc phục",
    ]
    cell = next(r for r in rows if r[0] == "Chi bộ trực thuộc")
    assert cell[1] == "Chi bộ A2" and cell[-1] == "Chưa có kế hoạch"


def test_an_unknown_export_format_is_not_found(client: Client, cast: Cast) -> None:
    make_period(cast.root, 2026)
    client.force_login(cast.clerk)
    assert client.get(reverse("export_results", args=["A", 2026, "pdf"])).status_code == 404
