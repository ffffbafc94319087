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

    def instance(self, connection: BaseDatabaseWrapper, values: Sequence[Any]) -> Any:
        converted = list(values)
        for i, (column, functions) in enumerate(self.converters(connection)):
            for function in functions:
                converted[i] = function(converted[i], column, connection)
        return self.model.from_db(connection.alias, self.names, converted)


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
