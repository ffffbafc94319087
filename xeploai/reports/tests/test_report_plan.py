"""The national benchmark scaled down for CI: the report must never fall back to the members.

A small generated country (``xeploai gen``) and the report of the root, a province, a district
and a grassroots organization. Not timed: what is checked is the shape of the work —

- the report's SQL reads the statistics and the tree only, never the evaluations, people or
  memberships, and runs the same number of queries at every level;
- the rows it reads are O(children), not O(subtree);
- on PostgreSQL, every read of the statistics table is served by an index whose condition
  holds the whole subtree prefix: with sequential scans disabled there is none, and no row of
  another subtree is read and thrown away by a filter.
"""

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.org.models import Membership, OrgUnit, Person, UnitKind
from xeploai.reports import fetch
from xeploai.reports.compute import QUERIES, compute_report
from xeploai.reviews.models import Evaluation, PoolStat, UnitStat
from xeploai.seed.generate import GenResult, generate_country

pytestmark = pytest.mark.django_db

FORBIDDEN = [m._meta.db_table for m in (Evaluation, Person, Membership)]
MAX_BUCKETS = 12  # four levels, pending and the not-rated reasons found in a block


@pytest.fixture
def country() -> GenResult:
    result = generate_country(members=12_000, seed=3)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would (the plans follow the rows)
            for model in (UnitStat, PoolStat):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return result


def levels(root: OrgUnit) -> dict[str, OrgUnit]:
    province = OrgUnit.objects.filter(parent=root).order_by("code").first()
    district = OrgUnit.objects.filter(parent=province).order_by("code").first()
    grassroots = (
        OrgUnit.objects.filter(parent=district, kind=UnitKind.GRASSROOTS_COMMITTEE)
        .order_by("code")
        .first()
    )
    assert province and district and grassroots
    return {"nation": root, "province": province, "district": district, "grassroots": grassroots}


def test_the_report_reads_statistics_only_and_as_many_rows_as_children(country: GenResult) -> None:
    current = Period.objects.order_by("year").last()
    assert current is not None
    for name, unit in levels(country.root).items():
        with CaptureQueriesContext(connection) as queries:
            report = compute_report(unit, current, as_of=dt.date(current.year, 12, 31))
        assert len(queries) == QUERIES, name
        for query in queries:
            sql = query["sql"].lower()
            assert not any(table in sql for table in FORBIDDEN), (name, sql)
        children = OrgUnit.objects.filter(parent=unit).count()
        assert len(report.children) == children
        rows = fetch.unit_and_children_stats([p.pk for p in country.periods], unit)
        bound = (1 + children) * 4 * MAX_BUCKETS * len(country.periods)
        assert len(rows) <= bound, (name, len(rows), bound)
        assert report.block("dang_vien").current.total > 0


def _plan_nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = [plan]
    for child in plan.get("Plans", []):
        nodes.extend(_plan_nodes(child))
    return nodes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_postgresql_reads_each_subtree_through_an_index(country: GenResult) -> None:
    current = Period.objects.order_by("year").last()
    assert current is not None
    stat = UnitStat._meta.db_table
    for name, unit in levels(country.root).items():
        with CaptureQueriesContext(connection) as queries:
            compute_report(unit, current, as_of=dt.date(current.year, 12, 31))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            for query in queries:
                if stat not in query["sql"]:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                for node in _plan_nodes(plan[0]["Plan"]):
                    if node.get("Relation Name") != stat:
                        continue
                    assert node["Node Type"] != "Seq Scan", (name, query["sql"])
                    thrown_away = node.get("Rows Removed by Filter", 0) + node.get(
                        "Rows Removed by Index Recheck", 0
                    )
                    assert thrown_away <= node["Actual Rows"] + 10, (name, node)
            cursor.execute("SET LOCAL enable_seqscan = on")


def _statements(unit: OrgUnit, period: Period) -> list[tuple[str, Any]]:
    """The report's statements of ``unit`` as it sends them: SQL with ``%s``, parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        compute_report(unit, period, as_of=dt.date(period.year, 12, 31))
    return seen


def _generic_plan_reads(sql: str, params: Any, table: str) -> tuple[int, int]:
    """(rows read from ``table``, the statement's rows) in its generic plan — the plan the
    server keeps once the driver has prepared a statement: one for every unit. The statement
    is prepared with the types the driver sends (text, integers) and run with its parameters
    as literals (paths: base-36 digits and "/")."""
    numbered = sql
    for n in range(1, len(params) + 1):
        numbered = numbered.replace("%s", f"${n}", 1)
    assert all(isinstance(p, int) or p.replace("/", "").isalnum() for p in params)
    types = ", ".join("text" if isinstance(p, str) else "bigint" for p in params)
    values = ", ".join(f"'{p}'" if isinstance(p, str) else str(int(p)) for p in params)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE generic ({types}) AS {numbered}")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic({values})")
        plan = cursor.fetchone()[0]
        cursor.execute("DEALLOCATE generic")
        cursor.execute("SET LOCAL plan_cache_mode = auto")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = [n for n in _plan_nodes(plan[0]["Plan"]) if n.get("Relation Name") == table]
    read = sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in nodes
    )
    return read, plan[0]["Plan"]["Actual Rows"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_postgresql_reads_only_the_pools_of_the_unit_and_its_children(country: GenResult) -> None:
    """The quota pools of the unit and its children are read as index ranges, not every pool
    of the period (the whole country's) filtered or hashed to keep those of a few hundred
    bodies — in the generic plan (``_generic_plan_reads``; in a country this small, a custom
    plan may read the period's few hundred pools instead, which costs nothing here)."""
    current = Period.objects.order_by("year").last()
    assert current is not None
    pool = PoolStat._meta.db_table
    for name, unit in levels(country.root).items():
        ((sql, params),) = [(q, p) for q, p in _statements(unit, current) if pool in q]
        bodies = [unit.pk, *OrgUnit.objects.filter(parent=unit).values_list("pk", flat=True)]
        theirs = PoolStat.objects.filter(period=current, decider__in=bodies).count()
        read, _ = _generic_plan_reads(sql, params, pool)
        assert read <= theirs, (name, read, theirs)
        assert PoolStat.objects.filter(period=current).count() > 2 * theirs, name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_postgresql_reads_the_statistics_of_a_subtree_in_one_generic_plan(
    country: GenResult,
) -> None:
    """The statistics of the unit and its children are read in the generic plan as they are
    in a custom one: through the subtree index, no row read and thrown away (the subtree is a
    range of parameters, which a generic plan can turn into an index range; ``LIKE`` could
    not)."""
    current = Period.objects.order_by("year").last()
    assert current is not None
    stat = UnitStat._meta.db_table
    for name, unit in levels(country.root).items():
        ((sql, params),) = [(q, p) for q, p in _statements(unit, current) if stat in q]
        read, returned = _generic_plan_reads(sql, params, stat)
        assert returned > 0 and read == returned, (name, read, returned)
