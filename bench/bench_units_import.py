# ruff: noqa: S603 — a bench script running this checkout's own code on databases it names
"""The units import into the national database against the same import into an empty one
(issue 19 §3: "2,401 units into the national database: ≤ 1 s above the same import into an
empty one").

    .venv/bin/python bench/bench_units_import.py --database xeploai_gen_full [--repeat 3]

The workbook of ``bench/bench_import.py`` (the bloc ``BK``: 2,401 units for 100,000 rows) is
written into a folder of its own; in the national database the bloc goes under its first
province (``--parent`` names another unit), in the empty one it is a root. Each import runs
through ``imports.services.import_file`` — what ``xeploai import units`` calls — in a child
process bound to that database, inside a transaction that is **rolled back** afterwards:
nothing is left in the national database, and it is not copied. The first import of the
process is reported (cold), then the median of ``--repeat`` more (warm). The empty database
is created for the run (``xeploai_bench_units_<pid>``, migrated) and dropped at its end; no
connection the run did not open is ended.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
HOST = "postgres://postgres@127.0.0.1:5432"
GOAL_S = 1.0

from bench.bench_import import units_workbook  # noqa: E402
from bench.bench_import_cli import admin  # noqa: E402
from bench.floors import loadavg  # noqa: E402


class Rollback(Exception):
    """Raised at the end of a timed import to undo it."""


def child(path: Path, parent: str, repeat: int) -> None:
    """In the database of ``DATABASE_URL``: the import ``repeat + 1`` times, each undone."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from django.db import transaction

    from xeploai.imports.services import import_file
    from xeploai.org.models import OrgUnit

    units = OrgUnit.objects.count()
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                outcome = import_file(actor=None, kind="units", path=path)
                elapsed = time.perf_counter() - started
                if outcome.problems:
                    raise SystemExit(f"the import refused the workbook: {outcome.problems[:3]}")
                raise Rollback
        except Rollback:
            times.append(elapsed)
    assert OrgUnit.objects.count() == units, "the import was not undone"
    print(json.dumps({"units": units, "first": times[0], "warm": statistics.median(times[1:])}))


def measure(database: str, path: Path, parent: str, repeat: int) -> dict[str, float]:
    env = {**os.environ, "DATABASE_URL": f"{HOST}/{database}"}
    command = [sys.executable, __file__, "--child", str(path), "--parent", parent]
    output = subprocess.run(
        [*command, "--repeat", str(repeat)], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def first_province(database: str) -> str:
    rows = admin("SELECT code FROM org_orgunit WHERE depth = 1 ORDER BY path LIMIT 1", db=database)
    return str(rows[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="the national database (left unchanged)")
    parser.add_argument("--parent", default="", help="the unit the bloc goes under")
    parser.add_argument("--rows", type=int, default=100_000, help="members the bloc is cut for")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.parent, args.repeat)
        return
    if not args.database:
        parser.error("--database is required")
    folder = Path(tempfile.mkdtemp(prefix="xeploai-bench-units-"))
    empty = f"xeploai_bench_units_{os.getpid()}"
    try:
        run(args, folder, empty)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{empty}"')
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path, empty: str) -> None:
    parent = args.parent or first_province(args.database)
    national = units_workbook(args.rows, folder / "units-national.xlsx", parent)
    alone = units_workbook(args.rows, folder / "units-alone.xlsx")
    admin(f'CREATE DATABASE "{empty}"')
    subprocess.run(
        [BIN / "xeploai", "migrate", "-v", "0"],
        env={**os.environ, "DATABASE_URL": f"{HOST}/{empty}"},
        check=True,
    )
    print(f"load before: {loadavg()}")
    into_empty = measure(empty, alone, "", args.repeat)
    into_national = measure(args.database, national, parent, args.repeat)
    print(f"load after: {loadavg()}")
    for name, result in (("empty", into_empty), (args.database, into_national)):
        print(
            f"into {name} ({int(result['units']):,} units before): first {result['first']:.2f} s,"
            f" warm median {result['warm']:.2f} s"
        )
    above = into_national["warm"] - into_empty["warm"]
    above_first = into_national["first"] - into_empty["first"]
    verdict = "met" if max(above, above_first) <= GOAL_S else "not met"
    print(
        f"above the empty database: warm {above:+.2f} s, first {above_first:+.2f} s "
        f"(goal ≤ {GOAL_S:.0f} s): {verdict}"
    )


if __name__ == "__main__":
    main()
