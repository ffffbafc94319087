"""The report's four statements sent together (``fetch.together``): the same rows as each
statement sent alone, read in any order, and on PostgreSQL in one pipeline."""

import datetime as dt

import pytest
from django.db import connection

from xeploai.cycles.models import Period, Step
from xeploai.org.models import OrgUnit
from xeploai.reports import fetch
from xeploai.reports.compute import compute_report
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db

STEPS: list[str] = [Step.GRASSROOTS_DECISION, Step.UPPER_DECISION]


def _alone(period: Period, unit: OrgUnit) -> tuple[object, ...]:
    return (
        fetch.period_context(period, unit, STEPS),
        fetch.children_and_predecessors(unit),
        sorted(fetch.unit_and_children_stats(period, unit)),
        sorted(fetch.unit_and_children_pools(period.pk, unit)),
    )


def test_sent_together_the_rows_are_those_of_each_statement_alone_in_any_order(
    cast: Cast, periods: tuple[Period, Period]
) -> None:
    _, now = periods
    for unit in (cast.root, cast.org_a, cast.cell_a1):
        alone = _alone(now, unit)
        with fetch.together():
            context = fetch.send_period_context(now, unit, STEPS)
            kin = fetch.send_children_and_predecessors(unit)
            stats = fetch.send_unit_and_children_stats(now, unit)
            pools = fetch.send_unit_and_children_pools(now.pk, unit)
            # read backwards: the last statement's rows first
            pool_rows = sorted(pools.rows())
            stat_rows = sorted(stats.rows())
            together = (
                fetch.read_period_context(context),
                fetch.read_children_and_predecessors(kin),
                stat_rows,
                pool_rows,
            )
        assert together == alone, unit.code


def test_the_statistics_statement_finds_the_previous_year_itself(
    cast: Cast, periods: tuple[Period, Period]
) -> None:
    before, now = periods
    rows = fetch.unit_and_children_stats(now, cast.org_a)
    assert {row[0] for row in rows} == {before.pk, now.pk}
    # the first year has none before it: its own rows only
    rows = fetch.unit_and_children_stats(before, cast.org_a)
    assert {row[0] for row in rows} == {before.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_on_postgresql_the_statements_go_in_one_pipeline(
    cast: Cast, periods: tuple[Period, Period]
) -> None:
    from psycopg import pq

    _, now = periods
    seen: list[pq.PipelineStatus] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(connection.connection.pgconn.pipeline_status)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        report = compute_report(cast.root, now, as_of=dt.date(now.year, 12, 31))
    assert seen == [pq.PipelineStatus.ON] * 4
    assert connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF
    assert report.block("dang_vien").current.total == 15
