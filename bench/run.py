"""The benchmark suite: run the benchmarks and append a dated section to docs/benchmarks.md.

    make bench                                  # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --quick       # a 60,000-member country instead of the nation
    .venv/bin/python bench/run.py --rules --report --import   # the older benchmarks as well

By default it runs the national report benchmark (``bench/bench_national.py``) on the country
that ``xeploai gen --members 5600000`` built in the PostgreSQL database ``xeploai_gen_full``
(``--database``); with ``--quick`` on a small country generated for the run into a database
of its own (``xeploai_bench_national_60000_<pid>``, dropped at the end). The older benchmarks run only when asked, at small sizes, so the
default run stays bounded (a few minutes, once the DuckDB copy of the country is cached in
``var/bench/``). Every run appends: date, machine (cores, RAM, CPU model), PostgreSQL version,
the exact command, the raw medians, the ratios to the DuckDB floor measured in the same run
and each goal marked met or not.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
sys.path.append(str(ROOT))
from bench.floors import interpreter  # noqa: E402

HEADER = """# Benchmarks

Appended by `bench/run.py` (`make bench`), newest last. Each section is one run: the numbers
in it were measured together, so compare ratios within a section, not raw times across runs.
The floor for the reports is DuckDB scanning the raw evaluation rows of the same subtree (both
years, counts per block and result); the product reads its statistics tables
(`reports/compute.py`).
"""


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "cores": str(os.cpu_count()),
        "ram": ram,
        "cpu": cpu,
        "python": interpreter(),
        "load": load,
    }


def run(args: list[str]) -> str:
    print("$ " + shlex.join(args), file=sys.stderr)
    done = subprocess.run(  # noqa: S603 — our own scripts with our own arguments
        args, cwd=ROOT, capture_output=True, text=True, check=False
    )
    sys.stderr.write(done.stderr[-4000:])
    if done.returncode:
        raise SystemExit(f"failed ({done.returncode}): {shlex.join(args)}")
    return done.stdout


def mark(met: bool) -> str:
    return "**met**" if met else "**not met**"


def national_section(result: dict[str, Any]) -> list[str]:
    lines = [
        f"Country: database `{result['database']}`, {result['members']:,} members, "
        f"{result['units']:,} units, {result['evaluations']:,} evaluations (two years); "
        f"database {result['db_gb']} GB (tables: "
        + ", ".join(f"{k} {v} GB" for k, v in sorted(result["table_gb"].items()))
        + f"). DuckDB {result['duckdb_version']} (copy of the raw rows made in "
        f"{result['duckdb_export_s']} s, cached). Medians of {result['runs']} runs.",
        "",
    ]
    generated = result.get("generated") or {}
    if generated.get("seconds"):
        seconds = generated["seconds"]
        pairs = list(seconds.items()) if isinstance(seconds, dict) else seconds
        if isinstance(seconds, dict):  # older runs: the database sorted the keys
            order = ["bỏ", "cây", "đảng viên", "quá trình", "đánh giá", "bảng", "tạo lại", "AN"]
            pairs.sort(
                key=lambda p: next((i for i, o in enumerate(order) if p[0].startswith(o)), 9)
            )
        steps = ", ".join(f"{name} {s} s" for name, s in pairs)
        total = sum(s for _, s in pairs)
        lines += [
            f"Generator (`xeploai gen --members {generated.get('members', 0)} --seed "
            f"{generated.get('seed')}`, steps recorded in its audit event, before COMMIT): "
            f"{steps}; {total:.0f} s in all.",
            "",
        ]
    lines += [
        f"First report in a fresh process (the nation): {result['first_in_process_ms']} ms.",
        "",
        "The warm median and the PostgreSQL floor alternate call by call (`bench/floors.py`).",
        "",
        "| level | unit | members | children | load | first ms | warm ms | of which SQL ms "
        "| PostgreSQL floor ms | warm / PostgreSQL | DuckDB ms | warm / DuckDB | same total |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['level']} | {row['code']} | {row['members']:,} | {row['children']} "
            f"| {row['load']} | {row['first_ms']:.2f} | {row['report_ms']:.2f} "
            f"| {row['sql_ms']:.2f} | {row['pg_ms']:.2f} | {row['pg_ratio']:.2f} "
            f"| {row['duckdb_ms']:.2f} | {row['ratio']:.3f} | {row['same_total']} |"
        )
    lines += [
        "",
        "Every child of a unit (first call; warm median of ten or more calls, alternated call by "
        "call with the PostgreSQL floor of the same statements; the ratio of the two medians):",
        "",
        "| children of | units | widest | load | first median / max ms | first > 15 ms | warm "
        "median / max ms | warm > 5 ms | × PostgreSQL median / max | > 1.5 × |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for sw in result["sweeps"]:
        lines.append(
            f"| {sw['parent']} | {sw['units']} | {sw.get('children_max', '—')} | {sw['load']} "
            f"| {sw['first_median_ms']} / "
            f"{sw['first_max_ms']} | {sw['first_over_15']} | {sw['warm_median_ms']} / "
            f"{sw['warm_max_ms']} | {sw['warm_over_5']} | {sw['pg_ratio_median']} / "
            f"{sw['pg_ratio_max']} | {sw['over_ratio']} |"
        )
    worst = [
        f"{sw['parent']}: first {w['first']}, warm {w['warm']}, ratio {w['ratio']}"
        for sw in result["sweeps"]
        if (w := sw.get("worst"))
    ]
    if worst:
        lines += ["", "The units of each sweep's maximum: " + "; ".join(worst) + "."]
    pages = result["pages"]
    lines += [
        "",
        f"Pages (reader: a global administrator; load {pages['load_before']} → "
        f"{pages['load_after']}; gunicorn, one sync worker, booted in "
        f"{pages['gunicorn'].get('boot', {}).get('first_ms', '?')} ms — wsgi.py's warm-up "
        "included — before its first request):",
        "",
        "| page | test client first ms | test client median ms | gunicorn first ms "
        "| gunicorn median ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, client in pages["client"].items():
        http = pages["gunicorn"][key]
        lines.append(
            f"| {key} | {client['first_ms']} | {client['median_ms']} | {http['first_ms']} "
            f"| {http['median_ms']} |"
        )
    seen = result["visibility"]
    visible = seen.get("decision_visible_ms") or {}
    reopened = seen.get("reopen_visible_ms") or {}
    slowest = max([*visible.values(), *reopened.values()], default=None)
    lines += [
        "",
        "Decision visibility (one member of the district reopened, then decided again, through "
        "`reviews.services`; ms after the service returned until the reports of the nation, "
        f"the province and the district all showed it, read one after the other): reopen "
        f"{reopened or '—'} (service {seen.get('reopen_service_ms', '—')} ms); decision "
        f"{visible or '—'} (service {seen.get('decision_service_ms', '—')} ms)"
        + (
            f"; the decision was refused: {seen['decision_error']}"
            if "decision_error" in seen
            else ""
        )
        + ".",
        "",
        "Goals (issue 19), judged on this run only:",
        "",
        *goal_lines(result),
        f"- a decision visible in every ancestor's report within 1 s: "
        f"{slowest if slowest is not None else '—'} ms — "
        f"{mark(slowest is not None and slowest <= 1000 and len(visible) == 3)}",
    ]
    return lines


def goal_lines(result: dict[str, Any]) -> list[str]:
    rows, sweeps, pages = result["rows"], result["sweeps"], result["pages"]
    warm = max(r["report_ms"] for r in rows)
    cold = max(r["first_ms"] for r in rows)
    ratio = max(r["pg_ratio"] for r in rows)
    sweep_warm = max((s["warm_max_ms"] for s in sweeps), default=0.0)
    sweep_cold = max((s["first_max_ms"] for s in sweeps), default=0.0)
    sweep_ratio = max((s["pg_ratio_max"] for s in sweeps), default=0.0)
    http = {key: pages["gunicorn"][key] for key in pages["client"]}
    page = max(v["median_ms"] for v in http.values())
    first_request = next(iter(http.values()))["first_ms"]  # the nation's report
    return [
        f"- every unit measured ≤ 5 ms warm: the four {warm:.2f} ms, the sweeps {sweep_warm} ms "
        f"(worst) — {mark(max(warm, sweep_warm) <= 5)}",
        f"- ≤ 15 ms cold (first call): the four {cold:.2f} ms, the sweeps {sweep_cold} ms "
        f"(worst) — {mark(max(cold, sweep_cold) <= 15)}",
        f"- ≤ 1.5 × PostgreSQL returning its rows: the four {ratio:.2f} ×, the sweeps "
        f"{sweep_ratio} × (worst) — {mark(max(ratio, sweep_ratio) <= 1.5)}",
        f"- report page and drill-down ≤ 30 ms through gunicorn (median): worst {page} ms — "
        f"{mark(page <= 30)}",
        f"- the first request after a restart ≤ 200 ms: {first_request} ms — "
        f"{mark(first_request <= 200)}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 60,000-member country")
    parser.add_argument("--database", default="xeploai_gen_full", help="the national country")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-national", action="store_true", help="skip the national bench")
    parser.add_argument("--rules", action="store_true", help="also bench/bench_rules.py")
    parser.add_argument("--report", action="store_true", help="also bench/bench_report.py (6,000)")
    parser.add_argument(
        "--import", dest="imports", action="store_true", help="also bench/bench_import.py"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not append")
    args = parser.parse_args()

    info = machine()
    pg_version = ""
    try:
        pg_version = run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"]
        ).strip()
    except (SystemExit, FileNotFoundError):
        pg_version = "?"
    command = shlex.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
    now = dt.datetime.now(dt.UTC)
    lines = [
        "",
        f"## {now:%Y-%m-%d %H:%M} UTC — `python {command}`",
        "",
        f"Machine: {info['cores']} cores, {info['ram']} RAM, {info['cpu']}; PostgreSQL "
        f"{pg_version}; Python {info['python']}; load average at the start {info['load']}.",
        "",
    ]
    results: dict[str, Any] = {}
    if not args.no_national:
        national = [PYTHON, "bench/bench_national.py", "--runs", str(args.runs)]
        national += ["--members", "60000"] if args.quick else ["--database", args.database]
        out = run(national)
        results["national"] = json.loads(out.strip().splitlines()[-1])
        lines += ["### National report against DuckDB", "", *national_section(results["national"])]
        lines += ["", f"Command: `{shlex.join(national[1:])}`", ""]
    if args.rules:
        out = run([PYTHON, "bench/bench_rules.py", "--members", "10000", "--runs", "5"])
        lines += ["### Rules", "", "```", out.strip(), "```", ""]
    if args.report:
        out = run([PYTHON, "bench/bench_report.py", "--sizes", "6000", "--runs", "20"])
        table = [line for line in out.splitlines() if not line.startswith("[")]
        lines += ["### Report on the demo bloc (bench_report.py)", "", "```", *table, "```", ""]
    if args.imports:
        out = run([PYTHON, "bench/bench_import.py", "--rows", "20000", "--repeat", "1"])
        lines += ["### Imports (bench_import.py, 20,000 rows)", "", "```", out.strip(), "```", ""]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.no_write:
        return
    if not DOC.exists():
        DOC.write_text(HEADER, encoding="utf-8")
    with DOC.open("a", encoding="utf-8") as doc:
        doc.write(text)
    print(f"appended to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
