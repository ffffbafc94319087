"""Every change of the tree keeps the figures exact in its own transaction (issue 16 §1).

Each test applies one tree service to a small bloc with members, an open period (decided and
undecided evaluations) and a closed one, then compares every ``UnitStat``, ``PoolStat`` and
``MemberCount`` row with those of a full rebuild of the same data.
"""

import datetime as dt
from dataclasses import dataclass, fields

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import Level, OrgUnit, UnitKind
from xeploai.org.services import unit_create, unit_move, unit_update
from xeploai.reviews.models import Evaluation, PoolStat, SubjectKind, UnitStat
from xeploai.reviews.periods import period_open
from xeploai.reviews.stats import result_set
from xeploai.testing import (
    Cast,
    assert_figures_exact,
    decide,
    make_person,
    make_unit,
    open_year,
    tree_figures,
)

pytestmark = pytest.mark.django_db


@dataclass
class Bloc(Cast):
    """The cast with the sub-committee under A and its cell."""

    sub: OrgUnit
    cell_sub: OrgUnit


@pytest.fixture
def bloc(cast: Cast) -> Bloc:
    """The cast with more members, a sub-committee under A with a cell, a closed 2025 period
    with every result decided and an open 2026 period where only cell B1's are."""
    sub = make_unit(UnitKind.SUB_COMMITTEE, cast.org_a, code="A9")
    cell_sub = make_unit(UnitKind.CELL, sub, code="A91")
    for cell, n in ((cast.cell_a1, 2), (cast.cell_a2, 3), (cell_sub, 2), (cast.cell_b1, 1)):
        for _ in range(n):
            make_person(cell)
    make_person(cast.grassroots_cell)
    old = open_year(cast.root, 2025)
    for evaluation in Evaluation.objects.filter(period=old, not_rated_reason=""):
        decide(evaluation, Level.HTTNV)
    Period.objects.filter(pk=old.pk).update(status=PeriodStatus.CLOSED)
    current = open_year(cast.root, 2026)
    for evaluation in Evaluation.objects.filter(
        period=current, unit=cast.cell_b1, kind=SubjectKind.MEMBER
    ):
        decide(evaluation, Level.HTXSNV)
    evaluation = Evaluation.objects.get(period=current, person=cast.member_a1)
    result_set(evaluation, level=Level.HTNV, not_rated_reason="")  # proposed, not decided
    evaluation.save()
    return Bloc(**{f.name: getattr(cast, f.name) for f in fields(cast)}, sub=sub, cell_sub=cell_sub)


assert_exact = assert_figures_exact


def test_the_bloc_starts_exact(bloc: Bloc) -> None:
    assert_exact()


def test_moving_a_cell_to_another_grassroots_committee_keeps_the_figures_exact(bloc: Bloc) -> None:
    unit_move(actor=None, unit=bloc.cell_a2, new_parent=bloc.org_b)
    assert_exact()
    assert (
        UnitStat.objects.get(
            period__year=2026, path=bloc.org_b.path, block=SubjectKind.MEMBER
        ).pending
        == 3
    )


def test_moving_a_sub_committee_with_its_cell_keeps_the_figures_exact(bloc: Bloc) -> None:
    unit_move(actor=None, unit=bloc.sub, new_parent=bloc.org_b)
    assert_exact()


def test_moving_a_grassroots_committee_under_a_new_upper_unit_keeps_the_figures_exact(
    bloc: Bloc,
) -> None:
    upper = unit_create(actor=None, parent=bloc.root, kind=UnitKind.UPPER, code="UP", name="Cụm")
    unit_move(actor=None, unit=bloc.org_a, new_parent=upper)
    assert_exact()
    unit_move(actor=None, unit=bloc.org_a, new_parent=bloc.root)  # and back
    assert_exact()


def test_the_undecided_evaluations_of_a_moved_cell_are_decided_by_its_new_committee(
    bloc: Bloc,
) -> None:
    unit_move(actor=None, unit=bloc.cell_a1, new_parent=bloc.org_b)
    current = Period.objects.get(year=2026, kind="nam")
    moved = Evaluation.objects.filter(period=current, unit=bloc.cell_a1)
    assert set(moved.values_list("decider_id", flat=True)) == {bloc.org_b.pk}
    proposed = moved.get(person=bloc.member_a1)
    assert (
        PoolStat.objects.get(
            period=current,
            decider=bloc.org_b,
            block=SubjectKind.MEMBER,
            group=proposed.group,
        ).htnv
        == 1
    )
    assert proposed.level == Level.HTNV
    # the closed period keeps who decided then
    closed = Evaluation.objects.filter(period__year=2025, unit=bloc.cell_a1)
    assert set(closed.values_list("decider_id", flat=True)) == {bloc.org_a.pk}
    assert_exact()


def test_a_move_that_would_change_who_decided_an_open_period_is_refused_and_changes_nothing(
    bloc: Bloc,
) -> None:
    before = tree_figures()
    path = bloc.cell_b1.path
    with pytest.raises(ValidationError) as refused:
        unit_move(actor=None, unit=bloc.cell_b1, new_parent=bloc.org_a)
    assert "B1" in str(refused.value)
    assert OrgUnit.objects.get(pk=bloc.cell_b1.pk).path == path
    assert tree_figures() == before


def test_renaming_a_unit_keeps_the_figures_exact(bloc: Bloc) -> None:
    unit_update(actor=None, unit=bloc.cell_a1, name="Chi bộ Kế hoạch")
    assert_exact()


def test_dissolving_a_cell_keeps_the_figures_exact(bloc: Bloc) -> None:
    unit_update(actor=None, unit=bloc.cell_a2, dissolved=dt.date(2026, 12, 31))
    assert_exact()


def test_a_sub_committee_becoming_a_cell_keeps_the_figures_exact(bloc: Bloc) -> None:
    """A change of kind: the cells count and the deciders of what is not decided follow."""
    empty = make_unit(UnitKind.SUB_COMMITTEE, bloc.org_b, code="B9")
    unit_update(actor=None, unit=empty, kind=UnitKind.CELL)
    assert_exact()


def test_creating_units_keeps_the_figures_exact(bloc: Bloc) -> None:
    make_unit(UnitKind.CELL, bloc.org_b, code="B2")
    make_unit(UnitKind.GRASSROOTS_CELL, bloc.root, code="D")
    assert_exact()


def _chain(parent: OrgUnit, depth: int, cells: int, members: int) -> tuple[OrgUnit, OrgUnit]:
    """``depth`` sub-levels under ``parent`` ending in ``cells`` cells of ``members`` each."""
    for _ in range(depth):
        parent = make_unit(UnitKind.UPPER, parent)
    org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, parent)
    sub = make_unit(UnitKind.SUB_COMMITTEE, org)
    for _ in range(cells):
        cell = make_unit(UnitKind.CELL, sub)
        for _ in range(members):
            make_person(cell)
    return org, sub


def _queries_of_a_move(cast: Cast, cells: int, members: int) -> int:
    _, sub = _chain(cast.root, 2, cells, members)
    target, _ = _chain(cast.root, 2, 1, 1)
    period_open(
        actor=None, period=Period.objects.get(year=2026, kind="nam")
    )  # their evaluations too
    with CaptureQueriesContext(connection) as queries:
        unit_move(actor=None, unit=sub, new_parent=target)
    return len(queries)


def test_a_move_costs_queries_by_depth_not_by_the_size_of_the_subtree_or_the_country(
    cast: Cast,
) -> None:
    """The same depth, a subtree of 1 member then of 12 in a bigger country: the same count."""
    open_year(cast.root, 2026)
    small = _queries_of_a_move(cast, 1, 1)
    for _ in range(3):  # more of the country
        _chain(cast.root, 2, 2, 2)
    assert _queries_of_a_move(cast, 4, 3) == small
    assert small <= 30
    assert_exact()
