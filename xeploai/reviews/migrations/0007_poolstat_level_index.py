"""PostgreSQL only: an index that serves the report's read of the quota pools decided by a unit
and by its children as two short ranges (issue 19 §2), like ``reports_unitstat_subtree_idx``.

Paths are fixed-width segments (``org.models.SEGMENT``), so a body's depth is the length of its
path: (period, length of the path, path with ``varchar_pattern_ops``) turns "the unit's level
and the next, under its path" into one index range per level. The report read the pools body
by body before (a LATERAL probe of the pool key per child: 865 index pages for a unit of 211
children, against about 30 now). SQLite keeps its nested loop on the pool key: it needs
nothing here."""

from django.db import migrations

NAME = "reports_poolstat_level_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON reports_poolstat "
            "(period_id, length(decider_path), decider_path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_poolstat_pivoted")]

    operations = [migrations.RunPython(create, drop)]
