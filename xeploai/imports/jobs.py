"""The background-job handler of the imports (registered in ``xeploai.jobs.services``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from xeploai.imports.problems import EXIT_BAD_FILE, EXIT_INVALID, EXIT_OK, WorkbookError
from xeploai.imports.services import import_file
from xeploai.jobs.models import Job
from xeploai.jobs.services import JobFailed
from xeploai.lib.numbers import vn_int
from xeploai.lib.sheets import more_errors


def run_import_job(job: Job, progress: Callable[[int, int, str], None]) -> dict[str, Any]:
    kind = job.params["kind"]
    dry_run = bool(job.params.get("dry_run"))
    try:
        outcome = import_file(
            actor=job.created_by,
            kind=kind,
            path=Path(job.input_file.path),
            filename=job.input_name,
            dry_run=dry_run,
            scope=job.unit,
            progress=progress,
        )
    except WorkbookError as error:
        raise JobFailed(
            error.message, {"exit_code": EXIT_BAD_FILE, "error": error.message}
        ) from None
    finally:
        if not dry_run and job.input_file:
            job.input_file.delete(save=True)  # personal data: keep no copy once applied
    result = outcome.as_dict()
    result["problems"] = [
        {**problem.as_dict(), "text": str(problem)} for problem in outcome.problems
    ]
    if outcome.problems_unlisted:
        result["more"] = more_errors(outcome.problems_unlisted)
    if outcome.problems:
        result["exit_code"] = EXIT_INVALID
        raise JobFailed(
            _("{n} lỗi — không có gì được ghi vào cơ sở dữ liệu.").format(
                n=vn_int(result["problem_count"])
            ),
            result,
        )
    result["exit_code"] = EXIT_OK
    result["message"] = _("Chạy thử xong — chưa ghi gì.") if dry_run else _("Đã nhập xong.")
    return result
