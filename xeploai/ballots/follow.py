"""A cell's ballots follow its evaluations to the round they moved to (issue 16 §5).

Registered with ``reviews.rounds`` in ``BallotsConfig.ready``: when a change of the tree moves
evaluations from one open round to another (decision 0008), the ballots of the old round whose
subjects moved name the new round, so the old round, emptied, can end and the ballot is found
in the round that now decides its subjects. Closed rounds never move evaluations.
"""

from __future__ import annotations

from xeploai.ballots.models import Ballot, BallotSubject
from xeploai.lib.bulk import in_batches
from xeploai.reviews.rounds import Moved


def ballots_follow(moved: Moved) -> None:
    for (old, new), evaluations in moved.items():
        ballots: set[int] = set()
        for batch in in_batches(evaluations):
            ballots.update(
                BallotSubject.objects.filter(
                    ballot__period_id=old, evaluation_id__in=batch
                ).values_list("ballot_id", flat=True)
            )
        if ballots:
            Ballot.objects.filter(pk__in=ballots).update(period_id=new)
