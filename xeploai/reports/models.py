"""Statistics kept current by the decision services, so that reports read O(units), not members.

``UnitStat``: for each (period, unit, block, bucket) the number of subjects of that block in the
unit's whole subtree (the unit included) whose result falls in that bucket. A report for a unit
reads its own rows; the drill-down reads its children's rows.

``PoolStat``: the same counts per deciding body and quota group (for the quota findings).

Buckets are the four levels, ``PENDING`` (not decided yet) and ``NR:<reason>`` (not rated).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit

PENDING = "PENDING"
NOT_RATED_PREFIX = "NR:"


class UnitStat(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    block = models.CharField(max_length=20)
    bucket = models.CharField(max_length=30)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tổ chức")
        verbose_name_plural = _("số liệu tổng hợp theo tổ chức")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "path", "block", "bucket"], name="unitstat_unique"
            )
        ]
        indexes = [models.Index(fields=["period", "depth", "path"])]

    def __str__(self) -> str:
        return f"{self.path} {self.block} {self.bucket}: {self.n}"


class PoolStat(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    decider = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    decider_path = models.CharField(max_length=255)
    block = models.CharField(max_length=20)
    group = models.CharField(max_length=30)
    bucket = models.CharField(max_length=30)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu theo cấp quyết định và nhóm")
        verbose_name_plural = _("số liệu theo cấp quyết định và nhóm")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "decider", "block", "group", "bucket"], name="poolstat_unique"
            )
        ]
        indexes = [models.Index(fields=["period", "decider_path"])]

    def __str__(self) -> str:
        return f"{self.decider_path} {self.block}/{self.group} {self.bucket}: {self.n}"


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
