from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from xeploai.cycles.models import Notice
from xeploai.lib.redirects import local_next


@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    Notice.objects.filter(
        pk=pk, user_id=getattr(request.user, "pk", 0), read_at__isnull=True
    ).update(read_at=timezone.now())
    return redirect(local_next(request) or "home")
