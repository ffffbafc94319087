"""The session engine (``SESSION_ENGINE``): Django's database sessions, read by a fixed SQL.

The same table, the same encoding, the same rule as ``django.contrib.sessions.backends.db``: a
session is read only while its ``expire_date`` is in the future, from the database on every
request (a logout deletes the row: every worker refuses the cookie from then on). Only the
read's statement is written once per process (``xeploai.lib.fixedsql``) instead of by the
ORM's compiler on every request; writes are Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from xeploai.lib.fixedsql import Statement, column_of


def _build(connection: BaseDatabaseWrapper) -> str:
    quote = connection.ops.quote_name
    meta = Session._meta
    data, key, expiry = (
        quote(column_of(Session, name)) for name in ("session_data", "session_key", "expire_date")
    )
    table = quote(meta.db_table)
    return f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608 — names


_READ = Statement(Session, _build)
_EXPIRY = Session._meta.get_field("expire_date")


class SessionStore(DatabaseStore):
    def load(self) -> dict[str, Any]:
        """The session's data while it has not expired; else nothing, and the key is dropped
        (a new session gets a new key), as Django's database engine does."""
        connection = _READ.connection()
        now = _EXPIRY.get_db_prep_value(timezone.now(), connection)
        _connection, rows = _READ.rows([self.session_key, now])
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])
