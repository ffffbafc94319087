"""Append-only audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("Audit events cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=60, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(_("mã đối tượng"), max_length=60, blank=True)
    unit_path = models.CharField(_("phạm vi"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("trước"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("sau"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only is an invariant of the record itself, not a workflow step.
        if self.pk is not None:
            raise AuditImmutableError("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit events cannot be deleted.")


class LoginFailure(models.Model):
    """One failed login, by username and by address, for throttling (kept in the database so
    that several app servers share it)."""

    key = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("đăng nhập sai")
        verbose_name_plural = _("đăng nhập sai")

    def __str__(self) -> str:
        return f"{self.key} {self.at:%d/%m/%Y %H:%M}"
