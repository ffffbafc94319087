"""Write one audit event per change; every service that changes data calls ``audit_record``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from xeploai.audit.actor import Actor, actor_user
from xeploai.audit.models import AuditEvent, AuditImmutableError


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` as a JSON-ready dict (foreign keys as ids)."""
    names = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        data[field.attname] = field.value_from_object(instance)
    return data


def audit_event(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    unit_path: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """The event ``audit_record`` writes, not yet saved (``audit_record_all`` saves many)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor_user(actor)
    return AuditEvent(
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


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    unit_path: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    event = audit_event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        unit_path=unit_path,
        before=before,
        after=after,
        note=note,
    )
    event.save(force_insert=True)
    return event


def audit_record_all(events: list[AuditEvent]) -> list[AuditEvent]:
    """Write the events of a change to many objects in one statement, in their order."""
    if any(event.pk is not None for event in events):
        raise AuditImmutableError("Audit events cannot be updated.")
    return AuditEvent.objects.bulk_create(events)
