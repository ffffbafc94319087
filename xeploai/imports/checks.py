"""What the imports ask of the deployment, checked by ``xeploai check --deploy --database default``.

One check: on PostgreSQL, whether the app's database role may set ``session_replication_role``
(docs/deploy.md). Without it a people import still works, but PostgreSQL checks each new row's
foreign keys one by one at COMMIT: 100,000 people take ≈ 5.4 s instead of ≈ 3.8 s on the
benchmark machine (docs/benchmarks.md, 2026-11-24).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from xeploai.lib import bulk


@register(Tags.database, deploy=True)
def check_trigger_grant(
    app_configs: Sequence[Any] | None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or "default" not in databases or connection.vendor != "postgresql":
        return []
    try:
        if bulk.may_skip_triggers():
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            role = cursor.fetchone()[0]
    except DatabaseError as error:
        return [
            CheckWarning(
                _("Không kết nối được cơ sở dữ liệu để kiểm tra quyền của vai trò: {error}").format(
                    error=str(error).strip()
                ),
                id="xeploai.W002",
            )
        ]
    return [
        CheckWarning(
            _(
                "Vai trò cơ sở dữ liệu của ứng dụng không được đặt session_replication_role: "
                "nhập danh sách đảng viên vẫn chạy nhưng chậm hơn khoảng 40 % (PostgreSQL kiểm "
                "tra khóa ngoại từng dòng)."
            ),
            hint=_(
                "Chạy một lần với quyền quản trị PostgreSQL: GRANT SET ON PARAMETER "
                'session_replication_role TO "{role}"; (PostgreSQL 15 trở lên, docs/deploy.md).'
            ).format(role=role),
            id="xeploai.W001",
        )
    ]
