"""The statistics report with and without prepared statements, interleaved in one connection.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xeploai_gen_full \\
        .venv/bin/python bench/bench_binding.py QG2026 QG2026-P22 QG2026-P22-D07 [--rounds 30]

For each unit code, in rounds that alternate the two modes on the same connection (so that
other work on a shared machine weighs on both alike): 5 timed ``compute_report`` calls with
client-side binding (Django's default: every statement parsed and planned at every run), then
5 with server-side binding and prepared statements (docs/decisions/0004). Prints the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
os.environ.setdefault("XEPLOAI_DEBUG", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="+", help="unit codes")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.backends.postgresql.base import Cursor, ServerBindingCursor

    from xeploai.cycles.models import Period
    from xeploai.org.models import OrgUnit
    from xeploai.reports.compute import compute_report

    if connection.vendor != "postgresql":
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    units = [OrgUnit.objects.get(code=code) for code in args.codes]
    root = OrgUnit.objects.get(depth=0, path=units[0].path.split("/")[0] + "/")
    period = Period.objects.filter(scope_root=root).order_by("-year").first()
    assert period is not None
    as_of = dt.date(period.year, 12, 31)
    connection.ensure_connection()
    raw = connection.connection
    modes = {"client-side binding": (Cursor, None), "prepared statements": (ServerBindingCursor, 1)}
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for mode, (factory, threshold) in modes.items():
            raw.cursor_factory = factory
            raw.prepare_threshold = threshold
            for unit in units:
                for _ in range(2):
                    compute_report(unit, period, as_of=as_of)  # prepare, warm
                for _ in range(5):
                    started = time.perf_counter()
                    compute_report(unit, period, as_of=as_of)
                    samples.setdefault((unit.code, mode), []).append(
                        (time.perf_counter() - started) * 1000
                    )
    print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds × 5 reports per mode")
    print("| unit | client-side binding ms | prepared statements ms | saved ms |")
    print("|---|---:|---:|---:|")
    for unit in units:
        plain = statistics.median(samples[(unit.code, "client-side binding")])
        prepared = statistics.median(samples[(unit.code, "prepared statements")])
        print(f"| {unit.code} | {plain:.2f} | {prepared:.2f} | {plain - prepared:.2f} |")


if __name__ == "__main__":
    main()
