"""The report function of a few units in CPU time, against PostgreSQL returning its rows; and a
digest of every report of a country, to compare two trees' figures.

    DATABASE_URL=… .venv/bin/python bench/report_cpu.py cpu --runs 30 [--codes A,B]
    DATABASE_URL=… .venv/bin/python bench/report_cpu.py digest > reports.txt
    DATABASE_URL=… valgrind --tool=callgrind … bench/report_cpu.py loop --codes A --runs 20

``cpu``: for the nation, its widest province and the widest unit (or ``--codes``), the first
``compute_report`` call, then the median and best of ``--runs`` warm calls in CPU time of this
process (``time.process_time``: what the machine's other load changes least), the rows read,
and the floor: the same statements replayed on the driver's cursor (``bench/floors.py``), in
wall time (PostgreSQL's work is in another process). One JSON line per unit.

``digest``: for every unit with at least one child, every yearly period covering it and both
quota bases, a hash of the whole ``Report`` (its ``repr``: every figure, finding and name) —
one line per report, sorted, so that two trees' outputs can be compared with ``diff``.
Run with ``PYTHONPATH=<other checkout>`` to measure or digest another tree's code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: another tree may be measured

from bench.floors import capture, loadavg, replay  # noqa: E402


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    os.environ.setdefault("XEPLOAI_DEBUG", "0")
    import django

    django.setup()


def _periods() -> list[Any]:
    from xeploai.cycles.models import Period, PeriodKind

    return list(Period.objects.filter(kind=PeriodKind.YEAR).order_by("year"))


def cpu(codes: list[str], runs: int) -> None:
    from django.db.models import Count

    from xeploai.org.models import OrgUnit
    from xeploai.reports.compute import compute_report

    current = _periods()[-1]
    as_of = dt.date(current.year, 12, 31)
    if codes:
        units = [OrgUnit.objects.get(code=code) for code in codes]
    else:
        root = OrgUnit.objects.get(parent=None)
        wide = OrgUnit.objects.annotate(n=Count("children")).order_by("-n", "code")
        units = [root, *(u for u in (wide.filter(depth=1).first(), wide.first()) if u)]
    for unit in units:
        n_children = OrgUnit.objects.filter(parent=unit).count()

        def report(unit: Any = unit) -> Any:
            return compute_report(unit, current, as_of=as_of)

        started = time.process_time()
        report()
        first = (time.process_time() - started) * 1000
        samples = []
        for _ in range(runs):
            started = time.process_time()
            report()
            samples.append((time.process_time() - started) * 1000)
        statements = capture(report)
        rows = replay(statements)
        floor = []
        for _ in range(runs):
            started = time.perf_counter()
            replay(statements)
            floor.append((time.perf_counter() - started) * 1000)
        print(
            json.dumps(
                {
                    "code": unit.code,
                    "children": n_children,
                    "load": loadavg(),
                    "first_cpu_ms": round(first, 2),
                    "cpu_ms": round(statistics.median(samples), 2),
                    "best_cpu_ms": round(min(samples), 2),
                    "rows": rows,
                    "statements": len(statements),
                    "floor_ms": round(statistics.median(floor), 2),
                    "best_floor_ms": round(min(floor), 2),
                }
            ),
            flush=True,
        )


def loop(codes: list[str], runs: int) -> None:
    """Three reports of each unit, then ``runs`` more and nothing else: run twice under
    ``valgrind --tool=callgrind`` (``--runs 0`` and ``--runs N``), the difference of the
    instruction counts over N is one report's count in this process (not the server's)."""
    from xeploai.org.models import OrgUnit
    from xeploai.reports.compute import compute_report

    current = _periods()[-1]
    as_of = dt.date(current.year, 12, 31)
    units = [OrgUnit.objects.get(code=code) for code in codes]
    for unit in units:
        for _ in range(3 + runs):
            compute_report(unit, current, as_of=as_of)


def digest() -> None:
    from django.db.models import Count

    from xeploai.org.models import OrgUnit
    from xeploai.reports.compute import compute_report, unit_counts
    from xeploai.reports.records import Options, QuotaBase

    lines = []
    periods = _periods()
    units = OrgUnit.objects.annotate(n=Count("children")).filter(n__gte=1).order_by("code")
    for unit in units:
        for period in periods:
            as_of = dt.date(period.year, 12, 31)
            for base in QuotaBase:
                report = compute_report(unit, period, as_of=as_of, options=Options(quota_base=base))
                sha = hashlib.sha256(repr(report).encode()).hexdigest()[:16]
                lines.append(f"{unit.code} {period.year} {base} {sha}")
            sha = hashlib.sha256(repr(unit_counts(unit, period)).encode()).hexdigest()[:16]
            lines.append(f"{unit.code} {period.year} counts {sha}")
    print("\n".join(sorted(lines)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["cpu", "loop", "digest"])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--codes", default="")
    args = parser.parse_args()
    _setup()
    codes = [c for c in args.codes.split(",") if c]
    if args.what == "cpu":
        cpu(codes, args.runs)
    elif args.what == "loop":
        loop(codes, args.runs)
    else:
        digest()


if __name__ == "__main__":
    main()
