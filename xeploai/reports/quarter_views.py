"""The quarterly report pages: the quarter's blocks beside the previous quarter and the same
quarter a year earlier, and its files in every report format."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xeploai.org import access
from xeploai.org.issuer import issuer_of
from xeploai.reports import exports
from xeploai.reports.formats import FORMATS, tables
from xeploai.reports.formats import render as render_file
from xeploai.reports.formats.as_html import formatted
from xeploai.reports.quarterly import comparison, quarter_period_for, quarter_report
from xeploai.reports.selectors import options_from
from xeploai.reports.services import download_log
from xeploai.reports.wording import block_sentence

COMPARE_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def quarter_report_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    period = quarter_period_for(unit, pk)
    quarter = quarter_report(
        unit, period, as_of=timezone.localdate(), options=options_from(request.GET)
    )
    report = quarter.report
    return render(
        request,
        "reports/quarter_report.html",
        {
            "unit": unit,
            "period": period,
            "quarter": quarter,
            "sentences": [block_sentence(b, report) for b in report.blocks if b.current.total],
            "table": formatted(tables.quarter_table(report)),
            "summary": formatted(tables.summary_table(report)),
            "formats": list(FORMATS),
            "compare_formats": list(COMPARE_FORMATS),
        },
    )


@require_GET
def quarter_report_download(request: HttpRequest, code: str, pk: int, fmt: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    if fmt not in FORMATS:
        raise Http404
    period = quarter_period_for(unit, pk)
    report = quarter_report(
        unit, period, as_of=timezone.localdate(), options=options_from(request.GET)
    ).report
    data = render_file(report, fmt, issuer=issuer_of(unit, report.as_of))
    download_log(actor=request.user, unit=unit, what="quarter_report", year=period.year, fmt=fmt)
    name = f"bao-cao-{unit.code}-{period.year}-q{period.quarter}.{FORMATS[fmt].extension}"
    return _attachment(data, FORMATS[fmt].content_type, name)


@require_GET
def quarter_compare_download(request: HttpRequest, code: str, pk: int, fmt: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    if fmt not in COMPARE_FORMATS:
        raise Http404
    period = quarter_period_for(unit, pk)
    sheet = comparison(quarter_report(unit, period, as_of=timezone.localdate()))
    if fmt == "xlsx":  # a sheet's title cannot hold "/" (Quý 1/2026)
        data = exports.to_xlsx([replace(sheet, title=sheet.title.replace("/", "-"))], period)
    else:
        data = exports.to_csv([sheet])
    download_log(actor=request.user, unit=unit, what="quarter_compare", year=period.year, fmt=fmt)
    name = f"so-sanh-{unit.code}-{period.year}-q{period.quarter}.{fmt}"
    return _attachment(data, COMPARE_FORMATS[fmt], name)
