"""Login with throttling: after too many failures for a user name or an address, refuse for a
while without even checking the password.

The throttle lives in the authentication backend (``ThrottledModelBackend``), so every way to log
in — ``/login/``, ``/admin/login/``, anything that calls ``authenticate()`` — shares one count.
The user name is keyed as Django authenticates it: NFKC-normalised (full-width letters are the
ASCII ones), and case-folded so that the spellings of one name share a count.

Exact under parallel requests for a user name: an attempt reserves its place before its
password is checked — under a lock per name it counts the name's failures (reservations in
flight included) and, within the limit, writes its own row, which stays as the failure unless
the password was right. So of any number of simultaneous guesses at one name at most the limit
are checked. The lock is an advisory lock on PostgreSQL; SQLite's transactions are
``BEGIN IMMEDIATE`` (settings), one writer at a time. The address's count is of finished
failures (written after the password failed), so it may overshoot by the guesses in flight.

The address is the client's: ``REMOTE_ADDR`` when the app faces the users, the address the
trusted reverse proxies saw when ``XEPLOAI_TRUSTED_PROXIES`` says how many stand in front
(each appends to ``X-Forwarded-For``, so the entry that many places from the right is the one
the outermost proxy saw — entries further left are whatever the client sent). An address has
its own, higher limit: a whole office behind one NAT must not be locked out by a few typos.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
import zlib
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from xeploai.audit.models import LoginFailure
from xeploai.lib.fixedsql import Columns, Statement

THROTTLED = "xeploai_login_throttled"  # set on the request whose login the throttle refused


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
            return str(forwarded[-proxies][:64])
    return str(request.META.get("REMOTE_ADDR", ""))


def username_key(username: str) -> str:
    """The throttle's key for a user name: NFKC as Django authenticates it, case-folded."""
    folded = AbstractBaseUser.normalize_username(username.strip()).casefold()
    return "user:" + unicodedata.normalize("NFKC", folded)[:190]


def _lock(key: str) -> None:
    """Serialise the attempts on one key until the end of the transaction (PostgreSQL; SQLite
    holds its one write lock from ``BEGIN IMMEDIATE``)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        lock = zlib.crc32(f"xeploai-login:{key}".encode())
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


def _failures(key: str) -> int:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return LoginFailure.objects.filter(key=key, at__gte=since).count()


def attempt_reserve(user_key: str, address_key: str | None) -> int | None:
    """Write this attempt's failure row for the user name ahead of the password check and return
    its id, or None (writing nothing) when the name or the address already has its limit of
    failures in the window. The address counts finished failures only: a whole office logging
    in at once must not be refused because its logins are in flight."""
    with transaction.atomic():
        _lock(user_key)
        if _failures(user_key) >= settings.LOGIN_FAILURE_LIMIT or (
            address_key is not None
            and _failures(address_key) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            return None
        return LoginFailure.objects.create(key=user_key, at=timezone.now()).pk


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend behind the login throttle (``AUTHENTICATION_BACKENDS``)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None
        user_key = username_key(username)
        address_key = None if request is None else f"addr:{client_address(request)}"
        reserved = attempt_reserve(user_key, address_key)
        if reserved is None:
            if request is not None:
                setattr(request, THROTTLED, True)
            raise PermissionDenied  # authenticate() stops here: no other backend tries
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:  # the reservation stays as the name's failure
            if address_key is not None:
                LoginFailure.objects.create(key=address_key, at=timezone.now())
        else:  # the reservation was no failure; the name's count starts again
            LoginFailure.objects.filter(key=user_key).delete()
        return user

    def get_user(self, user_id: Any) -> Any:
        """The session's user, with its person record in the same statement: every page's
        navigation asks for ``user.person`` (one statement less per request). The statement
        is written once per process (``read_user``), not built by the ORM per request."""
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = read_user(pk)
        return user if user is not None and self.user_can_authenticate(user) else None


def _person_relation() -> Any:
    """The reverse one-to-one ``user.person`` (the person model is org's: named, not imported)."""
    return get_user_model()._meta.get_field("person")


class _UserRead:
    """``select_related("person").get(pk=…)`` of the user model as one fixed statement."""

    def __init__(self) -> None:
        relation = _person_relation()
        self.relation = relation
        self.user = Columns(get_user_model(), "u")
        self.person = Columns(relation.related_model, "p")
        self.statement = Statement(get_user_model(), self._build)

    def _build(self, connection: Any) -> str:
        link = self.relation.field  # person.user: its column and the user's column it holds
        return (
            f"SELECT {self.user.sql(connection)}, {self.person.sql(connection)} "  # noqa: S608 — quoted names only
            f"FROM {self.user.table(connection)} LEFT OUTER JOIN {self.person.table(connection)} "
            f"ON {self.person.column(connection, link.name)} = "
            f"{self.user.column(connection, link.target_field.name)} "
            f"WHERE {self.user.column(connection, self.user.model._meta.pk.name)} = %s"
        )

    def __call__(self, pk: Any) -> Any:
        connection, rows = self.statement.rows([pk])
        if not rows:
            return None
        row, width = rows[0], len(self.user)
        user = self.user.instance(connection, row[:width])
        person = None
        if row[width + self.person.names.index(self.person.model._meta.pk.attname)] is not None:
            person = self.person.instance(connection, row[width:])
            self.relation.field.set_cached_value(person, user)  # person.user, as select_related
        self.relation.set_cached_value(user, person)  # user.person (None: no person, no query)
        return user


@functools.cache
def _user_read() -> _UserRead:
    return _UserRead()  # at the first request: the models are ready only after Django's set-up


def read_user(pk: Any) -> Any:
    """The user with ``pk`` and its person (or None), in one statement; None when no such user."""
    return _user_read()(pk)


def is_throttled(request: HttpRequest) -> bool:
    return bool(getattr(request, THROTTLED, False))


def throttled_message() -> str:
    minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
    return _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.").format(
        minutes=minutes
    )


class ThrottledFormMixin:
    """Say that the login was refused by the throttle, not that the password was wrong."""

    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc,no-any-return]
        except ValidationError:
            if self.request is not None and is_throttled(self.request):
                raise ValidationError(throttled_message(), code="throttled") from None
            raise


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    pass


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, whose old password is checked through ``authenticate()``: a
    stolen session cannot guess the password it would need to take the account over for good,
    beyond the same limit as the login pages (the same count, too)."""

    def __init__(self, user: Any, data: Any = None, *, request: HttpRequest) -> None:
        super().__init__(user, data)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        user = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if is_throttled(self.request):
            raise ValidationError(throttled_message(), code="throttled")
        if user is None or user.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


def throttled_status(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """429 for a login the throttle refused, whichever page showed the form."""
    if is_throttled(request):
        response.status_code = 429
    return response


@method_decorator(login_not_required, name="dispatch")
class ThrottledLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    form_class = ThrottledAuthenticationForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return throttled_status(super().post(request, *args, **kwargs), request)


@login_not_required
def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin site's login page (``admin.site.login_form`` is the throttled admin form)."""
    return throttled_status(admin.site.login(request, extra_context), request)
