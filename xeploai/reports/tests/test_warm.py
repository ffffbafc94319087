"""The start-up warm-up: the nation's report run on the worker's own connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.reports.compute import QUERIES
from xeploai.reports.warm import warm_up
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def test_without_units_the_warm_up_does_nothing() -> None:
    assert warm_up() == 0


def test_the_warm_up_runs_the_roots_report_until_its_statements_are_prepared(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    threshold = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
    with CaptureQueriesContext(connection) as queries:
        times = warm_up()
    assert times == (1 if threshold is None else threshold + 1)
    pools = [q for q in queries if "reports_poolstat" in q["sql"]]
    assert len(pools) == times
    assert len(queries) >= times * QUERIES
    if connection.vendor == "postgresql" and threshold is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        assert any("reports_poolstat" in sql for sql in prepared), prepared
