"""Every document, as a reader gets it (issue 17 §6): each Word and Excel file is converted to
PDF by LibreOffice once (one LibreOffice run for all of them), and every PDF is checked: the
page count within bounds, no word outside the page, every font embedded, no word of a table
broken across lines. Page images go to ``test-artifacts/documents/`` to be looked at."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pytest_django.fixtures import Settings

from xeploai.ballots.documents import minutes_docx
from xeploai.reports import exports
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import render
from xeploai.reviews import services
from xeploai.reviews.documents import results_docx, results_pdf, self_review_docx
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.testing import Cast, Round, make_round

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        shutil.which("libreoffice") is None or shutil.which("pdftotext") is None,
        reason="LibreOffice or poppler-utils is not installed",
    ),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def _documents(cast: Cast, round_: Round) -> dict[str, tuple[bytes, tuple[int, int]]]:
    """name → (content, (fewest, most pages))."""
    evaluation = services.review_submit(
        actor=cast.member,
        evaluation=round_.evaluation,
        expected_version=round_.evaluation.version,
        content={
            "sections": {"qualities": {"text": "Lập trường tư tưởng vững vàng"}},
            "score_common": 27.5,
            "score_tasks": 63,
            "self_level": "HTTNV",
        },
    )
    decided = Evaluation.objects.filter(period=round_.period, decider=cast.org_a)
    decided.filter(kind=SubjectKind.MEMBER).update(stage=Stage.DECIDED, level="HTTNV")
    decided.filter(kind=SubjectKind.CELL).update(stage=Stage.DECIDED, level="HTXSNV")
    report = compute_report(cast.root, round_.period, as_of=dt.date(2026, 12, 16))
    on = dt.date(2026, 12, 20)
    results = exports.to_xlsx([exports.results(cast.root, round_.period)], round_.period)
    return {
        "report.docx": (render(report, "docx"), (2, 8)),
        "report.xlsx": (render(report, "xlsx"), (1, 8)),
        "report.pdf": (render(report, "pdf"), (2, 8)),
        "review.docx": (self_review_docx(evaluation), (1, 4)),
        "collective.docx": (self_review_docx(round_.cell_evaluation), (1, 4)),
        "minutes.docx": (minutes_docx(round_.closed_ballot), (1, 3)),
        "results.docx": (results_docx(cast.org_a, round_.period, on), (1, 3)),
        "results.pdf": (results_pdf(cast.org_a, round_.period, on), (1, 3)),
        "results-export.xlsx": (results, (1, 4)),
    }


def _table_words(content: bytes) -> set[str]:
    document = docx.Document(io.BytesIO(content))
    return {
        word
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for word in cell.text.split()
    }


def _problems(name: str, pdf: Path, pages: tuple[int, int], words: set[str]) -> list[str]:
    problems = []
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    sizes = _PAGE.findall(layout)
    if not pages[0] <= len(sizes) <= pages[1]:
        problems.append(f"{name}: {len(sizes)} pages, expected {pages[0]}–{pages[1]}")
    width, height = (float(v) for v in sizes[0])
    seen = set()
    for x_min, y_min, x_max, y_max, word in _WORD.findall(layout):
        seen.add(word.replace("&amp;", "&"))
        if float(x_min) < 0 or float(y_min) < 0 or float(x_max) > max(width, height) + 1:
            problems.append(f"{name}: {word!r} lies outside the page")
        if float(y_max) > max(width, height) + 1:
            problems.append(f"{name}: {word!r} lies below the page")
    broken = {w for w in words - seen if len(w) > 2}
    if broken:
        problems.append(f"{name}: table words broken across lines: {sorted(broken)[:10]}")
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    for line in fonts:
        # name type encoding emb sub uni object ID: "emb" is the fourth field from the end
        if line.split()[-5] != "yes":
            problems.append(f"{name}: font not embedded: {line.split()[0]}")
    return problems


def test_every_document_reads_well_once_printed(
    cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    documents = _documents(cast, make_round(cast))
    sources = []
    for name, (content, _pages) in documents.items():
        path = tmp_path / name.replace(".", "-", 1) if not name.endswith(".pdf") else None
        if path is None:
            (tmp_path / "out").mkdir(exist_ok=True)
            (tmp_path / "out" / f"{name.replace('.', '-', 1)}.pdf").write_bytes(content)
            continue
        path = path.with_name(f"{path.name}.{name.rsplit('.', 1)[1]}")
        path.write_bytes(content)
        sources.append(str(path))
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, (content, pages) in documents.items():
        pdf = tmp_path / "out" / f"{name.replace('.', '-', 1)}.pdf"
        assert pdf.exists(), name
        shutil.copy(pdf, ARTIFACTS / pdf.name)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", "-l", "4", str(pdf), str(ARTIFACTS / pdf.stem)],
            check=True,
        )
        words = _table_words(content) if name.endswith(".docx") else set()
        problems += _problems(name, pdf, pages, words)
    assert not problems, "\n".join(problems)
