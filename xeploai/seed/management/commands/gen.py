import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xeploai.seed.generate import CountryExists, generate_country


class Command(BaseCommand):
    help = (
        "Tạo một đảng bộ toàn quốc tổng hợp (khoảng 70 tỉnh, 52.000 tổ chức cơ sở, 300.000 chi "
        "bộ, 5,6 triệu đảng viên ở cỡ đầy đủ; nhỏ hơn theo tỉ lệ) với hai năm đã quyết định, "
        "từ một hạt giống cố định, qua đường nạp hàng loạt (COPY trên PostgreSQL). Từ chối chạy "
        "khi cơ sở dữ liệu đã có tổ chức, trừ khi có --force. / Generate a synthetic country "
        "for the national-scale benchmarks; refuses a database that already holds units."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members",
            type=int,
            required=True,
            help="số đảng viên (5600000 là cỡ toàn quốc) / number of members",
        )
        parser.add_argument("--seed", type=int, default=2026, help="hạt giống / random seed")
        parser.add_argument(
            "--provinces",
            type=int,
            default=34,
            help="số tỉnh, thành phố ở cỡ đầy đủ (giảm theo tỉ lệ) / provinces at full size",
        )
        parser.add_argument(
            "--year", type=int, default=2025, help="năm đánh giá hiện tại / current year"
        )
        parser.add_argument(
            "--widest",
            type=int,
            default=0,
            help=(
                "số tổ chức cơ sở của khối cơ quan thứ nhất của tỉnh thứ nhất (0: như các khối "
                "khác) — một đơn vị rộng như các khối của Hà Nội / grassroots organizations "
                "under the first province's first agency bloc (0: its share)"
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "vẫn tạo khi cơ sở dữ liệu đã có tổ chức (thêm một cây mới mã QG<seed>) / "
                "add the country beside existing units"
            ),
        )

    def handle(
        self,
        *args: Any,
        members: int,
        seed: int,
        provinces: int,
        year: int,
        force: bool,
        widest: int,
        **options: Any,
    ) -> None:
        if not 100 <= members <= 10_000_000:
            raise CommandError(_("--members phải từ 100 đến 10.000.000."))
        if not 1 <= provinces <= 200:
            raise CommandError(_("--provinces phải từ 1 đến 200."))
        if not 2019 <= year <= 2100:
            raise CommandError(_("--year phải từ 2019 đến 2100."))
        if not 0 <= widest <= 5000:
            raise CommandError(_("--widest phải từ 0 đến 5.000."))
        started = time.monotonic()
        try:
            result = generate_country(
                members=members,
                seed=seed,
                provinces=provinces,
                year=year,
                force=force,
                widest=widest,
                log=self.stdout.write,
            )
        except CountryExists as error:
            raise CommandError(
                _(
                    "Cơ sở dữ liệu đã có tổ chức đảng: lệnh gen chỉ chạy trên cơ sở dữ liệu trống "
                    "(dùng --force để vẫn thêm một cây tổng hợp bên cạnh)."
                )
            ) from error
        self.stdout.write(
            _("Đã tạo trong {seconds:.1f} giây: {counts}").format(
                seconds=time.monotonic() - started, counts=result.counts
            )
        )
