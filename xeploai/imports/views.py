from __future__ import annotations

from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xeploai.imports.forms import ImportForm
from xeploai.imports.services import KINDS
from xeploai.imports.xlsx_templates import TEMPLATE_WRITERS, template_filename, template_writer
from xeploai.jobs.models import Job
from xeploai.jobs.services import job_enqueue
from xeploai.lib.text import nfc
from xeploai.org import access
from xeploai.org.models import OrgUnit, Role

# Who may import over a unit (the inspector reads but may not write).
IMPORT_ROLES = (Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request: HttpRequest, unit: OrgUnit, form: ImportForm) -> HttpResponse:
    jobs = Job.objects.filter(created_by_id=request.user.pk, kind="import").select_related("unit")[
        :10
    ]
    return render(
        request,
        "imports/import_start.html",
        {"unit": unit, "form": form, "jobs": jobs, "kinds": sorted(TEMPLATE_WRITERS)},
    )


@require_GET
def import_home(request: HttpRequest) -> HttpResponse:
    paths = access.scope_paths(request.user, IMPORT_ROLES)
    if not paths:
        raise PermissionDenied
    roots = OrgUnit.objects.filter(parent__isnull=True) if paths == [""] else None
    unit = (roots or OrgUnit.objects.filter(path=paths[0])).order_by("path").first()
    if unit is None:
        raise Http404
    return redirect("import_start", code=unit.code)


@require_GET
def import_start(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    access.require_role(request.user, unit, IMPORT_ROLES)
    kind = request.GET.get("kind", "")  # a page linking here names what it expects
    return _page(request, unit, ImportForm(initial={"kind": kind} if kind in KINDS else None))


@require_POST
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    access.require_role(request.user, unit, IMPORT_ROLES)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, unit, form)
    upload = form.cleaned_data["file"]
    job = job_enqueue(
        actor=request.user,
        kind="import",
        params={"kind": form.cleaned_data["kind"], "dry_run": form.cleaned_data["mode"] != "apply"},
        unit=unit,
        input_file=upload,
        input_name=nfc(upload.name or ""),  # a Mac sends file names decomposed
    )
    return redirect("job_detail", pk=job.pk)


@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in TEMPLATE_WRITERS:
        raise Http404
    buffer = BytesIO()
    template_writer(kind)(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(kind)}"'
    return response
