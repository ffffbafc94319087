"""The report mid-round (issue 15 §8): shares over the decided with decided/total shown, no
"not achieved" before the decision deadline, the change on the year before marked "tạm tính"
until both years are complete — on the page, in every file format and in the JSON."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from xeploai.cycles.models import Deadline, Period
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import render
from xeploai.reports.formats.tables import target_verdict
from xeploai.reports.records import Block, Counts, Report, Target, TargetStatus
from xeploai.reports.tests.factories import evaluate, make_people, make_period
from xeploai.reviews.models import SubjectKind
from xeploai.reviews.stats import stats_rebuild
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 15)  # the factories' grassroots decision deadline


# (id, decided, total, rate, as_of, status)
TARGETS = [
    ("nothing-rated", 0, 5, None, dt.date(2026, 12, 1), TargetStatus.NO_DATA),
    ("1-of-5-below-before-deadline", 1, 5, "0", dt.date(2026, 12, 1), TargetStatus.PENDING),
    ("1-of-5-below-on-deadline-day", 1, 5, "0", DUE, TargetStatus.PENDING),
    ("1-of-5-below-after-deadline", 1, 5, "0", DUE + dt.timedelta(days=1), TargetStatus.NOT_MET),
    ("all-decided-below", 5, 5, "80", dt.date(2026, 12, 1), TargetStatus.NOT_MET),
    ("1-of-5-above", 1, 5, "100", dt.date(2026, 12, 1), TargetStatus.MET),
    ("all-decided-above", 5, 5, "95", dt.date(2026, 12, 1), TargetStatus.MET),
]


@pytest.mark.parametrize(
    ("decided", "total", "rate", "as_of", "status"),
    [pytest.param(*row[1:], id=row[0]) for row in TARGETS],
)
def test_target_status_table(
    decided: int, total: int, rate: str | None, as_of: dt.date, status: TargetStatus
) -> None:
    from decimal import Decimal

    target = Target(
        SubjectKind.MEMBER,
        None if rate is None else Decimal(rate),
        decided=decided,
        total=total,
        due=DUE,
        as_of=as_of,
    )
    assert target.status is status
    words = target_verdict(target)
    assert ("chưa đạt" in words) is (status is TargetStatus.NOT_MET)
    if status is TargetStatus.PENDING:
        assert f"{decided}/{total} đã quyết định (hạn 15/12/2026)" in words


def test_a_block_is_provisional_until_both_years_are_complete() -> None:
    done, open_ = Counts(total=5, tt=5), Counts(total=5, pending=4, tt=1)
    assert not Block(SubjectKind.MEMBER, done, done).provisional
    assert Block(SubjectKind.MEMBER, open_, done).provisional
    assert Block(SubjectKind.MEMBER, done, open_).provisional  # last year not finished either
    assert not Block(SubjectKind.MEMBER, done, None).provisional
    assert open_.decided == 1 and not open_.complete and done.complete


@pytest.fixture
def midround(cast: Cast) -> Period:
    """Last year: 30 members decided (27 HTTNV). This year: 1 of 30 decided, HTNV."""
    before, now = make_period(cast.root, 2025), make_period(cast.root, 2026)
    people = make_people(cast.cell_a1, 30)
    evaluate(
        before,
        SubjectKind.MEMBER,
        cast.cell_a1,
        cast.org_a,
        {"HTTNV": 27, "HTNV": 3},
        people=people,
    )
    evaluate(
        now, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTNV": 1, "PENDING": 29}, people=people
    )
    stats_rebuild(before)
    stats_rebuild(now)
    return now


def _report(cast: Cast, period: Period, as_of: dt.date) -> Report:
    return compute_report(cast.root, period, as_of=as_of)


def test_mid_round_the_report_says_provisional_everywhere(cast: Cast, midround: Period) -> None:
    report = _report(cast, midround, dt.date(2026, 12, 5))
    members = report.block(SubjectKind.MEMBER)
    assert members.provisional and report.provisional
    target = next(t for t in report.targets if t.block == SubjectKind.MEMBER)
    assert target.status is TargetStatus.PENDING and (target.decided, target.total) == (1, 30)

    data = json.loads(render(report, "json"))
    block = next(b for b in data["blocks"] if b["kind"] == SubjectKind.MEMBER)
    assert block["provisional"] is True and data["provisional"] is True
    assert block["current"]["derived"]["decided"] == 1
    assert block["current"]["derived"]["complete"] is False
    member_target = next(t for t in data["targets"] if t["block"] == SubjectKind.MEMBER)
    assert member_target["status"] == "pending" and member_target["met"] is False
    assert (member_target["decided"], member_target["total"], member_target["due"]) == (
        1,
        30,
        "2026-12-15",
    )

    docx_text = "\n".join(p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs)
    assert "tạm tính: giảm" in docx_text and "1/30 đã quyết định" in docx_text
    assert "chưa đạt chỉ tiêu" not in docx_text

    sheet = load_workbook(io.BytesIO(render(report, "xlsx"))).worksheets[0]
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "tạm tính" in values and "1/30" in values

    pdf = render(report, "pdf")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "tạm tính" in pdf_text and "chưa đạt chỉ tiêu" not in pdf_text


def test_after_the_deadline_an_unmet_target_is_said(cast: Cast, midround: Period) -> None:
    report = _report(cast, midround, DUE + dt.timedelta(days=1))
    target = next(t for t in report.targets if t.block == SubjectKind.MEMBER)
    assert target.status is TargetStatus.NOT_MET
    assert "chưa đạt chỉ tiêu trên 90% (tạm tính: 1/30 đã quyết định)" in target_verdict(target)


def test_the_page_shows_no_red_verdict_mid_round_and_keeps_its_queries(
    client: Client, cast: Cast, midround: Period
) -> None:
    # the page judges at today's date: the deadline is put ten days ahead of it
    later = timezone.localdate() + dt.timedelta(days=10)
    Deadline.objects.filter(period=midround).update(due=later)
    client.force_login(cast.upper_board)
    url = reverse("report_detail", args=[cast.root.code])
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert "tạm tính, chưa kết luận" in page and "1/30 đã quyết định" in page
    assert "Số liệu tạm tính" in page and "tạm tính: giảm" in page
    assert '<span class="badge bad">chưa đạt chỉ tiêu' not in page
    # ten more members in another cell, decided and pending: the same queries
    evaluate(midround, SubjectKind.MEMBER, cast.cell_b1, cast.org_b, {"HTTNV": 4, "PENDING": 6})
    stats_rebuild(midround)
    with CaptureQueriesContext(connection) as larger:
        client.get(url)
    assert len(larger) == len(small)


def test_when_both_years_are_complete_the_change_is_plain(cast: Cast) -> None:
    before, now = make_period(cast.root, 2025), make_period(cast.root, 2026)
    people = make_people(cast.cell_a1, 10)
    evaluate(
        before, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTTNV": 9, "HTNV": 1}, people=people
    )
    evaluate(now, SubjectKind.MEMBER, cast.cell_a1, cast.org_a, {"HTTNV": 10}, people=people)
    stats_rebuild(before)
    stats_rebuild(now)
    report = compute_report(cast.root, now, as_of=dt.date(2026, 12, 5))
    members = report.block(SubjectKind.MEMBER)
    assert not members.provisional
    text = "\n".join(p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs)
    assert "(tăng 10% so với năm 2025" in text and "tạm tính: tăng" not in text
