"""`xeploai backup` and `xeploai restore` round-trip a demo bloc: after a restore, every table
and the statistics the reports read are exactly as they were when the backup was taken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

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
from xeploai.reports.models import UnitStat
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
root = OrgUnit.objects.get(code="DEMO")
digest["report"] = sorted(UnitStat.objects.filter(path=root.path).values_list("period__year", "block", "bucket", "n"))
print(json.dumps(digest, sort_keys=True))
"""

DAMAGE = """
import django; django.setup()
from xeploai.reviews.models import Evaluation
from xeploai.reports.stats import stats_rebuild
from xeploai.cycles.models import Period
Evaluation.objects.filter(period__year=2025, level="HTTNV").update(level="KHTNV")
stats_rebuild(Period.objects.get(year=2025))
"""


def test_backup_and_restore_round_trip_a_demo_bloc(scratch_database_url: str, tmp_path: Path):
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
    python(DAMAGE)
    (media / "scan.pdf").unlink()
    assert python(FINGERPRINT) != before
    assert "Đã khôi phục" in xeploai("restore", str(archive), "--yes")
    after = python(FINGERPRINT)

    # the restore itself writes one audit event after the copy; everything else is identical
    def strip(text: str) -> dict[str, object]:
        return {k: v for k, v in json.loads(text).items() if k != "audit.AuditEvent"}

    assert strip(after) == strip(before)
    assert (media / "scan.pdf").read_bytes() == b"%PDF-1.4 scan"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path):
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
