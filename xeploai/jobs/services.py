"""Enqueue, claim and run background jobs; every state lives in the ``Job`` row.

``JOB_HANDLERS`` maps a job kind to the dotted path of ``handler(job, progress) -> dict``: the
dict becomes the job's result. A handler raises ``JobFailed`` for an expected failure (a file
with errors): the job ends "failed" with that message and result. Any other exception also
fails the job, with a generic message; the traceback goes to the log, never to the user.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor, actor_user
from xeploai.audit.services import audit_record
from xeploai.jobs.models import Job, JobStatus
from xeploai.org.models import OrgUnit

log = logging.getLogger(__name__)

JOB_HANDLERS: dict[str, str] = {
    "import": "xeploai.imports.jobs.run_import_job",
}
Handler = Callable[[Job, Callable[[int, int, str], None]], dict[str, Any]]
PROGRESS_EVERY = 0.5  # seconds between two progress writes


class JobFailed(Exception):
    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


def job_enqueue(
    *,
    actor: Actor,
    kind: str,
    params: dict[str, Any] | None = None,
    unit: OrgUnit | None = None,
    input_file: File[Any] | None = None,
    input_name: str = "",
) -> Job:
    """Queue a job; in inline mode a thread of this process runs it once the request commits."""
    if kind not in JOB_HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    with transaction.atomic():
        job = Job(
            kind=kind,
            params=params or {},
            unit=unit,
            unit_path=unit.path if unit else "",
            input_name=input_name or (input_file.name if input_file else "") or "",
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_by=actor_user(actor),
            created_at=timezone.now(),
        )
        if input_file is not None:
            job.input_file.save(
                job.input_name.rsplit("/", 1)[-1] or "input", input_file, save=False
            )
        job.full_clean()
        job.save()
        audit_record(
            actor=actor,
            action="job_enqueue",
            obj=job,
            unit_path=job.unit_path,
            after={"kind": kind, "params": job.params, "input_name": job.input_name},
        )
        if getattr(settings, "INLINE_JOBS", False):
            from xeploai.jobs.runner import start_inline

            transaction.on_commit(start_inline)
    return job


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, Linux), "" where unknown: with the
    pid, it names one process even after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def worker_id(pid: int | None = None) -> str:
    """This process as a job's ``worker``: "host:pid:start"."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def _gone(worker: str) -> bool:
    """The process ``worker`` ran on this host and no longer does (killed, aborted…)."""
    host, _sep, rest = worker.partition(":")
    pid, _sep, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only its heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return bool(started) and _started(int(pid)) != started


def jobs_fail_dead() -> int:
    """Fail the running jobs whose worker died — its process is gone from this host, or it sent
    no heartbeat for ``JOB_STALE_SECONDS`` (another host) — and delete their input files (a
    people file holds citizen IDs). Called when a worker claims a job and when a job page is
    read. Returns how many it failed."""
    limit = timezone.now() - dt.timedelta(seconds=getattr(settings, "JOB_STALE_SECONDS", 900))
    running = Job.objects.filter(status=JobStatus.RUNNING).only("pk", "worker", "heartbeat_at")
    dead = [
        job.pk
        for job in running
        if _gone(job.worker) or (job.heartbeat_at is not None and job.heartbeat_at < limit)
    ]
    failed = 0
    for job in Job.objects.filter(pk__in=dead):
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED,
                finished_at=timezone.now(),
                message=_("Tiến trình xử lý đã dừng giữa chừng — hãy chạy lại."),
                input_file="",
            )
        if updated and job.input_file.name:
            job.input_file.storage.delete(job.input_file.name)
        failed += updated
    return failed


def job_claim() -> Job | None:
    """Take the oldest queued job: ``SKIP LOCKED`` on PostgreSQL, so that several workers never
    take the same one; SQLite lets one writer at a time, so a plain transaction does."""
    jobs_fail_dead()
    with transaction.atomic():
        queued = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        job = queued.first()
        if job is None:
            return None
        now = timezone.now()
        claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            message=_("Đang bắt đầu"),
            worker=worker_id(),
        )
        if not claimed:
            return None
    job.refresh_from_db()
    return job


_PROGRESS = ("progress_done", "progress_total", "message", "heartbeat_at")  # what it writes


class Reporter:
    """The progress callback handed to a handler: writes the job row at most every 0.5 s.

    A handler does its work in a transaction (an import is all or nothing), and progress
    written in it would show only at its COMMIT. So on PostgreSQL, for a job run outside any
    transaction (the worker, the inline thread), the progress goes through a connection of its
    own, in autocommit: every page shows it at once. On SQLite the import holds the file's one
    writer lock, and inside a caller's transaction (a test) that transaction may hold the job's
    row: there the handler's connection writes it, as before. ``close`` when the job ends.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0
        self.last_message = ""
        self._own: BaseDatabaseWrapper | None = None
        self._update = ""  # the UPDATE that connection sends, written once
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._own = connections.create_connection(DEFAULT_DB_ALIAS)
            # the people import reports from its pipeline's thread (imports/pipeline.py)
            self._own.inc_thread_sharing()
            quote = self._own.ops.quote_name
            column = {field.name: str(field.column) for field in Job._meta.concrete_fields}
            assignments = ", ".join(f"{quote(column[name])} = %s" for name in _PROGRESS)
            self._update = f"UPDATE {quote(Job._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if message == self.last_message and now - self.last < PROGRESS_EVERY:
            return
        self.last, self.last_message = now, message
        values = dict(zip(_PROGRESS, (done, total, message[:255], timezone.now()), strict=True))
        if self._own is None:
            Job.objects.filter(pk=self.job.pk).update(**values)
            return
        parameters: list[Any] = [*values.values(), self.job.pk]
        with self._own.cursor() as cursor:
            cursor.execute(self._update, parameters)

    def close(self) -> None:
        if self._own is not None:
            self._own.dec_thread_sharing()
            self._own.close()
            self._own = None


def job_run(job: Job) -> Job:
    """Run a claimed job to its end and record the outcome on its row."""
    handler: Handler = import_string(JOB_HANDLERS[job.kind])
    status, message, result = JobStatus.DONE, _("Đã xong"), None
    reporter = Reporter(job)
    with translation.override(job.language):
        try:
            result = handler(job, reporter)
            message = str(result.pop("message", message))
        except JobFailed as failure:
            status, message, result = JobStatus.FAILED, failure.message, failure.result
        except Exception:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            status, message = JobStatus.FAILED, _("Lỗi không mong đợi khi xử lý — đã ghi nhật ký.")
        finally:
            reporter.close()
    Job.objects.filter(pk=job.pk).update(
        status=status,
        message=message[:255],
        result=result,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def run_once() -> Job | None:
    """Claim and run one queued job; None when the queue is empty."""
    job = job_claim()
    return job_run(job) if job is not None else None
