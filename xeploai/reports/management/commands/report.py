import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from xeploai.org.models import OrgUnit
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import FORMATS, render
from xeploai.reports.records import Denominator, Options, QuotaBase
from xeploai.reports.selectors import period_for

USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Báo cáo thống kê kết quả đánh giá, xếp loại của một tổ chức trong một năm "
        "(mặc định JSON ra màn hình). / The standard statistics report of a unit for a year "
        "(json to stdout by default; xlsx, docx, pdf, html with --out)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="mã tổ chức / unit code")
        parser.add_argument("--period", required=True, type=int, help="năm đánh giá / year")
        parser.add_argument("--format", default="json", choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("--out", help="tệp kết quả (mặc định: màn hình) / output file")
        parser.add_argument(
            "--denominator",
            default=Denominator.TT_PLUS.value,
            choices=[d.value for d in Denominator],
            help="cách tính tỉ lệ HTXSNV / base of the HTXSNV share",
        )
        parser.add_argument(
            "--quota-base",
            default=QuotaBase.TT_PLUS.value,
            choices=[b.value for b in QuotaBase],
            help="cơ sở tính mức trần 20%% / base of the 20%% cap",
        )
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="ngày xét tiến độ (YYYY-MM-DD) / date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(
                f"Không tìm thấy tổ chức có mã “{options['unit']}”.", returncode=USAGE_ERROR
            )
        try:
            period = period_for(unit, options["period"])
        except Http404:
            raise CommandError(
                f"Không có đợt đánh giá năm {options['period']} áp dụng cho {unit.name}.",
                returncode=USAGE_ERROR,
            ) from None
        report = compute_report(
            unit,
            period,
            as_of=options["as_of"] or timezone.localdate(),
            options=Options(
                denominator=Denominator(options["denominator"]),
                quota_base=QuotaBase(options["quota_base"]),
            ),
        )
        data = render(report, options["fmt"])
        if options["out"]:
            with open(options["out"], "wb") as target:
                target.write(data)
        elif options["fmt"] in ("json", "html"):
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
