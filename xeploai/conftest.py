import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from xeploai.testing import Cast, make_cast


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Tests create many users; the production hasher stays the default outside tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture
def scratch_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own for tests that run real separate processes: a SQLite file, or a
    throwaway PostgreSQL database (dropped afterwards) when the suite runs on PostgreSQL."""
    config: dict[str, Any] = settings.DATABASES["default"]
    if "postgresql" not in config["ENGINE"]:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import psycopg

    name = f"xeploai_scratch_{uuid.uuid4().hex[:8]}"
    params: dict[str, Any] = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    yield f"postgres://{auth}@{config['HOST']}:{config['PORT'] or 5432}/{name}"
    with psycopg.connect(**params) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
