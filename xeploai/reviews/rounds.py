"""The open rounds follow every change of the tree: one subject, one evaluation per year
(issue 16 §5; docs/decisions/0008-rounds-follow-the-tree.md).

Called by ``reviews.tree`` inside the tree service's transaction, after the statistics and the
evaluations of the change itself have followed. Closed rounds never change. The reading of
QĐ 366 and HD 43 §7 (the organization that manages a subject evaluates it, once a year):

- **A round whose scope root ends** (merged, split, dissolved on or before the round's
  evaluation date) follows its successors: the first successor that no other open round of the
  same year and kind covers becomes its scope root; each further such successor (a split) gets a
  round of its own, a copy of it (deadlines too); a successor already covered by another round
  takes the round's evaluations of its subtree into that round. A round left with no successor
  ends: deleted when nothing refers to it any more, closed otherwise.
- **Every open evaluation of the changed subtrees belongs to the round that covers its unit**
  (the deepest open round of its year, kind and quarter whose scope root is an ancestor): an
  evaluation that left its round's scope moves, with its statistics and quota pools, to the
  round covering its new place. If none covers it the change is refused (the subject would
  fall out of its year), naming the round and the unit.
- **A yearly round whose scope root came inside another yearly round of the same year** (a moved
  committee that had a round of its own) is absorbed: its evaluations join the covering round
  and it ends (the model allows one yearly round per unit and year).
- **Subjects that came into a round's scope without an evaluation of its year** get one, as
  ``period_open`` would give them, with the statistics added as deltas.

The cost is the changed subtrees plus the open rounds (a handful of rows), never the country.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError, Q
from django.utils.translation import gettext as _

from xeploai.audit.services import audit_record
from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.lib.bulk import in_batches, insert_rows
from xeploai.org.models import SEGMENT, OrgUnit, UnitLineage
from xeploai.reviews.models import Evaluation
from xeploai.reviews.periods import EVALUATION_FIELDS, subject_rows
from xeploai.reviews.stats import bucket_of, pools_add, stats_add, subjects_moved_delta

StatDelta = Counter[tuple[int, str, str, str]]
PoolDelta = Counter[tuple[int, int, str, str, str]]
Key = tuple[int, str, int]
# evaluations moved between rounds: (old round, new round) → evaluation ids
Moved = dict[tuple[int, int], list[int]]
RoundFollower = Callable[[Moved], None]
_followers: list[RoundFollower] = []


def round_follower_register(follower: RoundFollower) -> None:
    """Have ``follower`` told which evaluations moved to which round, in the tree service's
    transaction, before an emptied round ends (an app above ``reviews`` whose rows name the
    round — the ballots — registers once in its ``AppConfig.ready``)."""
    if follower not in _followers:
        _followers.append(follower)


def round_key(period: Period) -> Key:
    """(year, kind, quarter): rounds of one key evaluate a subject once."""
    return (period.year, period.kind, period.quarter)


def _ended(period: Period) -> bool:
    dissolved = period.scope_root.dissolved
    return dissolved is not None and dissolved <= period.evaluation_date


@dataclass
class _Rounds:
    """The open rounds, and which of them end in this change."""

    open: list[Period]
    ending: set[int] = field(default_factory=set)

    def covering(self, path: str, key: Key, *, besides: int | None = None) -> Period | None:
        """The deepest open round of ``key`` covering ``path`` that goes on."""
        found = [
            p
            for p in self.open
            if round_key(p) == key
            and p.pk not in self.ending
            and p.pk != besides
            and not _ended(p)
            and path.startswith(p.scope_root.path)
        ]
        return max(found, key=lambda p: len(p.scope_root.path), default=None)


def _successors(root: OrgUnit) -> list[OrgUnit]:
    """The live successors of an ended unit, by the lineage of its end."""
    assert root.dissolved is not None
    return list(
        OrgUnit.objects.filter(
            pk__in=UnitLineage.objects.filter(predecessor=root, effective=root.dissolved).values(
                "successor_id"
            ),
            dissolved__isnull=True,
        ).order_by("pk")
    )


def _copy(period: Period, root: OrgUnit) -> Period:
    """A round of its own for a further successor of a split: ``period``'s settings, deadlines."""
    deadlines = list(period.deadlines.all())
    copy = Period.objects.get(pk=period.pk)
    copy.pk = None
    copy.scope_root = root
    copy.name = f"{period.name} — {root.name}"[:150]
    copy.save()
    for deadline in deadlines:
        deadline.pk = None
        deadline.period = copy
        deadline.save()
    return copy


def _follow_successors(rounds: _Rounds, period: Period, changed: list[str]) -> None:
    old_root = period.scope_root
    repointed = False
    for successor in _successors(old_root):
        changed.append(successor.path)
        if rounds.covering(successor.path, round_key(period), besides=period.pk) is not None:
            continue  # its evaluations join that round
        if not repointed:
            Period.objects.filter(pk=period.pk).update(scope_root=successor)
            period.scope_root = successor
            repointed = True
            audit_record(
                actor=None,
                action="period_scope_follow",
                obj=period,
                unit_path=successor.path,
                before={"scope_root": old_root.code},
                after={"scope_root": successor.code},
            )
            continue
        copy = _copy(period, successor)
        rounds.open.append(copy)
        audit_record(
            actor=None,
            action="period_split_follow",
            obj=copy,
            unit_path=successor.path,
            after={"from": period.name, "scope_root": successor.code},
        )
    if not repointed:
        rounds.ending.add(period.pk)


def _absorb(rounds: _Rounds, changed: Iterable[str]) -> None:
    """Yearly rounds rooted in the changed subtrees under another yearly round of their year."""
    paths = list(changed)
    for period in rounds.open:
        root = period.scope_root.path
        if period.kind != PeriodKind.YEAR or len(root) <= SEGMENT:
            continue
        if period.pk in rounds.ending or not any(root.startswith(p) for p in paths):
            continue
        if rounds.covering(root[:-SEGMENT], round_key(period), besides=period.pk) is not None:
            rounds.ending.add(period.pk)


@dataclass
class _Moves:
    stats: StatDelta = field(default_factory=Counter)
    pools: PoolDelta = field(default_factory=Counter)
    by_pair: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    deciders: set[int] = field(default_factory=set)


def _refusal(period: Period, unit: OrgUnit) -> ValidationError:
    return ValidationError(
        _(
            "Không thể thay đổi cây tổ chức: {code} — {name} sẽ ra ngoài phạm vi của đợt "
            "“{period}” và không có đợt nào khác cùng năm {year} đang mở bao gồm nơi mới của nó "
            "(mỗi đảng viên, tổ chức được đánh giá một lần mỗi năm). Hãy mở đợt cho nơi nhận "
            "trước."
        ).format(code=unit.code, name=unit.name, period=period.name, year=period.year)
    )


def _evaluations_follow(rounds: _Rounds, paths: list[str]) -> Moved:
    """Every open evaluation of the changed subtrees (and of the ending rounds) goes to the
    round covering its unit."""
    periods = {p.pk: p for p in rounds.open}
    where = Q(period_id__in=list(rounds.ending))
    for path in paths:
        where |= Q(unit__path__startswith=path)
    rows = Evaluation.objects.filter(where, period_id__in=list(periods)).values_list(
        "pk",
        "period_id",
        "kind",
        "unit_id",
        "unit__path",
        "decider_id",
        "group",
        "level",
        "not_rated_reason",
    )
    moves = _Moves()
    for pk, period_id, kind, unit_id, path, decider, group, level, reason in rows.iterator(
        chunk_size=5000
    ):
        period = periods[period_id]
        target = rounds.covering(path, round_key(period))
        if target is None:
            if period.pk in rounds.ending:
                continue  # stays in the round that ends (closed)
            raise _refusal(period, OrgUnit.objects.get(pk=unit_id))
        if target.pk == period_id:
            continue
        bucket = bucket_of(level, reason)
        subjects_moved_delta(moves.stats, period_id, kind, bucket, path, None)
        subjects_moved_delta(moves.stats, target.pk, kind, bucket, None, path)
        moves.pools[(period_id, decider, kind, group, bucket)] -= 1
        moves.pools[(target.pk, decider, kind, group, bucket)] += 1
        moves.by_pair[(period_id, target.pk)].append(pk)
        moves.deciders.add(decider)
    for (_old, new), pks in moves.by_pair.items():
        for batch in in_batches(pks):
            Evaluation.objects.filter(pk__in=batch).update(period_id=new, version=F("version") + 1)
    if not moves.by_pair:
        return {}
    stats_add(moves.stats)
    pools_add(
        moves.pools,
        dict(OrgUnit.objects.filter(pk__in=moves.deciders).values_list("pk", "path")),
    )
    return dict(moves.by_pair)


def _subjects_follow(rounds: _Rounds, paths: list[str]) -> None:
    """The subjects of the changed subtrees without an evaluation in the round covering them
    now get one, as ``period_open`` gives it (open rounds only; a draft one opens later)."""
    for path in _minimal(paths):
        for key in {round_key(p) for p in rounds.open}:
            period = rounds.covering(path, key)
            if period is None or period.status != PeriodStatus.OPEN:
                continue
            new, unit_paths = subject_rows(period, path)
            if not new:
                continue
            insert_rows(Evaluation, EVALUATION_FIELDS, new)
            stats: StatDelta = Counter()
            pools: PoolDelta = Counter()
            for pk, kind, _person, unit, decider, group, _form, reason in new:
                bucket = bucket_of("", reason)
                subjects_moved_delta(stats, pk, kind, bucket, None, unit_paths[unit])
                pools[(pk, decider, kind, group, bucket)] += 1
            stats_add(stats)
            deciders = {row[4] for row in new}
            pools_add(
                pools, dict(OrgUnit.objects.filter(pk__in=deciders).values_list("pk", "path"))
            )


def _minimal(paths: Iterable[str]) -> list[str]:
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def _end(rounds: _Rounds) -> None:
    """The rounds that end: deleted if nothing refers to them any more, closed otherwise."""
    for period in [p for p in rounds.open if p.pk in rounds.ending]:
        audit_record(
            actor=None,
            action="period_end_follow",
            obj=period,
            unit_path=period.scope_root.path,
            after={"scope_root": period.scope_root.code},
        )
        try:
            with transaction.atomic():
                Period.objects.filter(pk=period.pk).delete()
        except ProtectedError:
            Period.objects.filter(pk=period.pk).update(status=PeriodStatus.CLOSED)


def _one_round(rounds: _Rounds, paths: Sequence[str]) -> bool:
    """Whether one and the same round of each year and kind covers every path in ``paths``."""
    for key in {round_key(p) for p in rounds.open}:
        if len({getattr(rounds.covering(path, key), "pk", None) for path in paths}) > 1:
            return False
    return True


def open_rounds() -> _Rounds:
    """The rounds that are not closed (draft and open), with their scope roots."""
    return _Rounds(
        list(
            Period.objects.exclude(status=PeriodStatus.CLOSED)
            .select_related("scope_root")
            .order_by("pk")
        )
    )


def rounds_follow(
    *,
    paths: Sequence[str],
    old_paths: Sequence[str] = (),
    ended: Sequence[int] = (),
    deciders_follow: Callable[[str], None],
) -> None:
    """Make the open rounds hold the changed subtrees at ``paths`` (new paths) exactly once,
    after units ``ended`` (a reorganization) — see the module's docstring. ``old_paths``: where
    the changed subtrees were; when one round of each year covers them all, before and after,
    and no scope root ended, the rounds have nothing to follow (the common case: a change
    inside one round's scope costs one query)."""
    rounds = open_rounds()
    if not rounds.open:
        return
    changed = list(paths)
    roots = {p.scope_root_id for p in rounds.open if _ended(p)}
    if not roots & set(ended) and _one_round(rounds, [*old_paths, *paths]):
        return
    followed = False
    for period in list(rounds.open):
        if period.scope_root_id in ended and _ended(period):
            _follow_successors(rounds, period, changed)
            followed = True
    _absorb(rounds, changed)
    changed = _minimal(changed)
    moved = _evaluations_follow(rounds, changed)
    if moved or followed or rounds.ending:
        for path in changed:  # the deciding bodies in the rounds they are in now
            deciders_follow(path)
    if moved:
        for follower in _followers:
            follower(moved)
    _subjects_follow(rounds, changed)
    _end(rounds)
