"""Filters and tags for the report pages."""

from __future__ import annotations

import functools
from decimal import Decimal
from html import escape as escape_html
from typing import Any

from django import template
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from xeploai.lib.topbar import csrf_input
from xeploai.reports.wording import change_text

register = template.Library()
NUM = ' class="num"'
# a cell's class by its column's kind (``formats.tables.TEXT_KINDS``; a figure's is ``NUM``)
_CELL_CLASS = {"text": "", "label": ' class="label"', "note": ' class="note"'}
CURRENT = ' aria-current="page"'


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
        f'<th{NUM if c.numeric else ""} scope="col">{_text(c.title)}</th>' for c in columns
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
            body.append(f"<td{_CELL_CLASS.get(kind, NUM)}{label}{_text(text)}</td>")
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


@functools.lru_cache(maxsize=16384)
def _address(prefix: str, urlconf: Any, name: str, *args: Any) -> str:
    """``{% url name *args %}``, escaped as the tag escapes it, reversed once per process."""
    return escape_html(reverse(name, urlconf=urlconf, args=args))


def _url(name: str, *args: Any) -> str:
    return _address(get_script_prefix(), get_urlconf(), name, *args)


def _options(name: str, choices: Any, chosen: Any) -> str:
    options = "".join(
        f'<option value="{_text(value)}"{" selected" if value == chosen else ""}>'
        f"{_text(label)}</option>"
        for value, label in choices
    )
    return f'<select name="{name}">{options}</select>'


def _crumbs(crumbs: list[Any], unit: Any) -> str:
    """``org/_breadcrumbs.html``."""
    links = "".join(
        f'<a href="{_url("unit_detail", a.code)}">{_text(a.name)}</a>'
        '<span aria-hidden="true">›</span>'
        for a in crumbs
    )
    return (
        f'<nav class="breadcrumbs" aria-label="{_text(_("Vị trí trong cây tổ chức"))}">\n'
        f'  {links}\n  <span aria-current="page">{_text(unit.name)}</span>\n</nav>\n'
    )


def _tabs(context: Context, code: str, year: Any, query: str) -> str:
    tab = context.get("tab")
    tabs = [
        ("summary", "report_detail", _("Tổng hợp")),
        ("compare", "report_compare", _("So sánh năm trước")),
        ("drilldown", "report_drilldown", _("Theo tổ chức trực thuộc")),
    ]
    links = "".join(
        f'  <a href="{_url(name, code)}?year={_text(year)}&amp;{query}"'
        f"{CURRENT if tab == key else ''}>{_text(title)}</a>\n"
        for key, name, title in tabs
    )
    return (
        f'<nav class="tabs noprint" aria-label="{_text(_("Các phần của báo cáo"))}">\n{links}'
        f'  <a href="{_url("snapshot_list", code)}">{_text(_("Báo cáo đã gửi"))}</a>\n</nav>\n'
    )


def _downloads(context: Context, code: str, year: Any, query: str) -> str:
    links = "".join(
        f'<a class="button" href="{_url("report_download", code, year, fmt)}?{query}">'
        f"{_text(str(fmt).upper())}</a>"
        for fmt in context["formats"]
    )
    send = ""
    if context.get("can_send"):
        options = context["options"]
        confirm = _text(_("Gửi báo cáo lên cấp trên? Số liệu sẽ được lưu cố định."))
        send = (
            f'\n  <form method="post" action="{_url("report_send", code, year)}">\n'
            f"    {csrf_input(context)}\n"
            f'    <input type="hidden" name="denominator" value="{_text(options.denominator)}">\n'
            f'    <input type="hidden" name="quota_base" value="{_text(options.quota_base)}">\n'
            f'    <button type="submit" class="primary" data-confirm="{confirm}">'
            f"{_text(_('Gửi báo cáo lên cấp trên'))}</button>\n  </form>\n  "
        )
    return (
        f'<div class="downloads noprint">\n  <span>{_text(_("Tải về:"))}</span>\n'
        f"  {links}\n  {send}\n</div>\n"
    )


@register.simple_tag(takes_context=True)
def report_header(context: Context) -> SafeString:
    """``reports/_header.html`` (the report pages' title, options, tabs and downloads) in one
    pass, its addresses reversed once per process (test_report_header.py compares the two)."""
    unit, period, report = context["unit"], context["period"], context["report"]
    options = context["options"]
    code, year, query = unit.code, period.year, _text(context["option_query"])
    previous = report.period.previous_year
    compared = ""
    if previous:
        compared = " · " + _("so sánh với năm %(y)s") % {"y": _text(previous)}
    as_of = _("số liệu đến ngày %(d)s") % {"d": _text(date_filter(report.as_of, "d/m/Y"))}
    title = _("Báo cáo đánh giá, xếp loại chất lượng năm %(year)s") % {"year": _text(year)}
    years = [(p.year, p.year) for p in context["periods"]]
    block = context.get("chosen_block")
    hidden = f'<input type="hidden" name="block" value="{_text(block)}">' if block else ""
    html = (
        f'<link rel="stylesheet" href="{_text(static("xeploai/reports.css"))}">\n'
        f"{_crumbs(context['crumbs'], unit)}\n"
        f"<h1>{title}</h1>\n"
        f'<p class="muted">{_text(unit.name)} · {_text(unit.get_kind_display())} · '
        f"{_text(_('mã'))} {_text(code)}{compared} · {as_of}</p>\n"
        '<form method="get" class="options card noprint">\n'
        f"  <label>{_text(_('Năm'))}\n    {_options('year', years, period.year)}\n  </label>\n"
        f"  <label>{_text(_('Tỉ lệ HTXSNV tính'))}\n"
        f"    {_options('denominator', context['denominators'], options.denominator)}\n"
        "  </label>\n"
        f"  <label>{_text(_('Mức trần 20%% tính trên').replace('%%', '%'))}\n"  # as {% translate %}
        f"    {_options('quota_base', context['quota_bases'], options.quota_base)}\n"
        "  </label>\n"
        f"  {hidden}\n"
        f'  <button type="submit">{_text(_("Xem"))}</button>\n</form>\n'
        f"{_tabs(context, code, year, query)}"
        f"{_downloads(context, code, year, query)}"
    )
    return mark_safe(html)  # noqa: S308 — every text above is escaped


@register.simple_tag
def block_tabs(blocks: list[tuple[str, Any]], chosen: str, year: int, query: str) -> SafeString:
    """The drill-down's tabs, one per kind of subject (test_report_header.py compares them with
    the template's loop)."""
    href = f"?year={_text(year)}&amp;{_text(query)}&amp;block="
    return mark_safe(  # noqa: S308 — every text is escaped
        "".join(
            f'<a href="{href}{_text(value)}"{CURRENT if value == chosen else ""}>{_text(label)}</a>'
            for value, label in blocks
        )
    )


@register.simple_tag
def drilldown_heads(headers: list[dict[str, Any]]) -> SafeString:
    """The drill-down's column heads, each a link sorting by it (``views.report_drilldown``'s
    ``headers``; test_report_header.py compares them with the template's loop)."""
    heads = []
    for h in headers:
        sort = arrow = ""
        if h["sorted"]:
            sort = f' aria-sort="{"descending" if h["desc"] else "ascending"}"'
            arrow = " ▼" if h["desc"] else " ▲"
        heads.append(
            f'<th scope="col"{"" if h["key"] == "name" else NUM}{sort}>'
            f'<a href="{_text(h["query"])}">{_text(h["title"])}{arrow}</a></th>'
        )
    return mark_safe("".join(heads))  # noqa: S308 — every text is escaped


@register.simple_tag
def report_url(name: str, *args: Any) -> SafeString:
    """``{% url name *args %}``, reversed once per process (the summary's six export links)."""
    return mark_safe(_url(name, *args))  # noqa: S308 — escaped as {% url %} escapes it
