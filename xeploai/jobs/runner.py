"""Inline mode: run queued jobs in a daemon thread of the web process (zero set-up).

The thread claims and runs jobs through the same ``run_once`` as ``xeploai worker``; the job's
state lives only in the database, so a page served by any process shows its progress. In
production (``XEPLOAI_INLINE_JOBS`` off by default) a separate ``xeploai worker`` runs them.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from xeploai.jobs.services import run_once

log = logging.getLogger(__name__)
threads: list[threading.Thread] = []  # started threads, for tests to wait on


def _run() -> None:
    try:
        while run_once() is not None:
            pass
    except Exception:
        log.exception("inline job runner stopped")
    finally:
        connection.close()


def start_inline() -> threading.Thread:
    close_old_connections()
    thread = threading.Thread(target=_run, name="xeploai-inline-job", daemon=True)
    thread.start()
    threads[:] = [t for t in threads if t.is_alive()] + [thread]
    return thread


def wait_inline(timeout: float = 30) -> None:
    for thread in list(threads):
        thread.join(timeout)
