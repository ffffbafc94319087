# ruff: noqa: S603 — a bench script running this checkout's own command on its own database
"""``xeploai import people`` as an operator runs it: a new process, the application's ordinary
role (with the grant docs/deploy.md documents), wall clock from the command's start to its end.

    .venv/bin/python bench/bench_import_cli.py [--rows 100000] [--repeat 3] [--against TREE]

In one run, all of it created for the run and removed at its end (names carry the pid): a
role ``xeploai_bench_role_<pid>`` owning a database ``xeploai_bench_cli_<pid>``, granted
``SET ON PARAMETER session_replication_role``; the workbooks of ``bench/bench_import.py`` in a
folder of its own. Then:

- the floors, each a new process too: python-calamine reading the people sheet alone, and
  PostgreSQL COPY of the same rows into a scratch copy of the person table;
- ``xeploai import units`` (the bloc: 2,401 units for 100,000 rows), once;
- ``xeploai import people`` ``--repeat`` times on an emptied person table: wall clock, the
  command's own CPU (user + system) and the CPU of PostgreSQL's backends serving it (from
  /proc, as bench_load.py does), the machine's load before and after. With ``--against TREE``
  (another checkout of the project, e.g. ``git worktree add /tmp/before main``) each round runs
  the command of TREE too (``PYTHONPATH=TREE``, this venv), before and after alternating. The
  trees' modules are compiled to bytecode first, as an installation has them.

Prints one line per step and the goal: ≤ 5 s wall clock for 100,000 rows (issue 19).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.bench_import import generate  # noqa: E402
from bench.floors import loadavg  # noqa: E402

ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
ROLE = f"xeploai_bench_role_{os.getpid()}"
DB = f"xeploai_bench_cli_{os.getpid()}"
URL = f"postgres://{ROLE}@127.0.0.1:5432/{DB}"


def admin(*statements: str, db: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(ADMIN.rsplit("/", 1)[0] + "/" + db, autocommit=True) as connection:
        rows: list[tuple] = []
        for sql in statements:
            cursor = connection.execute(sql)
            if cursor.description is not None:
                rows = cursor.fetchall()
        return rows


def backend_cpu(db: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to ``db``."""
    tick = os.sysconf("SC_CLK_TCK")
    result = {}
    for (pid,) in admin(f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'"):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        result[int(pid)] = (int(fields[11]) + int(fields[12])) / tick
    return result


def timed(command: list[str | Path], tree: Path = ROOT) -> tuple[float, float, float]:
    """(wall s, the command's CPU s, PostgreSQL's CPU s for it) of one command, run with the
    code of ``tree``."""
    env = {**os.environ, "DATABASE_URL": URL, "XEPLOAI_DEBUG": "0", "PYTHONPATH": str(tree)}
    seen: dict[int, float] = {}
    done = threading.Event()

    def follow() -> None:  # a backend lives as long as the command's connection
        while not done.is_set():
            seen.update(backend_cpu(DB))
            time.sleep(0.2)

    watcher = threading.Thread(target=follow)
    before = os.times()
    started = time.perf_counter()
    watcher.start()
    try:
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    finally:
        wall = time.perf_counter() - started
        done.set()
        watcher.join()
    after = os.times()
    own = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, own, sum(seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, run in turn with this one")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xeploai-bench-cli-"))
    admin(
        f'CREATE ROLE "{ROLE}" LOGIN',
        f'CREATE DATABASE "{DB}" OWNER "{ROLE}"',
        f'GRANT SET ON PARAMETER session_replication_role TO "{ROLE}"',
    )
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        admin(
            f'DROP DATABASE IF EXISTS "{DB}"',
            f'REVOKE SET ON PARAMETER session_replication_role FROM "{ROLE}"',
            f'DROP ROLE IF EXISTS "{ROLE}"',
        )


def run(args: argparse.Namespace, folder: Path) -> None:
    units, people = generate(args.rows, folder)
    xeploai = BIN / "xeploai"
    print(f"load {loadavg()}; role {ROLE} (owner, SET session_replication_role granted)")
    subprocess.run(
        [xeploai, "migrate", "-v", "0"], env={**os.environ, "DATABASE_URL": URL}, check=True
    )
    wall, own, db = timed([xeploai, "import", "units", units])
    print(f"import units: {wall:.2f} s wall ({own:.2f} s CPU, PostgreSQL {db:.2f} s)")
    parse = (
        "from python_calamine import CalamineWorkbook as W; "
        f"W.from_path({str(people)!r}).get_sheet_by_name('DangVien').to_python()"
    )
    wall, own, _ = timed([sys.executable, "-c", parse])
    print(f"floor, calamine reading the sheet in a new process: {wall:.2f} s ({own:.2f} s CPU)")
    copy_floor = (
        "import os, psycopg, python_calamine as c\n"
        f"rows = c.CalamineWorkbook.from_path({str(people)!r}).get_sheet_by_name('DangVien')"
        ".to_python()[1:]\n"
        "with psycopg.connect(os.environ['DATABASE_URL']) as db:\n"
        "    db.execute('CREATE TEMPORARY TABLE s AS SELECT full_name, name_folded, citizen_id, "
        "party_card_number, gender, status FROM org_person WITH NO DATA')\n"
        "    with db.cursor().copy('COPY s (full_name, name_folded, citizen_id, "
        "party_card_number, gender, status) FROM STDIN') as copy:\n"
        "        for r in rows: copy.write_row((r[0], r[0].lower(), r[3], r[4], 'nam', "
        "'dang_sinh_hoat'))\n"
    )
    wall, own, db = timed([sys.executable, "-c", copy_floor])
    print(
        f"floor, the same read + COPY of the rows into a scratch table: {wall:.2f} s "
        f"({own:.2f} s CPU, PostgreSQL {db:.2f} s)"
    )
    floor = wall
    trees = {"": ROOT} if args.against is None else {"before": args.against, "after": ROOT}
    for tree in trees.values():
        # Bytecode, as ``pip install`` (docs/deploy.md) leaves it: a checkout run with
        # PYTHONDONTWRITEBYTECODE set compiles the application's modules at every start.
        subprocess.run([sys.executable, "-m", "compileall", "-q", tree / "xeploai"], check=True)
    walls: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(args.repeat):
        for name, tree in trees.items():
            admin("TRUNCATE org_membership, org_person CASCADE", db=DB)
            subprocess.run(  # the counts of the emptied table (not timed)
                [
                    xeploai,
                    "shell",
                    "-c",
                    "from xeploai.org.counts import member_counts_rebuild as r; r()",
                ],
                env={**os.environ, "DATABASE_URL": URL},
                check=True,
            )
            load = loadavg()
            wall, own, db = timed([xeploai, "import", "people", people], tree)
            walls[name].append(wall)
            print(
                f"{name + ': ' if name else ''}xeploai import people ({args.rows:,} rows): "
                f"{wall:.2f} s wall, {own:.2f} s CPU of its own, PostgreSQL {db:.2f} s; "
                f"load {load} → {loadavg()}"
            )
    goal = 5.0 * args.rows / 100_000
    for name, times in walls.items():
        median = statistics.median(times)
        print(
            f"{name + ': ' if name else ''}median {median:.2f} s = {median / floor:.2f} × the "
            f"read + COPY floor; goal ≤ {goal:.1f} s wall clock: "
            f"{'met' if median <= goal else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
