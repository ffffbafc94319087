"""``xeploai check PROPOSALS.xlsx [--ruleset KEY] [--json]`` (``xeploai.cli`` routes a
``check`` with an .xlsx argument here)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xeploai.checker.output import main


class Command(BaseCommand):
    help = "Kiểm tra bảng đề xuất xếp loại (.xlsx) theo quy định; mã thoát 0/1/2."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--ruleset")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [options["path"], *(["--ruleset", options["ruleset"]] if options["ruleset"] else [])]
        raise SystemExit(main(argv + (["--json"] if options["json"] else [])))
