"""One small renderer per file format, all taking the same ``Report``.

File formats are written in Vietnamese whatever the reader's interface language: they are the
official documents, and a snapshot must give the same bytes to everyone who downloads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from xeploai.lib.docx import Issuer
from xeploai.reports.formats import as_docx, as_html, as_json, as_pdf, as_xlsx
from xeploai.reports.records import Report


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    content_type: str
    render: Callable[[Report], bytes]
    # the documents signed by a committee take who issues them (``org.issuer.issuer_of``)
    signed: Callable[[Report, Issuer | None], bytes] | None = None


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
            as_docx.render,
        ),
        Format("pdf", "pdf", "application/pdf", as_pdf.render, as_pdf.render),
        Format("html", "html", "text/html; charset=utf-8", as_html.render),
    )
}


def render(report: Report, name: str, *, issuer: Issuer | None = None) -> bytes:
    """The report as a file; ``issuer`` (the superior body, the signer) heads the documents."""
    chosen = FORMATS[name]
    with translation.override("vi"):
        if chosen.signed is not None:
            return chosen.signed(report, issuer)
        return chosen.render(report)


def filename(report: Report, name: str) -> str:
    return f"bao-cao-{report.unit.code}-{report.period.year}.{FORMATS[name].extension}"
