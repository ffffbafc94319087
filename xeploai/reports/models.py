"""Reports sent upward (the statistics they read, ``UnitStat``/``PoolStat``, are kept by
``reviews``: a projection of its evaluations)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit


class ReportSnapshot(models.Model):
    """A report sent upward: the computed payload frozen as canonical JSON text.

    Files are rendered again from ``payload`` on every download, so they never change; the
    live numbers are compared with it to flag changes made after sending.
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="+"
    )
    options = models.JSONField(_("tùy chọn"), default=dict)
    as_of = models.DateField(_("số liệu đến ngày"))
    payload = models.TextField(_("số liệu (JSON)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gửi lúc"))

    class Meta:
        verbose_name = _("báo cáo đã gửi")
        verbose_name_plural = _("báo cáo đã gửi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "period"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.period.year} ({self.created_at:%d/%m/%Y %H:%M})"
