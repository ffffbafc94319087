"""docx (python-docx) in the layout of a party report (36-HD/VPTW, ``lib.docx``): the header,
"BÁO CÁO" and its summary, the numbered block sentences "(1) …", the inspection findings, the
signature block and "Nơi nhận"; then the tables, on landscape pages, as the report's annex."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xeploai.lib import docx
from xeploai.lib.cells import plain
from xeploai.lib.docx import Issuer
from xeploai.lib.numbers import vn_int
from xeploai.reports.formats import tables
from xeploai.reports.formats.ooxml import document_time, reproducible
from xeploai.reports.records import Report

SHORT_LIST = 10  # longer lists of findings go after the tables


def default_issuer(report: Report) -> Issuer:
    """The issuer when the caller knows nothing more than the report (no superior, no signer)."""
    from xeploai.org.issuer import COMMITTEE_KINDS

    committee = report.unit.kind in COMMITTEE_KINDS
    name = report.unit.name
    if committee and name.startswith("Đảng bộ "):
        name = "Đảng ủy " + name.removeprefix("Đảng bộ ")
    return Issuer(
        superior="",
        body=name.upper(),
        symbol="ĐU" if committee else "CB",
        on_behalf="T/M ĐẢNG ỦY" if committee else "T/M CHI BỘ",
    )


def _table(document: Any, table: tables.Table) -> None:
    docx.heading(document, table.title)
    docx.table(
        document,
        [column.title for column in table.columns],
        [
            [
                tables.cell_text(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
            for row in table.rows
        ],
        numeric=[column.numeric for column in table.columns],
        size=10,
        smallest=7,
    )


def render(report: Report, issuer: Issuer | None = None) -> bytes:
    issuer = issuer or default_issuer(report)
    document = docx.new_document()
    docx.party_header(document, issuer, "BC", report.as_of)
    docx.title(document, _("Báo cáo"), tables.subtitle(report))
    docx.paragraph(document, tables.opening(report))
    for sentence in tables.sentences(report):
        docx.paragraph(document, sentence)
    long_lists: list[tuple[str, list[str]]] = []
    for title, lines in tables.finding_lines(report):
        docx.heading(document, title)
        if len(lines) > SHORT_LIST:
            long_lists.append((title, lines))
            docx.paragraph(
                document,
                _("- {n} trường hợp (danh sách kèm theo).").format(n=vn_int(len(lines))),
            )
            continue
        for line in lines:
            docx.paragraph(document, "- " + line)
    docx.paragraph(
        document,
        _("(Số liệu chi tiết tại các biểu kèm theo.)"),
        italic=True,
    )
    recipients = [_("Cấp ủy cấp trên (để báo cáo)"), _("Các tổ chức đảng trực thuộc"), _("Lưu")]
    docx.signature(document, issuer, recipients)

    docx.new_section(document, landscape=True)
    for number, table in enumerate(tables.annex_tables(report), start=1):
        _table(
            document,
            tables.Table(f"{_('Biểu')} {number}. {table.title}", table.columns, table.rows),
        )
    for title, lines in long_lists:
        docx.heading(document, _("Danh sách: {title}").format(title=title))
        for line in lines:
            docx.paragraph(document, "- " + line, indent=False, size=11)

    properties = document.core_properties
    stamp = document_time(report.as_of)
    properties.author = "xeploai"
    properties.last_modified_by = "xeploai"
    properties.title = plain(tables.title(report))
    properties.created = stamp
    properties.modified = stamp
    properties.last_printed = stamp
    properties.revision = 1
    return reproducible(docx.to_bytes(document), report.as_of)
