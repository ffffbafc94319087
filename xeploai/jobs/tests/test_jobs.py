"""A job runs to its end through the inline thread and through ``xeploai worker --once``."""

import os
import signal
from collections.abc import Sequence
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.imports.tests.conftest import headers, write_xlsx
from xeploai.jobs import runner
from xeploai.jobs.models import Job, JobStatus
from xeploai.jobs.services import job_claim, job_enqueue, jobs_fail_dead, run_once
from xeploai.org.models import Person
from xeploai.testing import Cast

GOOD = ["Phạm Văn Hùng", "15/08/1985", "Nam", "084185000123", "", "19/05/2010", "", "A1"]


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(tmp_path: Path, rows: Sequence[Sequence[object]] = (GOOD,)) -> ContentFile[bytes]:
    path = write_xlsx(tmp_path / "dv.xlsx", "DangVien", headers("people")[:8], rows)
    return ContentFile(path.read_bytes(), name="dv.xlsx")


def enqueue(
    cast: Cast, tmp_path: Path, *, dry_run: bool = False, rows: Sequence[Sequence[object]] = (GOOD,)
) -> Job:
    return job_enqueue(
        actor=cast.clerk,
        kind="import",
        params={"kind": "people", "dry_run": dry_run},
        unit=cast.org_a,
        input_file=upload(tmp_path, rows),
        input_name="dv.xlsx",
    )


@pytest.mark.django_db(transaction=True)
def test_inline_mode_runs_the_job_in_a_thread_after_the_commit(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    settings.INLINE_JOBS = True
    job = enqueue(cast, tmp_path)
    runner.wait_inline()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.result is not None
    assert (job.result["created"], job.percent) == (1, 100)
    assert Person.objects.filter(citizen_id="084185000123", unit=cast.cell_a1).exists()
    assert not job.input_file  # the personal data is not kept once applied


@pytest.mark.django_db
def test_the_worker_runs_one_queued_job(cast: Cast, tmp_path: Path, settings: Settings) -> None:
    settings.INLINE_JOBS = False
    job = enqueue(cast, tmp_path, dry_run=True)
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    job.refresh_from_db()
    assert job.result is not None
    assert job.status == JobStatus.DONE and job.result["dry_run"] is True
    assert f"#{job.pk} import" in out.getvalue()
    assert not Person.objects.filter(citizen_id="084185000123").exists()
    assert job.input_file  # a dry run keeps the file until it is applied
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "Không có việc nào đang chờ" in out.getvalue()


@pytest.mark.django_db
def test_a_file_with_errors_fails_the_job_with_every_problem(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    settings.INLINE_JOBS = False
    bad = [*GOOD[:1], "31/02/1980", *GOOD[2:]]
    job = enqueue(cast, tmp_path, rows=(bad,))
    run_once()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("1 lỗi")
    assert job.result is not None
    assert job.result["problems"][0]["column"] == "B"
    assert job.result["exit_code"] == 1


@pytest.mark.django_db
def test_an_unreadable_file_fails_the_job_with_one_message(cast: Cast, settings: Settings) -> None:
    settings.INLINE_JOBS = False
    job = job_enqueue(
        actor=cast.clerk,
        kind="import",
        params={"kind": "people", "dry_run": False},
        unit=cast.org_a,
        input_file=ContentFile(b"not a workbook", name="x.xlsx"),
        input_name="x.xlsx",
    )
    run_once()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "không phải tệp Excel" in job.message
    assert job.result is not None
    assert job.result["exit_code"] == 2


@pytest.mark.django_db
def test_a_claimed_job_is_not_claimed_twice_and_enqueueing_is_audited(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    settings.INLINE_JOBS = False
    job = enqueue(cast, tmp_path, dry_run=True)
    assert AuditEvent.objects.filter(action="job_enqueue", object_id=str(job.pk)).exists()
    claimed = job_claim()
    assert claimed is not None and claimed.pk == job.pk and claimed.status == JobStatus.RUNNING
    assert job_claim() is None


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="SQLite: the import holds the file's one writer lock; progress shows at its end",
)
@pytest.mark.django_db(transaction=True)
def test_progress_shows_while_the_handler_s_transaction_is_still_open(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    """A job's progress is read by other processes (the job page) while the import's
    transaction is open: on PostgreSQL the reporter writes it through a connection of its own."""
    import threading

    from django.db import connection, transaction

    from xeploai.jobs.services import Reporter

    settings.INLINE_JOBS = False  # no runner thread takes the job meanwhile
    job = enqueue(cast, tmp_path, dry_run=True)
    seen: list[tuple[int, int, str]] = []

    def read_elsewhere() -> None:
        try:
            seen.append(
                Job.objects.values_list("progress_done", "progress_total", "message").get(pk=job.pk)
            )
        finally:
            connection.close()

    reporter = Reporter(job)
    try:
        with transaction.atomic():  # the handler's work, not yet committed
            Person.objects.filter(pk=cast.member_a1.pk).update(full_name="Đang nhập")
            reporter(40, 100, "Đang kiểm tra dòng 41")
            other = threading.Thread(target=read_elsewhere)
            other.start()
            other.join(timeout=30)
            transaction.set_rollback(True)
    finally:
        reporter.close()
    assert seen == [(40, 100, "Đang kiểm tra dòng 41")]
    assert Job.objects.get(pk=job.pk).progress_done == 40  # kept: it was never in that transaction


@pytest.mark.django_db
def test_a_job_whose_worker_was_killed_is_failed_when_its_page_is_read(
    cast: Cast, tmp_path: Path, client: Client
) -> None:
    """The worker aborted (SIGABRT, as calamine did on a hostile file): the job page says it
    failed at once, and the uploaded file (citizen IDs) is deleted."""
    import subprocess
    import sys

    job = enqueue(cast, tmp_path)
    claimed = job_claim()
    assert claimed is not None and claimed.pk == job.pk
    dying = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; django.setup(); from xeploai.jobs.services import worker_id; "
            "print(worker_id(), flush=True); os.abort()",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert dying.returncode == -signal.SIGABRT
    Job.objects.filter(pk=job.pk).update(worker=dying.stdout.strip())
    stored = Path(job.input_file.path)
    assert stored.is_file()
    client.force_login(cast.clerk)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Tiến trình xử lý đã dừng giữa chừng" in page
    assert not job.input_file and not stored.exists()


@pytest.mark.django_db
def test_a_running_job_whose_worker_lives_is_left_alone(cast: Cast, tmp_path: Path) -> None:
    job = enqueue(cast, tmp_path)
    job_claim()
    assert jobs_fail_dead() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.input_file
