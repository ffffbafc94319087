"""A member's evaluation follows a transfer of party activity (``org.services.person_transfer``,
a people import's changed cell; decision 0008).

The receiving cell evaluates a member who transferred during the year (HD 21 mục II.6, rules.md
§4.7; the old cell's comment is asked for by the rules when the member spent six months or more
there). So the member's evaluation that is not decided yet, in every round that is not closed
and whose evaluation date is on or after the transfer, moves to the new cell — the same
evaluation, with its self-review, comments and proposals: one subject, one evaluation per year —
and into the round that covers the new cell (the deepest of its year, kind and quarter), with
its statistics and quota pools; the new cell's deciding body decides it.

What stays where it is:

- a decided evaluation: the old deciding body decided it, and that decision stands;
- an evaluation of a round whose evaluation date is before the transfer (the old cell evaluates
  the time the member spent with it);
- the old cell's ballots: a ballot is the old cell's meeting (its other subjects stay), so it
  stays in its round, naming the evaluation it voted on;
- an evaluation that no round covering the new cell can take (the new cell lies outside every
  round of that year, e.g. a province that has not opened its round yet): the old cell keeps
  it. When a round later covers the new cell, ``period_open`` finds the member's evaluation of
  the year and does not make a second one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from django.db.models import F

from xeploai.lib.bulk import in_batches
from xeploai.org.models import OrgUnit
from xeploai.org.tree import MembersTransferred
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.rounds import open_rounds, round_key
from xeploai.reviews.stats import bucket_of, pools_add, stats_add, subjects_moved_delta


def transfers_follow(event: MembersTransferred, deciders_follow: Callable[[str], None]) -> None:
    """Move the transferred members' open evaluations to their new cells (module docstring)."""
    moves = {person: (old, new, on) for person, old, new, on in event.moves}
    if not moves:
        return
    rounds = open_rounds()
    if not rounds.open:
        return
    periods = {period.pk: period for period in rounds.open}
    people = sorted(moves)
    rows: list[tuple[int, int, int, int, int, str, str, str]] = []
    for batch in in_batches(people):
        rows += Evaluation.objects.filter(
            person_id__in=batch,
            kind=SubjectKind.MEMBER,
            period_id__in=list(periods),
        ).exclude(stage=Stage.DECIDED).values_list(
            "pk", "person_id", "period_id", "unit_id", "decider_id", "group", "level",
            "not_rated_reason",
        )  # fmt: skip
    following = [
        row
        for row in rows
        if row[3] == moves[row[1]][0] and periods[row[2]].evaluation_date >= moves[row[1]][2]
    ]
    if not following:
        return
    cells = sorted({cell for row in following for cell in (row[3], moves[row[1]][1])})
    paths: dict[int, str] = {}
    for batch in in_batches(cells):
        paths.update(OrgUnit.objects.filter(pk__in=batch).values_list("pk", "path"))
    stats: Counter[tuple[int, str, str, str]] = Counter()
    pools: Counter[tuple[int, int, str, str, str]] = Counter()
    deciders: set[int] = set()
    by_target: dict[tuple[int, int], list[int]] = defaultdict(list)  # (cell, round) → ids
    for pk, person, period_id, old_cell, decider, group, level, reason in following:
        new_cell = moves[person][1]
        new_path = paths[new_cell]
        target = rounds.covering(new_path, round_key(periods[period_id]))
        if target is None:
            continue  # no round takes it: the old cell keeps it (module docstring)
        bucket = bucket_of(level, reason)
        if target.pk == period_id:
            subjects_moved_delta(
                stats, period_id, SubjectKind.MEMBER, bucket, paths[old_cell], new_path
            )
        else:
            subjects_moved_delta(
                stats, period_id, SubjectKind.MEMBER, bucket, paths[old_cell], None
            )
            subjects_moved_delta(stats, target.pk, SubjectKind.MEMBER, bucket, None, new_path)
            pools[(period_id, decider, SubjectKind.MEMBER, group, bucket)] -= 1
            pools[(target.pk, decider, SubjectKind.MEMBER, group, bucket)] += 1
            deciders.add(decider)
        by_target[(new_cell, target.pk)].append(pk)
    if not by_target:
        return
    for (cell, period_id), pks in by_target.items():
        for batch in in_batches(pks):
            Evaluation.objects.filter(pk__in=batch).update(
                unit_id=cell, period_id=period_id, version=F("version") + 1
            )
    stats_add(stats)
    if pools:
        pools_add(pools, dict(OrgUnit.objects.filter(pk__in=deciders).values_list("pk", "path")))
    for path in sorted({paths[cell] for cell, _period in by_target}):
        deciders_follow(path)  # the new cell's deciding body, in the round it is in now
