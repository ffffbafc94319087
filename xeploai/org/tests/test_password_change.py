"""Everyone logged in changes their own password (issue 13 §6): the old one is checked, the
settings' validators refuse a weak new one, the change is audited and the session kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from xeploai.audit.models import AuditEvent
from xeploai.testing import Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db
OLD = "pw-for-tests-1"
NEW = "Chi-bo-A1-nam-2026"
URL = reverse("password_change")


def _change(
    client: Client, old: str, new: str, again: str | None = None
) -> _MonkeyPatchedWSGIResponse:
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def _password_audits() -> int:
    return AuditEvent.objects.filter(action="password_change").count()


def test_the_settings_validate_passwords() -> None:
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= (
        names
    )


def test_the_top_bar_links_to_the_page_which_is_in_vietnamese(client: Client, cast: Cast) -> None:
    client.force_login(cast.member)
    top = client.get(reverse("my_history")).content.decode()
    assert f'href="{URL}"' in top
    page = client.get(URL).content.decode()
    assert "<h1>Đổi mật khẩu</h1>" in page
    assert "Mật khẩu hiện tại" in page and "Nhập lại mật khẩu mới" in page


def test_a_wrong_old_password_is_refused_and_nothing_changes(client: Client, cast: Cast) -> None:
    client.force_login(cast.member)
    response = _change(client, "not-my-password", NEW)
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.check_password(OLD)
    assert _password_audits() == 0


@pytest.mark.parametrize(
    ("new", "says"),
    [
        ("12345678901", "hoàn toàn là số"),
        ("password123", "quá phổ biến"),
        ("Ab1-x", "quá ngắn"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_validators_reason(
    client: Client, cast: Cast, new: str, says: str
) -> None:
    client.force_login(cast.member)
    response = _change(client, OLD, new)
    assert response.status_code == 200
    assert says in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.check_password(OLD)
    assert _password_audits() == 0


def test_two_different_new_passwords_are_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.member)
    response = _change(client, OLD, NEW, again=NEW + "x")
    assert "Hai trường mật khẩu không giống nhau" in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.check_password(OLD)


def test_a_good_change_is_saved_audited_and_keeps_the_session(client: Client, cast: Cast) -> None:
    client.force_login(cast.member)
    response = _change(client, OLD, NEW)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(pk=cast.member.pk)
    assert user.check_password(NEW) and not user.check_password(OLD)
    # The session survives the new password hash: the next page is served, not the login.
    assert client.get(reverse("my_history")).status_code == 200
    event = AuditEvent.objects.get(action="password_change")
    assert (event.actor_id, event.object_id) == (user.pk, str(user.pk))
    assert NEW not in str(event.before) + str(event.after) + event.note
    client.logout()
    assert client.login(username=user.username, password=NEW)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_guessing_the_old_password_is_throttled_like_a_login(client: Client, cast: Cast) -> None:
    """A stolen session must not get unlimited guesses at the password through this page: the
    old password goes through the login throttle and shares its count."""
    client.force_login(cast.member)
    for _attempt in range(3):
        assert _change(client, "a-wrong-guess", NEW).status_code == 200
    refused = _change(client, OLD, NEW)  # even the right one, once the limit is reached
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.check_password(OLD)
    assert _password_audits() == 0
