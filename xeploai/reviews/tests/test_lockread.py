"""The read every save starts with (``reviews.lockread``) is the ORM's: every column of the
evaluation, its period, unit, deciding body and person (none for a cell, a committee or an
organization), each in the field cache as ``select_related`` puts it; none found, the ORM's
error; outside a transaction, on a database with row locks, the ORM's refusal."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.db.transaction import TransactionManagementError
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.reviews import lockread
from xeploai.reviews.access import EVALUATION_RELATED, REVIEW_RELATED, get_evaluation
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast, make_round

RELATED = ("period", "unit", "decider", "person")


def _columns(instance: Model | None) -> dict[str, Any] | None:
    if instance is None:
        return None
    found = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    found["types"] = {
        f.attname: type(getattr(instance, f.attname)) for f in instance._meta.concrete_fields
    }
    found["_db"], found["_adding"] = instance._state.db, instance._state.adding
    return found


def _read(evaluation: Evaluation) -> tuple[Any, ...]:
    for name in RELATED:
        assert Evaluation._meta.get_field(name).is_cached(evaluation), name  # type: ignore[union-attr]
    return (_columns(evaluation), *(_columns(getattr(evaluation, name)) for name in RELATED))


@pytest.mark.django_db(transaction=True)
def test_the_locked_read_is_the_orms(uneven_period: Period) -> None:
    evaluations = list(Evaluation.objects.filter(period=uneven_period).order_by("pk")[::5])
    assert any(e.person_id is None for e in evaluations)
    with transaction.atomic():
        for evaluation in evaluations:
            orm = (
                Evaluation.objects.select_for_update(of=("self",))
                .select_related(*RELATED)
                .get(pk=evaluation.pk)
            )
            with CaptureQueriesContext(connection) as read:
                fixed = lockread.locked(evaluation.pk)
            assert _read(fixed) == _read(orm)
            (statement,) = [q["sql"] for q in read.captured_queries]
            locks = connection.features.has_select_for_update
            assert statement.endswith(' FOR UPDATE OF "e"') == locks, statement
        with pytest.raises(Evaluation.DoesNotExist):
            lockread.locked(-1)
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            lockread.locked(evaluations[0].pk)
    else:  # SQLite: no row locks, the read as any other
        assert lockread.locked(evaluations[0].pk).pk == evaluations[0].pk


@pytest.mark.django_db
@pytest.mark.parametrize("related", [EVALUATION_RELATED, REVIEW_RELATED], ids=["page", "review"])
def test_the_read_of_an_evaluation_with_its_related_rows_is_the_orms(
    uneven_period: Period, related: tuple[str, ...], django_assert_num_queries: Any
) -> None:
    """``access.get_evaluation``'s read: ``select_related(*related)``, every related row in
    the field cache (the period's scope root in the period's), nothing locked."""
    evaluations = list(Evaluation.objects.filter(period=uneven_period).order_by("pk")[::5])
    assert any(e.person_id is None for e in evaluations)

    def held(evaluation: Evaluation) -> tuple[Any, ...]:
        found: list[Any] = [_columns(evaluation)]
        for name in related:
            holder: Model = evaluation
            *path, last = name.split("__")
            for step in path:
                holder = getattr(holder, step)
            assert holder._meta.get_field(last).is_cached(holder), name  # type: ignore[union-attr]
            found.append(_columns(getattr(holder, last)))
        return tuple(found)

    for evaluation in evaluations:
        orm = Evaluation.objects.select_related(*related).get(pk=evaluation.pk)
        with CaptureQueriesContext(connection) as read:
            fixed = lockread.with_related(evaluation.pk, related)
        (statement,) = [q["sql"] for q in read.captured_queries]
        assert "FOR UPDATE" not in statement
        with django_assert_num_queries(0):
            assert held(fixed) == held(orm)
        decider = Evaluation._meta.get_field("decider")
        assert decider.is_cached(fixed) == ("decider" in related)
    with pytest.raises(Evaluation.DoesNotExist):
        lockread.with_related(-1, related)


@pytest.mark.django_db
def test_an_evaluation_not_found_or_out_of_reach_is_a_404(cast: Cast) -> None:
    round_ = make_round(cast)
    with pytest.raises(Http404):
        get_evaluation(cast.member, -1)
    with pytest.raises(Http404):  # another cell's member: not theirs, not in their subtree
        get_evaluation(cast.outsider, round_.evaluation.pk)
    found = get_evaluation(cast.member, round_.evaluation.pk)
    assert found.pk == round_.evaluation.pk and found.period.scope_root_id
