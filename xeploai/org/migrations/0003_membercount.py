"""``MemberCount``: the organization page's member and cell counts per subtree, built here for
the existing data.

On PostgreSQL also an index serving ``path LIKE 'prefix%'`` (the collation is not "C", so the
plain b-tree on (depth, path) cannot turn the prefix into a range; ``varchar_pattern_ops`` can):
the page reads a unit's row and its children's, (depth, path LIKE …) is one index range. SQLite
compares paths bytewise and needs nothing. The counts are computed by the same set-based
statement as ``xeploai.org.counts.member_counts_rebuild``, written out here so that the
migration does not change when the code does.
"""

import django.db.models.deletion
from django.db import migrations, models


PATTERN_INDEX = "org_membercount_subtree_idx"
SEGMENT = 7
CELL_KINDS = ("chi_bo_co_so", "chi_bo")
REBUILD = (
    "INSERT INTO org_membercount (unit_id, path, depth, status, n) "
    "SELECT r.* FROM ("
    "WITH RECURSIVE levels(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM levels "
    "WHERE k < (SELECT COALESCE(MAX(depth), 0) FROM org_orgunit)), "
    "per_unit AS ("
    "SELECT u.path AS path, u.depth AS depth, x.status AS status, x.n AS n "
    "FROM (SELECT unit_id, status, COUNT(*) AS n FROM org_person GROUP BY 1, 2) x "
    "JOIN org_orgunit u ON u.id = x.unit_id "
    "UNION ALL SELECT path, depth, '_cells', 1 FROM org_orgunit "
    "WHERE kind IN (%s, %s) AND dissolved IS NULL) "
    "SELECT a.id, a.path, a.depth, p.status, SUM(p.n) "
    "FROM per_unit p JOIN levels l ON l.k <= p.depth "
    f"JOIN org_orgunit a ON a.path = substr(p.path, 1, (l.k + 1) * {SEGMENT}) "
    "GROUP BY a.id, a.path, a.depth, p.status"
    ") r ORDER BY r.depth, r.path"
)


def pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PATTERN_INDEX} ON org_membercount "
            "(depth, path varchar_pattern_ops)"
        )


def drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PATTERN_INDEX}")


def build_counts(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM org_membercount")
        cursor.execute(REBUILD, list(CELL_KINDS))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_person_without_pattern_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=255, verbose_name="đường dẫn cây")),
                ("depth", models.PositiveSmallIntegerField(verbose_name="cấp trong cây")),
                ("status", models.CharField(max_length=20, verbose_name="tình trạng")),
                ("n", models.IntegerField(default=0, verbose_name="số lượng")),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.orgunit",
                        verbose_name="tổ chức",
                    ),
                ),
            ],
            options={
                "verbose_name": "số đảng viên theo tổ chức",
                "verbose_name_plural": "số đảng viên theo tổ chức",
                "indexes": [models.Index(fields=["depth", "path"], name="membercount_depth_path")],
                "constraints": [
                    models.UniqueConstraint(fields=("path", "status"), name="membercount_unique")
                ],
            },
        ),
        migrations.RunPython(pattern_index, drop_pattern_index),
        migrations.RunPython(build_counts, migrations.RunPython.noop),
    ]
