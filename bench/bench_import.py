"""Benchmark of the people import: 100,000 members end to end on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--repeat 3] [--pg postgres://…]

Generates a units workbook (a bloc of grassroots committees and cells) and a people workbook
in a folder of its own (``tempfile.mkdtemp``, one per run, removed at the end with everything
the run wrote there), then times in the same run:

- the floor of reading: python-calamine parsing the people sheet alone;
- the floor of writing: PostgreSQL COPY (and SQLite executemany) of the same rows into a
  scratch table with the person table's columns;
- the import itself, dry run and real, on a fresh SQLite file (in the run's folder) and a fresh
  PostgreSQL database named for the run (``xeploai_bench_import_<pid>``, dropped at the end;
  ``--pg URL`` names another one, which the run creates and drops the same way, refusing one
  that already exists) — a child process per database: Django binds its database at
  start-up — then the same file
  again with nothing changed, and with every member on file differing in one field (every
  row an update).

Prints the machine (cores, memory, load), medians, the ratios to the floors and whether the
goals of issue 6 are met: ≤ 5 s on PostgreSQL, ≤ 10 s on SQLite for 100,000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOALS = {"postgresql": 5.0, "sqlite": 10.0}  # seconds for 100,000 rows (issue 6)
PEOPLE_HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Mã chi bộ",
    "Tình trạng",
    "Là CBCCVC",
    "Trong hệ thống chính trị",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Tâm"]


def cells_for(rows: int) -> list[str]:
    return [f"BK-{g:03d}-{c:02d}" for g in range(1, max(2, rows // 250) + 1) for c in range(1, 6)]


def person_rows(rows: int) -> list[list[Any]]:
    cells = cells_for(rows)
    result = []
    for n in range(rows):
        born = dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
        admitted = dt.date(born.year + 25, 1 + (n * 7) % 12, 1 + (n * 3) % 28)
        name = f"{FAMILY[n % 10]} {MIDDLE[n % 8]} {GIVEN[n % 11]}"
        result.append(
            [
                name,
                born,
                "Nam" if n % 2 else "Nữ",
                f"084{n:09d}",
                f"84{n:07d}",
                admitted,
                admitted + dt.timedelta(days=365),
                cells[n % len(cells)],
                "Đang sinh hoạt",
                "Có" if n % 3 else "Không",
                "Có",
            ]
        )
    return result


def units_workbook(rows: int, path: Path, parent: str = "") -> Path:
    """The bloc ``BK`` (under ``parent``, or a root) with the committees and cells that
    ``rows`` members fill: 2,401 units for 100,000 rows."""
    import openpyxl

    if not path.exists():
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "ToChuc"
        sheet.append(["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên"])
        sheet.append(["BK", "Đảng bộ Khối (thử tải)", "Đảng bộ cấp trên cơ sở", parent])
        for code in cells_for(rows):
            grassroots = code[:6]
            if code.endswith("-01"):
                sheet.append([grassroots, f"Đảng bộ {grassroots}", "Đảng bộ cơ sở", "BK"])
            sheet.append([code, f"Chi bộ {code}", "Chi bộ trực thuộc", grassroots])
        workbook.save(path)
    return path


def generate(rows: int, folder: Path) -> tuple[Path, Path]:
    import openpyxl

    units_path = units_workbook(rows, folder / f"units-{rows}.xlsx")
    people_path = folder / f"people-{rows}.xlsx"
    if not people_path.exists():
        print(f"generating {people_path} ({rows:,} rows)…", flush=True)
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("DangVien")
        sheet.append(PEOPLE_HEADER)
        for row in person_rows(rows):
            sheet.append(row)
        workbook.save(people_path)
    return units_path, people_path


def median_of(repeat: int, work: Any, before: Any = None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def parse_floor(people_path: Path, repeat: int) -> float:
    from python_calamine import CalamineWorkbook

    def parse() -> None:
        workbook = CalamineWorkbook.from_path(str(people_path))
        workbook.get_sheet_by_name("DangVien").to_python(skip_empty_area=False)
        workbook.close()

    return median_of(repeat, parse)


# ---- child: one database ---------------------------------------------------------------------


def child(database_url: str, units_path: Path, people_path: Path, rows: int, repeat: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from xeploai.imports.services import import_file
    from xeploai.lib.text import fold
    from xeploai.org.models import Membership, Person

    call_command("migrate", verbosity=0)
    units = import_file(actor=None, kind="units", path=units_path)
    assert units.ok, units.problems[:5]
    results: dict[str, Any] = {"vendor": connection.vendor, "units": units.created}

    # The floor of writing: the same rows, as tuples, into a scratch copy of the person table.
    cell_ids = dict(
        __import__("xeploai.org.models", fromlist=["OrgUnit"])
        .OrgUnit.objects.filter(kind="chi_bo")
        .values_list("code", "pk")
    )
    tuples = [
        (r[0], fold(r[0]), r[1], "nam", r[3], r[4], r[5], r[6], "dang_sinh_hoat", cell_ids[r[7]])
        for r in person_rows(rows)
    ]
    columns = (
        "full_name, name_folded, date_of_birth, gender, citizen_id, party_card_number, "
        "admission_date, official_date, status, unit_id"
    )

    def scratch_floor() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_scratch")
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TEMPORARY TABLE bench_scratch AS SELECT {columns} FROM org_person "
                    "WITH NO DATA"
                )
                with cursor.cursor.copy(f"COPY bench_scratch ({columns}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)
            else:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE bench_scratch AS SELECT {columns} FROM org_person "
                    "LIMIT 0"
                )
                marks = ", ".join(["%s"] * 10)
                cursor.executemany(
                    f"INSERT INTO bench_scratch ({columns}) VALUES ({marks})",
                    [
                        (
                            *r[:2],
                            r[2].isoformat(),
                            *r[3:6],
                            r[6].isoformat(),
                            r[7].isoformat(),
                            *r[8:],
                        )
                        for r in tuples
                    ],
                )
            cursor.execute("DROP TABLE bench_scratch")

    results["write_floor"] = median_of(repeat, scratch_floor)

    def wipe() -> None:  # not timed; TRUNCATE is quicker than the ORM's cascade on PostgreSQL
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE org_membership, org_person CASCADE")
            else:
                Membership.objects.all().delete()
                Person.objects.all().delete()

    def run(dry_run: bool) -> None:
        outcome = import_file(actor=None, kind="people", path=people_path, dry_run=dry_run)
        assert outcome.ok and outcome.created == rows, outcome.problems[:5]

    results["dry_run"] = median_of(repeat, lambda: run(True), wipe)
    results["import"] = median_of(repeat, lambda: run(False), wipe)
    started = time.perf_counter()
    again = import_file(actor=None, kind="people", path=people_path)
    results["reimport_unchanged"] = time.perf_counter() - started
    assert again.unchanged == rows

    # Every member on file differs from the file in one field (changed in the database, not
    # timed): each row is an update, locked and re-read before it is written.
    def change_everyone() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE org_person SET is_civil_servant = NOT is_civil_servant")

    def run_updates() -> None:
        outcome = import_file(actor=None, kind="people", path=people_path)
        assert outcome.ok and outcome.updated == rows, outcome.problems[:5]

    results["reimport_all_changed"] = median_of(repeat, run_updates, change_everyone)
    print("RESULT " + json.dumps(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--pg",
        default=f"postgres://postgres@127.0.0.1:5432/xeploai_bench_import_{os.getpid()}",
        help="a database this run creates and drops (it must not exist)",
    )
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--child", nargs=3, metavar=("DATABASE_URL", "ROWS", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        folder = Path(args.child[2])
        units_path, people_path = generate(args.rows, folder)
        child(args.child[0], units_path, people_path, int(args.child[1]), args.repeat)
        return
    folder = Path(tempfile.mkdtemp(prefix="xeploai-bench-import-"))
    created: list[str] = []
    try:
        run_all(args, folder, created)
    finally:
        for url in created:
            _drop_pg(url)
        shutil.rmtree(folder, ignore_errors=True)


def run_all(args: argparse.Namespace, folder: Path, created: list[str]) -> None:
    _, people_path = generate(args.rows, folder)
    print(machine())
    parse = parse_floor(people_path, args.repeat)
    print(
        f"calamine parse alone ({args.rows:,} rows): {parse:.2f} s "
        f"({args.rows / parse:,.0f} rows/s)"
    )
    databases = [("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")]
    if not args.no_pg:
        databases.append(("postgresql", args.pg))
    for name, url in databases:
        if name == "postgresql":
            _create_pg(url)
            created.append(url)
        completed = subprocess.run(  # noqa: S603 — our own script, our arguments
            [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--repeat",
                str(args.repeat),
                "--child",
                url,
                str(args.rows),
                str(folder),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = completed.stdout.splitlines()
        line = next((text for text in lines if text.startswith("RESULT ")), None)
        if line is None:
            print(f"{name}: failed\n{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}")
            continue
        r = json.loads(line[7:])
        floor = "COPY" if name == "postgresql" else "executemany"
        print(
            f"{name}: {r['units']} units; write floor ({floor} alone) {r['write_floor']:.2f} s; "
            f"dry run {r['dry_run']:.2f} s; import {r['import']:.2f} s "
            f"({args.rows / r['import']:,.0f} rows/s); re-import unchanged "
            f"{r['reimport_unchanged']:.2f} s; re-import with every row changed "
            f"{r['reimport_all_changed']:.2f} s"
        )
        print(
            f"  ratios: import / (parse + write floor) = "
            f"{r['import'] / (parse + r['write_floor']):.2f}; import / parse = "
            f"{r['import'] / parse:.2f}; dry run / parse = {r['dry_run'] / parse:.2f}"
        )
        goal = GOALS[name] * args.rows / 100_000
        verdict = "met" if r["import"] <= goal else "NOT met"
        print(f"  goal ≤ {goal:.1f} s: {verdict}")
    print(machine())


def machine() -> str:
    """Cores, memory and load: timings on a shared machine mean little without them."""
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, {memory} RAM, load average {load}"


def _create_pg(url: str) -> None:
    """Create the run's database; one that exists belongs to someone else: refuse."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"{name} exists: not this run's, left alone (pass another --pg)")
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_pg(url: str) -> None:
    """Drop the database this run created (its own child has exited: no one else is in it)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
