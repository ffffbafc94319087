"""``reviews.0006``: ``PoolStat`` pivoted (decision 0012), forward, back and forward again.

A small country is decided, one pool emptied by hand (its subjects gone back to pending, the
rows of a pool kept at zero), then the migration is run back to ``0005`` (one row per bucket)
and forward again: the rows of each step are compared with what they must be — back, one row
per non-zero bucket (the empty pool as one ``PENDING`` row of 0); forward again, exactly the
rows before. On both databases (the conversion is portable SQL).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xeploai.org.models import Level
from xeploai.reviews.models import (
    BUCKET_COLUMNS,
    STAT_COLUMNS,
    Evaluation,
    NotRatedReason,
    PoolStat,
    SubjectKind,
)
from xeploai.reviews.stats import result_set
from xeploai.testing import Cast, decide, make_cast, open_year

TABLE = PoolStat._meta.db_table
BEFORE = [("reviews", "0005_unitstat_pivoted")]
AFTER = [("reviews", "0006_poolstat_pivoted")]
KEY = 'period_id, decider_id, decider_path, block, "group"'


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _rows(columns: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {KEY}, {columns} FROM {TABLE}")  # noqa: S608
        return sorted(tuple(row) for row in cursor.fetchall())  # Python's order, not a collation


def _decided_country() -> Cast:
    """The test cast's year, its subjects rated at every level, one not rated, some pending."""
    cast = make_cast()
    period = open_year(cast.root, 2026)
    levels = [Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV]
    evaluations = Evaluation.objects.filter(period=period).select_related("unit", "decider")
    for i, evaluation in enumerate(evaluations.order_by("pk")):
        if i % 3 == 2:
            continue  # some stay pending
        if i == 0:
            result_set(evaluation, level="", not_rated_reason=NotRatedReason.OTHER)
            evaluation.save()
            continue
        decide(evaluation, levels[i % 4])
    return cast


@pytest.mark.django_db(transaction=True)
def test_the_pivot_forward_back_and_forward_again_keeps_every_pool() -> None:
    _decided_country()
    # a pool emptied: its decided subjects back to pending leave it at zero, then moved away
    emptied = PoolStat.objects.filter(block=SubjectKind.MEMBER).order_by("pk").first()
    assert emptied is not None
    PoolStat.objects.filter(pk=emptied.pk).update(**dict.fromkeys(STAT_COLUMNS, 0))
    pivoted = _rows(", ".join(STAT_COLUMNS))
    assert len(pivoted) > 3
    expected_back = sorted(
        [
            (*row[:5], bucket, n)
            for row in pivoted
            for bucket, n in zip(BUCKET_COLUMNS, row[5:], strict=True)
            if n
        ]
        + [(*row[:5], "PENDING", 0) for row in pivoted if not any(row[5:])]
    )
    try:
        _migrate(BEFORE)
        assert _rows("bucket, n") == expected_back
        _migrate(AFTER)
        assert _rows(", ".join(STAT_COLUMNS)) == pivoted
    finally:
        _migrate(AFTER)  # the next tests need the latest schema, whatever failed
