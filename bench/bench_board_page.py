"""The decision board of a real committee's size (issue 15 §9): server time and first paint.

    .venv/bin/python bench/bench_board_page.py --subjects 300 --runs 7

A fresh SQLite database in a temporary directory (or ``--database-url``, flushed and filled):
the test cast with members added to the cells of grassroots committee A until its committee
decides N subjects, a 366-2025 period opened, every file sent with a proposal (one in six
HTXSNV), the residence comment recorded for half the members (so half the rows list a blocker).
Then, for the clerk:

- *server*: Django's test client, the board's first page (pages of 50, all statuses), the
  pending files of one cell, and a decision made from a row with htmx (its row, the meters and
  the problems back); *cold* = the first request of the process, *warm* = the median of
  ``--runs`` after it, wall and CPU;
- *floor (server)*: in the same process, reading the body's evaluation rows once
  (``select_related("person")``, what any board must read) — the ratio says how far the page is
  above the bare read;
- *browser*: Debian's Chromium (Playwright) against the same app served by a threaded WSGI
  server on 127.0.0.1: first contentful paint of the board (``performance`` paint timing), cold
  (a new browser context: no cached CSS or scripts) and warm (the median of ``--runs`` reloads);
  *floor (browser)*: the same for the login page, the smallest page with the same CSS and scripts.

Prints one Markdown table; ``cat /proc/loadavg`` before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("XEPLOAI_CHROMIUM", "/usr/bin/chromium")


def _load() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _fill(subjects: int) -> tuple[Any, str, str]:
    """bench_board.py's committee of ``subjects`` files, and the residence comment on file for
    every other member (so half the rows list a blocker)."""
    import datetime as dt

    from bench_board import fill_board
    from django.utils import timezone

    from xeploai.reviews.models import Comment, CommentSource

    cast, members = fill_board(subjects)
    Comment.objects.bulk_create(
        Comment(
            evaluation_id=pk,
            source=CommentSource.RESIDENCE,
            text="Tốt",
            received_on=dt.date(2026, 11, 20),
            recorded_by=cast.clerk,
            recorded_at=timezone.now(),
        )
        for pk in members[::2]
    )
    return cast.clerk, cast.org_a.code, cast.cell_a2.code


def _timed(call: Any) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _server(clerk: Any, code: str, cell: str, runs: int) -> tuple[list[list[str]], Any]:
    from django.test import Client
    from django.urls import reverse

    from xeploai.cycles.models import Period
    from xeploai.reviews.boardviews import PAGE_SIZE
    from xeploai.reviews.models import Evaluation, Stage

    client = Client()
    client.force_login(clerk)
    board = reverse("board", args=[code])
    pages = {
        f"board, first page ({PAGE_SIZE} rows of all)": board,
        "board, one cell's pending files": f"{board}?cell={cell}&show=pending",
    }
    table: list[list[str]] = []
    sizes: dict[str, int] = {}
    for label, url in pages.items():
        first: list[Any] = []
        cold = _timed(lambda url=url, first=first: first.append(client.get(url)))
        assert first[0].status_code == 200
        sizes[label] = len(first[0].content)
        warm = [_timed(lambda url=url: client.get(url)) for _ in range(runs)]
        table.append(_line(label, cold, warm, sizes[label]))
    # a decision from a row, with htmx: one waiting member at a time, its row back
    waiting = list(
        Evaluation.objects.filter(decider__code=code, stage=Stage.SENT, kind="dang_vien")
        .exclude(cell_level="HTXSNV")
        .order_by("pk")[: runs + 1]
    )
    answers: list[Any] = []

    def decide(evaluation: Any) -> None:
        answers.append(
            client.post(
                reverse("decide", args=[evaluation.pk]),
                {"version": evaluation.version, "level": "HTTNV", "next": board},
                headers={"HX-Request": "true"},
            )
        )

    timed = [_timed(lambda e=e: decide(e)) for e in waiting]
    assert all(a.status_code == 200 for a in answers)
    table.append(_line("decision from a row (htmx)", timed[0], timed[1:], len(answers[-1].content)))
    period = Period.objects.get(year=2026)
    floor = [
        _timed(
            lambda: list(
                Evaluation.objects.filter(period=period, decider__code=code).select_related(
                    "person"
                )
            )
        )
        for _ in range(runs)
    ]
    table.append(_line("floor: read the body's rows", floor[0], floor[1:] or floor, 0))
    return table, client


def _line(
    label: str, cold: tuple[float, float], warm: list[tuple[float, float]], size: int
) -> list[str]:
    wall = statistics.median(w for w, _ in warm)
    cpu = statistics.median(c for _, c in warm)
    return [label, f"{cold[0]:.0f}", f"{wall:.1f}", f"{cpu:.1f}", f"{size:,}" if size else "—"]


def _serve() -> tuple[str, Any]:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=Threaded, handler_class=Quiet
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def _paint(page: Any) -> tuple[float, float, float]:
    """First contentful paint, and the navigation's first and last byte (ms from its start)."""
    # "load" may come before the first paint of a light page: wait for the paint entry
    value = page.evaluate(
        "() => new Promise((resolve) => { const done = () => {"
        " const n = performance.getEntriesByType('navigation')[0];"
        " const p = performance.getEntriesByName('first-contentful-paint')[0];"
        " resolve([p ? p.startTime : -1, n.responseStart, n.responseEnd]); };"
        " if (performance.getEntriesByName('first-contentful-paint').length) { done(); return; }"
        " new PerformanceObserver(done).observe({type: 'paint', buffered: true});"
        " setTimeout(done, 5000); })"
    )
    return float(value[0]), float(value[1]), float(value[2])


def _browser(client: Any, code: str, runs: int) -> list[list[str]]:
    from django.conf import settings
    from django.urls import reverse
    from playwright.sync_api import sync_playwright

    base, server = _serve()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    table: list[list[str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for label, path, logged_in in (
            ("first paint: board, first page", reverse("board", args=[code]), True),
            ("floor: first paint of the login page", "/login/", False),
        ):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            if logged_in:
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
                )
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            cold = _paint(page)
            warm = []
            for _ in range(runs):
                page.reload(wait_until="load")
                warm.append(_paint(page))
            fcp = statistics.median(w[0] for w in warm)
            ttfb = statistics.median(w[1] for w in warm)
            last = statistics.median(w[2] for w in warm)
            table.append(
                [
                    label,
                    f"{cold[0]:.0f} (bytes {cold[1]:.0f}–{cold[2]:.0f})",
                    f"{fcp:.0f} (bytes {ttfb:.0f}–{last:.0f})",
                    "—",
                    "—",
                ]
            )
            context.close()
        browser.close()
    server.shutdown()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", help="a database to flush and fill (default: SQLite)")
    parser.add_argument("--page-size", type=int, help="rows per page (default: the board's)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop, sync ORM
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/board.sqlite3"
        os.environ.setdefault("XEPLOAI_DEBUG", "0")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        call_command("migrate", interactive=False, verbosity=0)
        if args.database_url:
            call_command("flush", interactive=False, verbosity=0)
        setup_test_environment()  # the test client's host and in-memory mail
        if args.page_size:
            from xeploai.reviews import boardviews

            boardviews.PAGE_SIZE = args.page_size
        clerk, code, cell = _fill(args.subjects)
        from xeploai.reviews.models import Evaluation

        n = Evaluation.objects.filter(decider__code=code).count()
        print(f"load before: {_load()}; {n} files at committee {code}", flush=True)
        from xeploai.reviews.boardviews import PAGE_SIZE

        print(f"rows per page: {PAGE_SIZE}", flush=True)
        server, client = _server(clerk, code, cell, args.runs)
        browser = _browser(client, code, args.runs)
        print("| measure | cold ms | warm ms (median) | warm CPU ms | bytes |")
        print("|---|---:|---:|---:|---:|")
        for row in server + browser:
            print("| " + " | ".join(row) + " |")
        print(f"load after: {_load()}", flush=True)


if __name__ == "__main__":
    main()
