"""Helpers shared by the report benchmarks: the PostgreSQL floor, timing, the machine's load.

The honest floor of a report that reads precomputed statistics is the database returning
exactly those rows: ``capture`` records the statements one ``compute_report`` call runs (SQL
and parameters, through a Django execute wrapper), ``replay`` runs the same statements on the
same connection's driver cursor (psycopg, no Django in between) and fetches every row. What
the product spends above that is Python (Django's cursor wrapper, building the report).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Statement = tuple[str, Any]


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages (``/proc/loadavg``)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def interpreter() -> str:
    """The Python version and how it was built (decision 0017: an optimized build, profile-
    guided and link-time optimized, took 0.8 × a plain one's CPU for the report function)."""
    import sys
    import sysconfig

    args = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    built = [
        "PGO" if "--enable-optimizations" in args else "no PGO",
        "LTO" if "--with-lto" in args else "no LTO",
        "shared libpython" if "--enable-shared" in args else "static libpython",
    ]
    return f"{sys.version.split()[0]} ({', '.join(built)})"


def timed_ms(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def first_and_median(run: Callable[[], Any], runs: int) -> tuple[float, float, list[float]]:
    """(the first call, the median of the ``runs`` calls after it, those calls): the first
    call is reported, never thrown away as a warm-up."""
    first = timed_ms(run)
    samples = [timed_ms(run) for _ in range(runs)]
    return first, statistics.median(samples), samples


def alternated(
    one: Callable[[], Any], other: Callable[[], Any], runs: int
) -> tuple[list[float], list[float]]:
    """``runs`` calls of each of ``one`` and ``other`` in turn, which of the two goes first
    changing at every turn; their times (ms). On a shared machine whose speed changes from one
    second to the next, a product and its floor timed apart can land in different moments;
    alternated, each pair meets the same one and their medians are comparable."""
    first: list[float] = []
    second: list[float] = []
    for turn in range(runs):
        if turn % 2:
            second.append(timed_ms(other))
            first.append(timed_ms(one))
        else:
            first.append(timed_ms(one))
            second.append(timed_ms(other))
    return first, second


def capture(run: Callable[[], Any]) -> list[Statement]:
    """The statements ``run`` sends to the database, in order."""
    from django.db import connection

    seen: list[Statement] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        run()
    return seen


def replay(statements: list[Statement]) -> int:
    """Run ``statements`` on the driver's own cursor and fetch every row; the row count."""
    from django.db import connection

    connection.ensure_connection()
    rows = 0
    with connection.connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def replay_rows(statement: Statement) -> list[Any]:
    """The rows of one statement, run on the driver's own cursor."""
    from django.db import connection

    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()
