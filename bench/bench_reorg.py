"""Reorganizing inside a generated country: merge two commune committees into a third, then
move the merged ~3,000-member commune committee to another province and back (issue 16 §1, §5).

    .venv/bin/python bench/bench_reorg.py --members 560000 --members 56000
    .venv/bin/python bench/bench_reorg.py --database xeploai_gen_full

For each size, a PostgreSQL database ``xeploai_reorg_bench_<N>_<pid>`` is generated with
``xeploai gen`` (today's two-level shape) and dropped at the end (only the databases this run
created). With ``--database NAME`` the same operations run inside that existing generated
database (the national one: no copy needed) and nothing persists: no migration, no generation,
every operation in a transaction rolled back; the counts of units and evaluations and a
checksum of ``UnitStat`` are read before and after and printed (``unchanged``: true) — only the
sequences advance (ids taken by rolled-back inserts). Each measured operation runs through the
product's services (``org.reorg.unit_merge``, ``org.services.unit_move``) in a transaction that
is rolled back, so every run starts from the same country:

- ``merge``: two commune committees merged into a third of the same province, the three
  chosen with together the nearest to 3,000 members (their grassroots organizations, cells and members move; the statistics of both
  years, ``MemberCount``, the open round's deciding bodies and the lineage follow);
- ``move``: the merged commune (~3,000 members) moved under another province (the merger
  done first in the same transaction, untimed);
- cold = the first run after connecting; warm = the median of the next five.

The floor is the least any materialized-path tree must do for the same change, measured in the
same run on the same rows: one ``UPDATE`` rewriting the paths of the subtree's units, of its
statistics rows (both years) and of its member counts (``SET path = path`` over the same
``LIKE`` ranges), rolled back. The ratio is the service's time over that floor. Two sizes of
country show that the cost follows the subtree, not the country. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def create_database(name: str) -> None:
    """Create this run's database (its name carries the pid: one that exists is not ours)."""
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def timed(run: Any, prepare: Any = None) -> float:
    """Milliseconds of ``run()`` inside a transaction rolled back afterwards (``prepare()``
    runs first in the same transaction, untimed)."""
    from django.db import transaction

    started = 0.0
    spent = 0.0
    try:
        with transaction.atomic():
            if prepare is not None:
                prepare()
            started = time.perf_counter()
            run()
            spent = (time.perf_counter() - started) * 1000
            raise Rollback
    except Rollback:
        pass
    return spent


def floor_sql(paths: list[str]) -> None:
    """Rewrite the subtrees' paths in place: units, statistics, member counts."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("org_orgunit", "reports_unitstat", "org_membercount"):
            condition = " OR ".join(["path LIKE %s"] * len(paths))
            cursor.execute(
                f"UPDATE {table} SET path = path WHERE {condition}",
                [path + "%" for path in paths],
            )


def cold_warm(run: Any, prepare: Any = None, runs: int = 5) -> tuple[float, float]:
    cold = timed(run, prepare)
    warm = statistics.median(timed(run, prepare) for _ in range(runs))
    return round(cold, 1), round(warm, 1)


def measure(members: int, seed: int, *, generate: bool = True) -> dict[str, Any]:
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection

    from xeploai.org.models import MemberCount, OrgType, OrgUnit, PersonStatus, UnitKind
    from xeploai.org.reorg import unit_merge
    from xeploai.org.services import unit_move

    generated_s = None
    if generate:
        call_command("migrate", verbosity=0)
    if generate and not OrgUnit.objects.exists():
        from xeploai.seed.generate import generate_country

        started = time.monotonic()
        generate_country(members=members, seed=seed, log=lambda line: print(line, file=sys.stderr))
        generated_s = round(time.monotonic() - started, 1)
    present = MemberCount.objects.filter(status__in=PersonStatus.present())
    sizes: dict[int, int] = {}
    for unit_id, n in present.filter(
        unit__org_type=OrgType.COMMUNE, unit__kind=UnitKind.UPPER
    ).values_list("unit_id", "n"):
        sizes[unit_id] = sizes.get(unit_id, 0) + n
    communes = OrgUnit.objects.in_bulk(list(sizes))
    by_province: dict[int, list[OrgUnit]] = {}
    for unit in communes.values():
        by_province.setdefault(unit.parent_id or 0, []).append(unit)
    # two communes merged into a third of the same province, the three nearest 3,000 members
    best: tuple[int, tuple[OrgUnit, ...]] | None = None
    for units_here in by_province.values():
        ranked = sorted(units_here, key=lambda u: -sizes[u.pk])[:40]
        for trio in itertools.combinations(ranked, 3):
            gap = abs(sum(sizes[u.pk] for u in trio) - 3000)
            if best is None or gap < best[0]:
                best = (gap, trio)
    assert best is not None, "no province with three communes"
    target, first, second = best[1]
    province_id = target.parent_id
    other = (
        OrgUnit.objects.filter(depth=1, code__contains="-P")
        .exclude(pk=province_id)
        .order_by("pk")
        .first()
    )
    assert other is not None
    on = dt.date(2025, 7, 1)
    merged_members = sizes[target.pk] + sizes[first.pk] + sizes[second.pk]

    from xeploai.cycles.models import Period, PeriodStatus
    from xeploai.reviews.models import Evaluation, Stage

    current = Period.objects.get(status=PeriodStatus.OPEN, scope_root__depth=0)

    def reopen() -> None:
        """The generated round is all decided; a merger changes the deciding body of the
        merged communes' grassroots organizations, which the service refuses for a decided
        one (decision 0007): those decisions are reopened first, untimed."""
        Evaluation.objects.filter(
            period=current, decider__in=[first, second], person__isnull=True
        ).update(stage=Stage.PROPOSED)

    def merge() -> None:
        unit_merge(actor=None, sources=[first, second], target=target, on=on)

    def reopen_and_merge() -> None:
        reopen()
        merge()

    def move() -> None:
        unit_move(actor=None, unit=OrgUnit.objects.get(pk=target.pk), new_parent=other)

    merge_ms = cold_warm(merge, reopen)
    move_ms = cold_warm(move, reopen_and_merge)
    floor_merge = cold_warm(lambda: floor_sql([first.path, second.path]))
    floor_move = cold_warm(lambda: floor_sql([target.path, first.path, second.path]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM org_person")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM org_orgunit")
        units = cursor.fetchone()[0]
    return {
        "members": people,
        "units": units,
        "generated_s": generated_s,
        "commune": target.code,
        "merged_members": merged_members,
        "merge_ms": {"cold": merge_ms[0], "warm": merge_ms[1]},
        "move_ms": {"cold": move_ms[0], "warm": move_ms[1]},
        "floor_merge_ms": {"cold": floor_merge[0], "warm": floor_merge[1]},
        "floor_move_ms": {"cold": floor_move[0], "warm": floor_move[1]},
        "merge_ratio_warm": round(merge_ms[1] / max(floor_merge[1], 0.001), 1),
        "move_ratio_warm": round(move_ms[1] / max(floor_move[1], 0.001), 1),
    }


def fingerprint() -> dict[str, Any]:
    """What a rolled-back run must leave as it found: counts, and a checksum of UnitStat."""
    from django.db import connection

    from xeploai.audit.models import AuditEvent
    from xeploai.cycles.models import Period
    from xeploai.org.models import MemberCount, OrgUnit, Person, RoleAssignment, UnitLineage
    from xeploai.reviews.models import STAT_COLUMNS, Evaluation, PoolStat, UnitStat

    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for model in (
            OrgUnit,
            Person,
            Evaluation,
            Period,
            UnitLineage,
            RoleAssignment,
            AuditEvent,
            MemberCount,
            PoolStat,
        ):
            cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}")
            found[model.__name__] = cursor.fetchone()[0]
        counts = ", ".join(STAT_COLUMNS)
        cursor.execute(
            f"SELECT count(*), coalesce(sum({' + '.join(STAT_COLUMNS)}), 0), "
            "coalesce(sum(hashtext(concat_ws(':', "
            f"period_id, path, block, {counts}))::bigint), 0) FROM {UnitStat._meta.db_table}"
        )
        found["UnitStat"] = [int(value) for value in cursor.fetchone()]
    return found


def _connect(name: str) -> None:
    os.environ["DATABASE_URL"] = PG + name
    import django
    from django.db import connections

    django.setup()
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def _drop(name: str) -> None:
    """Drop a database this run created (its own connections closed first; no other ended)."""
    import psycopg
    from django.db import connections

    connections["default"].close()
    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _existing(name: str, seed: int) -> dict[str, Any]:
    """The operations inside an existing generated database, nothing left behind."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    _connect(name)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise SystemExit(f"{name}: {len(pending)} migrations not applied; not touching it")
    before = fingerprint()
    result = measure(0, seed, generate=False)
    after = fingerprint()
    result.update({"database": name, "before": before, "after": after})
    result["unchanged"] = before == after
    connection.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, action="append", default=[])
    parser.add_argument("--database", help="an existing generated database (nothing persists)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not args.members and not args.database:
        parser.error("--members N (repeatable) or --database NAME")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    os.environ.setdefault("XEPLOAI_DEBUG", "0")
    results = []
    with open("/proc/loadavg") as stream:
        load_before = stream.read().split()[:3]
    if args.database:
        results.append(_existing(args.database, args.seed))
    for members in args.members:
        name = f"xeploai_reorg_bench_{members}_{os.getpid()}"
        create_database(name)
        try:
            _connect(name)
            results.append(measure(members, args.seed))
        finally:
            _drop(name)
    with open("/proc/loadavg") as stream:
        load_after = stream.read().split()[:3]
    print(
        json.dumps(
            {"load_before": load_before, "load_after": load_after, "runs": results}, indent=2
        )
    )


if __name__ == "__main__":
    main()
