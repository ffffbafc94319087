"""Filters and tags for the report pages."""

from __future__ import annotations

from decimal import Decimal
from html import escape as escape_html
from typing import Any

from django import template
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from xeploai.reports.wording import change_text

register = template.Library()
NUM = ' class="num"'


@register.filter
def change(points: Decimal | None) -> str:
    """Percentage points in words: "tăng 1,63%", "giảm 0,3%", "không thay đổi"."""
    return change_text(points) or "—"


def _text(value: Any) -> str:
    """``{{ value }}`` with autoescape on, for the texts a formatted table holds (str, a lazy
    translation, a safe string): what ``conditional_escape`` gives them."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    if not isinstance(value, str):  # a number or a date: as the template localizes it
        return str(render_value_in_context(value, Context()))
    return escape_html(value)


@register.simple_tag
def report_table(t: dict[str, Any]) -> SafeString:
    """A formatted table (``views._formatted``) exactly as ``reports/_table.html`` renders it,
    in one pass: the template's per-cell loop, ``with`` and lookups were most of the report
    page's rendering (test_report_table.py compares the two on real reports)."""
    columns = t["columns"]
    heads = "".join(
        f'<th{"" if c.kind == "text" else NUM} scope="col">{_text(c.title)}</th>' for c in columns
    )
    labels = [f' data-label="{_text(c.title)}">' for c in columns]
    body: list[str] = []
    for row in t["rows"]:
        body.append("<tr>")
        for index, (kind, text) in enumerate(row):
            if index == 0:
                label = ">"
            else:  # the template's ``t.columns|at:i`` gives "" past the last column
                label = labels[index] if index < len(labels) else ' data-label="">'
            body.append(f"<td{'' if kind == 'text' else NUM}{label}{_text(text)}</td>")
        body.append("</tr>")
    html = (
        '<div class="tablewrap">\n<table class="data stack">\n'
        f'  <caption class="visually-hidden">{_text(t["title"])}</caption>\n'
        f"  <thead><tr>{heads}</tr></thead>\n"
        f"  <tbody>{''.join(body)}</tbody>\n</table>\n</div>\n"
    )
    return mark_safe(html)  # noqa: S308 — every text above is escaped


@register.simple_tag
def report_findings(findings: list[tuple[Any, list[Any]]]) -> SafeString:
    """``reports/_findings.html`` in one pass: a wide unit's report lists hundreds of lines
    (test_report_table.py compares the two)."""
    parts = [
        f'\n<h3>{_text(heading)}</h3>\n<ul class="plainlist">'
        + "".join(f"<li>{_text(line)}</li>" for line in lines)
        + "</ul>\n"
        for heading, lines in findings
    ]
    return mark_safe("".join(parts) + "\n")  # noqa: S308 — every text above is escaped
