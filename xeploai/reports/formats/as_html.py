"""A standalone HTML file (``xeploai report --format html``): the same sections as the page,
charts inline, its stylesheet embedded so that the file opens anywhere without the server."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from xeploai.reports import charts
from xeploai.reports.formats import tables
from xeploai.reports.records import Report
from xeploai.reports.wording import block_sentence

CSS_FILES = ("app.css", "reports.css")


def formatted(table: tables.Table) -> dict[str, object]:
    return {
        "title": table.title,
        "columns": table.columns,
        "rows": [
            [(c.kind, tables.cell_text(v, c.kind)) for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows
        ],
    }


def render(report: Report) -> bytes:
    static = Path(settings.PACKAGE_DIR) / "static" / "xeploai"
    css = "\n".join((static / name).read_text(encoding="utf-8") for name in CSS_FILES)
    context = {
        "report": report,
        "title": tables.title(report),
        "css": css,
        "sentences": [block_sentence(b, report) for b in report.blocks],
        "summary": formatted(tables.summary_table(report)),
        "quarter": formatted(tables.quarter_table(report)) if report.quarter else None,
        "alternatives": formatted(tables.alternative_shares_table(report)),
        "children": [formatted(t) for t in tables.children_tables(report)],
        "findings": tables.finding_lines(report),
        "distribution": charts.level_distribution(report),
        "yoy": charts.year_over_year(report)
        if report.period.previous_year or report.quarter
        else "",
        "yoy_title": charts.rate_title(report),
    }
    return render_to_string("reports/standalone.html", context).encode("utf-8")
