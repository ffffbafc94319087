"""Backup and restore of the whole installation: the database and the uploaded files.

A backup is one tar file: ``manifest.json`` (what and when), the database (a SQLite online-backup
copy, or a ``pg_dump`` custom-format dump) and ``media/`` (uploaded scans). The database-specific
parts are here and only here; they are tested on both databases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from xeploai import __version__


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in Vietnamese."""


def _database() -> dict[str, Any]:
    return settings.DATABASES["default"]


def _is_sqlite() -> bool:
    return "sqlite3" in _database()["ENGINE"]


def _pg_env() -> dict[str, str]:
    config = _database()
    env = {
        **os.environ,
        "PGHOST": config["HOST"] or "",
        "PGPORT": str(config["PORT"] or 5432),
        "PGUSER": config["USER"] or "",
        "PGDATABASE": config["NAME"],
    }
    if config["PASSWORD"]:
        env["PGPASSWORD"] = config["PASSWORD"]
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(out: Path) -> dict[str, Any]:
    """Write a backup to ``out`` while the application keeps running; return the manifest."""
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if _is_sqlite():
            name = "database.sqlite3"
            connections["default"].ensure_connection()
            target = sqlite3.connect(work_dir / name)
            with target:
                connections["default"].connection.backup(target)  # consistent online copy
            target.close()
        else:
            name = "database.pgdump"
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(work_dir / name)]
            result = subprocess.run(  # noqa: S603 — fixed argv, PostgreSQL's own tool from PATH
                command,
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump thất bại: {result.stderr.strip()}")
        manifest = {
            "format": 1,
            "xeploai": __version__,
            "engine": "sqlite" if _is_sqlite() else "postgresql",
            "database_file": name,
            "database_sha256": _sha256(work_dir / name),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(out, "w") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(work_dir / name, arcname=name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Replace the database and the uploaded files with those of the backup ``source``."""
    if not source.exists():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source}.")
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115 — closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{source} không phải tệp sao lưu của xeploai ({error}).") from None
    with archive, tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        try:
            manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        except (KeyError, ValueError):
            raise BackupError("Tệp sao lưu thiếu manifest.json hoặc manifest hỏng.") from None
        engine = "sqlite" if _is_sqlite() else "postgresql"
        if manifest.get("engine") != engine:
            raise BackupError(
                f"Bản sao lưu là của {manifest.get('engine')}, cơ sở dữ liệu hiện tại là {engine}."
            )
        archive.extractall(work_dir, filter="data")
        database_file = work_dir / manifest["database_file"]
        if _sha256(database_file) != manifest["database_sha256"]:
            raise BackupError("Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng (sai mã băm).")
        connections["default"].close()
        if _is_sqlite():
            source_db = sqlite3.connect(database_file)
            target = sqlite3.connect(_database()["NAME"])
            with target:
                source_db.backup(target)
            source_db.close()
            target.close()
        else:
            result = subprocess.run(  # noqa: S603 — fixed argv, PostgreSQL's own tool from PATH
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    _database()["NAME"],
                    str(database_file),
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore thất bại: {result.stderr.strip()[-2000:]}")
        media = Path(settings.MEDIA_ROOT)
        if (work_dir / "media").exists():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(work_dir / "media", media)
    return manifest
