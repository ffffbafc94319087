"""Printed pages (issue 17 §4): the round page, the board, the report, the drill-down and the
quarter report (issue 18) print on A4 with margins — landscape where the table is wide — with no top bar and no form control,
no column clipped, and the table's heading row repeated on every page.

Each page is printed to PDF by headless Chromium (Playwright's ``page.pdf``, the same printing
as ``chromium --headless --print-to-pdf``, with the session's login) and read back with
``pdftotext``; images of the pages (``pdftoppm``) land in ``test-artifacts/print/``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page
from pytest_django.fixtures import Settings

from xeploai.reports.tests.test_quarterly import leaders, run_quarter
from xeploai.reviews import quarters, services
from xeploai.reviews.models import CommentSource, Evaluation, SubjectKind
from xeploai.testing import Cast, Round, make_cast, make_person, make_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("XEPLOAI_PRINT_ARTIFACTS", "test-artifacts/print"))
A4 = (595.3, 841.9)  # points
MARGIN = 30  # points: the narrowest margin of print.css is 12 mm (34 pt)
MEMBERS = 44  # enough rows for the round and the board to run over one page
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass
class Word:
    page: int
    x_min: float
    x_max: float
    text: str
    y_min: float = 0.0


@dataclass
class Printed:
    pages: list[tuple[float, float]]
    words: list[Word]
    text: str  # the whole text, words joined by single spaces


def _reviewed(cast: Cast, round_: Round) -> None:
    """Every member of cell A1 submits, has the residence comment, is proposed HTTNV and sent
    to Đảng bộ A; the first ten are decided there, the others wait on the board."""
    members = list(
        Evaluation.objects.filter(
            period=round_.period, unit=cast.cell_a1, kind=SubjectKind.MEMBER
        ).order_by("pk")
    )
    for evaluation in members:
        evaluation = services.review_submit(
            actor=cast.secretary,
            evaluation=evaluation,
            expected_version=evaluation.version,
            on_behalf=True,
            content={"sections": {}, "score_common": 27, "score_tasks": 60, "self_level": "HTTNV"},
        )
        if evaluation.pk != round_.evaluation.pk:  # make_round gave this one its comment
            services.comment_record(
                actor=cast.secretary,
                evaluation=evaluation,
                source=CommentSource.RESIDENCE,
                text="Tốt",
                received_on=dt.date(2026, 11, 20),
            )
        evaluation = Evaluation.objects.get(pk=evaluation.pk)
        services.proposal_record(
            actor=cast.secretary,
            evaluation=evaluation,
            expected_version=evaluation.version,
            level="HTTNV",
        )
    sent = list(Evaluation.objects.filter(pk__in=[e.pk for e in members]).order_by("pk"))
    services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=sent)
    first = list(Evaluation.objects.filter(pk__in=[e.pk for e in sent[:10]]))
    decided, refused = services.decisions_accept(
        actor=cast.committee, evaluations=first, on=dt.date(2026, 12, 20)
    )
    assert (decided, refused) == (10, [])


@pytest.fixture
def bloc(settings: Settings, tmp_path: Path) -> tuple[Cast, Round]:
    settings.MEDIA_ROOT = tmp_path
    cast = make_cast()
    for number in range(1, MEMBERS + 1):
        make_person(cast.cell_a1, full_name=f"Nguyễn Thị Minh Phương {number:02d}")
    round_ = make_round(cast)
    _reviewed(cast, round_)
    return cast, round_


@pytest.fixture
def tab(browser: Browser, live_server: Any) -> Iterator[tuple[Page, str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page(), str(live_server.url)
    context.close()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.wait_for_load_state()


def _print(page: Page, base: str, path: str, name: str) -> tuple[Printed, dict[str, str]]:
    """The page printed to PDF and read back, with what its first wide table shows on screen:
    the last column's heading and the last cell of the first and the last row."""
    response = page.goto(base + path)
    assert response is not None and response.status == 200, path
    shown: dict[str, str] = page.evaluate(
        """() => {
          const t = [...document.querySelectorAll('main table.data')]
            .sort((a, b) => b.rows[0].cells.length - a.rows[0].cells.length)[0];
          const rows = t.tBodies[0].rows, text = el => el.innerText.trim();
          return {head: text(t.tHead.rows[0].lastElementChild),
                  first: text(rows[0].lastElementChild),
                  last: text(rows[rows.length - 1].lastElementChild),
                  firstHead: [...t.tHead.rows[0].cells]
                    .map(c => c.querySelector('.visually-hidden') ? '' : text(c)).find(Boolean)};
        }"""
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    subprocess.run(
        ["pdftoppm", "-r", "45", "-png", "-l", "3", str(pdf), str(ARTIFACTS / name)], check=True
    )
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages: list[tuple[float, float]] = []
    words: list[Word] = []
    for chunk in layout.split("<page ")[1:]:
        size = _PAGE.search("<page " + chunk)
        assert size is not None
        pages.append((float(size.group(1)), float(size.group(2))))
        for x_min, y_min, x_max, _y_max, text in _WORD.findall(chunk):
            words.append(
                Word(len(pages), float(x_min), float(x_max), _unescape(text), float(y_min))
            )
    return Printed(pages, words, " ".join(w.text for w in words)), shown


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _has(printed: Printed, text: str, page: int | None = None) -> bool:
    """Whether every word of ``text`` is printed (on ``page``): a heading cell wraps, and
    pdftotext reads a wrapped table row line by line across its cells."""
    words = {w.text for w in printed.words if page is None or w.page == page}
    return all(word in words for word in text.split())


def _check(
    printed: Printed, shown: dict[str, str], *, landscape: bool, pages: range, runs_over: bool
) -> None:
    """A4 of the orientation, ``pages`` pages, nothing in the margins, the last column whole,
    nothing of the screen only; when the table ``runs_over`` pages, its heading on each."""
    width, height = A4[::-1] if landscape else A4
    assert len(printed.pages) in pages, len(printed.pages)
    for page_width, page_height in printed.pages:
        assert abs(page_width - width) < 2 and abs(page_height - height) < 2
    outside = [w for w in printed.words if w.x_min < MARGIN or w.x_max > width - MARGIN + 1]
    assert outside == [], f"words in the margin or past the page: {outside[:5]}"
    # the last column is printed whole: its heading and its values
    for key in ("head", "first", "last"):
        assert _has(printed, shown[key]), (key, shown[key])
    # no top bar, no menu, no buttons
    for screen_only in ("Đăng xuất", "Đổi mật khẩu", "Menu", "Tiến độ Tìm đảng viên"):
        assert screen_only not in printed.text, screen_only
    # the table's heading row again at the top of every page it runs over
    for number in range(2, len(printed.pages) + 1 if runs_over else 2):
        assert _has(printed, shown["head"], number), number
        assert _has(printed, shown["firstHead"], number), number


def test_the_round_page_prints_landscape_with_every_column(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    page, base = tab
    cast, _round = bloc
    _login(page, base, "secretary")
    printed, shown = _print(page, base, reverse("round_page", args=[cast.cell_a1.code]), "round")
    assert shown["head"] == "Cần xử lý trước khi quyết định"  # the blockers (issue 15 §2)
    _check(printed, shown, landscape=True, pages=range(2, 9), runs_over=True)
    assert "HTTNV" in printed.text and "Nguyễn Thị Minh Phương 44" in printed.text
    assert "Bỏ phiếu kín" not in printed.text  # the page's buttons


def test_the_board_prints_a_clean_table_of_the_decisions(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    page, base = tab
    cast, _round = bloc
    _login(page, base, "committee")
    path = reverse("board", args=[cast.org_a.code]) + "?page=all"  # every row, to print
    assert page.goto(base + path) is not None
    assert page.locator("form.decide select").count() > 30  # on screen: the forms
    printed, shown = _print(page, base, path, "board")
    assert shown["head"] == "Quyết định"
    # on screen the last cell of a waiting row is its form; printed, the level chosen as text
    shown["last"] = "HTTNV"
    _check(printed, shown, landscape=True, pages=range(2, 9), runs_over=True)
    for control in (
        "Quyết định theo đề xuất cho các đối tượng đã chọn",
        "khác gợi ý quy tắc",
        "Lý do (bắt buộc",
        "Chọn",
    ):
        assert control not in printed.text, control
    decided = printed.text.count("đã khóa")
    assert decided == 10
    # each waiting row prints the level its form holds, once: 44 + 2 members, 10 decided
    last_column = max(w.x_min for w in printed.words if w.text == "Quyết" and w.page == 1)
    chosen = [w for w in printed.words if w.text == "HTTNV" and w.x_min >= last_column - 2]
    assert len(chosen) == MEMBERS + 2, len(chosen)


def test_the_report_prints_landscape_with_its_tables(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    page, base = tab
    cast, _round = bloc
    _login(page, base, "committee")
    printed, shown = _print(page, base, reverse("report_detail", args=[cast.org_a.code]), "report")
    _check(printed, shown, landscape=True, pages=range(1, 5), runs_over=False)
    assert "Kết quả kiểm tra" in printed.text
    assert "Tải về" not in printed.text and "XLSX" not in printed.text


def test_the_drill_down_prints_landscape_with_every_column(
    tab: tuple[Page, str], bloc: tuple[Cast, Round]
) -> None:
    page, base = tab
    cast, _round = bloc
    _login(page, base, "upper")
    printed, shown = _print(
        page, base, reverse("report_drilldown", args=[cast.root.code]), "drill-down"
    )
    _check(printed, shown, landscape=True, pages=range(1, 4), runs_over=False)
    for unit in ("Đảng bộ A", "Đảng bộ B", "Chi bộ cơ sở C"):
        assert unit in printed.text, unit


def test_the_quarter_report_prints_landscape_its_notes_a_few_words_a_line(
    tab: tuple[Page, str], settings: Settings, tmp_path: Path
) -> None:
    """The quarter report's two tables (18 and 19 columns) print on landscape A4 with every
    column, and the comparison's note ("không có đợt đánh giá ...") a few words a line, not a
    word a line in a column squeezed to ~35 pt."""
    settings.MEDIA_ROOT = tmp_path
    cast = make_cast()
    leaders(cast, 4)
    run_quarter(cast, 2025, 4, ["HTTNV", "HTTNV", "HTNV", "KHTNV"])
    period = quarters.quarter_periods(cast.root, 2025)[0]
    page, base = tab
    _login(page, base, "committee")
    path = reverse("quarter_report", args=[cast.org_a.code, period.pk])
    printed, shown = _print(page, base, path, "quarter-report")
    _check(printed, shown, landscape=True, pages=range(1, 3), runs_over=False)
    heading = next(w for w in printed.words if w.text == "Ghi" and w.page == 1)
    note = {"đợt", "đánh", "giá", "gồm", "đơn", "vị", "này"}
    words = [
        w
        for w in printed.words
        if w.page == 1 and w.y_min > heading.y_min and w.x_min >= heading.x_min - 1
        if w.text in note
    ]
    assert len(words) == 2 * len(note), words  # the previous quarter's and a year before's
    width = max(w.x_max for w in words) - min(w.x_min for w in words)
    lines = {round(w.y_min) for w in words}
    assert width >= 70 and len(lines) <= 6, (width, sorted(lines))
