"""The job and import settings fail loudly on a bad value (see README's settings table)."""

import os
import subprocess
import sys


def _start(**variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.INLINE_JOBS, settings.IMPORT_MAX_ROWS)",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "xeploai.settings", **variables},
        capture_output=True,
        text=True,
        check=False,
    )


def test_inline_jobs_are_on_by_default_outside_production_and_configurable() -> None:
    assert _start(XEPLOAI_INLINE_JOBS="").stdout.split() == ["True", "300000"]
    assert _start(XEPLOAI_INLINE_JOBS="off", XEPLOAI_IMPORT_MAX_ROWS="10").stdout.split() == [
        "False",
        "10",
    ]


def test_a_bad_value_names_the_variable() -> None:
    assert "XEPLOAI_INLINE_JOBS" in _start(XEPLOAI_INLINE_JOBS="maybe").stderr
    assert "XEPLOAI_IMPORT_MAX_ROWS" in _start(XEPLOAI_IMPORT_MAX_ROWS="many").stderr
