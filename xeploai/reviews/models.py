"""Evaluations: one per subject per period, with the self-review, comments and the proposal ledger.

State changes go through ``xeploai.reviews.services`` only; ``version`` is bumped on every write
so that two people deciding the same subject at once cannot overwrite each other.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xeploai.cycles.models import Period
from xeploai.org.models import Level, OrgUnit, Person


class SubjectKind(models.TextChoices):
    MEMBER = "dang_vien", _("Đảng viên")
    CELL = "chi_bo", _("Chi bộ trực thuộc")
    GRASSROOTS = "to_chuc_co_so", _("Tổ chức cơ sở đảng")
    COMMITTEE = "tap_the_cap_uy", _("Tập thể cấp ủy")


class NotRatedReason(models.TextChoices):
    """Why a subject is not rated (rules.md §7.3)."""

    NEW_MEMBER = "MOI_KET_NAP_DUOI_6T", _("Mới kết nạp dưới 06 tháng")
    NEW_ORG = "MOI_THANH_LAP", _("Mới thành lập")
    SPLIT_MERGED = "CHIA_TACH_SAP_NHAP", _("Chia tách, sáp nhập")
    NEW_LEADER = "MOI_BO_NHIEM_DUOI_6T", _("Mới bổ nhiệm dưới 06 tháng")
    EXEMPT = "MIEN_SINH_HOAT", _("Miễn công tác và sinh hoạt đảng")
    SUSPENDED = "DINH_CHI_SINH_HOAT", _("Đình chỉ sinh hoạt đảng")
    ABSENT = "VANG_MAT_CHUA_XL", _("Vắng mặt, chưa xếp loại")
    OTHER = "KHAC", _("Lý do khác")


class Stage(models.TextChoices):
    """Where an evaluation is in the round."""

    PENDING = "chua_bat_dau", _("Chưa bắt đầu")
    DRAFT = "ban_nhap", _("Đang soạn")
    SUBMITTED = "da_nop", _("Đã nộp bản kiểm điểm")
    RETURNED = "tra_lai", _("Bị trả lại để sửa")
    PROPOSED = "da_de_xuat", _("Chi bộ đã đề xuất")
    SENT = "da_gui", _("Đã gửi cấp quyết định")
    DECIDED = "da_quyet_dinh", _("Đã quyết định (khóa)")


class LedgerStage(models.TextChoices):
    SELF = "tu_nhan", _("Tự nhận mức")
    BALLOT = "bieu_quyet", _("Kết quả bỏ phiếu")
    CELL = "chi_bo_de_xuat", _("Chi bộ đề xuất")
    GRASSROOTS = "co_so_quyet_dinh", _("Đảng ủy cơ sở quyết định")
    UPPER = "cap_tren", _("Cấp trên quyết định, điều chỉnh")
    REOPEN = "mo_lai", _("Mở lại để xếp loại lại")
    IMPORT = "nhap_lich_su", _("Nhập kết quả các năm trước")


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def for_period(self, period: Period) -> EvaluationQuerySet:
        return self.filter(period=period)

    def in_subtree(self, path: str) -> EvaluationQuerySet:
        return self.filter(unit__path__startswith=path)

    def members(self) -> EvaluationQuerySet:
        return self.filter(kind=SubjectKind.MEMBER)


class Evaluation(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="evaluations"
    )
    kind = models.CharField(_("đối tượng"), max_length=20, choices=SubjectKind.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("đảng viên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        help_text=_("Chi bộ của đảng viên, hoặc chính tổ chức được đánh giá."),
    )
    decider = models.ForeignKey(
        OrgUnit,
        verbose_name=_("cấp quyết định"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    group = models.CharField(
        _("nhóm đối tượng"),
        max_length=30,
        blank=True,
        help_text=_("Nhóm xét tỉ lệ HTXSNV (nhóm chức vụ của đảng viên, loại hình của tổ chức)."),
    )
    stage = models.CharField(
        _("tiến độ"), max_length=15, choices=Stage.choices, default=Stage.PENDING
    )
    reviewed = models.BooleanField(_("đã kiểm điểm"), default=False)
    form_code = models.CharField(_("mẫu"), max_length=20, blank=True)
    content = models.JSONField(_("nội dung"), default=dict, blank=True)
    self_level = models.CharField(_("tự nhận mức"), max_length=6, choices=Level.choices, blank=True)
    ballot_level = models.CharField(
        _("kết quả bỏ phiếu"), max_length=6, choices=Level.choices, blank=True
    )
    cell_level = models.CharField(
        _("chi bộ đề xuất"), max_length=6, choices=Level.choices, blank=True
    )
    level = models.CharField(_("mức xếp loại"), max_length=6, choices=Level.choices, blank=True)
    not_rated_reason = models.CharField(
        _("lý do chưa xếp loại"), max_length=25, choices=NotRatedReason.choices, blank=True
    )
    on_behalf_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nhập thay bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_at = models.DateTimeField(_("nhập thay lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    sent_at = models.DateTimeField(_("gửi hồ sơ lúc"), null=True, blank=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá, xếp loại")
        verbose_name_plural = _("đánh giá, xếp loại")
        ordering = ["period", "unit", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "person"],
                condition=Q(person__isnull=False),
                name="evaluation_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["period", "kind", "unit"],
                condition=Q(person__isnull=True),
                name="evaluation_one_per_org_subject",
            ),
            models.CheckConstraint(
                condition=(Q(kind="dang_vien") & Q(person__isnull=False))
                | (~Q(kind="dang_vien") & Q(person__isnull=True)),
                name="evaluation_person_iff_member",
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(not_rated_reason=""),
                name="evaluation_level_or_reason",
            ),
        ]
        indexes = [models.Index(fields=["period", "decider", "kind"])]

    def __str__(self) -> str:
        subject = self.person if self.person_id else self.unit
        return f"{self.get_kind_display()}: {subject} ({self.period})"

    @property
    def is_locked(self) -> bool:
        return self.stage == Stage.DECIDED

    @property
    def subject_name(self) -> str:
        if self.kind == SubjectKind.COMMITTEE:
            return _("Tập thể cấp ủy {name}").format(name=self.unit.name)
        return str(self.person if self.person_id else self.unit)

    @staticmethod
    def name_of(kind: str, person_name: str | None, unit_name: str) -> str:
        """``subject_name`` from the three columns it reads (``person_name``: None without a
        person), for pages that read them as values rather than as three model instances."""
        if kind == SubjectKind.COMMITTEE:
            return _("Tập thể cấp ủy {name}").format(name=unit_name)
        return person_name if person_name is not None else unit_name


class ImmutableError(Exception):
    """Raised when code tries to change a ledger row."""


class Proposal(models.Model):
    """One row of the proposal ledger: never changed, never deleted."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("đánh giá"), on_delete=models.PROTECT, related_name="ledger"
    )
    stage = models.CharField(_("cấp"), max_length=20, choices=LedgerStage.choices)
    level = models.CharField(_("mức"), max_length=6, choices=Level.choices, blank=True)
    not_rated_reason = models.CharField(
        _("lý do chưa xếp loại"), max_length=25, choices=NotRatedReason.choices, blank=True
    )
    reason = models.TextField(_("lý do, căn cứ"), blank=True)
    override = models.BooleanField(_("cấp có thẩm quyền quyết định khác quy tắc"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("đề xuất, quyết định")
        verbose_name_plural = _("sổ đề xuất, quyết định")
        ordering = ["evaluation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.level or self.not_rated_reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("Ledger rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Ledger rows cannot be deleted.")


class CommentSource(models.TextChoices):
    RESIDENCE = "noi_cu_tru", _("Cấp ủy nơi cư trú")
    TEMPORARY_CELL = "chi_bo_tam_thoi", _("Chi bộ sinh hoạt tạm thời")
    PREVIOUS_UNIT = "don_vi_cu", _("Chi bộ, đơn vị cũ (chuyển công tác)")
    MASS_ORG = "doan_the", _("Tổ chức đoàn thể")
    MANAGER = "thu_truong", _("Thủ trưởng cơ quan, đơn vị")
    OTHER = "khac", _("Khác")


class Comment(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("đánh giá"), on_delete=models.CASCADE, related_name="comments"
    )
    source = models.CharField(_("nguồn nhận xét"), max_length=20, choices=CommentSource.choices)
    author = models.CharField(_("nơi, người nhận xét"), max_length=200, blank=True)
    text = models.TextField(_("nội dung nhận xét"), blank=True)
    scan = models.FileField(_("bản quét"), upload_to="comments/%Y/", blank=True)
    received_on = models.DateField(_("ngày nhận"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))

    class Meta:
        verbose_name = _("nhận xét")
        verbose_name_plural = _("nhận xét")
        ordering = ["evaluation", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — {self.evaluation}"


class FollowUpStatus(models.TextChoices):
    NOT_STARTED = "chua_thuc_hien", _("Chưa thực hiện")
    IN_PROGRESS = "dang_thuc_hien", _("Đang khắc phục")
    DONE = "da_khac_phuc", _("Đã khắc phục")


class FollowUp(models.Model):
    """The plan to help a member or a unit rated HTNV/KHTNV fix its shortcomings (rules.md §8.2)."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("đánh giá"), on_delete=models.CASCADE, related_name="follow_up"
    )
    plan = models.TextField(_("kế hoạch giúp đỡ, khắc phục"))
    assignee = models.CharField(_("người được phân công theo dõi"), max_length=200, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NOT_STARTED,
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kế hoạch khắc phục")
        verbose_name_plural = _("kế hoạch khắc phục")

    def __str__(self) -> str:
        return f"{self.evaluation}: {self.get_status_display()}"


# Statistics kept current by the decision services, so that reports read O(units), not members.
#
# ``UnitStat``: for each (period, unit, block) the number of subjects of that block in the unit's
# whole subtree (the unit included), one column per bucket their result falls in. A report for a
# unit reads its own rows; the drill-down reads its children's rows.
#
# ``PoolStat``: the same counts per deciding body, block and quota group, one column per bucket
# (for the quota findings; decision 0012).
#
# Buckets are the four levels, ``PENDING`` (not decided yet) and ``NR:<reason>`` (not rated):
# thirteen, fixed by ``Level`` and ``NotRatedReason`` (``BUCKET_COLUMNS``).
PENDING = "PENDING"
NOT_RATED_PREFIX = "NR:"

# bucket → ``UnitStat`` column: pending, the four levels best first, then the not-rated reasons
# in the order of their codes (so a row's reasons come out sorted, as ``Counts`` keeps them).
BUCKET_COLUMNS: dict[str, str] = {
    PENDING: "pending",
    **{str(level): str(level).lower() for level in Level},
    **{
        NOT_RATED_PREFIX + reason: "nr_" + reason.lower()
        for reason in sorted(str(r) for r in NotRatedReason)
    },
}
STAT_COLUMNS = tuple(BUCKET_COLUMNS.values())
# the not-rated reasons in ``STAT_COLUMNS`` order (after the pending and the four levels)
STAT_REASONS = tuple(b.removeprefix(NOT_RATED_PREFIX) for b in BUCKET_COLUMNS)[5:]


class UnitStat(models.Model):
    """One row per (period, unit, block): the subtree's subjects of that block, per bucket.

    Pivoted (one integer column per bucket) so that a report reads one row per unit and block
    instead of one per bucket (issue 19 §2); the writers in ``reviews.stats`` go through
    ``BUCKET_COLUMNS``."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    block = models.CharField(max_length=20)
    pending = models.IntegerField(default=0)
    htxsnv = models.IntegerField(default=0)
    httnv = models.IntegerField(default=0)
    htnv = models.IntegerField(default=0)
    khtnv = models.IntegerField(default=0)
    nr_chia_tach_sap_nhap = models.IntegerField(default=0)
    nr_dinh_chi_sinh_hoat = models.IntegerField(default=0)
    nr_khac = models.IntegerField(default=0)
    nr_mien_sinh_hoat = models.IntegerField(default=0)
    nr_moi_bo_nhiem_duoi_6t = models.IntegerField(default=0)
    nr_moi_ket_nap_duoi_6t = models.IntegerField(default=0)
    nr_moi_thanh_lap = models.IntegerField(default=0)
    nr_vang_mat_chua_xl = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tổ chức")
        verbose_name_plural = _("số liệu tổng hợp theo tổ chức")
        constraints = [
            models.UniqueConstraint(fields=["period", "path", "block"], name="unitstat_unique")
        ]
        db_table = "reports_unitstat"  # the table kept its name when the model left reports
        indexes = [models.Index(fields=["period", "depth", "path"])]

    def __str__(self) -> str:
        return f"{self.path} {self.block}: {self.counts()}"

    def counts(self) -> dict[str, int]:
        """bucket → n, the buckets with subjects only."""
        return {
            bucket: n for bucket, column in BUCKET_COLUMNS.items() if (n := getattr(self, column))
        }


class PoolStat(models.Model):
    """One row per (period, deciding body, block, quota group): its subjects per bucket.

    Pivoted like ``UnitStat`` (decision 0012): a report reads one row per pool instead of one
    per bucket. A pool's row stays when its subjects leave it or go back to pending (its
    columns at zero); a group is in a body's quota only with a rated subject (a level), so
    such a row counts for nothing, before and after a rebuild."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    decider = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    decider_path = models.CharField(max_length=255)
    block = models.CharField(max_length=20)
    group = models.CharField(max_length=30)
    pending = models.IntegerField(default=0)
    htxsnv = models.IntegerField(default=0)
    httnv = models.IntegerField(default=0)
    htnv = models.IntegerField(default=0)
    khtnv = models.IntegerField(default=0)
    nr_chia_tach_sap_nhap = models.IntegerField(default=0)
    nr_dinh_chi_sinh_hoat = models.IntegerField(default=0)
    nr_khac = models.IntegerField(default=0)
    nr_mien_sinh_hoat = models.IntegerField(default=0)
    nr_moi_bo_nhiem_duoi_6t = models.IntegerField(default=0)
    nr_moi_ket_nap_duoi_6t = models.IntegerField(default=0)
    nr_moi_thanh_lap = models.IntegerField(default=0)
    nr_vang_mat_chua_xl = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu theo cấp quyết định và nhóm")
        verbose_name_plural = _("số liệu theo cấp quyết định và nhóm")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "decider", "block", "group"], name="poolstat_unique"
            )
        ]
        db_table = "reports_poolstat"
        indexes = [models.Index(fields=["period", "decider_path"])]

    def __str__(self) -> str:
        return f"{self.decider_path} {self.block}/{self.group}: {self.counts()}"

    def counts(self) -> dict[str, int]:
        """bucket → n, the buckets with subjects only."""
        return {
            bucket: n for bucket, column in BUCKET_COLUMNS.items() if (n := getattr(self, column))
        }
