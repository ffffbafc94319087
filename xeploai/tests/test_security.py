"""Login throttling, Content-Security-Policy, CSRF on every mutation, the deploy checks."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent, AuditImmutableError, LoginFailure
from xeploai.testing import Cast, make_round
from xeploai.tests.test_access import RULES

TEMPLATES = Path(settings.PACKAGE_DIR) / "templates"


@pytest.mark.django_db
def test_login_is_refused_for_a_while_after_repeated_failures(
    client: Client, cast: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
        assert response.status_code == 200
    locked = client.post(reverse("login"), {"username": "clerk", "password": "pw-for-tests-1"})
    assert locked.status_code == 429
    assert "thử lại sau" in locked.content.decode()
    LoginFailure.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    )
    assert (
        client.post(
            reverse("login"), {"username": "clerk", "password": "pw-for-tests-1"}
        ).status_code
        == 302
    )


def _fail(client: Client, username: str, **meta: Any) -> int:
    return client.post(
        reverse("login"), {"username": username, "password": "wrong"}, **meta
    ).status_code


@pytest.mark.django_db
def test_an_address_has_its_own_higher_limit_so_one_office_is_not_locked_by_a_few_typos(
    client: Client, cast: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    for name in ("an", "binh", "cuong", "dung"):  # four people mistype once from one office
        assert _fail(client, name) == 200
    ok = client.post(reverse("login"), {"username": "clerk", "password": "pw-for-tests-1"})
    assert ok.status_code == 302
    client.logout()
    assert _fail(client, "giang") == 200  # the fifth failure from the address
    locked = client.post(reverse("login"), {"username": "clerk", "password": "pw-for-tests-1"})
    assert locked.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled_not_the_proxy(
    client: Client, cast: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 50
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The attacker forges entries on the left; the proxy appends the address it saw.
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    colleague: dict[str, Any] = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for forged in ("5.5.5.5", "6.6.6.6"):
        assert (
            _fail(client, "x", **{**attacker, "HTTP_X_FORWARDED_FOR": f"{forged}, 203.0.113.9"})
            == 200
        )
    assert _fail(client, "x", **attacker) == 429
    assert set(
        LoginFailure.objects.filter(key__startswith="addr:").values_list("key", flat=True)
    ) == {"addr:203.0.113.9"}
    ok = client.post(
        reverse("login"), {"username": "clerk", "password": "pw-for-tests-1"}, **colleague
    )
    assert ok.status_code == 302


@pytest.mark.django_db
def test_the_admin_login_shares_the_throttle_of_the_login_page(
    client: Client, cast: Cast, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    admin_login = reverse("admin:login")
    for _ in range(3):
        wrong = client.post(admin_login, {"username": "admin", "password": "wrong"})
        assert wrong.status_code == 200
    right = {"username": "admin", "password": "pw-for-tests-1"}
    locked = client.post(admin_login, right)
    assert locked.status_code == 429 and "thử lại sau" in locked.content.decode()
    assert client.post(reverse("login"), right).status_code == 429  # one count for both pages
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["ｃｌｅｒｋ", "CLERK", "Ｃｌｅｒｋ"])
def test_the_throttle_keys_on_the_name_django_authenticates(
    client: Client, cast: Cast, settings: Settings, variant: str
) -> None:
    """Django logs in the NFKC form of the name (full-width letters become ASCII): guesses under
    any spelling that reaches the same account, in any case, count against that account."""
    settings.LOGIN_FAILURE_LIMIT = 3
    for name in (variant, "clerk", variant):
        assert _fail(client, name) == 200
    for name in (variant, "clerk"):
        right = client.post(reverse("login"), {"username": name, "password": "pw-for-tests-1"})
        assert right.status_code == 429
    assert "_auth_user_id" not in client.session


class CountingHasher(MD5PasswordHasher):
    """The tests' MD5 hasher, counting the passwords it checks, each slow enough (50 ms) for
    parallel logins to overlap."""

    checked = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher.lock:
            CountingHasher.checked += 1
        time.sleep(0.05)
        return super().verify(password, encoded)


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_logins_check_no_more_passwords_than_the_limit(
    cast: Cast, settings: Settings
) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.LOGIN_FAILURE_LIMIT = 5
    CountingHasher.checked = 0
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def attempt() -> None:
        try:
            barrier.wait()
            statuses.append(_fail(Client(), "clerk"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [200] * 5 + [429] * 15
    assert CountingHasher.checked == 5
    assert LoginFailure.objects.filter(key="user:clerk").count() == 5


def test_passwords_are_hashed_with_djangos_default_hasher_outside_tests() -> None:
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password, "
        "get_hasher; h = make_password('secret-pw'); print(get_hasher().algorithm, 'secret-pw' in h)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["pbkdf2_sha256", "False"]


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client: Client, cast: Cast) -> None:
    client.force_login(cast.upper_board)
    response = client.get(reverse("unit_detail", args=[cast.root.code]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    style_attribute = re.compile(r"\sstyle\s*=", re.I)
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", inline_script),
            ("event handler", handler),
            ("style attribute", style_attribute),
        ):
            if pattern.search(text):
                problems.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert not problems, problems


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, rule in RULES.items() if rule.method == "post"))
def test_every_mutation_needs_the_csrf_token(
    cast: Cast, settings: Settings, tmp_path: Path, name: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    url = reverse(name, args=RULES[name].args(cast, round_))  # (may write what it names)
    before = AuditEvent.objects.count()
    response = client.post(url, {})
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_through_the_application(cast: Cast) -> None:
    from xeploai.audit.services import audit_record

    event = audit_record(actor=cast.clerk, action="test", object_type="x", object_id="1")
    event.note = "changed"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_production_configuration_passes_djangos_deploy_checks() -> None:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "XEPLOAI_ENV": "production",
        "XEPLOAI_SECRET_KEY": secrets.token_urlsafe(50),
        "XEPLOAI_ALLOWED_HOSTS": "xeploai.example",
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
    }
    result = _deploy_check(environment, "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_says_when_it_cannot_reach_the_database(tmp_path: Path) -> None:
    """`xeploai check --deploy --database default` against a PostgreSQL nobody listens on: a
    warning naming the failure (xeploai.W002, imports/checks.py), not a traceback."""
    environment = {**os.environ, "DATABASE_URL": "postgres://xeploai@127.0.0.1:9/xeploai_nowhere"}
    done = _deploy_check(environment, "--database", "default", cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "(xeploai.W002)" in done.stderr + done.stdout
    assert "127.0.0.1" in done.stderr + done.stdout


def _deploy_check(
    environment: dict[str, str], *options: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``xeploai check --deploy`` in a process of its own, with ``environment``."""
    return subprocess.run(
        [sys.executable, "-m", "xeploai", "check", "--deploy", *options],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
