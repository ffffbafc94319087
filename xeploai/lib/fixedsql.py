"""The reads every request makes, their SQL written once per process instead of per request.

Every authenticated request reads its session and its user (with the person); a page reads the
user's roles and unread notices too. Django's compiler built each of those small statements
anew on every request: two thirds of the CPU of the smallest authenticated request (a 405:
the session and the user, docs/benchmarks.md, "the request pipeline"). Here each statement's
text is made once from the models' metadata — the same SELECT of every concrete column — and
its rows become model instances the way Django's own reads make them: the backend's and the
fields' converters, then ``Model.from_db``. ``xeploai/tests/test_request_reads.py`` compares
the instances with the ORM's on SQLite and PostgreSQL.

Nothing is kept between requests but the statements' text: every request reads the database,
so a logout, an expired session, a deactivated account or a changed role is seen by every
worker at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def column_of(model: type[Model], name: str) -> str:
    """The database column of a model's concrete field ``name``."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return str(field.column)


class Columns:
    """A model's concrete columns under a table alias, and how a row's slice of them becomes an
    instance (as the compiler converts a column, then ``from_db``)."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self._converters: dict[str, list[tuple[Any, list[Converter]]]] = {}
        self._converting_of: dict[str, list[tuple[int, Any, list[Converter]]]] = {}
        self._plain = _plain_init(model)
        # ``from_db`` leaves an empty fields cache on an instance with a foreign key set (the
        # key's setter looks for a cached object)
        self._keys = [i for i, field in enumerate(self.fields) if field.is_relation]

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(str(field.column))}" for field in self.fields)

    def column(self, connection: BaseDatabaseWrapper, name: str) -> str:
        """A field's column under the alias, quoted (``name``: the field's name)."""
        quote = connection.ops.quote_name
        return f"{quote(self.alias)}.{quote(column_of(self.model, name))}"

    def table(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def converters(self, connection: BaseDatabaseWrapper) -> list[tuple[Any, list[Converter]]]:
        """Per column, the functions the compiler applies to its value (backend's first)."""
        kept = self._converters.get(connection.alias)
        if kept is None:
            kept = []
            for field in self.fields:
                column = field.get_col(self.alias)
                functions = [
                    *connection.ops.get_db_converters(column),
                    *column.get_db_converters(connection),
                ]
                kept.append((column, functions))
            self._converters[connection.alias] = kept
        return kept

    def _converting(
        self, connection: BaseDatabaseWrapper
    ) -> list[tuple[int, Any, list[Converter]]]:
        """``converters`` of the columns that have any, with their index."""
        kept = self._converting_of.get(connection.alias)
        if kept is None:
            kept = self._converting_of[connection.alias] = [
                (i, column, functions)
                for i, (column, functions) in enumerate(self.converters(connection))
                if functions
            ]
        return kept

    def instance(self, connection: BaseDatabaseWrapper, values: Sequence[Any]) -> Any:
        converted = list(values)
        for i, column, functions in self._converting(connection):
            for function in functions:
                converted[i] = function(converted[i], column, connection)
        model = self.model
        if not self._plain or pre_init.has_listeners(model) or post_init.has_listeners(model):
            return model.from_db(connection.alias, self.names, converted)
        # What ``from_db`` makes of a row with every concrete column, without
        # ``Model.__init__``'s walk through the fields' descriptors (``_plain_init``): the
        # largest part of reading a board's few hundred rows (docs/benchmarks.md, h23a).
        new = model.__new__(model)
        state = ModelState()
        state.adding = False
        state.db = connection.alias
        if any(converted[i] is not None for i in self._keys):
            state.fields_cache = {}
        new._state = state
        new.__dict__.update(zip(self.names, converted, strict=True))
        return new


def _plain_init(model: type[Model]) -> bool:
    """Whether ``Model.from_db`` of a row with every concrete column only stores the values in
    the instance's ``__dict__`` (by attname) and its state: the model keeps Django's
    ``__init__`` and ``from_db``, and each field's class attribute is Django's deferred
    attribute — a plain field's has no ``__set__``; a foreign key's ``__set__`` only drops a
    cached related object, which a new instance has not."""
    if model.__init__ is not Model.__init__:
        return False
    if getattr(model.from_db, "__func__", None) is not Model.from_db.__func__:  # type: ignore[attr-defined]
        return False
    for field in model._meta.concrete_fields:
        attribute = model.__dict__.get(field.attname)
        if attribute is None:  # inherited from a parent model: not looked into
            return False
        if type(attribute) not in (DeferredAttribute, ForeignKeyDeferredAttribute):
            return False
    return True


class Statement:
    """One fixed SELECT: ``build(connection)`` writes its text, once per database connection
    alias (a vendor's quoting); ``rows`` runs it through Django's cursor (its execute wrappers
    and query log see it as any other statement)."""

    def __init__(self, model: type[Model], build: Callable[[BaseDatabaseWrapper], str]) -> None:
        self.model = model
        self.build = build
        self._sql: dict[str, str] = {}

    def connection(self) -> BaseDatabaseWrapper:
        return connections[router.db_for_read(self.model)]

    def rows(self, params: Sequence[Any]) -> tuple[BaseDatabaseWrapper, list[tuple[Any, ...]]]:
        connection = self.connection()
        sql = self._sql.get(connection.alias)
        if sql is None:
            sql = self._sql[connection.alias] = self.build(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return connection, cursor.fetchall()
