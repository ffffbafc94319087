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
from django.utils.translation import gettext as _

from xeploai import __version__

FORMAT = 2  # 2: the manifest holds the SHA-256 of every file ("files"), not only the database


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


def _private_file(path: Path) -> None:
    """Create ``path`` empty and readable by the owner only (0600) before anything is written to
    it: SQLite and pg_dump keep the mode of a file that exists (SQLite gives its journal the
    same mode), where they would create a new one world-readable under the usual umask."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT


class _Hashing:
    """A file read by ``tarfile.addfile`` while the SHA-256 of exactly what it read is kept."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> str:
    """Add the regular file ``path`` as ``name`` (mode 0600); return the SHA-256 written."""
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mode = 0o600
    with path.open("rb") as handle:
        reader = _Hashing(handle)
        try:
            archive.addfile(info, reader)
        except OSError as error:  # the file shrank while it was read
            raise BackupError(
                _("Không đọc trọn được {path} ({error}); hãy sao lưu lại.").format(
                    path=path, error=error
                )
            ) from None
    return reader.digest.hexdigest()


def _add_media(archive: tarfile.TarFile, media: Path, files: dict[str, str]) -> None:
    """Every directory and regular file under ``media`` as ``media/…``; a link or a special
    file is refused (a restore would refuse it too)."""
    for top, dirs, names in os.walk(media):
        dirs.sort()
        here = Path(top)
        relative = here.relative_to(media).as_posix()
        info = tarfile.TarInfo("media" if relative == "." else f"media/{relative}")
        info.type, info.mode = tarfile.DIRTYPE, 0o700
        archive.addfile(info)
        for name in sorted(dirs + names):
            path = here / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                raise BackupError(
                    _(
                        "{path} là liên kết hoặc tệp đặc biệt, không sao lưu được — hãy thay "
                        "bằng tệp thường."
                    ).format(path=path)
                )
        for name in sorted(names):
            arcname = info.name + "/" + name
            files[arcname] = _add_file(archive, here / name, arcname)


def backup(out: Path) -> dict[str, Any]:
    """Write a backup to ``out`` while the application keeps running; return the manifest.

    The tar is written to a private (0600) temporary file beside ``out`` and renamed when it is
    complete; its manifest holds the SHA-256 of every member (the database and every upload)."""
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if _is_sqlite():
            name = "database.sqlite3"
            _private_file(work_dir / name)
            connections["default"].ensure_connection()
            target = sqlite3.connect(work_dir / name)
            with target:
                connections["default"].connection.backup(target)  # consistent online copy
            target.close()
        else:
            name = "database.pgdump"
            _private_file(work_dir / name)
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(work_dir / name)]
            result = subprocess.run(  # noqa: S603 — fixed argv, PostgreSQL's own tool from PATH
                command,
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(
                    _("pg_dump thất bại: {error}").format(error=result.stderr.strip())
                )
        out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        try:
            with (
                os.fdopen(handle, "wb") as stream,
                tarfile.open(fileobj=stream, mode="w") as archive,
            ):
                files = {name: _add_file(archive, work_dir / name, name)}
                media = Path(settings.MEDIA_ROOT)
                if media.exists():
                    _add_media(archive, media, files)
                manifest = {
                    "format": FORMAT,
                    "xeploai": __version__,
                    "engine": "sqlite" if _is_sqlite() else "postgresql",
                    "database_file": name,
                    "database_sha256": files[name],
                    "files": files,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mode = len(data), 0o600
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, out)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return manifest


def _unsafe(member: tarfile.TarInfo) -> str | None:
    """Why the tar entry ``member`` must not be extracted, or None."""
    name = member.name
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return _("đường dẫn tuyệt đối")
    if ".." in Path(name).parts or "\\" in name:
        return _("đường dẫn ra ngoài thư mục khôi phục")
    if member.issym() or member.islnk():
        return _("liên kết")
    if not (member.isfile() or member.isdir()):
        return _("tệp đặc biệt")
    return None


def _check_members(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Refuse the backup unless every entry is a plain file or directory inside the restore
    folder and the manifest lists exactly its files."""
    files = manifest.get("files")
    if manifest.get("format") != FORMAT or not isinstance(files, dict):
        raise BackupError(
            _(
                "Bản sao lưu theo định dạng cũ chỉ có mã băm của cơ sở dữ liệu, không kiểm tra "
                "được các tệp tải lên — không khôi phục gì; hãy dùng bản sao lưu tạo bằng phiên "
                "bản này."
            )
        )
    database = manifest.get("database_file")
    if database not in ("database.sqlite3", "database.pgdump"):
        raise BackupError(_("Tệp sao lưu thiếu manifest.json hoặc manifest hỏng."))
    present = set()
    for member in archive.getmembers():
        why = _unsafe(member)
        top = member.name.split("/")[0]
        if why is None and member.name != "manifest.json" and top not in (database, "media"):
            why = _("không thuộc bản sao lưu")
        if why is not None:
            raise BackupError(
                _("Tệp sao lưu có mục không an toàn: {name} ({why}) — không khôi phục gì.").format(
                    name=repr(member.name), why=why
                )
            )
        if member.isfile() and member.name != "manifest.json":
            present.add(member.name)
    unlisted, missing = sorted(present - set(files)), sorted(set(files) - present)
    if unlisted:
        raise BackupError(
            _("Tệp sao lưu có tệp không ghi trong manifest: {names} — không khôi phục gì.").format(
                names=", ".join(unlisted[:5])
            )
        )
    if missing or database not in files:
        raise BackupError(
            _("Tệp sao lưu thiếu tệp ghi trong manifest: {names} — không khôi phục gì.").format(
                names=", ".join(missing[:5] or [database])
            )
        )


def restore(source: Path) -> dict[str, Any]:
    """Replace the database and the uploaded files with those of the backup ``source``.

    Nothing is replaced until every entry of the tar has been checked (no absolute path, no
    ``..``, no link) and every file's SHA-256 matches the manifest."""
    if not source.exists():
        raise BackupError(_("Không tìm thấy tệp sao lưu {source}.").format(source=source))
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115 — closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(
            _("{source} không phải tệp sao lưu của xeploai ({error}).").format(
                source=source, error=error
            )
        ) from None
    with archive, tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        try:
            manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
            if not isinstance(manifest, dict):
                raise ValueError(manifest)
        except (KeyError, ValueError, tarfile.TarError):
            raise BackupError(_("Tệp sao lưu thiếu manifest.json hoặc manifest hỏng.")) from None
        engine = "sqlite" if _is_sqlite() else "postgresql"
        if manifest.get("engine") != engine:
            raise BackupError(
                _("Bản sao lưu là của {theirs}, cơ sở dữ liệu hiện tại là {ours}.").format(
                    theirs=manifest.get("engine"), ours=engine
                )
            )
        try:
            _check_members(archive, manifest)
            archive.extractall(work_dir, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(
                _("Tệp sao lưu hỏng, không khôi phục gì ({error}).").format(error=error)
            ) from None
        for name, expected in sorted(manifest["files"].items()):
            if _sha256(work_dir / name) != expected:
                what = _("cơ sở dữ liệu") if name == manifest["database_file"] else name
                raise BackupError(
                    _(
                        "Tệp {what} trong bản sao lưu bị hỏng hoặc đã bị sửa (sai mã băm) — "
                        "không khôi phục gì."
                    ).format(what=what)
                )
        database_file = work_dir / manifest["database_file"]
        connections["default"].close()
        if _is_sqlite():
            if not Path(_database()["NAME"]).exists():
                _private_file(Path(_database()["NAME"]))
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
                raise BackupError(
                    _("pg_restore thất bại: {error}").format(error=result.stderr.strip()[-2000:])
                )
        media = Path(settings.MEDIA_ROOT)
        if (work_dir / "media").exists():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(work_dir / "media", media)
    return manifest
