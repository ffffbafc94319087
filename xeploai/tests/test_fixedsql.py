"""A fixed statement's row becomes the instance ``Model.from_db`` makes of it (lib/fixedsql.py
builds it without ``Model.__init__`` where that changes nothing), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_init

from xeploai.cycles.models import Notice, Period
from xeploai.lib.fixedsql import Columns, _plain_init
from xeploai.org.models import OrgUnit, Person, RoleAssignment
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast, make_round

# every model a fixed statement reads (grep "Columns(")
MODELS: list[type[Model]] = [
    Evaluation,
    Person,
    OrgUnit,
    Period,
    RoleAssignment,
    Notice,
    get_user_model(),
]


def _raw(model: type[Model]) -> list[tuple[Any, ...]]:
    """Every row of the model's table as the database returns it (before any converter)."""
    columns = Columns(model, "t")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql(connection)} FROM {columns.table(connection)}")  # noqa: S608 — names
        return list(cursor.fetchall())


def _same(ours: Model, theirs: Model) -> None:
    assert type(ours) is type(theirs)
    mine = {k: v for k, v in ours.__dict__.items() if k != "_state"}
    django = {k: v for k, v in theirs.__dict__.items() if k != "_state"}
    assert list(mine) == list(django)  # the same attributes, in the same order
    assert mine == django
    for name, value in mine.items():  # the types too: 1 == True, "2026-…" ≠ datetime
        assert type(value) is type(django[name]), name
    assert vars(ours._state) == vars(theirs._state)
    assert ours._state.adding is False and ours._state.db == connection.alias
    assert ours._state.fields_cache == {}


def _from_db(columns: Columns, row: tuple[Any, ...]) -> Model:
    converted = list(row)
    for i, (column, functions) in enumerate(columns.converters(connection)):
        for function in functions:
            converted[i] = function(converted[i], column, connection)
    instance: Model = columns.model.from_db(connection.alias, columns.names, converted)
    return instance


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_rows_instance_is_the_one_from_db_makes(cast: Cast, model: type[Model]) -> None:
    make_round(cast)  # evaluations with every kind of subject, a period
    rows = _raw(model)
    assert rows, model
    columns = Columns(model, "t")
    assert _plain_init(model), model  # the models read are Django's plain ones
    for row in rows:
        ours = columns.instance(connection, row)
        _same(ours, _from_db(columns, row))
        assert ours.pk is not None
        ours.full_clean(validate_unique=False, validate_constraints=False)


@pytest.mark.django_db
def test_an_instance_built_so_follows_its_relations_and_saves(cast: Cast) -> None:
    make_round(cast)
    columns = Columns(Evaluation, "t")
    evaluation = columns.instance(connection, _raw(Evaluation)[0])
    theirs = Evaluation.objects.select_related("unit", "person").get(pk=evaluation.pk)
    assert evaluation.unit == theirs.unit and evaluation.person == theirs.person
    assert evaluation.subject_name == theirs.subject_name
    evaluation.save(update_fields=["form_code"])  # an UPDATE, not an INSERT (_state.adding)
    assert Evaluation.objects.count() == len(_raw(Evaluation))


@pytest.mark.django_db
def test_a_model_with_a_post_init_listener_goes_through_from_db(cast: Cast) -> None:
    seen: list[Model] = []

    def listener(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        seen.append(instance)

    columns = Columns(OrgUnit, "t")
    row = _raw(OrgUnit)[0]
    post_init.connect(listener, sender=OrgUnit)
    try:
        ours = columns.instance(connection, row)
    finally:
        post_init.disconnect(listener, sender=OrgUnit)
    assert seen == [ours]
    _same(ours, _from_db(columns, row))
