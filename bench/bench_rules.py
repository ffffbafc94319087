"""Time ``check_decisions`` over 10,000 synthetic members' decisions.

Run: ``python bench/bench_rules.py [--members N] [--runs R] [--ruleset KEY]``. Prints one line
with the median of the runs. Standard library plus the xeploai package only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xeploai.rules import (
    Decision,
    ExcellenceGroup,
    Level,
    Subject,
    SubjectKind,
    ceiling,
    check_decisions,
    get_ruleset,
)

GROUPS = tuple(ExcellenceGroup)


def synthetic(
    members: int, ruleset_key: str, seed: int = 20251215, messy: bool = False
) -> list[Decision]:
    """``members`` members in cells of 25 under deciding bodies of 250, with facts that
    exercise eligibility, ceilings, comments and quotas. Levels are capped at each member's
    ceiling except for about 2 % (``messy``: not capped, so most decisions break a rule)."""
    rng = random.Random(seed)
    ruleset = get_ruleset(ruleset_key)
    on = dt.date(2025, 12, 15)
    points = ruleset_key.startswith("366")
    out = []
    for i in range(members):
        cell = f"CB{i // 25:04d}"
        body = f"DU{i // 250:03d}"
        level = rng.choices((Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV), (15, 75, 8, 2))[0]
        common = rng.uniform(20, 30) if points else None
        tasks = rng.uniform(45, 70) if points else None
        subject = Subject(
            id=f"DV{i:06d}",
            kind=SubjectKind.DANG_VIEN,
            parent_id=cell,
            admitted_on=dt.date(2000 + rng.randrange(25), 1 + rng.randrange(12), 1),
            excellence_group=rng.choice(GROUPS),
            has_post=rng.random() < 0.2,
            civil_servant=rng.random() < 0.5,
            civil_service_level=rng.choice((Level.HTXSNV, Level.HTTNV, Level.HTTNV, Level.HTNV)),
            civil_service_rated_on=dt.date(2025, 12, 1),
            residence_exemption=None,
            comments_received=frozenset({"NOI_CU_TRU", "DON_VI_CU"})
            if rng.random() < 0.99
            else frozenset(),
            transfer_months_at_old_unit=rng.choice((None, None, None, 3, 8)),
            tasks_done_pct=rng.choice((100,) * 19 + (90,)),
            tasks_exceeded_pct=rng.choice((10, 30, 60)),
            tasks_late_pct=rng.choice((0, 0, 10)),
            score_common=common,
            score_tasks=tasks,
        )
        if not messy and rng.random() > 0.02:
            level = min(level, ceiling(subject, ruleset, on, notes=False).level)
        out.append(Decision(subject, level, body, decided_on=dt.date(2025, 12, 10)))
    return out


def main() -> None:
    """Run the benchmark and print one line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ruleset", default="366-2025")
    parser.add_argument("--messy", action="store_true", help="most decisions break a rule")
    args = parser.parse_args()
    ruleset = get_ruleset(args.ruleset)
    decisions = synthetic(args.members, args.ruleset, messy=args.messy)
    on = dt.date(2025, 12, 15)
    timings = []
    report = None
    for _ in range(args.runs):
        start = time.perf_counter()
        report = check_decisions(decisions, ruleset, on)
        timings.append(time.perf_counter() - start)
    assert report is not None
    median = statistics.median(timings)
    print(
        f"check_decisions: {args.members} members, rule set {ruleset.key}: "
        f"median {median * 1000:.0f} ms over {args.runs} runs "
        f"(min {min(timings) * 1000:.0f} ms; {len(report.violations)} violations, "
        f"{len(report.quotas)} quota groups)"
    )


if __name__ == "__main__":
    main()
