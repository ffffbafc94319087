"""Login with throttling: after too many failures for a username or an address, refuse for a
while without even checking the password.

The address is the client's: ``REMOTE_ADDR`` when the app faces the users, the address the
trusted reverse proxies saw when ``XEPLOAI_TRUSTED_PROXIES`` says how many stand in front
(each appends to ``X-Forwarded-For``, so the entry that many places from the right is the one
the outermost proxy saw — entries further left are whatever the client sent). An address has
its own, higher limit: a whole office behind one NAT must not be locked out by a few typos.
"""

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


def client_address(request: HttpRequest) -> str:
    """The client's address, read past ``settings.TRUSTED_PROXIES`` reverse proxies."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")


def _keys(request: HttpRequest) -> list[str]:
    username = request.POST.get("username", "").strip().lower()[:150]
    return [f"user:{username}", f"addr:{client_address(request)}"]


def is_locked(request: HttpRequest) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    user_key, address_key = _keys(request)
    limits = (
        (user_key, settings.LOGIN_FAILURE_LIMIT),
        (address_key, settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    )
    return any(
        LoginFailure.objects.filter(key=key, at__gte=since).count() >= limit
        for key, limit in limits
    )


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
