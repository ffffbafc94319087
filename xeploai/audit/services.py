"""Write one audit event per change; every service that changes data calls ``audit_record``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from xeploai.audit.models import AuditEvent


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` as a JSON-ready dict (foreign keys as ids)."""
    names = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        data[field.attname] = field.value_from_object(instance)
    return data


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    unit_path: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_path=unit_path,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        note=note,
    )
