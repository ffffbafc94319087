"""Where a request's CPU goes: the load test's pages, each through Django's whole stack
(middleware, session, user, templates) in one process, with the profiler or without.

    DATABASE_URL=postgres://…/copy .venv/bin/python bench/profile_pages.py var/load/run-N/cast.json
    … profile_pages.py cast.json --repeat 30 --profile --top 40      # cProfile over every page

Needs a database that holds the cast of ``bench/load/accounts.py`` (the file it wrote). Each
page is asked as its person's browser asks it: with the person's session cookie (the session
engine, the user and its roles read as in production), ``DEBUG`` off, over the WSGI handler of
Django's test client (no network). Reports per page the median CPU time of the process, the
wall time and the queries, and a "floor": the smallest page an authenticated user can ask
(a GET of a POST-only address: 405) — what any request pays before the view's own work.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class _Counting:
    """A database execute wrapper that keeps the statements (the test client's request
    signals empty Django's own query log)."""

    def __init__(self, statements: list[str]) -> None:
        self.statements = statements

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append(sql)
        return execute(sql, params, many, context)


def plan(cast: dict[str, Any]) -> list[tuple[str, str, str, dict[str, str]]]:
    """(name, session, address, headers) of each page of the December mix."""
    member = cast["members"][-1]
    secretary = cast["secretaries"][0]
    clerk = cast["clerks"][-1]
    nation = cast["board"][0]
    province = cast["board"][1]
    cell = secretary["cell"]
    return [
        ("member: home", member["session"], "/", {}),
        ("member: review form", member["session"], f"/reviews/{member['evaluation']}/", {}),
        ("member: history", member["session"], "/me/", {}),
        ("secretary: round", secretary["session"], f"/units/{cell}/round/", {}),
        ("secretary: ballots", secretary["session"], f"/units/{cell}/ballots/", {}),
        (
            "secretary: member search (htmx)",
            secretary["session"],
            f"/people/?q=nguyen&unit={cell}",
            {"HTTP_HX_REQUEST": "true"},
        ),
        (
            f"clerk: board (pending), {clerk['waiting']} waiting",
            clerk["session"],
            f"/units/{clerk['unit']}/board/?show=pending",
            {},
        ),
        ("board: reports home", nation["session"], "/reports/", {}),
        ("board: report (nation)", nation["session"], f"/reports/{nation['unit']}/", {}),
        ("board: drill-down (nation)", nation["session"], f"/reports/{nation['unit']}/units/", {}),
        ("board: unit (nation)", nation["session"], f"/units/{nation['unit']}/", {}),
        ("board: report (province)", province["session"], f"/reports/{province['unit']}/", {}),
        (
            "board: drill-down (province)",
            province["session"],
            f"/reports/{province['unit']}/units/",
            {},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cast", type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="", help="comma-separated words: pages naming one")
    parser.add_argument("--profile", action="store_true", help="cProfile over all the pages")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument(
        "--cpu", action="store_true", help="the profiler counts CPU time, not wall time"
    )
    parser.add_argument("--sql", action="store_true", help="print each page's statements")
    parser.add_argument(
        "--django-widgets",
        action="store_true",
        help="Django's own form renderer instead of xeploai.lib.widgets (to compare)",
    )
    args = parser.parse_args()
    cast = json.loads(args.cast.read_text(encoding="utf-8"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    os.environ.setdefault("XEPLOAI_DEBUG", "0")
    os.environ.setdefault("XEPLOAI_LOG_LEVEL", "ERROR")  # not the floor's "Method Not Allowed"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    if args.django_widgets:  # before any form is rendered (the renderer is cached)
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    import xeploai.wsgi  # noqa: F401 — its warm-up, as gunicorn's workers have it

    wanted = [w for w in args.only.split(",") if w]
    pages = [p for p in plan(cast) if not wanted or any(w in p[0] for w in wanted)]
    floor = (
        "floor: GET of a POST-only address (405)",
        cast["members"][-1]["session"],
        "/notices/0/read/",
        {},
    )
    timer = time.process_time if args.cpu else time.perf_counter
    profiler = cProfile.Profile(timer) if args.profile else None
    rows = []
    for name, session, url, headers in [floor, *pages]:
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        response = client.get(url, **headers)  # warm: the connection, the plans, the templates
        cpus, walls = [], []
        statements: list[str] = []
        count = _Counting(statements)

        with connection.execute_wrapper(count):  # the test client's signals reset queries_log
            client.get(url, **headers)
        if args.sql:
            print(f"-- {name}", *(f"   {sql[:160]}" for sql in statements), sep="\n")
        for _ in range(args.repeat):
            if profiler is not None:
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, **headers)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            if profiler is not None:
                profiler.disable()
        rows.append(
            {
                "page": name,
                "status": response.status_code,
                "cpu_ms": round(1000 * statistics.median(cpus), 2),
                "wall_ms": round(1000 * statistics.median(walls), 2),
                "queries": len(statements),
            }
        )
    print("| page | status | CPU ms | wall ms | queries |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['page']} | {r['status']} | {r['cpu_ms']} | {r['wall_ms']} | {r['queries']} |")
    mix = [r["cpu_ms"] for r in rows[1:]]
    if mix:
        print(
            f"\nmean CPU of the pages: {statistics.mean(mix):.2f} ms; floor {rows[0]['cpu_ms']} ms"
        )
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
