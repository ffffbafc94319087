"""Charts as inline SVG, drawn on the server from the same ``Report``.

No JavaScript and no ``style`` attribute (the Content-Security-Policy forbids both): shapes
carry classes styled in ``static/xeploai/reports.css`` and plain SVG presentation attributes.
Every bar has a ``<title>`` (a tooltip, and what a screen reader reads).
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from xeploai.lib.numbers import vn_int
from xeploai.reports.records import TARGET_RATE, Block, Counts, Report
from xeploai.reports.wording import change_text, pct

LABEL_W = 190
BAR_W = 420
ROW_H = 26
PAD = 6
PROVISIONAL_W = 70  # room right of the bars for " (tạm tính)"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 — every text is escaped


def _text(x: float, y: float, text: str, cls: str = "lbl", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _rect(x: float, y: float, w: float, h: float, cls: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" class="{cls}">'
        f"<title>{escape(title)}</title></rect>"
    )


def _mark(counts: Counts | None) -> str:
    """ " (tạm tính)" after a rate some of whose subjects are still undecided (rules.md §7)."""
    if counts is None or counts.complete:
        return ""
    return " " + _("(tạm tính)")


def level_segments(block: Block) -> list[tuple[str, int, str]]:
    c = block.current
    return [
        ("seg-xs", c.xs, "HTXSNV"),
        ("seg-tt", c.tt, "HTTNV"),
        ("seg-ht", c.ht, "HTNV"),
        ("seg-k", c.k, "KHTNV"),
        ("seg-nr", c.not_rated_total, _("Chưa xếp loại")),
        ("seg-pending", c.pending, _("Chưa quyết định")),
    ]


def level_distribution(report: Report) -> SafeString:
    """One 100 % bar per block: the four levels, not rated, pending."""
    height = PAD * 2 + ROW_H * len(report.blocks) + 24
    body: list[str] = []
    for row, block in enumerate(report.blocks):
        y = PAD + row * ROW_H
        body.append(_text(0, y + 15, block.label))
        total = block.current.total
        x = float(LABEL_W)
        if not total:
            body.append(_text(x, y + 15, _("không có số liệu"), "lbl muted"))
            continue
        for cls, n, name in level_segments(block):
            if not n:
                continue
            width = BAR_W * n / total
            body.append(_rect(x, y + 2, width, ROW_H - 8, cls, f"{name}: {vn_int(n)}"))
            x += width
    legend_y = PAD + ROW_H * len(report.blocks) + 12
    x = 0.0
    for cls, _n, name in level_segments(report.blocks[0]):
        body.append(_rect(x, legend_y - 9, 10, 10, cls, name))
        body.append(_text(x + 13, legend_y, name, "legend"))
        x += 13 + 6.2 * len(name) + 12
    return _svg(LABEL_W + BAR_W + 10, height, _("Cơ cấu mức xếp loại"), body)


def rate_series(report: Report, block: Block) -> list[tuple[str, Counts | None, str]]:
    """The bars of a block in the rate chart, (label, counts, "prev" | "now"): last year and
    this year; a quarter report's same quarter last year, previous quarter and this quarter."""
    quarter = report.quarter
    if quarter is None:
        return [
            (str(report.period.previous_year), block.previous, "prev"),
            (str(report.period.year), block.current, "now"),
        ]
    by_quarter, by_year = report.comparisons(block.kind)
    return [
        (by_year.name, by_year.counts, "prev"),
        (by_quarter.name, by_quarter.counts, "prev"),
        (report.period.name, block.current, "now"),
    ]


def rate_title(report: Report) -> str:
    if report.quarter is not None:
        return _("Tỉ lệ HTTNV trở lên so với cùng kỳ năm trước và quý trước")
    return _("Tỉ lệ HTTNV trở lên so với năm trước")


def year_over_year(report: Report) -> SafeString:
    """Per block, the HTTNV-or-above rate last year and this year, with the change (a quarter:
    the same quarter last year, the previous quarter and this quarter)."""
    bars = 3 if report.quarter is not None else 2
    height = PAD * 2 + ROW_H * bars * len(report.blocks) + 24
    body: list[str] = []
    for row, block in enumerate(report.blocks):
        y = PAD + row * ROW_H * bars
        body.append(_text(0, y + 15, block.label))
        if block.previous is not None and block.tt_plus_change is not None:
            body.append(_text(0, y + 32, change_text(block.tt_plus_change), "lbl muted"))
        for offset, (label, counts, kind) in enumerate(rate_series(report, block)):
            rate = counts.tt_plus_rate if counts is not None else None
            bar_y = y + 2 + offset * (ROW_H - 4)
            if rate is None:
                continue
            width = BAR_W * float(rate) / 100
            value = f"{label}: {pct(rate)}{_mark(counts)}"
            body.append(
                _rect(LABEL_W, bar_y, width, ROW_H - 8, f"bar-{kind}", f"{value} HTTNV trở lên")
            )
            body.append(_text(LABEL_W + width + 4, bar_y + 13, value, "val"))
    target_x = LABEL_W + BAR_W * float(TARGET_RATE) / 100
    body.append(
        f'<line x1="{target_x:.1f}" y1="0" x2="{target_x:.1f}" y2="{height - 20}" class="target"/>'
    )
    body.append(_text(target_x, height - 6, _("chỉ tiêu 90%"), "legend", "middle"))
    return _svg(LABEL_W + BAR_W + 90 + PROVISIONAL_W, height, rate_title(report), body)


def children_comparison(report: Report, kind: str) -> SafeString:
    """One bar per child unit: its HTTNV-or-above rate for the chosen block."""
    rows = [
        (child.unit.name, child.block(kind).current.tt_plus_rate, _mark(child.block(kind).current))
        for child in report.children
        if child.block(kind).current.rated
    ]
    height = PAD * 2 + 20 * len(rows) + 24
    body: list[str] = []
    for index, (name, rate, mark) in enumerate(rows):
        y = PAD + index * 20
        label = name if len(name) <= 30 else name[:29] + "…"
        body.append(_text(0, y + 13, label))
        width = BAR_W * float(rate or Decimal(0)) / 100
        cls = "bar-now" if rate is not None and rate > TARGET_RATE else "bar-low"
        body.append(_rect(LABEL_W, y + 2, width, 14, cls, f"{name}: {pct(rate)}{mark}"))
        body.append(_text(LABEL_W + width + 4, y + 13, pct(rate) + mark, "val"))
    target_x = LABEL_W + BAR_W * float(TARGET_RATE) / 100
    body.append(
        f'<line x1="{target_x:.1f}" y1="0" x2="{target_x:.1f}" y2="{height - 20}" class="target"/>'
    )
    body.append(_text(target_x, height - 6, _("chỉ tiêu 90%"), "legend", "middle"))
    title = _("Tỉ lệ HTTNV trở lên theo tổ chức trực thuộc")
    return _svg(LABEL_W + BAR_W + 60 + PROVISIONAL_W, height, title, body)
