"""The report's reads (``fetch._rows``): on PostgreSQL, with nothing logging the statements,
on the driver's own cursor; otherwise through Django's. Both give the same rows and the same
errors."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.reports import fetch
from xeploai.reports.compute import QUERIES, compute_report
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
