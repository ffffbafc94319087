"""A unit as wide as Hà Nội's agency blocs: its report against a plain recount.

The report reads precomputed statistics and counts them in dictionaries (``compute``); here
the same figures are counted again from the evaluations themselves, one Python ``Counter``
per child, block and year, and the quota pools from the evaluations' deciding bodies, with
the rules' own quota. Every child row, every block and every quota finding must agree.
"""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reports.compute import QUERIES, compute_report
from xeploai.reports.records import LEVELS, Counts
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.reviews.stats import bucket_of
from xeploai.seed.generate import generate_country

pytestmark = pytest.mark.django_db

WIDE = 120


def test_a_unit_with_many_children_reports_what_a_plain_recount_finds() -> None:
    generate_country(members=30_000, seed=19, widest=WIDE)
    bloc = OrgUnit.objects.get(code="QG19-P01-K1")
    previous, current = Period.objects.order_by("year")
    with CaptureQueriesContext(connection) as queries:
        report = compute_report(bloc, current, as_of=dt.date(current.year, 12, 31))
    assert len(queries) == QUERIES
    assert len(report.children) == WIDE

    children = {unit.path: unit.code for unit in OrgUnit.objects.filter(parent=bloc)}
    width = len(next(iter(children)))  # a child's path: the prefix of its subtree
    counted: dict[tuple[int, str, str], Counter[str]] = defaultdict(Counter)
    pools: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    bodies = {bloc.path: bloc.code, **children}
    rows = Evaluation.objects.filter(unit__path__startswith=bloc.path).values_list(
        "period_id", "unit__path", "kind", "level", "not_rated_reason", "decider__path", "group"
    )
    for period_id, path, kind, level, reason, decider, group in rows:
        bucket = bucket_of(level, reason)
        counted[(period_id, bloc.path, kind)][bucket] += 1
        if len(path) >= width:  # in a child's subtree, not the bloc's own evaluation
            counted[(period_id, path[:width], kind)][bucket] += 1
        if period_id == current.pk and decider in bodies and level:
            pools[(decider, kind, group)][level] += 1

    def expected(period: Period, path: str, kind: str) -> Counts:
        return Counts.from_buckets(dict(counted.get((period.pk, path, kind), {})))

    for block in report.blocks:
        assert block.current == expected(current, bloc.path, block.kind), block.kind
    by_code = {code: path for path, code in children.items()}
    assert sum(1 for row in report.children for b in row.blocks if b.current.not_rated) > 10
    for row in report.children:
        path = by_code[row.unit.code]
        for block in row.blocks:
            assert block.current == expected(current, path, block.kind), (row.unit.code, block)
            last = expected(previous, path, block.kind)
            assert block.previous == (last if last.total else None), (row.unit.code, block)

    settings = rules.get_ruleset(current.ruleset).settings
    findings = []
    for (decider, kind, group), levels in sorted(pools.items()):
        xs, tt, ht, k = (levels[level] for level in LEVELS)
        numbers = (xs, tt, ht, k)
        base, allowed, small = rules.group_allowed(
            numbers, settings, small_unit_exception=current.small_unit_exception
        )
        if numbers[0] > allowed:
            findings.append((bodies[decider], kind, group, numbers[0], allowed, base, small))
    assert len(findings) > 10
    assert [
        (f.decider.code, f.block, f.group, f.xs, f.allowed, f.base, f.small_unit)
        for f in report.quota_findings
    ] == findings
    assert any(f.block == SubjectKind.MEMBER for f in report.quota_findings)
