"""Keep ``UnitStat`` and ``PoolStat`` current: a move per decision, a rebuild per period.

Every service that changes an evaluation's result calls ``stats_move`` in the same transaction,
so a decision is visible in every ancestor's report as soon as it commits.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Concat

from xeploai.cycles.models import Period
from xeploai.org.models import SEGMENT, OrgUnit
from xeploai.reports.models import NOT_RATED_PREFIX, PENDING, PoolStat, UnitStat
from xeploai.reviews.models import Evaluation


def bucket_of(level: str, not_rated_reason: str) -> str:
    if level:
        return level
    if not_rated_reason:
        return NOT_RATED_PREFIX + not_rated_reason
    return PENDING


def bucket_expression() -> Case:
    """``bucket_of`` as SQL, for aggregates over evaluations."""
    return Case(
        When(~Q(level=""), then=F("level")),
        When(~Q(not_rated_reason=""), then=Concat(Value(NOT_RATED_PREFIX), F("not_rated_reason"))),
        default=Value(PENDING),
        output_field=CharField(),
    )


def _prefixes(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def _ensure_unit_rows(period_id: int, path: str, block: str, bucket: str) -> None:
    paths = _prefixes(path)
    units = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "pk"))
    UnitStat.objects.bulk_create(
        [
            UnitStat(
                period_id=period_id,
                unit_id=units[p],
                path=p,
                depth=len(p) // SEGMENT - 1,
                block=block,
                bucket=bucket,
                n=0,
            )
            for p in paths
            if p in units
        ],
        ignore_conflicts=True,
    )


def stats_move(evaluation: Evaluation, old_bucket: str, new_bucket: str) -> None:
    """Move one subject from ``old_bucket`` to ``new_bucket`` in every ancestor's counts.

    One UPDATE per table touching both buckets, so two concurrent moves lock rows in the same
    (index) order and cannot deadlock each other.
    """
    if old_bucket == new_bucket:
        return
    path = evaluation.unit.path
    block = evaluation.kind
    _ensure_unit_rows(evaluation.period_id, path, block, new_bucket)
    delta = Case(When(bucket=new_bucket, then=Value(1)), default=Value(-1))
    UnitStat.objects.filter(
        period_id=evaluation.period_id,
        path__in=_prefixes(path),
        block=block,
        bucket__in=[old_bucket, new_bucket],
    ).update(n=F("n") + delta)
    PoolStat.objects.bulk_create(
        [
            PoolStat(
                period_id=evaluation.period_id,
                decider_id=evaluation.decider_id,
                decider_path=evaluation.decider.path,
                block=block,
                group=evaluation.group,
                bucket=new_bucket,
            )
        ],
        ignore_conflicts=True,
    )
    PoolStat.objects.filter(
        period_id=evaluation.period_id,
        decider_id=evaluation.decider_id,
        block=block,
        group=evaluation.group,
        bucket__in=[old_bucket, new_bucket],
    ).update(n=F("n") + delta)


def _recount(
    period: Period,
) -> tuple[Counter[tuple[str, str, str]], Counter[tuple[int, str, str, str]]]:
    """(path, block, bucket) → n rolled up the tree, and (decider, block, group, bucket) → n."""
    per_unit = (
        Evaluation.objects.filter(period=period)
        .annotate(bucket=bucket_expression())
        .values_list("unit__path", "kind", "bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    rolled: Counter[tuple[str, str, str]] = Counter()
    for path, block, bucket, n in per_unit:
        for prefix in _prefixes(path):
            rolled[(prefix, block, bucket)] += n
    per_pool = (
        Evaluation.objects.filter(period=period)
        .annotate(bucket=bucket_expression())
        .values_list("decider_id", "kind", "group", "bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    pools: Counter[tuple[int, str, str, str]] = Counter()
    for decider_id, block, group, bucket, n in per_pool:
        pools[(decider_id, block, group, bucket)] += n
    return rolled, pools


def stats_rebuild(period: Period) -> int:
    """Recompute the period's statistics from the evaluations (after bulk loads)."""
    rolled, pools = _recount(period)
    units = dict(
        OrgUnit.objects.filter(path__in={path for path, _, _ in rolled}).values_list("path", "pk")
    )
    deciders = dict(
        OrgUnit.objects.filter(pk__in={d for d, _, _, _ in pools}).values_list("pk", "path")
    )
    UnitStat.objects.filter(period=period).delete()
    PoolStat.objects.filter(period=period).delete()
    UnitStat.objects.bulk_create(
        [
            UnitStat(
                period=period,
                unit_id=units[path],
                path=path,
                depth=len(path) // SEGMENT - 1,
                block=block,
                bucket=bucket,
                n=n,
            )
            for (path, block, bucket), n in rolled.items()
            if path in units
        ],
        batch_size=5000,
    )
    PoolStat.objects.bulk_create(
        [
            PoolStat(
                period=period,
                decider_id=decider_id,
                decider_path=deciders[decider_id],
                block=block,
                group=group,
                bucket=bucket,
                n=n,
            )
            for (decider_id, block, group, bucket), n in pools.items()
        ],
        batch_size=5000,
    )
    return len(rolled)


def stats_differences(period: Period) -> list[dict[str, Any]]:
    """Where the kept statistics differ from a full recount (empty when consistent)."""
    rolled, pools = _recount(period)
    kept_units = {
        (path, block, bucket): n
        for path, block, bucket, n in UnitStat.objects.filter(period=period).values_list(
            "path", "block", "bucket", "n"
        )
    }
    kept_pools = {
        (decider, block, group, bucket): n
        for decider, block, group, bucket, n in PoolStat.objects.filter(period=period).values_list(
            "decider_id", "block", "group", "bucket", "n"
        )
    }
    differences: list[dict[str, Any]] = []
    for key in set(rolled) | set(kept_units):
        if rolled.get(key, 0) != kept_units.get(key, 0):
            differences.append(
                {
                    "table": "unit",
                    "key": key,
                    "kept": kept_units.get(key, 0),
                    "recount": rolled.get(key, 0),
                }
            )
    for pool_key in set(pools) | set(kept_pools):
        if pools.get(pool_key, 0) != kept_pools.get(pool_key, 0):
            differences.append(
                {
                    "table": "pool",
                    "key": pool_key,
                    "kept": kept_pools.get(pool_key, 0),
                    "recount": pools.get(pool_key, 0),
                }
            )
    return differences
