"""Evaluation periods (đợt kiểm điểm, đánh giá, xếp loại) and their deadlines."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xeploai import rules
from xeploai.org.models import OrgUnit


class PeriodKind(models.TextChoices):
    YEAR = "nam", _("Hằng năm")
    QUARTER = "quy", _("Hằng quý")
    TERM = "nhiem_ky", _("Nhiệm kỳ")


def ruleset_choices() -> list[tuple[str, str]]:
    """The central rule sets a period may use, labelled by their own titles: read from the
    rules registry each time, so a new rule set version needs no migration."""
    english = (get_language() or "vi").startswith("en")
    return [(rs.key, rs.title_en if english else rs.title_vi) for rs in rules.available()]


def ruleset_key_for_year(year: int) -> str:
    """The key of the central rule set in force for evaluation year ``year`` (rules.md §0);
    results of years before the oldest rule set are kept under it."""
    oldest = rules.available()[0]
    return (oldest if year < oldest.first_year else rules.ruleset_for_year(year)).key


class PeriodStatus(models.TextChoices):
    DRAFT = "nhap", _("Đang chuẩn bị")
    OPEN = "dang_dien_ra", _("Đang diễn ra")
    CLOSED = "da_ket_thuc", _("Đã kết thúc")


class PeriodQuerySet(models.QuerySet["Period"]):
    def covering(self, unit: OrgUnit) -> PeriodQuerySet:
        """Periods whose scope root is ``unit`` or one of its ancestors."""
        return self.filter(scope_root__path__in=[*unit.ancestor_paths(), unit.path])

    def overlapping(self, unit: OrgUnit) -> PeriodQuerySet:
        """Periods whose scope shares a unit with ``unit``'s subtree: their scope root is
        ``unit``, one of its ancestors or one of its descendants."""
        return self.filter(
            Q(scope_root__path__in=unit.ancestor_paths())
            | Q(scope_root__path__startswith=unit.path)
        )


class Period(models.Model):
    name = models.CharField(_("tên đợt"), max_length=150)
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(
        _("loại đợt"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    quarter = models.PositiveSmallIntegerField(
        _("quý"), default=0, help_text=_("1 đến 4 cho đợt hằng quý; 0 cho các đợt khác.")
    )
    ruleset = models.CharField(_("quy định áp dụng"), max_length=10, choices=ruleset_choices)
    scope_root = models.ForeignKey(
        OrgUnit, verbose_name=_("phạm vi (tổ chức gốc)"), on_delete=models.PROTECT, related_name="+"
    )
    evaluation_date = models.DateField(
        _("thời điểm đánh giá"),
        help_text=_(
            "Mốc tính 6 tháng (mới kết nạp, mới bổ nhiệm) và các điều kiện theo thời gian."
        ),
    )
    status = models.CharField(
        _("trạng thái"), max_length=15, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    small_unit_exception = models.BooleanField(
        _("áp dụng ngoại lệ đơn vị dưới 5 (chọn 01 HTXSNV)"),
        default=True,
        help_text=_("Theo hướng dẫn của cấp trên (ví dụ Công văn 154-CV/ĐU năm 2024)."),
    )
    leaders_only = models.BooleanField(
        _("chỉ cán bộ lãnh đạo, quản lý"),
        default=False,
        help_text=_("Đợt hằng quý: chỉ đánh giá đảng viên giữ chức vụ lãnh đạo, quản lý."),
    )
    cell_ballot = models.BooleanField(
        _("chi bộ bỏ phiếu, đề xuất"),
        default=True,
        help_text=_(
            "Bỏ chọn cho đợt hằng quý: cấp có thẩm quyền xem xét, quyết định không qua chi bộ."
        ),
    )
    quarter_rules = models.BooleanField(
        _("áp dụng quy tắc kết quả quý (hướng dẫn địa phương theo HD 02-HD/BTCTW)"),
        default=False,
        help_text=_(
            "Đợt hằng năm: có quý không hoàn thành nhiệm vụ thì cả năm không quá HTTNV; hai quý"
            " liên tiếp không hoàn thành nhiệm vụ thì xem xét bố trí công tác."
        ),
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "kind", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_root", "year", "kind", "quarter"],
                name="period_unique_per_scope",
            ),
            models.CheckConstraint(
                condition=Q(kind="quy", quarter__gte=1, quarter__lte=4)
                | (~Q(kind="quy") & Q(quarter=0)),
                name="period_quarter_only_for_quarterly",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.year and self.evaluation_date and abs(self.evaluation_date.year - self.year) > 1:
            raise ValidationError(
                {
                    "evaluation_date": _("Thời điểm đánh giá phải thuộc năm {year}.").format(
                        year=self.year
                    )
                }
            )
        self._clean_overlap()

    def _clean_overlap(self) -> None:
        """One yearly period per unit and year, one quarterly round per unit and quarter: an
        evaluation belongs to exactly one period, so two periods of a year (or of a quarter)
        whose scopes share a unit would give it two evaluations."""
        quarterly = self.kind == PeriodKind.QUARTER
        if self.kind not in (PeriodKind.YEAR, PeriodKind.QUARTER) or not self.year:
            return
        if self.scope_root_id is None:
            return
        other = (
            Period.objects.filter(kind=self.kind, year=self.year, quarter=self.quarter)
            .overlapping(self.scope_root)
            .exclude(pk=self.pk)
            .select_related("scope_root")
            .order_by("scope_root__path")
            .first()
        )
        if other is None:
            return
        if quarterly:
            message = _(
                'Quý {q}/{year} đã có đợt hằng quý "{name}" (phạm vi {code}) trùng phạm vi với '
                "đợt này — mỗi đối tượng chỉ được đánh giá một lần trong mỗi quý."
            ).format(q=self.quarter, year=self.year, name=other.name, code=other.scope_root.code)
        else:
            message = _(
                'Năm {year} đã có đợt hằng năm "{name}" (phạm vi {code}) trùng phạm vi với '
                "đợt này — mỗi tổ chức chỉ thuộc một đợt hằng năm của mỗi năm."
            ).format(year=self.year, name=other.name, code=other.scope_root.code)
        raise ValidationError({"scope_root": message})

    def previous(self) -> Period | None:
        """The period of the same kind one year earlier covering the same scope (for YoY)."""
        return self.previous_first().first()

    def previous_first(self) -> PeriodQuerySet:
        """The periods ``previous`` chooses from, the one it takes first (to read it inside
        another statement: ``.values("pk")[:1]``)."""
        return (
            Period.objects.filter(kind=self.kind, quarter=self.quarter, year=self.year - 1)
            .covering(self.scope_root)
            .order_by("-scope_root__depth")
        )


class Step(models.TextChoices):
    SELF_REVIEW = "tu_kiem_diem", _("Đảng viên nộp bản tự kiểm điểm")
    COMMENTS = "nhan_xet", _("Thu thập nhận xét (nơi cư trú, chi bộ tạm thời, đơn vị cũ)")
    CELL_MEETING = "hop_chi_bo", _("Chi bộ họp, bỏ phiếu, đề xuất")
    CELL_SUBMIT = "gui_ho_so", _("Chi bộ gửi hồ sơ lên đảng ủy cơ sở")
    GRASSROOTS_DECISION = "dang_uy_quyet_dinh", _("Đảng ủy cơ sở quyết định xếp loại")
    UPPER_DECISION = "cap_tren_quyet_dinh", _("Cấp trên quyết định xếp loại tổ chức cơ sở đảng")
    REPORT = "bao_cao", _("Báo cáo kết quả lên cấp trên")


class Deadline(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("đợt"), on_delete=models.CASCADE, related_name="deadlines"
    )
    step = models.CharField(_("bước"), max_length=25, choices=Step.choices)
    due = models.DateField(_("hạn"))

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("thời hạn")
        ordering = ["period", "due"]
        constraints = [
            models.UniqueConstraint(fields=["period", "step"], name="deadline_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.due:%d/%m/%Y}"


class Notice(models.Model):
    """An on-screen reminder for one user (shown until read)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    text = models.CharField(_("nội dung"), max_length=500)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
