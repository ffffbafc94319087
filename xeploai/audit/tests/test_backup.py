"""`xeploai backup` and `xeploai restore` round-trip a demo bloc: after a restore, every table
and the statistics the reports read are exactly as they were when the backup was taken."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

FINGERPRINT = """
import django, hashlib, json; django.setup()
from django.apps import apps
from django.core import serializers
digest = {}
for model in apps.get_models():
    if model._meta.app_label in ("sessions", "contenttypes", "admin"):
        continue
    rows = list(model._default_manager.order_by("pk").values())
    digest[model._meta.label] = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()[:16]
from xeploai.reviews.models import UnitStat
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
root = OrgUnit.objects.get(code="DEMO")
digest["report"] = sorted((s.period.year, s.block, sorted(s.counts().items())) for s in UnitStat.objects.filter(path=root.path))
print(json.dumps(digest, sort_keys=True))
"""

DAMAGE = """
import django; django.setup()
from xeploai.reviews.models import Evaluation
from xeploai.reviews.stats import stats_rebuild
from xeploai.cycles.models import Period
Evaluation.objects.filter(period__year=2025, level="HTTNV").update(level="KHTNV")
stats_rebuild(Period.objects.get(year=2025))
"""


def test_backup_and_restore_round_trip_a_demo_bloc(
    scratch_database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": scratch_database_url,
        "XEPLOAI_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
    }

    def xeploai(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "xeploai", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        return result.stdout

    def python(script: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout.strip()

    xeploai("migrate", "-v", "0")
    xeploai("seed-demo", "--members", "500")
    media = tmp_path / "data" / "media" / "comments"
    media.mkdir(parents=True)
    (media / "scan.pdf").write_bytes(b"%PDF-1.4 scan")
    before = python(FINGERPRINT)
    archive = tmp_path / "backup.tar"
    assert "Đã sao lưu" in xeploai("backup", "--out", str(archive))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # not world-readable, from the start
    with tarfile.open(archive) as tar:
        stored = tar.extractfile("manifest.json")
        assert stored is not None
        manifest = json.load(stored)
        files = [member for member in tar.getmembers() if member.isfile()]
    assert {stat.S_IMODE(member.mode) for member in files} == {0o600}
    assert {member.name for member in files} == {"manifest.json", *manifest["files"]}
    assert set(manifest["files"]) == {manifest["database_file"], "media/comments/scan.pdf"}
    python(DAMAGE)
    (media / "scan.pdf").write_bytes(b"%PDF-1.4 changed after the backup")
    damaged = python(FINGERPRINT)
    assert damaged != before

    # the same backup with another scan inside: refused before anything is replaced
    tampered = tmp_path / "tampered.tar"
    _rewrite(archive, tampered, {"media/comments/scan.pdf": b"%PDF-1.4 forged"})
    refused = _run(env, "restore", str(tampered), "--yes")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "media/comments/scan.pdf trong bản sao lưu bị hỏng hoặc đã bị sửa" in refused.stderr
    assert python(FINGERPRINT) == damaged
    assert (media / "scan.pdf").read_bytes() == b"%PDF-1.4 changed after the backup"

    assert "Đã khôi phục" in xeploai("restore", str(archive), "--yes")
    after = python(FINGERPRINT)

    # the restore itself writes one audit event after the copy; everything else is identical
    def strip(text: str) -> dict[str, object]:
        return {k: v for k, v in json.loads(text).items() if k != "audit.AuditEvent"}

    assert strip(after) == strip(before)
    assert (media / "scan.pdf").read_bytes() == b"%PDF-1.4 scan"


def _run(env: dict[str, str], *args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xeploai", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        **options,
    )


def _rewrite(source: Path, target: Path, replace: dict[str, bytes]) -> None:
    """A copy of the backup ``source`` with some members' content replaced (manifest kept)."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = replace.get(member.name)
            if data is None:
                new.addfile(member, old.extractfile(member) if member.isfile() else None)
            else:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))


def _sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "XEPLOAI_DATA_DIR": str(tmp_path / "data"),
    }


def _forged(path: Path, entry: tarfile.TarInfo, data: bytes = b"", *, fmt: int = 2) -> Path:
    """A backup-shaped tar (format 2 manifest, SQLite) with one more ``entry``."""
    database = b"SQLite format 3\x00"
    manifest = {
        "format": fmt,
        "engine": "sqlite",
        "database_file": "database.sqlite3",
        "database_sha256": "0" * 64,
        **({"files": {"database.sqlite3": "0" * 64}} if fmt == 2 else {}),
        "created_at": "2026-12-01T00:00:00+00:00",
    }
    with tarfile.open(path, "w") as tar:
        for info, content in (
            (tarfile.TarInfo("manifest.json"), json.dumps(manifest).encode()),
            (tarfile.TarInfo("database.sqlite3"), database),
            (entry, data),
        ):
            info.size = len(content) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(content) if info.isfile() else None)
    return path


def _link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        (tarfile.TarInfo("../../escaped.txt"), "đường dẫn ra ngoài thư mục khôi phục"),
        (tarfile.TarInfo("media/../../escaped.txt"), "đường dẫn ra ngoài thư mục khôi phục"),
        (tarfile.TarInfo("/var/xeploai-escaped.txt"), "đường dẫn tuyệt đối"),
        (_link("media/passwd", "/etc/passwd"), "liên kết"),
        (_link("media/db", "database.sqlite3", tarfile.LNKTYPE), "liên kết"),
        (_link("media/fifo", "", tarfile.FIFOTYPE), "tệp đặc biệt"),
        (tarfile.TarInfo("settings.py"), "không thuộc bản sao lưu"),
    ],
    ids=["parent", "inner-parent", "absolute", "symlink", "hardlink", "fifo", "stray"],
)
def test_restore_refuses_an_unsafe_entry_without_a_traceback(
    tmp_path: Path, entry: tarfile.TarInfo, why: str
) -> None:
    archive = _forged(tmp_path / "forged.tar", entry, b"owned")
    result = _run(_sqlite_env(tmp_path), "restore", str(archive), "--yes")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"có mục không an toàn: {entry.name!r} ({why}) — không khôi phục gì" in result.stderr
    assert (
        not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
    )
    assert not (tmp_path / "x.sqlite3").exists() or (tmp_path / "x.sqlite3").stat().st_size == 0


def test_restore_refuses_a_file_the_manifest_does_not_list(tmp_path: Path) -> None:
    archive = _forged(tmp_path / "more.tar", tarfile.TarInfo("media/comments/scan.pdf"), b"%PDF")
    result = _run(_sqlite_env(tmp_path), "restore", str(archive), "--yes")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "tệp không ghi trong manifest: media/comments/scan.pdf" in result.stderr


def test_restore_refuses_a_backup_whose_manifest_covers_only_the_database(tmp_path: Path) -> None:
    scan = tarfile.TarInfo("media/comments/scan.pdf")
    archive = _forged(tmp_path / "old.tar", scan, b"%PDF", fmt=1)
    result = _run(_sqlite_env(tmp_path), "restore", str(archive), "--yes")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "định dạng cũ chỉ có mã băm của cơ sở dữ liệu" in result.stderr


def test_restore_without_yes_and_no_terminal_refuses_clearly(tmp_path: Path) -> None:
    archive = _forged(tmp_path / "forged.tar", tarfile.TarInfo("media/a.pdf"), b"%PDF")
    result = _run(_sqlite_env(tmp_path), "restore", str(archive), stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "EOFError" not in result.stderr and "Traceback" not in result.stderr
    assert "thêm --yes" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-backup.tar"
    bogus.write_bytes(b"hello")
    result = subprocess.run(
        [sys.executable, "-m", "xeploai", "restore", str(bogus), "--yes"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "xeploai.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "không phải tệp sao lưu" in result.stderr and "Traceback" not in result.stderr
