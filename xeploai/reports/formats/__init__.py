"""One small renderer per file format, all taking the same ``Report``.

File formats are written in Vietnamese whatever the reader's interface language: they are the
official documents, and a snapshot must give the same bytes to everyone who downloads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from xeploai.reports.formats import as_docx, as_html, as_json, as_pdf, as_xlsx
from xeploai.reports.records import Report


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    content_type: str
    render: Callable[[Report], bytes]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "json", "application/json; charset=utf-8", as_json.render),
        Format(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_xlsx.render,
        ),
        Format(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            as_docx.render,
        ),
        Format("pdf", "pdf", "application/pdf", as_pdf.render),
        Format("html", "html", "text/html; charset=utf-8", as_html.render),
    )
}


def render(report: Report, name: str) -> bytes:
    with translation.override("vi"):
        return FORMATS[name].render(report)


def filename(report: Report, name: str) -> str:
    return f"bao-cao-{report.unit.code}-{report.period.year}.{FORMATS[name].extension}"
