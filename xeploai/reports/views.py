"""Report pages, downloads, snapshots sent upward and the exports. Every fetch is scoped."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from html import escape as escape_html
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xeploai.lib.text import fold
from xeploai.org import access
from xeploai.org.issuer import issuer_of
from xeploai.org.models import OrgUnit, Role
from xeploai.org.selectors import breadcrumbs
from xeploai.reports import charts, exports
from xeploai.reports.basis import basis_lines
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import FORMATS, filename, tables
from xeploai.reports.formats import render as render_file
from xeploai.reports.records import BLOCKS, Block, ChildRow, Report
from xeploai.reports.selectors import (
    get_snapshot,
    options_from,
    period_for,
    snapshot_changed,
    snapshot_report,
    snapshots_of,
    yearly_periods,
)
from xeploai.reports.services import download_log, snapshot_send
from xeploai.reports.wording import (
    DENOMINATOR_LABELS,
    QUOTA_BASE_LABELS,
    StrOrPromise,
    block_sentence,
)
from xeploai.reviews.models import SubjectKind

SENDER_ROLES = (Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD, Role.ADMIN)
EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

# Drill-down columns: key, title, cell kind, value for a child's block.
Getter = Callable[[Block, Report], Any]
COLUMNS: list[tuple[str, StrOrPromise, str, Getter]] = [
    ("total", gettext_lazy("Tổng số"), "int", lambda b, r: b.current.total),
    ("rated", gettext_lazy("Được xếp loại"), "int", lambda b, r: b.current.rated),
    ("not_rated", gettext_lazy("Chưa xếp loại"), "int", lambda b, r: b.current.not_rated_total),
    ("pending", gettext_lazy("Chưa quyết định"), "int", lambda b, r: b.current.pending),
    ("tt_plus", gettext_lazy("HTTNV trở lên"), "int", lambda b, r: b.current.tt_plus),
    ("tt_plus_rate", gettext_lazy("Tỉ lệ"), "pct", lambda b, r: b.current.tt_plus_rate),
    ("tt_plus_change", gettext_lazy("+/− điểm %"), "points", lambda b, r: b.tt_plus_change),
    ("xs", gettext_lazy("HTXSNV"), "int", lambda b, r: b.current.xs),
    (
        "xs_share",
        gettext_lazy("Tỉ lệ HTXSNV"),
        "pct",
        lambda b, r: b.current.xs_share(r.options.denominator),
    ),
    ("ht", gettext_lazy("HTNV"), "int", lambda b, r: b.current.ht),
    ("ht_rate", gettext_lazy("Tỉ lệ HTNV"), "pct", lambda b, r: b.current.ht_rate),
    ("k", gettext_lazy("KHTNV"), "int", lambda b, r: b.current.k),
    ("k_rate", gettext_lazy("Tỉ lệ KHTNV"), "pct", lambda b, r: b.current.k_rate),
]


def _sorted_children(report: Report, kind: str, key: str, descending: bool) -> list[ChildRow]:
    getters = {k: getter for k, _t, _c, getter in COLUMNS}
    rows = list(report.children)
    if key in getters:
        getter = getters[key]

        def value(row: ChildRow) -> tuple[bool, Any]:
            v = getter(row.block(kind), report)
            return (v is None) != descending, v if v is not None else 0

        rows.sort(key=value, reverse=descending)
    else:
        rows.sort(key=lambda row: _name_key(row.unit.name), reverse=descending)
    return rows


@functools.lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    """``fold(name)``, kept per process: folding (Unicode decomposition) 300 children's names
    cost the drill-down more than sorting them, and a name's folded form never changes."""
    return fold(name)


def _query(request: HttpRequest, **changes: Any) -> str:
    data = {k: v for k, v in request.GET.items() if v}
    data.update({k: v for k, v in changes.items() if v is not None})
    return "?" + urlencode(data)


def _base_context(request: HttpRequest, code: str) -> tuple[OrgUnit, dict[str, Any]]:
    unit = access.get_unit(request.user, code)
    periods = yearly_periods(unit)
    context: dict[str, Any] = {
        "unit": unit,
        "periods": periods,
        "crumbs": breadcrumbs(unit, _visible_from(request.user, unit)),
        "can_send": _can_send(request.user, unit),
        "denominators": list(DENOMINATOR_LABELS.items()),
        "quota_bases": list(QUOTA_BASE_LABELS.items()),
    }
    if not periods:
        return unit, context
    year = request.GET.get("year", "")
    period = next((p for p in periods if str(p.year) == year), periods[0] if not year else None)
    if period is None:
        raise Http404
    options = options_from(request.GET)
    report = compute_report(unit, period, as_of=timezone.localdate(), options=options)
    context.update(
        period=period,
        report=report,
        options=options,
        option_query=urlencode(
            {"denominator": options.denominator.value, "quota_base": options.quota_base.value}
        ),
        formats=list(FORMATS),
    )
    return unit, context


def _visible_from(user: Any, unit: OrgUnit) -> str:
    return next(p for p in access.scope_paths(user) if unit.path.startswith(p))


def _can_send(user: Any, unit: OrgUnit) -> bool:
    held = access.roles_at(user, unit)
    return bool(held & set(SENDER_ROLES))


@require_GET
def report_home(request: HttpRequest) -> HttpResponse:
    unit = access.default_unit(request.user)
    if unit is None:
        return render(request, "reports/no_scope.html")
    return redirect("report_detail", code=unit.code)


@require_GET
def report_detail(request: HttpRequest, code: str) -> HttpResponse:
    _unit, context = _base_context(request, code)
    if "report" not in context:
        return render(request, "reports/no_period.html", context)
    report: Report = context["report"]
    context.update(
        tab="summary",
        sentences=[(b, block_sentence(b, report)) for b in report.blocks],
        compared=basis_lines(report),
        summary=_formatted(tables.summary_table(report)),
        alternatives=_formatted(tables.alternative_shares_table(report)),
        findings=tables.finding_lines(report),
        distribution=charts.level_distribution(report),
    )
    return render(request, "reports/report_summary.html", context)


@require_GET
def report_compare(request: HttpRequest, code: str) -> HttpResponse:
    _unit, context = _base_context(request, code)
    if "report" not in context:
        return render(request, "reports/no_period.html", context)
    context.update(tab="compare", yoy=charts.year_over_year(context["report"]))
    return render(request, "reports/report_compare.html", context)


class _CellTexts:
    """``escape(tables.cell_text(value, kind))``, each distinct figure formatted once: a wide
    unit's 4,000 cells hold a few hundred distinct values ("0", "—", "100%", small counts).
    A figure's text depends on its kind, type and value only — except a Decimal in an "int"
    column, printed as ``str`` (1.0 ≠ "1"): those are not kept."""

    def __init__(self) -> None:
        self.texts: dict[tuple[str, type, Any], str] = {}

    def __call__(self, value: Any, kind: str) -> str:
        key = (kind, type(value), value)
        text = self.texts.get(key)
        if text is None:
            text = escape_html(tables.cell_text(value, kind))
            if not (type(value) is Decimal and kind not in _DECIMAL_KINDS):
                self.texts[key] = text
        return text


_DECIMAL_KINDS = ("pct", "points")  # printed with two decimals: the same for equal values


def _drilldown_body(
    rows: list[ChildRow], report: Report, kind: str, year: int, option_query: str
) -> SafeString:
    """The drill-down's table rows, built here rather than in the template: a unit with 300
    children has 4,000 cells, and the template language's loop, lookups and autoescape cost
    several times more per cell than escaping them in one pass. Every text is escaped with
    ``html.escape`` — what Django's ``escape`` calls, without its per-call check for lazy
    strings (a third of the page's time at 300 children); a kind's label once per kind."""
    link = reverse("report_drilldown", args=["-CODE-"])
    suffix = escape_html(f"?year={year}&{option_query}&block={kind}")
    # each cell carries its column's title: on a phone the table stacks into labelled cards
    opens = [
        f'<td class="num" data-label="{escape_html(str(title))}">' for _k, title, _c, _g in COLUMNS
    ]
    columns = [
        (opens[index], kind_, getter) for index, (_k, _t, kind_, getter) in enumerate(COLUMNS)
    ]
    labels: dict[str, str] = {}
    html: list[str] = []
    cell = _CellTexts()
    for row in rows:
        block = row.block(kind)
        cells = "".join(
            f"{open_}{cell(getter(block, report), kind_)}</td>" for open_, kind_, getter in columns
        )
        unit = row.unit
        label = labels.get(unit.kind)
        if label is None:
            labels[unit.kind] = label = escape_html(unit.kind_label)
        href = escape_html(link.replace("-CODE-", quote(unit.code)))
        html.append(
            f'<tr><td><a href="{href}{suffix}">{escape_html(unit.name)}</a> '
            f'<span class="muted">{label}</span></td>{cells}</tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 — every value above is escaped


@require_GET
def report_drilldown(request: HttpRequest, code: str) -> HttpResponse:
    _unit, context = _base_context(request, code)
    if "report" not in context:
        return render(request, "reports/no_period.html", context)
    report: Report = context["report"]
    kind = request.GET.get("block", SubjectKind.MEMBER)
    if kind not in BLOCKS:
        kind = SubjectKind.MEMBER
    key = request.GET.get("sort", "name")
    descending = request.GET.get("dir") == "desc"
    rows = _sorted_children(report, kind, key, descending)
    context.update(
        tab="drilldown",
        chosen_block=kind,
        blocks=[(b, SubjectKind(b).label) for b in BLOCKS],
        headers=[
            {
                "key": k,
                "title": str(title),
                "sorted": k == key,
                "desc": descending,
                "query": _query(request, sort=k, dir="asc" if k == key and descending else "desc"),
            }
            for k, title, _c, _g in [("name", gettext_lazy("Tổ chức"), "text", None), *COLUMNS]
        ],
        rows=bool(rows),
        body=_drilldown_body(rows, report, kind, context["period"].year, context["option_query"]),
        comparison=charts.children_comparison(report, kind),
    )
    return render(request, "reports/report_drilldown.html", context)


def _formatted(table: tables.Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": table.columns,
        "rows": [
            [(c.kind, tables.cell_text(v, c.kind)) for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows
        ],
    }


def _file_response(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def report_download(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    period = period_for(unit, year)
    if fmt not in FORMATS:
        raise Http404
    report = compute_report(
        unit, period, as_of=timezone.localdate(), options=options_from(request.GET)
    )
    data = render_file(report, fmt, issuer=issuer_of(unit, report.as_of))
    download_log(actor=request.user, unit=unit, what="report", year=year, fmt=fmt)
    return _file_response(data, FORMATS[fmt].content_type, filename(report, fmt))


@require_POST
def report_send(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    access.require_role(request.user, unit, SENDER_ROLES)
    period = period_for(unit, year)
    snapshot = snapshot_send(
        actor=request.user,
        unit=unit,
        period=period,
        options=options_from(request.POST),
        as_of=timezone.localdate(),
    )
    messages.success(request, _("Đã gửi báo cáo lên cấp trên; số liệu được lưu cố định."))
    return redirect("snapshot_detail", pk=snapshot.pk)


@require_GET
def snapshot_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    return render(
        request,
        "reports/snapshot_list.html",
        {"unit": unit, "snapshots": snapshots_of(unit), "tab": "snapshots"},
    )


@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_snapshot(pk)
    access.get_unit(request.user, snapshot.unit.code)
    report = snapshot_report(snapshot)
    context = {
        "snapshot": snapshot,
        "unit": snapshot.unit,
        "report": report,
        "changed": snapshot_changed(snapshot),
        "sentences": [(b, block_sentence(b, report)) for b in report.blocks],
        "summary": _formatted(tables.summary_table(report)),
        "findings": tables.finding_lines(report),
        "formats": list(FORMATS),
    }
    return render(request, "reports/snapshot_detail.html", context)


@require_GET
def snapshot_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    snapshot = get_snapshot(pk)
    unit = access.get_unit(request.user, snapshot.unit.code)
    if fmt not in FORMATS:
        raise Http404
    report = snapshot_report(snapshot)
    data = render_file(report, fmt, issuer=issuer_of(unit, report.as_of))
    download_log(
        actor=request.user,
        unit=unit,
        what="report",
        year=snapshot.period.year,
        fmt=fmt,
        snapshot_id=snapshot.pk,
    )
    return _file_response(data, FORMATS[fmt].content_type, filename(report, fmt))


def _export(
    request: HttpRequest, code: str, year: int, fmt: str, what: str, build: Callable[..., Any]
) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    period = period_for(unit, year)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    with translation.override("vi"):
        built = build(unit, period)
        sheets = built if isinstance(built, list) else [built]
        data = exports.to_xlsx(sheets, period) if fmt == "xlsx" else exports.to_csv(sheets)
    download_log(actor=request.user, unit=unit, what=what, year=year, fmt=fmt)
    return _file_response(data, EXPORT_FORMATS[fmt], f"{what}-{unit.code}-{year}.{fmt}")


@require_GET
def export_results(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    return _export(request, code, year, fmt, "ket-qua", exports.results)


@require_GET
def export_rewards(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    return _export(request, code, year, fmt, "khen-thuong", exports.rewards)


@require_GET
def export_follow_ups(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    return _export(request, code, year, fmt, "khac-phuc", exports.follow_ups)
