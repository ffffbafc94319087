"""One background thread for the database work of a long import (decision 0005).

``pipeline`` lets a caller hand the database work of a long import to one background thread on
the same connection (PostgreSQL): the server inserts one block of rows, and checks the ones
before, while Python converts the next block on the other core. On SQLite each piece runs at
once, in the caller's thread: the same code, one thing at a time. The pieces themselves are
``lib/bulk.py``'s.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper


class Pipeline:
    """Database work run in the order it was handed over (``submit``), in one transaction.

    Open with ``pipeline()``. While it is open the caller must not use the connection itself:
    every query goes through ``submit``, which returns at once with a ``Future``. Once a piece
    has failed the pieces after it are not run (the transaction is broken), and leaving the
    ``with`` block raises that first failure.
    """

    def __init__(self, pool: ThreadPoolExecutor | None) -> None:
        self._pool = pool
        self._failure: BaseException | None = None

    def submit[T](self, work: Callable[..., T], *args: Any) -> Future[T]:
        if self._pool is not None:
            return self._pool.submit(self._run, work, *args)
        done: Future[T] = Future()
        try:
            done.set_result(self._run(work, *args))
        except Exception as error:  # kept for result() and the end of the block, as on PostgreSQL
            done.set_exception(error)
        return done

    def _run[T](self, work: Callable[..., T], *args: Any) -> T:
        if self._failure is not None:
            raise _Skipped
        try:
            return work(*args)
        except BaseException as error:
            self._failure = error
            raise

    def _close(self, *, cancel: bool) -> None:
        """Wait for the piece running (and, unless ``cancel``, every piece not yet started)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)


class _Skipped(Exception):
    """Not run: an earlier piece of the pipeline failed (``pipeline`` raises that one)."""


def _adopt(shared: BaseDatabaseWrapper) -> None:
    connections[DEFAULT_DB_ALIAS] = shared


@contextmanager
def pipeline() -> Iterator[Pipeline]:
    """A ``Pipeline`` over this thread's connection, inside the caller's transaction.

    PostgreSQL: the pieces run one after another in a background thread sharing the connection
    (Django's ``inc_thread_sharing``), so that the server works while the caller goes on in
    Python (the thread waiting on the server does not hold the GIL). Elsewhere each piece runs
    at once in the caller's thread. The block ends when every piece has run; if the caller
    raises, the pieces not yet started are dropped.
    """
    shared: BaseDatabaseWrapper | None = None
    pool: ThreadPoolExecutor | None = None
    if connection.vendor == "postgresql":
        shared = connections[DEFAULT_DB_ALIAS]
        shared.inc_thread_sharing()
        pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="xeploai-bulk", initializer=_adopt, initargs=(shared,)
        )
        _quick_switching(+1)
    line = Pipeline(pool)
    try:
        try:
            yield line
        except BaseException:
            line._close(cancel=True)
            if line._failure is not None:
                raise line._failure  # noqa: B904 — the database's error is the cause
            raise
        line._close(cancel=False)
    finally:
        if shared is not None:
            shared.dec_thread_sharing()
            _quick_switching(-1)
    if line._failure is not None:
        raise line._failure


# While a pipeline runs, the interpreter hands the GIL from one thread to the other every
# 0.5 ms instead of every 5 ms: the background thread, woken by the server's answer, waits that
# long for the lock while the caller converts rows, and the server waits with it (≈ 0.2 s of a
# 100,000-row import). The interval is the process's: the last pipeline to end restores it.
_SWITCHING = {"open": 0, "before": 0.0}
_SWITCHING_LOCK = threading.Lock()


def _quick_switching(change: int) -> None:
    with _SWITCHING_LOCK:
        if change > 0 and not _SWITCHING["open"]:
            _SWITCHING["before"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_SWITCHING["before"], 0.0005))
        _SWITCHING["open"] += change
        if change < 0 and not _SWITCHING["open"]:
            sys.setswitchinterval(_SWITCHING["before"])
