# ruff: noqa: S603, S607 — a bench script that runs local tools (gunicorn, locust, pgrep)
"""The December crunch under load: gunicorn + PostgreSQL on loopback, driven by locust.

    .venv/bin/python bench/bench_load.py                      # 50,000 members, 50 users, 90 s
    .venv/bin/python bench/bench_load.py --members 50000 --users 50 --run-time 90 --workers 4

One command, in this order:

1. the demo bloc is seeded once with ``xeploai seed-demo --members N`` into the PostgreSQL
   database ``xeploai_load_seed_<N>`` (built under a name of its own run, then renamed: a
   half-built seed is never anyone's template; kept: later runs skip this) — or
   ``--template DB`` names another database to start from (the national country of
   ``xeploai gen``) — and every run works on a fresh copy of it named for the run,
   ``xeploai_load_<pid>`` (``CREATE DATABASE … TEMPLATE``), dropped at the end. A template
   someone else is connected to is waited for, never taken: the run ends no connection it did
   not open;
2. ``bench/load/accounts.py`` adds the cast, spread over the country in a fixed pseudo-random
   order of the units: members with a review to write, cell secretaries, grassroots office
   clerks, organization-board members (on a generated country, where every file of the open
   year is decided, it puts files back in the copy: see its docstring). Accounts share the
   demo's password hash and each has a ready session (nothing is hashed in the set-up); the
   number of members is what the run can use (``cast_members``);
3. gunicorn serves ``xeploai.wsgi`` with ``--workers`` processes on 127.0.0.1, with the normal
   settings: DEBUG off, a test secret key, ALLOWED_HOSTS set (XEPLOAI_ENV stays
   ``development`` only because production's secure cookies need HTTPS, which loopback has not);
4. locust runs ``bench/load/locustfile.py`` headless: ``--users`` concurrent users for
   ``--run-time`` seconds, then lets the tasks under way finish;
5. gunicorn stops; ``bench/load/verify.py`` checks that the statistics equal a full recount and
   that the submissions, decisions and ballots locust saw succeed are exactly those in the
   database;
6. the results (p50/p95/p99 per request type, requests/s, errors, CPU per request, the
   consistency verdict, ``uptime``) are appended to docs/benchmarks.md (``--no-append``: only
   printed).

Goal (issue 6): p95 ≤ 100 ms for page loads and saves at 50 concurrent users, zero errors.
Logins (PBKDF2 with Django's 1,200,000 iterations, ~0.6 s of CPU by design) are reported but
are not page loads or saves.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "load" / f"run-{os.getpid()}"  # this run's files (kept: the results)
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432/"
RUN_DB = f"xeploai_load_{os.getpid()}"  # this run's own copy, dropped at the end
sys.path.append(str(ROOT))
from bench.floors import interpreter  # noqa: E402

SECRET = "load-test-secret-key-not-for-production-0123456789"  # noqa: S105 — a test key


def psql(sql: str, db: str = "postgres") -> str:
    import psycopg

    with psycopg.connect(PG + db, autocommit=True) as connection:
        cursor = connection.execute(sql)
        if cursor.description is None:
            return ""
        row = cursor.fetchone()
        return "" if row is None else str(row[0])


def env_for(db: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG + db,
        "XEPLOAI_DEBUG": "0",
        "XEPLOAI_SECRET_KEY": SECRET,
        "XEPLOAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "XEPLOAI_DATA_DIR": str(VAR / "data"),
        # one load account per cell keys both entries of a paper count (a one-person office)
        "XEPLOAI_BALLOT_ONE_KEYER": "1",
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
    }


def exists(name: str) -> bool:
    return bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def ensure_seed(members: int) -> tuple[str, float | None]:
    """The seeded template database; the seconds seeding took when it was built now."""
    name = f"xeploai_load_seed_{members}"
    if exists(name):
        return name, None
    # built under this run's own name, renamed when complete: no other run ever sees (or
    # drops) a half-built seed, and this one never drops a seed it did not build
    building = f"{name}_building_{os.getpid()}"
    psql(f'CREATE DATABASE "{building}"')
    env = env_for(building)
    started = time.perf_counter()
    try:
        subprocess.run([BIN / "xeploai", "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run(
            [BIN / "xeploai", "seed-demo", "--members", str(members)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        if exists(name):  # another run finished first: use its seed
            psql(f'DROP DATABASE "{building}"')
        else:
            psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    except BaseException:
        psql(f'DROP DATABASE IF EXISTS "{building}"')
        raise
    return name, seconds


def fresh_copy(template: str, wait: float = 300) -> float:
    """``RUN_DB`` as a copy of ``template``; the seconds the copy took. PostgreSQL copies a
    template only while no one is connected to it: wait for the others to leave (never end
    their connections)."""
    import psycopg

    deadline = time.monotonic() + wait
    while True:
        try:
            started = time.perf_counter()
            psql(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{template}"')
            copied = time.perf_counter() - started
            break
        except psycopg.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise SystemExit(f"{template} stayed in use for {wait:.0f} s: not copied") from None
            time.sleep(2)
    # the template may come from an older checkout: bring its schema (and derived tables) up
    migrate = [BIN / "xeploai", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, env=env_for(RUN_DB), check=True)
    return copied


def drop_copy() -> None:
    """Drop this run's copy (gunicorn has stopped; its own connections are gone)."""
    psql(f'DROP DATABASE IF EXISTS "{RUN_DB}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url}")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (from /proc, in seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def children(pid: int) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(p) for p in out.split()]


def postgres_pids() -> list[int]:
    """The server processes of the run database's connections (gunicorn keeps them open:
    CONN_MAX_AGE, 60 s by default)."""
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [RUN_DB]
        ).fetchall()
    return [int(row[0]) for row in rows]


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def read_stats(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def is_goal_row(name: str) -> bool:
    return not name.startswith("login") and name != "Aggregated"


def render(result: dict[str, object], rows: list[dict[str, str]]) -> str:
    goal_rows = [r for r in rows if is_goal_row(r["Name"])]
    worst = max(goal_rows, key=lambda r: float(r["95%"]))
    minimum = int(result["min_samples"])  # type: ignore[call-overload]
    few = [r["Name"] for r in goal_rows if int(r["Request Count"]) < minimum]
    errors = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
    verify = result["verify"]
    assert isinstance(verify, dict)
    p95_met = float(worst["95%"]) <= 100
    busy_cores = float(result["busy_pct"]) / 100 * float(result["nproc"])  # type: ignore[arg-type]
    ours = float(result["ours_cores"])  # type: ignore[arg-type]
    limit = (
        f"what limits it: CPU — the machine ({result['nproc']} cores) was {busy_cores:.1f} cores "
        f"busy in the window, this test's processes (gunicorn, PostgreSQL, locust) "
        f"{ours:.1f} cores and other work on the shared machine the other "
        f"{max(0.0, busy_cores - ours):.1f}; each request costs "
        f"{float(result['cpu_app_ms']) + float(result['cpu_db_ms']):.0f} ms of CPU "  # type: ignore[arg-type]
        f"(app + PostgreSQL), so the p95 is queueing for a core, not the pages' own time "
        f"(table above)."
    )
    met = p95_met and errors == 0 and verify["consistent"] and not few
    lines = [
        f"\n## Load test — the December crunch ({result['date']})\n",
        f"- machine: {result['machine']}",
        f"- command: `{result['command']}`",
        f"- set-up: {result['source']} ({result['units']}), PostgreSQL {result['pg']}"
        + (f", seeding took {result['seed_s']:.0f} s" if result["seed_s"] else "")
        + f"; the run's own copy `{RUN_DB}` (made in {result['copy_s']:.0f} s, dropped after the "
        f"run; the cast set up in {result['setup_s']} s, files put back for it "
        f"{json.dumps(result['rewound'])})"
        + f"; gunicorn {result['workers']} sync workers, DEBUG off; locust "
        f"{result['users']} users (spawn {result['spawn']}/s, think {result['think']} s) for "
        f"{result['run_time']} s in all; cast: {result['cast']}; the statistics below are reset once "
        f"every user has logged in (the ramp is mostly the users' PBKDF2 logins: "
        f"{json.dumps(verify.get('logins'))}, form + post, not part of the goal)",
        f"- load before / after: `{result['uptime_before']}` / `{result['uptime_after']}`",
        f"- throughput: {result['rps']:.1f} requests/s after the logins "
        f"({result['requests']} requests), errors: {errors}",
        f"- CPU: gunicorn workers {result['cpu_app_ms']:.1f} ms per request, PostgreSQL "
        f"{result['cpu_db_ms']:.1f} ms per request; machine busy {result['busy_pct']:.0f} % of "
        f"{result['nproc']} cores in the measured window of {result['window']:.0f} s, locust itself "
        f"{result['cpu_locust_pct']:.0f} % of a core (approximate: /proc of the workers, of the "
        f"PostgreSQL backends and of locust)",
        "",
        "| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        name = r["Name"] if r["Name"] != "Aggregated" else "**all requests**"
        lines.append(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} "
            f"| {r['99%']} | {float(r['Max Response Time']):.0f} |"
        )
    checks = verify["checks"]
    assert isinstance(checks, dict)
    lines += [
        "",
        "Consistency after the run: "
        + ("**consistent**" if verify["consistent"] else "**NOT consistent**")
        + f" — counted by locust {json.dumps(verify['counted'])}, held by the database "
        f"{json.dumps(verify['held'])}; "
        + "; ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()),
        "",
        "Each page alone after the run (Django test client in one process, same database: no "
        "queueing, no network; median of 9):",
        "",
        "| page | wall ms | CPU ms | queries | KB |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {r['page']} | {r['wall_ms']} | {r['cpu_ms']} | {r['queries']} | {r['kb']} |"
            for r in result["service"]  # type: ignore[attr-defined]
        ),
        "",
        "Decisions the rules refused (answered with the rule's clause, as for a person; not "
        f"errors): {json.dumps(verify.get('refusals'), ensure_ascii=False)}.",
        "",
        f"Goal (p95 ≤ 100 ms for every type of page load and save at {result['users']} users, "
        f"each on ≥ {minimum} samples, zero errors, nothing lost): **{'met' if met else 'not met'}** — slowest p95: {worst['Name']} "
        f"{worst['95%']} ms (logins are PBKDF2 by design and not counted)"
        + (
            "."
            if met
            else "; "
            + "; ".join(
                ([limit] if not p95_met else [])
                + ([f"{errors} errors (var/load/run-<pid>/run_failures.csv)"] if errors else [])
                + (["the consistency check failed"] if not verify["consistent"] else [])
                + (
                    [f"fewer than {minimum} samples of: {', '.join(few)} (run longer)"]
                    if few
                    else []
                )
            )
        ),
    ]
    return "\n".join(lines) + "\n"


WEIGHTS = {"members": 26, "secretaries": 10, "clerks": 8, "board": 6}  # the December mix


def cast_members(args: argparse.Namespace) -> int:
    """Enough members that none of the member users runs out: a member's round (nine
    requests, five waits of at least ``--think``'s minimum) is written once."""
    share = WEIGHTS["members"] / sum(WEIGHTS.values())
    users = max(1, round(args.users * share))
    think_min = float(args.think.split("-")[0])
    rounds = args.run_time / max(0.2, 5 * think_min) + 1
    return int(users * rounds * 1.2) + 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", type=int, default=90, help="seconds")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", default="1-3", help="seconds between actions, min-max")
    parser.add_argument(
        "--cast-members",
        type=int,
        default=0,
        help="0: as many as the run can use (see cast_members)",
    )
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument(
        "--no-service", action="store_true", help="skip timing each page alone after the run"
    )
    parser.add_argument(
        "--min-samples",
        type=int,
        default=200,
        help="a request type with fewer samples leaves the goal unmet (its p95 means little)",
    )
    parser.add_argument(
        "--template",
        help="start from a copy of this database (e.g. the national country of `xeploai gen`) "
        "instead of the demo bloc",
    )
    args = parser.parse_args()
    try:
        run_load(args)
    finally:
        drop_copy()


def run_load(args: argparse.Namespace) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    think_min, think_max = args.think.split("-")
    command = "python bench/bench_load.py " + " ".join(sys.argv[1:])

    if args.template:
        template, seed_s = args.template, None
    else:
        template, seed_s = ensure_seed(args.members)
    print(f"seed: {template}" + (f" built in {seed_s:.0f} s" if seed_s else " (reused)"))
    copy_s = fresh_copy(template)
    print(f"copied {template} in {copy_s:.1f} s", flush=True)
    env = env_for(RUN_DB)
    cast_path = VAR / "cast.json"
    subprocess.run(
        [
            sys.executable,
            ROOT / "bench/load/accounts.py",
            "--out",
            cast_path,
            "--members",
            str(args.cast_members or cast_members(args)),
        ],
        env=env,
        check=True,
    )
    cast = json.loads(cast_path.read_text(encoding="utf-8"))
    units = psql("SELECT count(*) FROM org_orgunit", db=RUN_DB)
    pg_version = psql("SHOW server_version")

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            BIN / "gunicorn",
            "xeploai.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    counts_path = VAR / "counts.json"
    counts_path.unlink(missing_ok=True)
    steady_path = VAR / "steady"
    steady_path.unlink(missing_ok=True)
    try:
        wait_until_up(host + "/login/")
        workers = children(gunicorn.pid)
        uptime_before = uptime()
        started = time.perf_counter()
        locust = subprocess.Popen(
            [
                BIN / "locust",
                "-f",
                ROOT / "bench/load/locustfile.py",
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--stop-timeout",
                "60",
                "--host",
                host,
                "--csv",
                VAR / "run",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "LOAD_CAST": str(cast_path),
                "LOAD_COUNTS": str(counts_path),
                "LOAD_STEADY": str(steady_path),
                "LOAD_THINK_MIN": think_min,
                "LOAD_THINK_MAX": think_max,
                **{f"LOAD_W_{role.upper()}": str(w) for role, w in WEIGHTS.items()},
            },
        )
        # The locust script resets its statistics once every user has logged in (the ramp is
        # mostly PBKDF2) and says so in the file LOAD_STEADY: the CPU is measured from then.
        while not steady_path.exists() and locust.poll() is None:
            time.sleep(0.2)
        steady_at = time.perf_counter()
        db_cpu0 = {pid: cpu_seconds([pid]) for pid in postgres_pids()}
        locust_cpu0 = cpu_seconds([locust.pid])
        app_cpu0, busy0 = cpu_seconds(workers), machine_busy()
        locust_cpu = 0.0
        db_cpu_last: dict[int, float] = {}
        while locust.poll() is None:
            locust_cpu = cpu_seconds([locust.pid]) - locust_cpu0
            # connections are recycled (CONN_MAX_AGE): follow each one while it lives; one
            # opened during the window counts from zero
            for pid in postgres_pids():
                db_cpu_last[pid] = cpu_seconds([pid]) or db_cpu_last.get(pid, 0.0)
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        window = time.perf_counter() - steady_at
        app_cpu = cpu_seconds(workers) - app_cpu0
        db_cpu = sum(last - db_cpu0.get(pid, 0.0) for pid, last in db_cpu_last.items())
        busy1 = machine_busy()
        uptime_after = uptime()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=60)

    rows = read_stats(VAR / "run_stats.csv")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    verify = json.loads(
        subprocess.run(
            [
                sys.executable,
                ROOT / "bench/load/verify.py",
                counts_path,
                str(cast["period"]),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    service = (
        []
        if args.no_service
        else json.loads(
            subprocess.run(
                [sys.executable, ROOT / "bench/load/service_times.py", cast_path],
                env={**env, "XEPLOAI_ALLOWED_HOSTS": "testserver"},  # Django's test client
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
    )
    mem_gb = int(Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]) / 1024 / 1024
    nproc = os.cpu_count() or 1
    result: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{nproc} cores (nproc), {mem_gb:.0f} GB RAM, {os.uname().sysname} "
        f"{os.uname().release}, Python {interpreter()}",
        "command": command,
        "members": args.members,
        "source": f"a copy of `{args.template}`"
        if args.template
        else f"demo bloc seeded with `xeploai seed-demo --members {args.members}`"
        + (" (seed reused)" if seed_s is None else ""),
        "units": f"{units} units",
        "pg": pg_version,
        "seed_s": seed_s,
        "copy_s": copy_s,
        "setup_s": cast.get("setup_seconds"),
        "rewound": cast.get("rewound"),
        "workers": args.workers,
        "users": args.users,
        "spawn": args.spawn_rate,
        "think": args.think,
        "run_time": args.run_time,
        "cast": f"{len(cast['members'])} members, {len(cast['secretaries'])} secretaries, "
        f"{len(cast['clerks'])} clerks, {len(cast['board'])} board members",
        "uptime_before": uptime_before,
        "uptime_after": uptime_after,
        "requests": requests,
        "rps": float(total["Requests/s"]),
        "elapsed": elapsed,
        "window": window,
        "cpu_locust_pct": 100 * locust_cpu / max(1.0, window),
        "cpu_app_ms": 1000 * app_cpu / max(1, requests),
        "cpu_db_ms": 1000 * db_cpu / max(1, requests),
        "busy_pct": 100 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
        "ours_cores": (app_cpu + db_cpu + locust_cpu) / max(1.0, window),
        "nproc": nproc,
        "min_samples": args.min_samples,
        "verify": verify,
        "service": service,
    }
    text = render(result, rows)
    print(text)
    (VAR / "result.json").write_text(json.dumps(result, default=str, indent=1), encoding="utf-8")
    if not args.no_append:
        path = ROOT / "docs" / "benchmarks.md"
        if not path.exists():
            path.write_text(
                "# Benchmarks\n\nResults appended by the scripts in `bench/` (newest last).\n",
                encoding="utf-8",
            )
        with path.open("a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
