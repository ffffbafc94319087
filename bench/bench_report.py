"""Report latency: the compute step of the standard report against the raw SQL floor.

    .venv/bin/python bench/bench_report.py                      # 6,000 and 250,000 members,
                                                                # SQLite and PostgreSQL
    .venv/bin/python bench/bench_report.py --sizes 6000 --dbs sqlite --runs 30

Each (database, size) runs in its own process: the demo bloc is seeded once
(``seed_demo(members=N)``) and kept — SQLite files in ``var/bench/``, PostgreSQL databases
``xeploai_bench_<N>`` on 127.0.0.1 — so later runs only measure. PostgreSQL is filled by
copying the seeded SQLite file when there is one (run the SQLite sizes first; it is the order
of the default ``--dbs``). For the decided previous year
and the open current year of the bloc's root it reports the median server time of
``compute_report`` (statistics tables: blocks, drill-down, quota pools, progress) next to the
median of the raw floor measured in the same run: one direct aggregate over the evaluations of
the same subtree (counts per block and result, nothing else). Goals: ≤ 5 ms on PostgreSQL,
≤ 50 ms on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
PG = "postgres://postgres@127.0.0.1:5432/"


def database_url(db: str, size: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{CACHE / f'bench-{size}.sqlite3'}"
    return f"{PG}xeploai_bench_{size}"


def ensure_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def copy_sqlite_to_postgres(size: int) -> bool:
    """Fill the (migrated, empty) PostgreSQL bench database from the cached SQLite one.

    Seeding 250,000 members straight into PostgreSQL takes far longer than copying the seeded
    SQLite file with COPY (Django's foreign keys on PostgreSQL are deferred, so table order
    does not matter inside the transaction). Returns False when there is nothing to copy.
    """
    import sqlite3

    import psycopg
    from django.apps import apps

    source = CACHE / f"bench-{size}.sqlite3"
    if not source.exists():
        return False
    # bring the cached file to the current schema first, so that every table and column exists
    subprocess.run(
        [sys.executable, "-m", "xeploai", "migrate", "-v", "0"],
        env={**os.environ, "DATABASE_URL": database_url("sqlite", size)},
        check=True,
    )
    lite = sqlite3.connect(source)
    if not lite.execute("SELECT 1 FROM org_orgunit LIMIT 1").fetchone():
        return False
    with psycopg.connect(database_url("postgres", size)) as pg:
        pg.execute("SET TIME ZONE 'UTC'")
        if pg.execute("SELECT 1 FROM org_orgunit LIMIT 1").fetchone():
            return True  # already there
        models = list(apps.get_models(include_auto_created=True))
        tables = ", ".join(f'"{m._meta.db_table}"' for m in models)
        pg.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # what migrate created
        for model in models:
            table = model._meta.db_table
            columns = [f.column for f in model._meta.local_concrete_fields]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = lite.execute(f'SELECT {quoted} FROM "{table}"')
            with pg.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            if "id" in columns:
                pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
                )
        pg.execute("ANALYZE")
    return True


def median_ms(run, runs: int) -> float:
    for _ in range(3):
        run()  # warm caches and connections
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(db: str, size: int, runs: int) -> dict[str, object]:
    """Inside the child process: DATABASE_URL is already set."""
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if db == "postgres":
        copy_sqlite_to_postgres(size)
    from xeploai.cycles.models import Period
    from xeploai.reports.compute import compute_report
    from xeploai.seed.demo import seed_demo

    started = time.monotonic()
    result = seed_demo(members=size, log=lambda _: None)
    seeded = time.monotonic() - started if result.created else 0.0
    root = result.root
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after the bulk load
    raw_sql = (
        "SELECT e.kind, e.level, e.not_rated_reason, COUNT(*) "
        "FROM reviews_evaluation e JOIN org_orgunit u ON u.id = e.unit_id "
        "WHERE e.period_id = %s AND u.path LIKE %s GROUP BY e.kind, e.level, e.not_rated_reason"
    )
    rows = []
    for period in Period.objects.filter(scope_root=root).order_by("year"):

        def raw(period_id: int = period.pk) -> None:
            with connection.cursor() as cursor:
                cursor.execute(raw_sql, [period_id, root.path + "%"])
                cursor.fetchall()

        def report(period: Period = period) -> None:
            compute_report(root, period, as_of=dt.date(period.year, 12, 31))

        raw_ms = median_ms(raw, runs)
        report_ms = median_ms(report, runs)
        rows.append(
            {
                "period": period.year,
                "status": period.status,
                "report_ms": round(report_ms, 2),
                "raw_ms": round(raw_ms, 2),
                "ratio": round(report_ms / raw_ms, 3) if raw_ms else None,
            }
        )
    return {"db": db, "size": size, "seeded_s": round(seeded, 1), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="6000,250000")
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--one", nargs=2, metavar=("DB", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]), args.runs)))
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    results = []
    for db in args.dbs.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            if db == "postgres":
                ensure_postgres_database(f"xeploai_bench_{size}")
            env = {
                **os.environ,
                "DATABASE_URL": database_url(db, size),
                "DJANGO_SETTINGS_MODULE": "xeploai.settings",
                "XEPLOAI_DATA_DIR": str(CACHE),
            }
            done = subprocess.run(  # noqa: S603 — this very script, with our own arguments
                [sys.executable, __file__, "--one", db, str(size), "--runs", str(args.runs)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"{db} {size}: done", file=sys.stderr)
    print(
        f"{'database':<10} {'members':>8} {'year':>5} {'status':<13} {'report ms':>10} {'raw ms':>8} {'ratio':>7}"
    )
    for result in results:
        for row in result["rows"]:
            print(
                f"{result['db']:<10} {result['size']:>8} {row['period']:>5} {row['status']:<13} "
                f"{row['report_ms']:>10.2f} {row['raw_ms']:>8.2f} {row['ratio']:>7.3f}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
