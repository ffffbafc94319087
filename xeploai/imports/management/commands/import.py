"""``xeploai import units|people|results FILE [--dry-run] [--scope CODE]``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xeploai.imports.problems import EXIT_BAD_FILE, EXIT_INVALID, WorkbookError
from xeploai.imports.services import KINDS, Outcome, import_file
from xeploai.lib.numbers import vn_int
from xeploai.lib.sheets import more_errors
from xeploai.org.models import OrgUnit


def summary(outcome: Outcome) -> str:
    text = (
        f"{vn_int(outcome.rows)} dòng: tạo mới {vn_int(outcome.created)}, cập nhật "
        f"{vn_int(outcome.updated)}, không đổi {vn_int(outcome.unchanged)}"
    )
    extra = {
        "moved": "chuyển cấp trên",
        "transfers": "chuyển sinh hoạt",
        "periods_created": "đợt đánh giá tạo mới",
        "roles_ended": "phân quyền trên tổ chức thôi tồn tại đã kết thúc",
    }
    details = [f"{extra.get(k, k)} {vn_int(v)}" for k, v in outcome.details.items() if v]
    return text + (f" ({', '.join(details)})" if details else "")


class Command(BaseCommand):
    help = (
        "Nhập tổ chức đảng, đảng viên hoặc kết quả xếp loại các năm từ tệp .xlsx (hoặc .csv) theo "
        "mẫu (xeploai template KIND): kiểm tra mọi dòng, báo mọi lỗi một lần, ghi tất cả hoặc "
        "không ghi gì. Mã thoát: 0 thành công, 1 có lỗi dữ liệu, 2 tệp không đọc được. / Import "
        "units, people or past results from a template workbook: every row is checked and every "
        "error reported at once; the whole file is applied or nothing. Exit codes: 0 success, "
        "1 invalid rows, 2 unreadable file."
    )
    # No system checks (half a second: they import every view and URL): a data command, run
    # after ``migrate`` and the web server's start-up have checked the project.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help="units | people | results | civil")
        parser.add_argument("file", help="tệp .xlsx hoặc .csv / the .xlsx or .csv file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="chỉ kiểm tra và cho biết sẽ thay đổi gì / validate and report, write nothing",
        )
        parser.add_argument(
            "--scope",
            metavar="CODE",
            help="mã tổ chức giới hạn phạm vi nhập / limit the import to this unit's subtree",
        )

    def handle(self, *args: Any, kind: str, file: str, dry_run: bool, **options: Any) -> None:
        scope = None
        if options.get("scope"):
            scope = OrgUnit.objects.filter(code=options["scope"]).first()
            if scope is None:
                raise CommandError(
                    f'Không có tổ chức mã "{options["scope"]}" / no such unit',
                    returncode=EXIT_BAD_FILE,
                )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file} / no such file", returncode=EXIT_BAD_FILE)
        started = time.monotonic()
        try:
            outcome = import_file(actor=None, kind=kind, path=path, dry_run=dry_run, scope=scope)
        except WorkbookError as error:
            raise CommandError(error.message, returncode=EXIT_BAD_FILE) from None
        for problem in outcome.problems:
            self.stdout.write(str(problem))
        if outcome.problems_unlisted:
            self.stdout.write(more_errors(outcome.problems_unlisted))
        if outcome.problems:
            count = max(outcome.problem_count, len(outcome.problems))
            raise CommandError(
                f"{vn_int(count)} lỗi — không có gì được ghi vào cơ sở dữ liệu. / "
                f"{count} errors, nothing was written.",
                returncode=EXIT_INVALID,
            )
        prefix = "Chạy thử, không ghi gì — sẽ" if dry_run else "Đã nhập"
        self.stdout.write(f"{prefix}: {summary(outcome)} — {time.monotonic() - started:.1f} giây.")
