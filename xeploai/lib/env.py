"""Read settings from the environment, failing loudly on a value we cannot understand.

Each reader takes the variable's name and a default; a present but malformed value raises
``SettingError`` (an ``ImproperlyConfigured``) naming the variable and what is accepted, never
a silent fallback. ``exit_on_bad_setting`` turns it into one line on stderr and exit status 4
for the ``xeploai`` commands and the WSGI/ASGI application: an administrator who mistyped a
value reads which one, not a traceback.

The messages are Vietnamese and not translated: they are written while the settings load,
before the translation machinery exists.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# gunicorn's "App failed to load": its master stops instead of starting workers again and again.
EXIT_BAD_SETTING = 4


class SettingError(ImproperlyConfigured):
    """An environment variable's value the settings cannot understand."""


@contextmanager
def exit_on_bad_setting() -> Iterator[None]:
    """Stop the program with the one-line message of a ``SettingError``, without a traceback."""
    try:
        yield
    except SettingError as error:
        print(f"xeploai: lỗi cấu hình — {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTING) from None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# Public on purpose: only ever used outside production (see settings.PRODUCTION).
_DEVELOPMENT_KEY = "django-insecure-xeploai-development-key-do-not-use-in-production"


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def string(name: str, default: str) -> str:
    return _raw(name) or default


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    return default if value is None else [part.strip() for part in value.split(",") if part.strip()]


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise SettingError(f"{name}={value!r}: cần một trong 1/0, true/false, yes/no, on/off.")


def integer(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r}: cần một số nguyên ≥ 0.") from None
    if number < 0:
        raise SettingError(f"{name}={value!r}: cần một số nguyên ≥ 0.")
    return number


def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in allowed:
        raise SettingError(f"{name}={value!r}: cần một trong {', '.join(allowed)}.")
    return value


def secret_key(name: str, *, required: bool) -> str:
    value = _raw(name)
    if value is None:
        if required:
            raise SettingError(
                f"{name} chưa đặt: môi trường production không chạy khi thiếu khóa bí mật riêng."
            )
        return _DEVELOPMENT_KEY
    if required and (len(value) < 32 or value == _DEVELOPMENT_KEY):
        raise SettingError(f"{name}: cần ít nhất 32 ký tự, khác khóa dùng khi phát triển.")
    return value


def database(name: str, default: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/db`` into Django's dict."""
    url = _raw(name) or default
    parts = urlsplit(url)
    if parts.password:  # the messages below print the address: never its password
        url = url.replace(f":{parts.password}@", ":***@", 1)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise SettingError(f"{name}={url!r}: cần dạng sqlite:///duong/dan.sqlite3.")
        # A fresh checkout has no data folder yet: SQLite creates the file, not its folder.
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                # IMMEDIATE avoids "database is locked" deadlocks between concurrent writers;
                # WAL lets readers go on while one request writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory, for tests too: concurrent connections then wait for the
            # write lock as they do in production instead of failing on a shared-cache lock.
            "TEST": {"NAME": str(Path(path).with_name("test-" + Path(path).name))},
        }
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        if not parts.path.strip("/"):
            raise SettingError(f"{name}={url!r}: thiếu tên cơ sở dữ liệu.")
        try:
            port = parts.port
        except ValueError:
            raise SettingError(f"{name}={url!r}: cổng (port) phải là một số.") from None
        options = dict(parse_qsl(parts.query))
        conn_max_age = options.pop("conn_max_age", "60")
        if not conn_max_age.isdigit():
            raise SettingError(f"{name}: conn_max_age={conn_max_age!r}: cần một số nguyên ≥ 0.")
        # Server-side binding and prepared statements (docs/decisions/0004): a statement run
        # ``prepare_threshold`` times on a connection is planned once, not at every run. Off
        # with ``server_side_binding=false`` (a pgbouncer older than 1.21 in transaction mode).
        binding = options.pop("server_side_binding", "true").lower()
        if binding not in ("true", "false"):
            raise SettingError(f"{name}: server_side_binding={binding!r}: cần true hoặc false.")
        threshold = options.pop("prepare_threshold", "5")
        if not threshold.isdigit():
            raise SettingError(f"{name}: prepare_threshold={threshold!r}: cần một số nguyên ≥ 0.")
        # One request, one backend (docs/decisions/0016): a parallel plan takes two more
        # processes for one page — both cores of a small server — and is chosen on estimates
        # that miss (the board's civil-service counts: 32 ms parallel, 2.5 ms without).
        # ``server``: send nothing, the role's or server's setting holds (behind pgbouncer).
        workers = options.pop("parallel_workers", "0")
        if not workers.isdigit() and workers != "server":
            raise SettingError(
                f"{name}: parallel_workers={workers!r}: cần một số nguyên ≥ 0 hoặc server."
            )
        typed: dict[str, object] = dict(options)
        if workers != "server":
            given = options.get("options", "")
            typed["options"] = f"{given} -c max_parallel_workers_per_gather={workers}".strip()
        if binding == "true":
            typed.update(server_side_binding=True, prepare_threshold=int(threshold))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.strip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": int(conn_max_age),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": typed,
        }
    raise SettingError(f"{name}={url!r}: cần một địa chỉ sqlite:/// hoặc postgres://.")
