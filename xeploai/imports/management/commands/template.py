"""``xeploai template KIND [--out FILE]``: write an import template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xeploai.imports.xlsx_templates import TEMPLATE_WRITERS, template_filename, template_writer


class Command(BaseCommand):
    help = (
        "Ghi tệp mẫu .xlsx để nhập dữ liệu (sheet dữ liệu, sheet HuongDan giải thích từng cột). "
        "/ Write the .xlsx template of an import (a data sheet and a HuongDan sheet explaining "
        "every column)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(TEMPLATE_WRITERS), help="loại mẫu / which one")
        parser.add_argument(
            "--out",
            metavar="FILE",
            help="tên tệp ghi ra (mặc định mau-nhap-KIND.xlsx) / output file",
        )

    def handle(self, *args: Any, kind: str, out: str | None, **options: Any) -> None:
        path = Path(out or template_filename(kind))
        with path.open("wb") as stream:
            template_writer(kind)(stream)
        self.stdout.write(f"Đã ghi mẫu {kind}: {path}")
