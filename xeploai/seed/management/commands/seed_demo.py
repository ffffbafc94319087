import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xeploai.seed.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu một đảng bộ khối (khoảng 80 tổ chức cơ sở, 280 chi bộ, 6.000 đảng viên) "
        "từ một hạt giống cố định; chạy lại không tạo trùng. / Build the demo bloc "
        "deterministically from a seed; running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="hạt giống ngẫu nhiên / random seed"
        )
        parser.add_argument(
            "--members", type=int, default=6000, help="số đảng viên / number of members"
        )
        parser.add_argument(
            "--year", type=int, default=2026, help="năm đánh giá hiện tại / current year"
        )

    def handle(self, *args: Any, seed: int, members: int, year: int, **options: Any) -> None:
        if members < 100 or members > 2_000_000:
            raise CommandError("--members phải từ 100 đến 2.000.000 / must be 100 to 2,000,000")
        if not 2018 <= year <= 2100:
            raise CommandError("--year phải từ 2018 trở đi / must be 2018 or later")
        started = time.monotonic()
        result = seed_demo(seed=seed, members=members, year=year, log=self.stdout.write)
        if result.created:
            self.stdout.write(
                f"Đã tạo dữ liệu mẫu trong {time.monotonic() - started:.1f} giây: {result.counts}"
            )
        else:
            self.stdout.write(
                "Dữ liệu mẫu đã có sẵn — không thay đổi gì. / Demo data already present."
            )
        self.stdout.write("")
        self.stdout.write(f"Đăng nhập tại http://127.0.0.1:8000 — mật khẩu chung: {DEMO_PASSWORD}")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<12} {login.role} — {login.unit}")
