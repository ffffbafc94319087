from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xeploai.cycles import services
from xeploai.cycles.models import Notice
from xeploai.cycles.progress import progress
from xeploai.lib.redirects import local_next
from xeploai.org import access
from xeploai.org.models import Role
from xeploai.reviews.access import open_period


@require_GET
def progress_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    period = open_period(unit, request.GET.get("period"))
    roles = access.roles_at(request.user, unit)
    return render(
        request,
        "cycles/progress.html",
        {
            "p": progress(unit, period, timezone.localdate()),
            "can_remind": bool(
                roles
                & {Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD, Role.ADMIN}
            ),
        },
    )


@require_POST
def remind(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, code)
    access.require_role(
        request.user, unit, (Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD)
    )
    period = open_period(unit, request.POST.get("period"))
    sent = services.reminders_send(
        actor=request.user, unit=unit, period=period, today=timezone.localdate()
    )
    messages.success(request, _("Đã nhắc {n} đảng viên chậm nộp bản kiểm điểm.").format(n=sent))
    return redirect("progress", code=unit.code)


@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    Notice.objects.filter(
        pk=pk, user_id=getattr(request.user, "pk", 0), read_at__isnull=True
    ).update(read_at=timezone.now())
    return redirect(local_next(request) or "home")
