"""Login with throttling: after too many failures for a username or an address, refuse for a
while without even checking the password."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from xeploai.audit.models import LoginFailure


def _keys(request: HttpRequest) -> list[str]:
    username = request.POST.get("username", "").strip().lower()[:150]
    address = request.META.get("REMOTE_ADDR", "")
    return [f"user:{username}", f"addr:{address}"]


def is_locked(request: HttpRequest) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    for key in _keys(request):
        if (
            LoginFailure.objects.filter(key=key, at__gte=since).count()
            >= settings.LOGIN_FAILURE_LIMIT
        ):
            return True
    return False


@method_decorator(login_not_required, name="dispatch")
class ThrottledLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_locked(request):
            form = self.get_form()
            form.errors.clear()
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            form.add_error(
                None,
                _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.").format(
                    minutes=minutes
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        now = timezone.now()
        LoginFailure.objects.bulk_create(
            [LoginFailure(key=key, at=now) for key in _keys(self.request)]
        )
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        LoginFailure.objects.filter(key=_keys(self.request)[0]).delete()
        return super().form_valid(form)
