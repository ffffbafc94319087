"""Settings fail loudly on a bad value instead of guessing."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from xeploai.lib import env


@pytest.mark.parametrize(
    ("variable", "value", "reader"),
    [
        ("X_BOOL", "maybe", lambda: env.boolean("X_BOOL", False)),
        ("X_INT", "ten", lambda: env.integer("X_INT", 1)),
        ("X_INT", "-5", lambda: env.integer("X_INT", 1)),
        (
            "X_CHOICE",
            "staging",
            lambda: env.choice("X_CHOICE", ("development", "production"), "development"),
        ),
        ("X_DB", "mysql://localhost/x", lambda: env.database("X_DB", "sqlite:///x.sqlite3")),
        ("X_DB", "postgres://localhost:notaport/x", lambda: env.database("X_DB", "sqlite:///x")),
        ("X_DB", "postgres://localhost/", lambda: env.database("X_DB", "sqlite:///x")),
        ("X_DB", "postgres://h/x?server_side_binding=yes", lambda: env.database("X_DB", "")),
        ("X_DB", "postgres://h/x?prepare_threshold=five", lambda: env.database("X_DB", "")),
    ],
)
def test_a_malformed_value_raises_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reader: Callable[[], object]
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=variable):
        reader()


def test_zero_configuration_means_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_DB", raising=False)
    assert env.database("X_DB", "sqlite:///var/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"


def test_database_url_switches_to_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_DB", "postgres://me:s%40cret@db.example:5433/xeploai?sslmode=require")
    config = env.database("X_DB", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "me",
        "s@cret",
        "db.example",
        "5433",
        "xeploai",
    )
    assert config["OPTIONS"] == {
        "sslmode": "require",
        "options": "-c max_parallel_workers_per_gather=0",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_prepared_statements_are_typed_options_and_can_be_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Django reads ``server_side_binding is True`` and psycopg wants an int: strings would be
    # silently ignored or fail at the first query.
    monkeypatch.setenv("X_DB", "postgres://h/x?prepare_threshold=2")
    assert env.database("X_DB", "")["OPTIONS"] == {
        "options": "-c max_parallel_workers_per_gather=0",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    monkeypatch.setenv("X_DB", "postgres://h/x?server_side_binding=False")
    assert env.database("X_DB", "")["OPTIONS"] == {
        "options": "-c max_parallel_workers_per_gather=0"
    }


def test_parallel_workers_are_off_unless_asked_for_and_libpq_options_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("X_DB", "postgres://h/x?parallel_workers=2&options=-c%20work_mem%3D64MB")
    options = env.database("X_DB", "")["OPTIONS"]
    assert isinstance(options, dict)
    assert options["options"] == "-c work_mem=64MB -c max_parallel_workers_per_gather=2"
    monkeypatch.setenv("X_DB", "postgres://h/x?parallel_workers=server")
    assert "options" not in env.database("X_DB", "")["OPTIONS"]  # type: ignore[operator]
    monkeypatch.setenv("X_DB", "postgres://h/x?parallel_workers=two")
    with pytest.raises(env.SettingError, match="parallel_workers='two'"):
        env.database("X_DB", "")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's parallel plans")
def test_the_applications_connection_plans_no_parallel_workers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def _start(
    code: str = "import django; django.setup()", **variables: str
) -> subprocess.CompletedProcess[str]:
    """``code`` run in a new Python with the project's settings and ``variables`` set."""
    environment = {**os.environ, **variables}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "xeploai.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _start(XEPLOAI_ENV="production", XEPLOAI_SECRET_KEY="")
    assert result.returncode != 0
    assert "XEPLOAI_SECRET_KEY" in result.stderr


def test_production_refuses_debug() -> None:
    result = _start(XEPLOAI_ENV="production", XEPLOAI_SECRET_KEY="k" * 50, XEPLOAI_DEBUG="1")
    assert result.returncode != 0 and "XEPLOAI_DEBUG" in result.stderr


def test_production_starts_with_a_key_and_secure_cookies() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE and s.SECURE_HSTS_SECONDS > 0; "
        "assert not s.DEBUG; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "xeploai.settings",
            "XEPLOAI_ENV": "production",
            "XEPLOAI_SECRET_KEY": "k" * 50,
            "XEPLOAI_ALLOWED_HOSTS": "xeploai.example",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_time_zone_and_language_defaults() -> None:
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "vi"


def test_a_fresh_checkout_gets_its_sqlite_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "not" / "yet" / "there.sqlite3"
    monkeypatch.setenv("X_DB", f"sqlite:///{target}")
    env.database("X_DB", "sqlite:///x")
    assert target.parent.is_dir()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_postgresql_plans_a_repeated_statement_once() -> None:
    # The default DATABASE_URL turns server-side binding on: after ``prepare_threshold`` runs
    # on a connection the statement is a prepared one, planned once (docs/decisions/0004);
    # with ``server_side_binding=false`` (CI's second PostgreSQL run) nothing is prepared.
    prepared = connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    statement = "SELECT count(*) FROM org_orgunit WHERE depth = %s"
    with connection.cursor() as cursor:
        for depth in range(6):
            cursor.execute(statement, [depth])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [statement.replace("%s", "$1")],
        )
        assert cursor.fetchone()[0] == (1 if prepared else 0)


def _production(**variables: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
        "XEPLOAI_ENV": "production",
        "XEPLOAI_SECRET_KEY": "k" * 50,
        "XEPLOAI_ALLOWED_HOSTS": "xeploai.example",
        **variables,
    }


# A client's plain-HTTP request that claims X-Forwarded-Proto: https; prints the status.
_FORGED_HTTPS = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.test import Client; "
    "r = Client().get('/login/', HTTP_HOST='xeploai.example', HTTP_X_FORWARDED_PROTO='https'); "
    "print(settings.SECURE_PROXY_SSL_HEADER is not None, r.status_code, r.get('Location', '-'))"
)


def test_without_a_trusted_proxy_a_client_sent_forwarded_proto_does_not_skip_the_ssl_redirect() -> (
    None
):
    done = subprocess.run(
        [sys.executable, "-c", _FORGED_HTTPS],
        env=_production(XEPLOAI_TRUSTED_PROXIES="0"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.split() == ["False", "301", "https://xeploai.example/login/"], done.stderr


def test_behind_a_trusted_proxy_its_forwarded_proto_says_https() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FORGED_HTTPS],
        env=_production(XEPLOAI_TRUSTED_PROXIES="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.split() == ["True", "200", "-"], done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("XEPLOAI_DEBUG", "maybe", "on/off"),
        ("XEPLOAI_TRUSTED_PROXIES", "one", "số nguyên"),
        ("XEPLOAI_ENV", "staging", "development, production"),
        ("DATABASE_URL", "mysql://u:secret@db/x", "postgres://"),
    ],
)
@pytest.mark.parametrize(
    "program",
    [["-m", "xeploai", "check"], ["-c", "import xeploai.wsgi"], ["-c", "import xeploai.asgi"]],
    ids=["xeploai-check", "wsgi", "asgi"],
)
def test_a_bad_value_stops_with_one_line_naming_it_and_no_traceback(
    program: list[str], variable: str, value: str, accepted: str
) -> None:
    done = subprocess.run(
        [sys.executable, *program],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings", variable: value},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("xeploai: lỗi cấu hình — ")
    assert variable in lines[0] and accepted in lines[0]
    assert "secret" not in lines[0]  # a database address is shown without its password


def test_ballot_settings_default_to_two_keyers_and_the_request_address() -> None:
    done = _start(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.BALLOT_ONE_KEYER, repr(s.PUBLIC_URL))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "''"]


def test_a_public_url_without_its_scheme_is_refused() -> None:
    result = _start(XEPLOAI_PUBLIC_URL="xeploai.example.vn")
    assert result.returncode != 0 and "XEPLOAI_PUBLIC_URL" in result.stderr
    assert _start(XEPLOAI_PUBLIC_URL="https://xeploai.example.vn/").returncode == 0
    result = _start(XEPLOAI_BALLOT_ONE_KEYER="perhaps")
    assert result.returncode != 0 and "XEPLOAI_BALLOT_ONE_KEYER" in result.stderr


def test_a_worker_freezes_what_its_start_up_built(tmp_path: Path) -> None:
    """``xeploai.wsgi`` ends its warm-up with ``lib.settle``: the objects of start-up are
    frozen (out of the garbage collector's full passes), none left for a full pass to walk,
    and the youngest generation's threshold raised."""
    done = _start(
        "import gc, xeploai.wsgi; "
        "print(gc.get_freeze_count(), sum(gc.get_count()), len(gc.get_objects(2)), "
        "gc.get_threshold()[0])",
        XEPLOAI_DATA_DIR=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    frozen, young, old, threshold = (int(n) for n in done.stdout.split())
    assert frozen > 20_000, done.stdout  # the modules, templates and URL tables
    assert old < 1_000, done.stdout  # nothing left for a full collection to walk
    assert young < 1_000, done.stdout
    assert threshold == 20_000  # the youngest generation collected ten times less often
