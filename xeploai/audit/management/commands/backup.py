from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai.audit.services import audit_record
from xeploai.lib.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và các tệp tải lên vào một tệp .tar (ứng dụng vẫn chạy). / "
        "Back up the database and the uploaded files into one .tar file while the app runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="tệp đích / target file (default: var/backups/…)")

    def handle(self, *args: Any, out: str | None, **options: Any) -> None:
        target = (
            Path(out)
            if out
            else (
                Path(settings.DATA_DIR)
                / "backups"
                / f"xeploai-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
            )
        )
        try:
            manifest = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        audit_record(
            actor=None, action="backup", object_type="backup", object_id=target.name, after=manifest
        )
        self.stdout.write(
            _("Đã sao lưu vào {target} ({engine}).").format(
                target=target, engine=manifest["engine"]
            )
        )
