"""PostgreSQL only: an index that serves ``path LIKE 'prefix%'`` for the report's subtree reads.

The database's collation is not "C" (C.UTF-8, en_US…), so the plain b-tree on
(period, depth, path) cannot turn a LIKE prefix into a range; ``varchar_pattern_ops`` can. The
report reads a unit's row and its children's rows: (period, depth, path LIKE …) is then one
short index range per depth. SQLite compares paths bytewise and needs nothing.
"""

from django.db import migrations

NAME = "reports_unitstat_subtree_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON reports_unitstat "
            "(period_id, depth, path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_snapshot")]

    operations = [migrations.RunPython(create, drop)]
