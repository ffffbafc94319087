"""Read settings from the environment, failing loudly on a value we cannot understand.

Each reader takes the variable's name and a default; a present but malformed value raises
``ImproperlyConfigured`` naming the variable and what was expected, never a silent fallback.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

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
    raise ImproperlyConfigured(
        f"{name}={value!r}: expected one of 1/0, true/false, yes/no, on/off."
    )


def integer(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number.") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a number >= 0.")
    return number


def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(allowed)}.")
    return value


def secret_key(name: str, *, required: bool) -> str:
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(
                f"{name} is not set: production refuses to start without its own secret key."
            )
        return _DEVELOPMENT_KEY
    if required and (len(value) < 32 or value == _DEVELOPMENT_KEY):
        raise ImproperlyConfigured(f"{name} must be at least 32 characters and not the dev key.")
    return value


def database(name: str, default: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/db`` into Django's dict."""
    url = _raw(name) or default
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r}: expected sqlite:///relative/path.sqlite3.")
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
            raise ImproperlyConfigured(f"{name}={url!r}: the database name is missing.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r}: the port is not a number.") from None
        options = dict(parse_qsl(parts.query))
        conn_max_age = options.pop("conn_max_age", "60")
        if not conn_max_age.isdigit():
            raise ImproperlyConfigured(f"{name}: conn_max_age={conn_max_age!r} is not a number.")
        # Server-side binding and prepared statements (docs/decisions/0004): a statement run
        # ``prepare_threshold`` times on a connection is planned once, not at every run. Off
        # with ``server_side_binding=false`` (a pgbouncer older than 1.21 in transaction mode).
        binding = options.pop("server_side_binding", "true").lower()
        if binding not in ("true", "false"):
            raise ImproperlyConfigured(f"{name}: server_side_binding={binding!r}: true or false.")
        threshold = options.pop("prepare_threshold", "5")
        if not threshold.isdigit():
            raise ImproperlyConfigured(f"{name}: prepare_threshold={threshold!r} is not a number.")
        typed: dict[str, object] = dict(options)
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
    raise ImproperlyConfigured(f"{name}={url!r}: expected a sqlite:/// or postgres:// address.")
