"""Issue 18 §3: every format of the quarterly report carries both comparisons — with the previous
quarter and with the same quarter a year earlier — labelled, "—" with the reason where a period
has nothing to compare, "tạm tính" while undecided. The numbers are read back from each file.

The cast's four leaders (members of Đảng bộ A) in three decided quarters:
Q1/2025 HTTNV ×3, KHTNV (HTTNV+ 75%, KHTNV 25%); Q4/2025 HTTNV ×2, HTNV, KHTNV (50%, 25%, 25%);
Q1/2026 HTTNV ×4 (100%). So Q1/2026 is +50 points of HTTNV+ on the previous quarter and +25 on
the same quarter of 2025; KHTNV −25 on both.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.test import Client

from xeploai.cycles.models import Period
from xeploai.reports.formats import render
from xeploai.reports.payload import from_payload, to_payload
from xeploai.reports.quarterly import quarter_report
from xeploai.reports.records import NoComparison, Report
from xeploai.reports.tests.test_quarterly import leaders, run_quarter
from xeploai.reviews import quarters, services
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 20)
MEMBER = "dang_vien"


@pytest.fixture
def q1(cast: Cast) -> tuple[Cast, Period]:
    leaders(cast, 4)
    run_quarter(cast, 2025, 1, ["HTTNV", "HTTNV", "HTTNV", "KHTNV"])
    run_quarter(cast, 2025, 4, ["HTTNV", "HTTNV", "HTNV", "KHTNV"])
    run_quarter(cast, 2026, 1, ["HTTNV", "HTTNV", "HTTNV", "HTTNV"])
    return cast, quarters.quarter_periods(cast.root, 2026)[0]


def q1_report(q1: tuple[Cast, Period]) -> Report:
    cast, period = q1
    return quarter_report(cast.org_a, period, as_of=AS_OF).report


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


PREVIOUS_SENTENCE = (
    "So với quý trước (Quý 4/2025): tỉ lệ HTTNV trở lên tăng 50%; tỉ lệ HTNV giảm 25%; "
    "tỉ lệ KHTNV giảm 25%."
)
SAME_SENTENCE = (
    "So với cùng kỳ năm trước (Quý 1/2025): tỉ lệ HTTNV trở lên tăng 25%; tỉ lệ HTNV không "
    "thay đổi; tỉ lệ KHTNV giảm 25%."
)


def test_the_report_compares_the_quarter_with_both_periods(q1: tuple[Cast, Period]) -> None:
    report = q1_report(q1)
    by_quarter, by_year = report.comparisons(MEMBER)
    assert (by_quarter.name, by_year.name) == ("Quý 4/2025", "Quý 1/2025")
    assert by_quarter.counts is not None and by_year.counts is not None
    assert (by_quarter.counts.tt, by_quarter.counts.ht, by_quarter.counts.k) == (2, 1, 1)
    assert (by_year.counts.tt, by_year.counts.k) == (3, 1)
    assert (by_quarter.block.tt_plus_change, by_quarter.block.k_change) == (
        Decimal(50),
        Decimal(-25),
    )
    assert (by_year.block.tt_plus_change, by_year.block.ht_change) == (Decimal(25), Decimal(0))
    assert not by_quarter.block.provisional and by_quarter.reason is None


def test_json_carries_both_comparisons_and_rebuilds_the_same_report(
    q1: tuple[Cast, Period], client: Client
) -> None:
    cast, period = q1
    client.force_login(cast.committee)
    data = json.loads(client.get(f"/reports/A/quarter/{period.pk}/report.json").content)
    quarter = data["quarter"]
    assert quarter["quarter"] == 1
    assert quarter["previous_quarter"] == {"name": "Quý 4/2025", "found": True}
    assert quarter["same_quarter"] == {"name": "Quý 1/2025", "found": True}
    member = {c["with"]: c for c in quarter["comparisons"] if c["block"] == MEMBER}
    assert member["previous_quarter"]["counts"]["levels"] == {
        "HTXSNV": 0,
        "HTTNV": 2,
        "HTNV": 1,
        "KHTNV": 1,
    }
    assert member["previous_quarter"]["change"] == {
        "tt_plus_rate": "50.00",
        "ht_rate": "-25.00",
        "k_rate": "-25.00",
    }
    assert member["same_quarter"]["change"]["tt_plus_rate"] == "25.00"
    assert member["same_quarter"]["reason"] is None
    assert member["previous_quarter"]["provisional"] is False
    cells = {c["with"]: c for c in quarter["comparisons"] if c["block"] == "chi_bo"}
    assert cells["previous_quarter"]["counts"] is None
    assert cells["previous_quarter"]["reason"] == "no_subjects"
    rebuilt = from_payload(data)
    assert rebuilt.quarter == q1_report(q1).quarter
    assert to_payload(rebuilt) == data


def test_xlsx_has_the_quarter_table_with_its_numbers(q1: tuple[Cast, Period]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render(q1_report(q1), "xlsx")))
    rows = [tuple(r) for r in workbook["Tổng hợp"].iter_rows(values_only=True)]
    found = {r[2]: r for r in rows if r[0] == "Đảng viên" and r[2]}
    assert found["Quý này"][1:10] == ("Quý 1/2026", "Quý này", 4, 4, 0, 4, 0, 0, 0)
    previous = found["so với quý trước"]
    assert previous[1:10] == ("Quý 4/2025", "so với quý trước", 4, 4, 0, 2, 1, 1, 0)
    assert previous[10:16] == (50, 50, 25, -25, 25, -25)
    assert previous[16] == "chính thức"
    same = found["so với cùng kỳ năm trước"]
    assert same[1] == "Quý 1/2025" and same[10:12] == (75, 25)


def test_docx_has_the_sentences_and_the_table(q1: tuple[Cast, Period]) -> None:
    document = docx.Document(io.BytesIO(render(q1_report(q1), "docx")))
    text = squash("\n".join(p.text for p in document.paragraphs))
    assert "quý 1 năm 2026" in text
    assert PREVIOUS_SENTENCE in text and SAME_SENTENCE in text
    table = next(
        t for t in document.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == "So sánh"
    )
    rows = {r.cells[2].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["so với quý trước"][6:13] == ["2", "1", "1", "0", "50%", "+50", "25%"]
    assert rows["so với cùng kỳ năm trước"][10:12] == ["75%", "+25"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_pdf_says_both_comparisons(q1: tuple[Cast, Period], tmp_path: Path) -> None:
    pdf = tmp_path / "q.pdf"
    pdf.write_bytes(render(q1_report(q1), "pdf"))
    text = squash(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    )
    assert PREVIOUS_SENTENCE in text and SAME_SENTENCE in text
    assert "So sánh với quý trước (Quý 4/2025) và cùng kỳ năm trước (Quý 1/2025)" in text
    assert "so với quý trước" in text and "+50" in text


def test_html_file_and_page_show_both_comparisons(q1: tuple[Cast, Period], client: Client) -> None:
    cast, period = q1
    html = squash(render(q1_report(q1), "html").decode())
    assert PREVIOUS_SENTENCE in html and SAME_SENTENCE in html
    assert '<td class="label" data-label="So sánh">so với quý trước</td>' in html
    # the rate chart: the same quarter last year, the previous quarter, this quarter
    assert "Tỉ lệ HTTNV trở lên so với cùng kỳ năm trước và quý trước" in html
    assert ">Quý 1/2025: 75%<" in html and ">Quý 4/2025: 50%<" in html
    assert ">Quý 1/2026: 100%<" in html
    client.force_login(cast.committee)
    page = squash(client.get(f"/reports/A/quarter/{period.pk}/").content.decode())
    assert PREVIOUS_SENTENCE in page and SAME_SENTENCE in page
    assert 'data-label="Tăng/giảm (điểm %)">+50</td>' in page


def test_compare_csv_and_xlsx_carry_the_changes(q1: tuple[Cast, Period], client: Client) -> None:
    cast, period = q1
    client.force_login(cast.committee)
    csv = client.get(f"/reports/A/quarter/{period.pk}/compare.csv").content.decode("utf-8-sig")
    line = next(x for x in csv.splitlines() if "Quý 4/2025" in x and "Đảng viên" in x)
    assert "so với quý trước" in line and "+50" in line and "50%" in line
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/A/quarter/{period.pk}/compare.xlsx").content)
    )
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    same = next(r for r in rows if r[2] == "so với cùng kỳ năm trước" and r[0] == "Đảng viên")
    assert same[3:10] == (4, 4, 0, 3, 0, 1, 0) and same[10:12] == ("75%", "+25")


def decide_some(period: Period, cast: Cast, levels: list[str]) -> None:
    for evaluation, level in zip(
        Evaluation.objects.filter(period=period).order_by("pk"), levels, strict=False
    ):
        content: dict[str, Any] = {
            "form": "05-2025",
            "score_common": 26,
            "score_tasks": 60,
            "tasks_total": 1,
            "tasks_done": 1,
            "tasks_exceeded": 0,
            "tasks_late": 0,
            "self_level": level,
        }
        submitted = services.review_submit(
            actor=cast.committee,
            evaluation=evaluation,
            content=content,
            expected_version=evaluation.version,
        )
        services.decision_record(
            actor=cast.committee,
            evaluation=Evaluation.objects.select_related("unit", "decider", "period", "person").get(
                pk=submitted.pk
            ),
            expected_version=submitted.version,
            level=level,
            on=quarters.quarter_due(period.year, period.quarter),
        )


def test_a_missing_or_undecided_period_is_a_dash_with_the_reason(cast: Cast) -> None:
    leaders(cast, 2)
    q2 = quarters.quarter_open(actor=None, scope_root=cast.root, year=2026, quarter=2)
    q3 = quarters.quarter_open(actor=None, scope_root=cast.root, year=2026, quarter=3)
    decide_some(q3, cast, ["HTTNV", "HTTNV"])
    report = quarter_report(cast.org_a, q3, as_of=dt.date(2026, 9, 20)).report
    by_quarter, by_year = report.comparisons(MEMBER)
    assert by_quarter.reason == NoComparison.UNDECIDED and by_quarter.counts is None
    assert by_year.reason == NoComparison.NO_ROUND
    text = squash(render(report, "html").decode())
    assert "So với quý trước (Quý 2/2026): — (Quý 2/2026 chưa quyết định xếp loại)." in text
    assert (
        "So với cùng kỳ năm trước (Quý 3/2025): — (không có đợt đánh giá Quý 3/2025 bao gồm "
        "đơn vị này)." in text
    )
    # half of Q2 decided: compared, and "tạm tính"
    decide_some(q2, cast, ["HTNV"])
    report = quarter_report(cast.org_a, q3, as_of=dt.date(2026, 9, 20)).report
    by_quarter, _ = report.comparisons(MEMBER)
    assert by_quarter.reason is None and by_quarter.block.provisional
    assert by_quarter.block.tt_plus_change == 100
    text = squash(render(report, "html").decode())
    assert (
        "So với quý trước (Quý 2/2026): tỉ lệ HTTNV trở lên tăng 100%; tỉ lệ HTNV giảm 100%; "
        "tỉ lệ KHTNV không thay đổi (tạm tính)." in text
    )
    data = json.loads(render(report, "json"))
    member = {c["with"]: c for c in data["quarter"]["comparisons"] if c["block"] == MEMBER}
    assert member["previous_quarter"]["provisional"] is True
    assert member["same_quarter"]["reason"] == "no_round"
    assert data["quarter"]["same_quarter"]["found"] is False


def test_a_quarter_with_nothing_decided_yet_compares_nothing(q1: tuple[Cast, Period]) -> None:
    cast, _ = q1
    q2 = quarters.quarter_open(actor=None, scope_root=cast.root, year=2026, quarter=2)
    report = quarter_report(cast.org_a, q2, as_of=dt.date(2026, 6, 1)).report
    text = squash(render(report, "html").decode())
    assert "So với quý trước (Quý 1/2026): — (quý này chưa có kết quả xếp loại)." in text
    assert "So với cùng kỳ năm trước (Quý 2/2025): — (không có đợt đánh giá Quý 2/2025" in text
    by_quarter, _ = report.comparisons(MEMBER)
    assert by_quarter.counts is not None and by_quarter.counts.tt == 4  # Q1/2026 still shown
    assert by_quarter.block.provisional and by_quarter.block.tt_plus_change is None
