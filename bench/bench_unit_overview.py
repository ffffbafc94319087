"""The organization page's counts: ``unit_overview`` on units of an existing database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xeploai_gen_full XEPLOAI_DEBUG=0 \\
        .venv/bin/python bench/bench_unit_overview.py QG2026 QG2026-P22 QG2026-P22-D07 --runs 7

Reads only. For each unit code: the median wall time of ``unit_overview`` (children, counts,
breadcrumbs) over ``--runs`` runs, its number of queries, and the totals it shows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xeploai.org.models import OrgUnit
    from xeploai.org.selectors import unit_overview

    for code in args.codes:
        unit = OrgUnit.objects.get(code=code)
        seconds = []
        for _ in range(args.runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                overview = unit_overview(unit)
            seconds.append(time.perf_counter() - start)
        totals = overview.totals
        print(
            f"{code}: median {statistics.median(seconds) * 1000:.1f} ms "
            f"(runs {', '.join(f'{s * 1000:.0f}' for s in seconds)} ms), {len(queries)} queries, "
            f"{totals.members:,} members, {totals.cells:,} cells, {len(overview.children)} children",
            flush=True,
        )


if __name__ == "__main__":
    main()
