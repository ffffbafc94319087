import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xeploai.audit.services import audit_record
from xeploai.lib.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp tải lên từ một bản sao lưu (thay thế toàn bộ dữ liệu hiện "
        "có). / Restore the database and uploaded files from a backup (replaces everything)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp sao lưu .tar / the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="không hỏi xác nhận / do not ask for confirmation"
        )

    def handle(self, *args: Any, file: str, yes: bool, **options: Any) -> None:
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    _(
                        "Không có ai để xác nhận (không chạy từ bàn phím): thêm --yes nếu thật "
                        "sự muốn thay thế toàn bộ dữ liệu. Không thay đổi gì."
                    )
                )
            try:
                answer = input(_("Toàn bộ dữ liệu hiện có sẽ bị thay thế. Gõ 'co' để tiếp tục: "))
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("co", "có", "yes"):
                raise CommandError(_("Đã hủy, không thay đổi gì."))
        try:
            manifest = restore(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from None
        audit_record(
            actor=None,
            action="restore",
            object_type="backup",
            object_id=Path(file).name,
            after=manifest,
        )
        self.stdout.write(
            _("Đã khôi phục từ {file} (sao lưu lúc {at}).").format(
                file=file, at=manifest["created_at"]
            )
        )
