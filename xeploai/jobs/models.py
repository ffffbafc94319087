"""Background jobs kept in the database (decision 0003): the queue, the progress and the result.

A job's whole state lives in its row, so any web process can show its progress and any worker
(``xeploai worker``, or a thread of the web process in inline mode) can run it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xeploai.org.models import OrgUnit


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        return (cls.DONE, cls.FAILED)


class Job(models.Model):
    kind = models.CharField(_("loại việc"), max_length=40)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("đã làm"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng"), default=0)
    message = models.CharField(_("thông báo"), max_length=255, blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    input_file = models.FileField(_("tệp đầu vào"), upload_to="jobs/%Y/%m/", blank=True)
    input_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("phạm vi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_path = models.CharField(_("đường dẫn phạm vi"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("báo tiến độ lúc"), null=True, blank=True)
    # The process running it ("host:pid:start"): a job whose process is gone is failed at once.
    worker = models.CharField(_("tiến trình xử lý"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["created_by", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in JobStatus.finished()

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
