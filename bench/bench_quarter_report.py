"""The quarterly report of a unit (issue 18 §3): ``quarter_report`` against its SQL floor.

    .venv/bin/python bench/bench_quarter_report.py                   # SQLite and PostgreSQL
    .venv/bin/python bench/bench_quarter_report.py --dbs sqlite --members 6000 --runs 30

Each database runs in its own process on a database of its own, made for this run and removed
after it — a SQLite file in ``/tmp/xeploai-bench-quarter-<pid>/``, the PostgreSQL database
``xeploai_bench_quarter_<pid>`` on 127.0.0.1 (nothing else is touched, no connection of anyone
else is ended). The demo bloc is seeded into it (``seed_demo(members=N)``: Q1–Q3 of the year
decided for its leaders, Q4 open). For the bloc's root and its largest grassroots committee,
for the decided Q3 and the open Q4, it reports:

- ``quarter_report``: the quarter's standard report and the previous quarter's (what every
  format renders, both comparisons), the first call in a fresh connection (cold) and the
  median of the warm calls after it;
- the floor, measured in the same run: the statements one ``quarter_report`` sends (captured
  through a Django execute wrapper), replayed on the driver's own cursor with every row
  fetched (``floors.replay``) — cold and warm median; the difference is Python;
- the number of statements and rows, and ``/proc/loadavg`` before and after (the machine is
  shared: say the load when quoting the numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors import Statement, capture, first_and_median, loadavg, timed_ms

PG = "postgres://postgres@127.0.0.1:5432/"


def replay(statements: list[Statement]) -> int:
    """``floors.replay`` on either database: the statements on the driver's own cursor (for
    sqlite3, in its ``?`` style, as Django's SQLite cursor rewrites them), every row fetched."""
    from django.db import connection

    connection.ensure_connection()
    cursor = connection.connection.cursor()
    lite = connection.vendor == "sqlite"
    rows = 0
    try:
        for sql, params in statements:
            cursor.execute(sql.replace("%s", "?") if lite else sql, params)
            rows += len(cursor.fetchall())
    finally:
        cursor.close()
    return rows


def _targets() -> list[tuple[object, object]]:
    """(unit, period) pairs: the root and its largest grassroots committee, Q3 and Q4."""
    from django.db.models import Count

    from xeploai.cycles.models import Period, PeriodKind
    from xeploai.org.models import OrgUnit, UnitKind
    from xeploai.reviews.models import Evaluation
    from xeploai.seed.demo import ROOT_CODE

    root = OrgUnit.objects.get(code=ROOT_CODE)
    rounds = list(Period.objects.filter(kind=PeriodKind.QUARTER, quarter__in=(3, 4)))
    biggest = (
        Evaluation.objects.filter(period__in=rounds, decider__kind=UnitKind.GRASSROOTS_COMMITTEE)
        .values("decider")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    units = [root]
    if biggest is not None:
        units.append(OrgUnit.objects.get(pk=biggest["decider"]))
    return [(unit, period) for unit in units for period in sorted(rounds, key=lambda p: p.quarter)]


def measure(members: int, runs: int) -> dict[str, object]:
    """Inside the child process: DATABASE_URL names this run's own database."""
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    from xeploai.reports.quarterly import quarter_report
    from xeploai.seed.demo import seed_demo

    call_command("migrate", verbosity=0)
    seeded = timed_ms(lambda: seed_demo(members=members, log=lambda _: None)) / 1000
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = []
    for unit, period in _targets():
        as_of = dt.date(period.year, 3 * period.quarter, 20)

        def report(unit: object = unit, period: object = period, as_of: dt.date = as_of) -> object:
            return quarter_report(unit, period, as_of=as_of)  # type: ignore[arg-type]

        connection.close()  # the first call opens its own connection: cold
        load_before = loadavg()
        first, warm, _ = first_and_median(report, runs)
        statements = capture(report)
        connection.close()
        floor_first, floor_warm, _ = first_and_median(lambda s=statements: replay(s), runs)
        quarter = report().report.quarter  # type: ignore[attr-defined]
        rows.append(
            {
                "unit": unit.code,  # type: ignore[attr-defined]
                "period": period.name,  # type: ignore[attr-defined]
                "status": period.status,  # type: ignore[attr-defined]
                "previous_found": quarter.previous_found,
                "statements": len(statements),
                "rows": replay(statements),
                "first_ms": round(first, 2),
                "warm_ms": round(warm, 2),
                "floor_first_ms": round(floor_first, 2),
                "floor_warm_ms": round(floor_warm, 2),
                "load_before": load_before,
                "load_after": loadavg(),
            }
        )
    return {"db": connection.vendor, "members": members, "seeded_s": round(seeded, 1), "rows": rows}


def _run_child(db: str, members: int, runs: int, folder: Path) -> dict[str, object]:
    pid = os.getpid()
    if db == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        url = f"{PG}xeploai_bench_quarter_{pid}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
        "XEPLOAI_DATA_DIR": str(folder),
        "XEPLOAI_DEBUG": "0",
    }
    done = subprocess.run(  # noqa: S603 — this very script, with our own arguments
        [sys.executable, __file__, "--one", "--members", str(members), "--runs", str(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-4000:])
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=6000)
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.members, args.runs)))
        return
    import psycopg

    pid = os.getpid()
    pg_name = f"xeploai_bench_quarter_{pid}"
    folder = Path(tempfile.mkdtemp(prefix=f"xeploai-bench-quarter-{pid}-"))
    results = []
    try:
        for db in args.dbs.split(","):
            if db == "postgres":
                with psycopg.connect(PG + "postgres", autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{pg_name}"')
            results.append(_run_child(db, args.members, args.runs, folder))
            print(f"{db}: done", file=sys.stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if "postgres" in args.dbs:
            with psycopg.connect(PG + "postgres", autocommit=True) as admin:
                # only this run's own database; its one client (the child) has exited
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
    print(
        f"{'db':<10} {'unit':<14} {'period':<11} {'stmts':>5} {'rows':>6} "
        f"{'first ms':>9} {'warm ms':>8} {'floor 1st':>9} {'floor ms':>8}  load"
    )
    for result in results:
        for row in result["rows"]:  # type: ignore[attr-defined]
            print(
                f"{result['db']:<10} {row['unit']:<14} {row['period']:<11} "
                f"{row['statements']:>5} {row['rows']:>6} {row['first_ms']:>9.2f} "
                f"{row['warm_ms']:>8.2f} {row['floor_first_ms']:>9.2f} "
                f"{row['floor_warm_ms']:>8.2f}  {row['load_before']} → {row['load_after']}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
