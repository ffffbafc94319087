"""The console commands as a user runs them: `xeploai template check` then `xeploai check`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def xeploai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xeploai", *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_template_and_check_commands(tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    made = xeploai("template", "check", "--out", str(target))
    assert made.returncode == 0 and target.is_file(), made.stderr
    result = xeploai("check", str(target), "--json")
    # the blank template has no evaluation year: unreadable input, exit 2, no traceback
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert '"ruleset": null' in result.stdout


def test_plain_check_is_still_djangos_system_check() -> None:
    result = xeploai("check")
    assert result.returncode == 0 and "no issues" in result.stdout
