"""The report's reads (``fetch._rows``): on PostgreSQL, with nothing logging the statements,
on the driver's own cursor; otherwise through Django's. Both give the same rows and the same
errors."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reports import fetch
from xeploai.reports.compute import QUERIES, compute_report
from xeploai.reviews.models import PoolStat, UnitStat
from xeploai.testing import Cast

from .test_compute import AS_OF

pytestmark = pytest.mark.django_db


def test_the_report_is_the_same_whichever_cursor_reads_it(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    _, now = periods
    direct = compute_report(cast.root, now, as_of=AS_OF)  # nothing logs: the driver's cursor
    with CaptureQueriesContext(connection) as logged:
        through_django = compute_report(cast.root, now, as_of=AS_OF)
    assert len(logged) == QUERIES  # the logged path saw every statement
    assert direct == through_django
    assert direct.block("dang_vien").current.total > 0


def test_a_database_error_is_django_s_and_leaves_no_cursor_open() -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch._rows("SELECT no_such_column FROM org_orgunit WHERE id = %s", [1])
    assert fetch._rows("SELECT 1 WHERE 1 = %s", [1]) == [(1,)]


def test_a_read_in_a_broken_transaction_is_refused() -> None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                fetch._rows("SELECT no_such_column FROM org_orgunit WHERE id = %s", [1])
        except DatabaseError:
            pass
        # the inner block rolled back to its savepoint: reads work again
        assert fetch._rows("SELECT 1 WHERE 1 = %s", [1]) == [(1,)]
    with pytest.raises(TransactionManagementError), transaction.atomic():
        connection.set_rollback(True)
        fetch._rows("SELECT 1 WHERE 1 = %s", [1])


def test_the_subtree_ranges_read_the_rows_under_the_unit_and_no_other(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    """``_under``: a range of paths, not ``LIKE``; the same rows as the ORM's ``startswith``,
    for every unit of the cast (siblings whose paths sort next to each other included)."""
    before, now = periods
    for unit in OrgUnit.objects.all():
        depths = (unit.depth, unit.depth + 1)
        rows = fetch.unit_and_children_stats([now.pk, before.pk], unit)
        expected = UnitStat.objects.filter(
            period__in=(now, before), path__startswith=unit.path, depth__in=depths
        )
        assert sorted((r[0], r[1], r[2]) for r in rows) == sorted(
            expected.values_list("period_id", "path", "block")
        ), unit.code
        pools = fetch.unit_and_children_pools(now.pk, unit)
        bodies = [unit.pk, *OrgUnit.objects.filter(parent=unit).values_list("pk", flat=True)]
        rated = PoolStat.objects.filter(period=now, decider__in=bodies).exclude(
            htxsnv=0, httnv=0, htnv=0, khtnv=0
        )
        assert sorted(p[:3] for p in pools) == sorted(
            rated.values_list("decider_path", "block", "group")
        ), unit.code
