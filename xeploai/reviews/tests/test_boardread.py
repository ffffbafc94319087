"""The board's evaluations read in a fixed statement (``reviews.boardread``) are the ORM's: the
same rows in the same order, every column of the evaluation and of its person (none for a cell,
a committee or an organization), the person in the field cache as ``select_related`` puts it."""

from typing import Any

import pytest
from django.db.models import Model, Q

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reviews import boardread
from xeploai.reviews.facts import POOL_FIELDS
from xeploai.reviews.models import Evaluation, Stage

pytestmark = pytest.mark.django_db


def _orm(decider: OrgUnit, period: Period, every_row: bool) -> list[Evaluation]:
    """What ``selectors.board`` read before (the reference)."""
    query = Evaluation.objects.filter(period=period, decider=decider)
    if not every_row:
        query = query.filter(
            Q(stage__in=(Stage.SENT, Stage.DECIDED)) | ~Q(level="") | ~Q(cell_level="")
        )
    query = query.select_related("person").order_by(
        "kind", "unit__path", "person__name_folded", "pk"
    )
    return list(query)


def _columns(instance: Model | None) -> dict[str, Any] | None:
    if instance is None:
        return None
    found = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    found["_db"], found["_adding"] = instance._state.db, instance._state.adding
    return found


def _read(evaluations: list[Evaluation]) -> list[tuple[Any, ...]]:
    """Each row's columns, its person's (read from the cache: no statement) and the type of
    every value (a date is not a string, a JSON document not its text)."""
    found = []
    for e in evaluations:
        assert Evaluation.person.is_cached(e)
        columns, person = _columns(e), _columns(e.person)
        types = {k: type(v) for k, v in {**(columns or {}), **(person or {})}.items()}
        found.append((columns, person, types))
    return found


@pytest.mark.parametrize("every_row", [True, False])
def test_the_board_read_is_the_orms(uneven_period: Period, every_row: bool) -> None:
    period = uneven_period
    seen = {"person": 0, "none": 0, "left out": 0}
    for decider in OrgUnit.objects.filter(
        pk__in=Evaluation.objects.filter(period=period).values("decider")
    ):
        fixed = boardread.board_evaluations(decider, period, every_row=every_row)
        orm = _orm(decider, period, every_row)
        assert _read(fixed) == _read(orm)
        seen["person"] += sum(e.person_id is not None for e in fixed)
        seen["none"] += sum(e.person_id is None for e in fixed)
        seen["left out"] += Evaluation.objects.filter(period=period, decider=decider).count()
        seen["left out"] -= len(fixed)
    assert seen["person"] and seen["none"]
    assert bool(seen["left out"]) == (not every_row)


def test_one_evaluation_of_the_board_is_the_orms(uneven_period: Period) -> None:
    period = uneven_period
    evaluations = list(Evaluation.objects.filter(period=period).order_by("pk")[::7])
    assert any(e.person_id is None for e in evaluations)
    for evaluation in evaluations:
        decider = OrgUnit.objects.get(pk=evaluation.decider_id)
        orm = list(
            Evaluation.objects.filter(period=period, decider=decider, pk=evaluation.pk)
            .select_related("person")
            .order_by()
        )
        assert _read(boardread.board_evaluation(decider, period, evaluation.pk)) == _read(orm)
        other = OrgUnit.objects.exclude(pk=evaluation.decider_id).first()
        assert other is not None
        assert boardread.board_evaluation(other, period, evaluation.pk) == []


def test_the_pool_rows_are_the_orms_values(uneven_period: Period) -> None:
    """What a decision's check reads of every subject of its deciding body: the ORM's
    ``values(*POOL_FIELDS)`` — the same rows in the same order, each value of the same type
    (a date, an aware time, a flag; none for a cell's person)."""
    period = uneven_period
    bodies = 0
    for decider in set(Evaluation.objects.filter(period=period).values_list("decider", flat=True)):
        orm = list(
            Evaluation.objects.filter(period=period.pk, decider=decider)
            .order_by("pk")
            .values(*POOL_FIELDS)
        )
        fixed = boardread.pool_rows(decider, period.pk)
        assert fixed == orm
        assert [{k: type(v) for k, v in r.items()} for r in fixed] == [
            {k: type(v) for k, v in r.items()} for r in orm
        ]
        bodies += 1
    assert bodies > 1
    assert boardread.pool_rows(-1, period.pk) == []


def test_the_units_of_a_board_are_the_orms(uneven_period: Period) -> None:
    """The units of a deciding body's evaluations, read in a fixed statement: ``in_bulk`` of
    them, every column of the same value and type."""
    period = uneven_period
    bodies = 0
    for decider in OrgUnit.objects.filter(
        pk__in=Evaluation.objects.filter(period=period).values("decider")
    ):
        ids = set(
            Evaluation.objects.filter(period=period, decider=decider).values_list("unit", flat=True)
        )
        fixed = boardread.board_units(decider, period)
        orm = OrgUnit.objects.in_bulk(ids)
        assert sorted(fixed) == sorted(orm)
        for pk, unit in fixed.items():
            columns, theirs = _columns(unit), _columns(orm[pk])
            assert columns == theirs
            assert {k: type(v) for k, v in (columns or {}).items()} == {
                k: type(v) for k, v in (theirs or {}).items()
            }
        bodies += len(fixed) > 1
    assert bodies
