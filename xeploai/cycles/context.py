"""Template context: the user's unread on-screen reminders (one small query per page that
shows them: read when the template first asks, so an htmx answer — a row, a search's
results — that never shows them does not read them)."""

import functools
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from xeploai.cycles.models import Notice
from xeploai.lib.fixedsql import Columns, Statement

SHOWN = 5  # the newest unread notices a page shows


class _UnreadRead:
    """``Notice.objects.filter(user=…, read_at__isnull=True)[:5]`` (newest first, the model's
    ordering) as one statement written once per process (``xeploai.lib.fixedsql``)."""

    def __init__(self) -> None:
        self.notice = Columns(Notice, "n")
        self.statement = Statement(Notice, self._build)

    def _build(self, connection: Any) -> str:
        column = functools.partial(self.notice.column, connection)
        return (
            f"SELECT {self.notice.sql(connection)} FROM {self.notice.table(connection)} "  # noqa: S608 — quoted names only
            f"WHERE {column('user')} = %s AND {column('read_at')} IS NULL "
            f"ORDER BY {column('created_at')} DESC LIMIT {SHOWN}"
        )

    def __call__(self, user_pk: Any) -> list[Notice]:
        connection, rows = self.statement.rows([user_pk])
        return [self.notice.instance(connection, row) for row in rows]


@functools.cache
def _unread_read() -> _UnreadRead:
    return _UnreadRead()


def unread(user: Any) -> list[Notice]:
    """The user's newest unread notices, at most ``SHOWN``."""
    return _unread_read()(user.pk)


def notices(request: HttpRequest) -> dict[str, Any]:
    """Read when a template shows them (base.html): a fragment answered to htmx (a search's
    results, a board's row) never does, and asks nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices": SimpleLazyObject(lambda: unread(user))}
