"""The decision board's server time for a deciding body of N subjects (issue 14 §3).

    .venv/bin/python bench/bench_board.py --subjects 150 300 --runs 5

For each N: a fresh SQLite database in a temporary directory (or ``--database-url``, which is
flushed and filled), the test cast (``xeploai.testing``) with members added to the cells of
grassroots committee A until its committee decides N subjects, a 366-2025 period opened, every
file sent with a proposal (one in six HTXSNV, so the quota problems are listed too); then the
clerk's board (all rows, decide forms on every one) requested by Django's test client: the
median wall and CPU time of ``--runs`` requests after one warm-up, and the page's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def fill_board(subjects: int) -> tuple[Any, list[int]]:
    """The test cast with committee A deciding ``subjects`` files, every one sent with an HTTNV
    proposal, one member in six HTXSNV; the cast and the members' evaluation ids. Shared with
    bench_board_page.py."""
    from xeploai.cycles.models import PeriodKind
    from xeploai.cycles.services import period_create
    from xeploai.reviews.models import Evaluation, Stage, SubjectKind
    from xeploai.reviews.periods import period_open
    from xeploai.testing import make_cast, make_person

    cast = make_cast()
    cells = [cast.cell_a1, cast.cell_a2]
    # the committee decides its cells, its members (one already in A1) and the extra ones
    for n in range(subjects - len(cells) - 1):
        make_person(cells[n % 2])
    period = period_create(
        actor=None,
        name="Năm 2026",
        year=2026,
        kind=PeriodKind.YEAR,
        ruleset="366-2025",
        scope_root=cast.root,
        evaluation_date=dt.date(2026, 12, 10),
    )
    period_open(actor=None, period=period)
    body = Evaluation.objects.filter(period=period, decider=cast.org_a)
    body.update(stage=Stage.SENT, cell_level="HTTNV", reviewed=True)
    members = list(body.filter(kind=SubjectKind.MEMBER).order_by("pk").values_list("pk", flat=True))
    Evaluation.objects.filter(pk__in=members[::6]).update(cell_level="HTXSNV")
    return cast, members


def _fill(subjects: int) -> tuple[object, str]:
    cast, _members = fill_board(subjects)
    return cast.clerk, cast.org_a.code


def _measure(subjects: int, runs: int) -> str:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from xeploai.reviews.models import Evaluation

    call_command("flush", interactive=False, verbosity=0)
    clerk, code = _fill(subjects)
    decided = Evaluation.objects.filter(decider__code=code).count()
    client = Client()
    client.force_login(clerk)
    url = reverse("board", args=[code])
    size = len(client.get(url).content)  # warm-up: templates, translations, caches
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        page = client.get(url)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        assert page.status_code == 200
    return (
        f"{decided} subjects: median {statistics.median(walls) * 1000:.1f} ms wall, "
        f"{statistics.median(cpus) * 1000:.1f} ms CPU (wall runs "
        f"{', '.join(f'{s * 1000:.0f}' for s in walls)} ms), page {size:,} bytes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a database to flush and fill (default: SQLite)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/board.sqlite3"
        os.environ.setdefault("XEPLOAI_DEBUG", "0")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        call_command("migrate", interactive=False, verbosity=0)
        setup_test_environment()  # the test client's host and in-memory mail
        for subjects in args.subjects:
            print(_measure(subjects, args.runs), flush=True)


if __name__ == "__main__":
    main()
