"""The read every save starts with (``reviews.lockread``) is the ORM's: every column of the
evaluation, its period, unit, deciding body and person (none for a cell, a committee or an
organization), each in the field cache as ``select_related`` puts it; none found, the ORM's
error; outside a transaction, on a database with row locks, the ORM's refusal."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from xeploai.cycles.models import Period
from xeploai.reviews import lockread
from xeploai.reviews.models import Evaluation

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
