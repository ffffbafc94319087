from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xeploai.jobs.models import Job
from xeploai.jobs.services import jobs_fail_dead
from xeploai.lib.htmx import is_htmx
from xeploai.org import access
from xeploai.org.models import Role

# Besides its creator, who may follow a job over its unit (the inspector may not: 403).
JOB_ROLES = (Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD, Role.ADMIN)


def get_job(user: Any, pk: int) -> Job:
    """The job if the user started it or holds a job role over its unit; 404 outside the scope."""
    job = Job.objects.filter(pk=pk).select_related("unit").first()
    if job is None:
        raise Http404
    if job.created_by_id is not None and job.created_by_id == getattr(user, "pk", None):
        return job
    if access.is_global_admin(user):
        return job
    if job.unit is None or not access.can_read_unit(user, job.unit):
        raise Http404
    access.require_role(user, job.unit, JOB_ROLES)
    return job


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job(request.user, pk)
    if not job.is_finished and jobs_fail_dead():
        job.refresh_from_db()  # its worker died: the page says so now, not in 15 minutes
    template = "jobs/job_detail.html#progress" if is_htmx(request) else "jobs/job_detail.html"
    return render(request, template, {"job": job, "result": job.result or {}})


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(created_by_id=request.user.pk).select_related("unit")[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})
