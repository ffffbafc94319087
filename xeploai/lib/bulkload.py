"""Insert many model instances at the bulk-load speed (COPY / executemany), not Django's
``bulk_create`` speed: for the demo, period opening and other generated data.

The database-specific SQL lives in ``xeploai.lib.bulk``; this only turns instances into the
rows it takes. Instances get their primary keys before the insert, so callers can point other
rows at them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from xeploai.lib.bulk import allocate_ids, insert_rows


def insert_objects(objects: Sequence[models.Model]) -> int:
    """Insert ``objects`` (all of one model, not yet saved) with fresh ids set on them."""
    if not objects:
        return 0
    model = type(objects[0])
    pk = model._meta.pk
    assert pk is not None
    for obj, new_id in zip(objects, allocate_ids(model, len(objects)), strict=True):
        obj.pk = new_id
    names = [field.attname for field in model._meta.concrete_fields]
    rows: list[tuple[Any, ...]] = [tuple(getattr(obj, name) for name in names) for obj in objects]
    return insert_rows(model, names, rows)
