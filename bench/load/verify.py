"""After the load run: nothing lost, nothing counted twice (run by bench/bench_load.py).

Prints one JSON object: the statistics tables against a full recount
(``stats_differences(period)`` must be empty) and what the database holds for the load
accounts next to what the locust script counted as successful.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    counted = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    period_id = int(sys.argv[2])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from xeploai.ballots.models import Ballot, BallotStatus
    from xeploai.cycles.models import Period
    from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage
    from xeploai.reviews.stats import stats_differences

    period = Period.objects.get(pk=period_id)
    differences = stats_differences(period)
    ledger = Proposal.objects.filter(evaluation__period=period)
    held = {
        # the member's evaluation is submitted, and the ledger has exactly one self-proposal
        "submitted": Evaluation.objects.filter(
            period=period, person__user__username__startswith="load_m", stage=Stage.SUBMITTED
        ).count(),
        "self_rows": ledger.filter(
            stage=LedgerStage.SELF, actor__username__startswith="load_m"
        ).count(),
        "decided": Evaluation.objects.filter(
            period=period, decided_by__username__startswith="load_c", stage=Stage.DECIDED
        ).count(),
        "decision_rows": ledger.filter(
            stage=LedgerStage.GRASSROOTS, actor__username__startswith="load_c"
        ).count(),
        "ballots_accepted": Ballot.objects.filter(
            period=period, created_by__username__startswith="load_s", status=BallotStatus.CLOSED
        ).count(),
    }
    checks = {
        "statistics equal a full recount": differences == [],
        "submissions: counted = submitted = ledger rows": counted["submitted"]
        == held["submitted"]
        == held["self_rows"],
        "decisions: counted = decided = ledger rows": counted["decided"]
        == held["decided"]
        == held["decision_rows"],
        "paper ballots: counted = accepted": counted["ballots_accepted"]
        == held["ballots_accepted"],
    }
    print(
        json.dumps(
            {
                "counted": {k: v for k, v in counted.items() if k not in ("logins", "refusals")},
                "refusals": counted.get("refusals"),
                "logins": counted.get("logins"),
                "held": held,
                "differences": differences[:20],
                "checks": checks,
                "consistent": all(checks.values()),
            },
            ensure_ascii=False,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
