"""Drop the three ``varchar_pattern_ops`` indexes PostgreSQL gets for ``Person.citizen_id``,
``party_card_number`` (unique) and ``name_folded`` (indexed): they serve only ``LIKE 'prefix%'``,
which nothing runs (IDs and cards are matched whole; names are searched with ``contains`` and
sorted, which use neither), and they were a third of the time of loading people (a bulk
import of 100,000 members: 1.4 s → 0.95 s for the COPY). The unique constraints and the plain
``name_folded`` index stay. Nothing to do on SQLite."""

from typing import Any

from django.db import migrations

PATTERN_INDEXED = ("citizen_id", "party_card_number", "name_folded")


def _like_indexes(apps: Any, schema_editor: Any) -> list[tuple[Any, Any, str]]:
    person = apps.get_model("org", "Person")
    result = []
    for name in PATTERN_INDEXED:
        field = person._meta.get_field(name)
        index = schema_editor._create_index_name(person._meta.db_table, [field.column], "_like")
        result.append((person, field, index))
    return result


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for person, _field, index in _like_indexes(apps, schema_editor):
        schema_editor.execute(schema_editor._delete_index_sql(person, index))  # IF EXISTS


def restore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for person, field, _index in _like_indexes(apps, schema_editor):
        schema_editor.execute(schema_editor._create_like_index_sql(person, field))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(drop, restore, elidable=False)]
