"""The report function of a few units in CPU time, against PostgreSQL returning its rows; and a
digest of every report of a country, to compare two trees' figures.

    DATABASE_URL=… .venv/bin/python bench/report_cpu.py cpu --runs 30 [--codes A,B]
    DATABASE_URL=… .venv/bin/python bench/report_cpu.py digest > reports.txt
    DATABASE_URL=… valgrind --tool=callgrind … bench/report_cpu.py loop --codes A --runs 20
    DATABASE_URL=… .venv/bin/python bench/report_cpu.py parts --runs 300 [--codes A,B]

``cpu``: for the nation, its widest province and the widest unit (or ``--codes``), the first
``compute_report`` call, then the median and best of ``--runs`` warm calls in CPU time of this
process (``time.process_time``: what the machine's other load changes least), the rows read,
and the floor: the same statements replayed on the driver's cursor (``bench/floors.py``), in
wall time (PostgreSQL's work is in another process). One JSON line per unit.

``digest``: for every unit with at least one child, every yearly period covering it and both
quota bases, a hash of the whole ``Report`` (its ``repr``: every figure, finding and name) —
one line per report, sorted, so that two trees' outputs can be compared with ``diff``.
``parts`` (PostgreSQL): where the report's time goes beyond its floor, and what two other
shapes of it would cost — alternated call by call (``floors.alternated``), wall time, one JSON
line per unit: the report and the floor; the same two with the garbage collector off; the
report's own Python on rows read once before (``fetch._rows`` answering from memory), and on
new copies of those rows made before each call; a lower bound of that Python (as many result
objects built from those rows in comprehensions, with no grouping, sorting or rules); and the
statistics statement as it is (one row per unit, year and block) against one row per unit and
year with the four blocks as columns (a temporary table of this connection, gone with it), each
alone and with a reader of its rows into the report's counts.

Run with ``PYTHONPATH=<other checkout>`` to measure or digest another tree's code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
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

from bench.floors import capture, loadavg, replay, replay_rows  # noqa: E402


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


def _wide_sql(unit: Any, period_ids: list[int]) -> tuple[str, list[Any]]:
    """The temporary table ``pg_temp.wide_stat`` of ``period_ids`` (one row per period and unit,
    the four blocks' columns side by side, NULL for a block without a row) and the report's
    statistics statement on it (without the predecessors' part: the generated country has no
    lineage), its counts read as ``fetch._counts`` reads them."""
    from django.db import connection

    from xeploai.reports import fetch
    from xeploai.reports.records import BLOCKS
    from xeploai.reviews.models import STAT_COLUMNS

    marks = ", ".join(["%s"] * len(period_ids))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.wide_stat")
        columns = ", ".join(
            f"max({c}) FILTER (WHERE block = '{block}') AS b{i}_{c}"
            for i, block in enumerate(BLOCKS)
            for c in STAT_COLUMNS
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE wide_stat AS SELECT period_id, path, max(depth) AS depth, "
            f"{columns} FROM {fetch.STAT} WHERE period_id IN ({marks}) GROUP BY period_id, path",
            period_ids,
        )
        cursor.execute(
            "CREATE INDEX ON pg_temp.wide_stat (period_id, depth, path varchar_pattern_ops)"
        )
        cursor.execute("ANALYZE pg_temp.wide_stat")
    counts = ", ".join(fetch._counts(f"b{i}_", connection.vendor) for i in range(len(BLOCKS)))
    under, bounds = fetch._under("path", unit.path)
    sql = (
        f"SELECT period_id, path, {counts} FROM pg_temp.wide_stat "
        f"WHERE period_id IN ({marks}) AND depth IN (%s, %s) AND {under}"
    )
    return sql, [*period_ids, unit.depth, unit.depth + 1, *bounds]


def _read_wide(rows: list[tuple[Any, ...]], this_year: int) -> tuple[dict, dict]:
    """``compute._read_counts`` of the wide rows, written as tightly: four counts a row, each
    made inline (a call only for the quarter of the blocks with not-rated reasons)."""
    from xeploai.reports import compute
    from xeploai.reports.records import Counts

    new = tuple.__new__
    none = compute._NO_COUNTS
    parsed = compute._NOT_RATED

    def with_reasons(p: int, xs: int, tt: int, ht: int, k: int, reasons: str) -> Any:
        not_rated, excused = parsed.get(reasons) or compute._not_rated(reasons)
        return new(Counts, (p + xs + tt + ht + k + excused, p, not_rated, xs, tt, ht, k))

    current: dict = {}
    before: dict = {}
    for (
        period_id, path,
        p0, x0, t0, h0, k0, r0, p1, x1, t1, h1, k1, r1,
        p2, x2, t2, h2, k2, r2, p3, x3, t3, h3, k3, r3,
    ) in rows:  # fmt: skip
        (current if period_id == this_year else before)[path] = [
            none if p0 is None else new(Counts, (p0 + x0 + t0 + h0 + k0, p0, (), x0, t0, h0, k0))
            if r0 is None else with_reasons(p0, x0, t0, h0, k0, r0),
            none if p1 is None else new(Counts, (p1 + x1 + t1 + h1 + k1, p1, (), x1, t1, h1, k1))
            if r1 is None else with_reasons(p1, x1, t1, h1, k1, r1),
            none if p2 is None else new(Counts, (p2 + x2 + t2 + h2 + k2, p2, (), x2, t2, h2, k2))
            if r2 is None else with_reasons(p2, x2, t2, h2, k2, r2),
            none if p3 is None else new(Counts, (p3 + x3 + t3 + h3 + k3, p3, (), x3, t3, h3, k3))
            if r3 is None else with_reasons(p3, x3, t3, h3, k3, r3),
        ]  # fmt: skip
    return current, before


def _copied(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``rows`` with new copies of their strings, as the driver hands them (not yet hashed)."""
    return [tuple(v.encode().decode() if isinstance(v, str) else v for v in row) for row in rows]


def _built(stat_rows: list[tuple[Any, ...]], pool_rows: list[tuple[Any, ...]], n: int) -> Any:
    """As many result objects as a report of ``n`` children builds from these rows, in
    comprehensions and nothing else: a counts per statistics row, four blocks, a row and a
    progress per child, a tuple per pool."""
    from xeploai.reports.records import Block, ChildRow, Counts, UnitProgress

    new = tuple.__new__
    counts = [new(Counts, (p, p, (), xs, tt, ht, k)) for _, _, _, p, xs, tt, ht, k, _ in stat_rows]
    blocks = [new(Block, ("", c, c)) for c in counts[: 4 * n]]
    rows = [new(ChildRow, (None, tuple(blocks[i : i + 4]), None)) for i in range(0, 4 * n, 4)]
    progress = [new(UnitProgress, (None, 0, 0)) for _ in range(n)]
    pools = [(xs, tt, ht, k) for _, _, _, xs, tt, ht, k in pool_rows]
    return counts, rows, progress, pools


def parts(codes: list[str], runs: int) -> None:
    from django.db.models import Count

    from xeploai.org.models import OrgUnit

    periods = _periods()
    if codes:
        units = [OrgUnit.objects.get(code=code) for code in codes]
    else:
        wide = OrgUnit.objects.annotate(n=Count("children")).order_by("-n", "code")
        units = [OrgUnit.objects.get(parent=None), *(u for u in (wide.first(),) if u)]
    for unit in units:
        print(json.dumps(_parts_of(unit, periods, runs)), flush=True)


def _parts_of(unit: Any, periods: list[Any], runs: int) -> dict[str, Any]:
    from bench.floors import alternated, timed_ms
    from xeploai.org.models import OrgUnit
    from xeploai.reports import compute, fetch

    current = periods[-1]
    as_of = dt.date(current.year, 12, 31)
    period_ids = [current.pk, *(p.pk for p in periods[-2:-1])]
    n_children = OrgUnit.objects.filter(parent=unit).count()

    def report() -> Any:
        return compute.compute_report(unit, current, as_of=as_of)

    statements = capture(report)
    reports, floors = alternated(report, lambda: replay(statements), runs)
    # the report's Python alone: its statements answered from memory
    read = fetch._rows
    answers: dict[Any, list[Any]] = {}

    def remembered(sql: str, params: list[Any]) -> list[Any]:
        key = (sql, tuple(params))
        if key not in answers:
            answers[key] = read(sql, params)
        return answers[key]

    fetch._rows = remembered
    try:
        report()
        python = [timed_ms(report) for _ in range(runs)]
        # the same with new copies of the rows before each call (new strings: hashed anew)
        kept = dict(answers)
        fresh = []
        for _ in range(runs):
            answers.update({key: _copied(rows) for key, rows in kept.items()})
            fresh.append(timed_ms(report))
    finally:
        fetch._rows = read
    # the report and its floor with the cyclic garbage collector off
    gc.disable()
    try:
        no_gc, no_gc_floors = alternated(report, lambda: replay(statements), runs)
    finally:
        gc.enable()
    # the statistics statement as it is, and one row per unit and year
    (narrow,) = capture(lambda: fetch.unit_and_children_stats(period_ids, unit))
    stat_rows = replay_rows(narrow)
    pool_rows = fetch.unit_and_children_pools(current.pk, unit)
    built = [timed_ms(lambda: _built(stat_rows, pool_rows, n_children)) for _ in range(runs)]
    wide = _wide_sql(unit, period_ids)
    wide_rows = replay_rows(wide)
    if compute._read_counts(stat_rows, current.pk) != _read_wide(wide_rows, current.pk):
        raise SystemExit(f"{unit.code}: the two shapes read differently")
    narrow_fetch, wide_fetch = alternated(
        lambda: replay_rows(narrow), lambda: replay_rows(wide), runs
    )
    narrow_read, wide_read = alternated(
        lambda: compute._read_counts(replay_rows(narrow), current.pk),
        lambda: _read_wide(replay_rows(wide), current.pk),
        runs,
    )
    median = statistics.median
    return {
        "code": unit.code,
        "children": n_children,
        "load": loadavg(),
        "report_ms": round(median(reports), 3),
        "floor_ms": round(median(floors), 3),
        "python_from_memory_ms": round(median(python), 3),
        "python_fresh_rows_ms": round(median(fresh), 3),
        "report_gc_off_ms": round(median(no_gc), 3),
        "floor_gc_off_ms": round(median(no_gc_floors), 3),
        "objects_alone_ms": round(median(built), 3),
        "stat_rows": len(stat_rows),
        "wide_rows": len(wide_rows),
        "narrow_fetch_ms": round(median(narrow_fetch), 3),
        "narrow_fetch_read_ms": round(median(narrow_read), 3),
        "wide_fetch_ms": round(median(wide_fetch), 3),
        "wide_fetch_read_ms": round(median(wide_read), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["cpu", "loop", "digest", "parts"])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--codes", default="")
    args = parser.parse_args()
    _setup()
    codes = [c for c in args.codes.split(",") if c]
    if args.what == "cpu":
        cpu(codes, args.runs)
    elif args.what == "parts":
        parts(codes, args.runs)
    elif args.what == "loop":
        loop(codes, args.runs)
    else:
        digest()


if __name__ == "__main__":
    main()
