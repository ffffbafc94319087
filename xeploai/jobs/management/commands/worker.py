"""``xeploai worker [--once]``: run queued background jobs (imports, long reports)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xeploai.jobs.services import run_once


class Command(BaseCommand):
    help = (
        "Chạy các việc nền đang chờ (nhập tệp lớn…); dùng trong môi trường sản xuất, khi "
        "XEPLOAI_INLINE_JOBS tắt. --once: chạy một việc rồi dừng. / Run queued background jobs "
        "(production, with XEPLOAI_INLINE_JOBS off). --once: run one job and exit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="chạy một việc rồi dừng / run one job and exit"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="giây chờ khi hàng đợi trống / seconds to wait when the queue is empty",
        )

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        if not once:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while not stopping:
            job = run_once()
            if job is not None:
                self.stdout.write(
                    f"#{job.pk} {job.kind}: {job.get_status_display()} — {job.message}"
                )
            if once:
                if job is None:
                    self.stdout.write("Không có việc nào đang chờ. / No job queued.")
                break
            if job is None:
                time.sleep(interval)
