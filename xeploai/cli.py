"""The ``xeploai`` console script: Django's manage.py with our commands.

``xeploai check FILE.xlsx`` runs the offline checker of a proposals workbook; plain
``xeploai check`` (no file) is still Django's system check. ``xeploai import KIND FILE`` starts
reading FILE before Django's set-up (``imports/opening.py``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")  # `xeploai seed-demo` runs the seed_demo command
    if len(argv) > 2 and argv[1] == "check" and argv[2].lower().endswith((".xlsx", ".xlsm")):
        argv[1] = "check_workbook"
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from xeploai.lib.env import exit_on_bad_setting

    with exit_on_bad_setting():
        settings.INSTALLED_APPS  # noqa: B018 — load the settings: a bad value stops here
    if len(argv) > 3 and argv[1] == "import":
        _read_ahead(argv[2], argv[3])
    execute_from_command_line(argv)


def _read_ahead(kind: str, file: str) -> None:
    """``xeploai import KIND FILE …``: measure FILE now and let calamine load its sheet while
    Django sets up (``imports/opening.py``); the command takes it if it reads that file."""
    from pathlib import Path

    from xeploai.imports.opening import SHEET_NAMES, read_ahead

    if kind in SHEET_NAMES and not file.startswith("-"):
        read_ahead(Path(file), SHEET_NAMES[kind])


if __name__ == "__main__":
    main()
