"""PostgreSQL only: a trigram index on the folded name, so that searching a name anywhere in it
(``name_folded LIKE '%nguyen van an%'``) reads the index instead of every person — 18 s for a
national user over 5.6 million members without it.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: the
database owner may create it. SQLite scans; a province fits.
"""

from django.db import migrations

NAME = "org_person_name_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON org_person USING gin (name_folded gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("org", "0003_membercount")]

    operations = [migrations.RunPython(create, drop)]
