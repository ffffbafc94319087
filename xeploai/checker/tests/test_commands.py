"""The Django management commands are thin wrappers: run them in a subprocess with a minimal
settings configuration, so the test does not depend on the project's settings."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(INSTALLED_APPS=["xeploai.checker"])
    django.setup()
    path = sys.argv[1]
    call_command("template", "check", "-o", path)
    try:
        call_command("check_workbook", path, "--json")
    except SystemExit as stop:
        print("EXIT", stop.code)
    """
)


def test_template_and_check_commands(tmp_path: Path):
    target = tmp_path / "mau.xlsx"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert target.is_file(), result.stderr
    # the blank template has no evaluation year: unreadable input, exit 2, no traceback
    assert "EXIT 2" in result.stdout, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert '"ruleset": null' in result.stdout
