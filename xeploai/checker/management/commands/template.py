"""``xeploai template check [-o FILE]``: write the offline checker's workbook template."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xeploai.checker.template import DEFAULT_NAME, write_template


class Command(BaseCommand):
    help = "Ghi mẫu bảng tính cho việc kiểm tra ngoại tuyến (xeploai template check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("which", choices=["check"])
        parser.add_argument("-o", "--output", default=DEFAULT_NAME)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(write_template(options["output"])))
