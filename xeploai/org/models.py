"""The organization tree and its people.

Subtree queries go through ``OrgUnit.path``, a materialized path of fixed-width segments
(``"00000a/00002x/"``), so that ``path LIKE 'prefix%'`` selects a whole subtree on SQLite and
PostgreSQL alike. Only ``xeploai.org.services`` writes ``path``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xeploai.lib.text import fold

SEGMENT_WIDTH = 6  # base-36 digits per tree level: 36**6 ≈ 2·10⁹ units
SEGMENT = SEGMENT_WIDTH + 1  # with the trailing "/"


class UnitKind(models.TextChoices):
    UPPER = "cap_tren", _("Đảng bộ cấp trên cơ sở")
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "chi_bo_co_so", _("Chi bộ cơ sở")
    SUB_COMMITTEE = "dang_bo_bo_phan", _("Đảng bộ bộ phận")
    CELL = "chi_bo", _("Chi bộ trực thuộc")

    @classmethod
    def cells(cls) -> tuple[str, ...]:
        """Kinds whose members are party members directly (the places members are active)."""
        return (cls.GRASSROOTS_CELL, cls.CELL)

    @classmethod
    def grassroots(cls) -> tuple[str, ...]:
        """Grassroots party organizations (tổ chức cơ sở đảng)."""
        return (cls.GRASSROOTS_COMMITTEE, cls.GRASSROOTS_CELL)


# Which kinds may sit under which parent kind (None = the root of a tree).
ALLOWED_PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    UnitKind.UPPER: (None, UnitKind.UPPER),
    UnitKind.GRASSROOTS_COMMITTEE: (None, UnitKind.UPPER),
    UnitKind.GRASSROOTS_CELL: (None, UnitKind.UPPER),
    UnitKind.SUB_COMMITTEE: (UnitKind.GRASSROOTS_COMMITTEE,),
    UnitKind.CELL: (UnitKind.GRASSROOTS_COMMITTEE, UnitKind.SUB_COMMITTEE),
}


class OrgType(models.TextChoices):
    AGENCY = "co_quan", _("Cơ quan hành chính nhà nước")
    PARTY_AGENCY = "co_quan_dang", _("Cơ quan Đảng, Mặt trận, đoàn thể")
    PUBLIC_SERVICE = "su_nghiep", _("Đơn vị sự nghiệp công lập")
    ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
    COMMUNE = "xa_phuong", _("Xã, phường, đặc khu")
    ARMED = "luc_luong_vu_trang", _("Lực lượng vũ trang")
    OTHER = "khac", _("Loại hình khác")


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def in_subtree(self, path: str) -> OrgUnitQuerySet:
        return self.filter(path__startswith=path)

    def in_any_subtree(self, paths: list[str]) -> OrgUnitQuerySet:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def cells(self) -> OrgUnitQuerySet:
        return self.filter(kind__in=UnitKind.cells())

    def active(self) -> OrgUnitQuerySet:
        return self.filter(dissolved__isnull=True)


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Mã chỉ gồm chữ cái không dấu, chữ số và các dấu . _ - (không có khoảng trắng)."),
)


class OrgUnit(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại tổ chức đảng"), max_length=20, choices=UnitKind.choices)
    org_type = models.CharField(
        _("loại hình"), max_length=20, choices=OrgType.choices, default=OrgType.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0, editable=False)
    established = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved = models.DateField(_("ngày giải thể"), null=True, blank=True)
    reorganized = models.DateField(
        _("ngày chia tách, sáp nhập"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Ngày hiệu lực của lần chia tách, sáp nhập gần nhất (theo quá trình sắp xếp)."),
    )
    has_committee = models.BooleanField(
        _("có cấp ủy"),
        default=True,
        help_text=_("Chi bộ không có chi ủy thì bí thư chi bộ làm thay việc của chi ủy."),
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved__isnull=True)
                | Q(established__isnull=True)
                | Q(dissolved__gte=models.F("established")),
                name="orgunit_dissolved_after_established",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in UnitKind.cells()

    @property
    def is_grassroots(self) -> bool:
        return self.kind in UnitKind.grassroots()

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first, this unit excluded."""
        return [self.path[:end] for end in range(SEGMENT, len(self.path), SEGMENT)]

    def clean(self) -> None:
        super().clean()
        parent_kind = self.parent.kind if self.parent_id and self.parent else None
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, ())
        if self.kind and parent_kind not in allowed:
            raise ValidationError(
                {
                    "parent": _("{kind} không thể trực thuộc {parent}.").format(
                        kind=UnitKind(self.kind).label,
                        parent=UnitKind(parent_kind).label if parent_kind else _("(gốc cây)"),
                    )
                }
            )
        moving_into_own_subtree = (
            self.pk
            and self.parent is not None
            and self.path
            and self.parent.path.startswith(self.path)
        )
        if moving_into_own_subtree:
            raise ValidationError(
                {"parent": _("Không thể chuyển một tổ chức vào chính nó hoặc cấp dưới của nó.")}
            )


class PersonStatus(models.TextChoices):
    ACTIVE = "dang_sinh_hoat", _("Đang sinh hoạt")
    EXEMPT = "mien_sinh_hoat", _("Miễn công tác và sinh hoạt đảng")
    SUSPENDED = "dinh_chi", _("Đình chỉ sinh hoạt đảng")
    LEFT = "ra_khoi_dang", _("Đã ra khỏi Đảng")
    DECEASED = "tu_tran", _("Từ trần")

    @classmethod
    def present(cls) -> tuple[str, ...]:
        """Statuses counted as "có mặt" at the evaluation time (rules.md §7.2 notes)."""
        return (cls.ACTIVE, cls.EXEMPT, cls.SUSPENDED)


class Gender(models.TextChoices):
    MALE = "nam", _("Nam")
    FEMALE = "nu", _("Nữ")


class ResidenceExemption(models.TextChoices):
    """Members who need no yearly residence-place comment (HD 33-HD/BTCTW, rules.md §5.5)."""

    NONE = "", _("Không (cần nhận xét nơi cư trú)")
    ARMED_BARRACKS = "luc_luong_vu_trang", _("Quân đội, công an ở trong doanh trại")
    MOBILE = "luu_dong", _("Làm việc xa, lưu động")
    FULL_TIME_STUDY = "hoc_tap_tap_trung", _("Đi học tập trung từ 12 tháng trở lên")
    STUDENT_AWAY = "sinh_vien_xa_nha", _("Học sinh, sinh viên học xa nhà")
    EXEMPT_RESIDENCE = "mien_sinh_hoat_cu_tru", _("Được miễn sinh hoạt nơi cư trú")


class PersonQuerySet(models.QuerySet["Person"]):
    def in_subtree(self, path: str) -> PersonQuerySet:
        return self.filter(unit__path__startswith=path)

    def in_any_subtree(self, paths: list[str]) -> PersonQuerySet:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(unit__path__startswith=path)
        return self.filter(condition)

    def present(self) -> PersonQuerySet:
        return self.filter(status__in=PersonStatus.present())

    def search(self, text: str) -> PersonQuerySet:
        """By name (accents and case ignored), party card number or citizen ID."""
        text = text.strip()
        if not text:
            return self
        digits = text.replace(" ", "")
        return self.filter(
            Q(name_folded__contains=fold(text)) | Q(party_card_number=digits) | Q(citizen_id=digits)
        )


cccd_validator = RegexValidator(r"^\d{12}$", _("Số CCCD gồm đúng 12 chữ số."))
card_validator = RegexValidator(r"^\d{6,12}$", _("Số thẻ đảng viên gồm 6 đến 12 chữ số."))


class Person(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices, blank=True)
    citizen_id = models.CharField(
        _("số CCCD"), max_length=12, unique=True, null=True, blank=True, validators=[cccd_validator]
    )
    party_card_number = models.CharField(
        _("số thẻ đảng viên"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[card_validator],
    )
    admission_date = models.DateField(_("ngày vào Đảng"))
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_since = models.DateField(_("tình trạng từ ngày"), null=True, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("chi bộ đang sinh hoạt chính thức"),
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Giữ đúng theo quá trình sinh hoạt đảng; do dịch vụ cập nhật."),
    )
    is_civil_servant = models.BooleanField(_("là cán bộ, công chức, viên chức"), default=False)
    in_political_system = models.BooleanField(
        _("làm việc trong hệ thống chính trị"),
        default=True,
        help_text=_("Bỏ chọn với đảng viên nghỉ hưu, học sinh, sinh viên, làm ở doanh nghiệp tư…"),
    )
    residence_exemption = models.CharField(
        _("miễn nhận xét nơi cư trú"),
        max_length=30,
        choices=ResidenceExemption.choices,
        default=ResidenceExemption.NONE,
        blank=True,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["name_folded", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(official_date__gte=models.F("admission_date")),
                name="person_official_after_admission",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_probationary(self) -> bool:
        return self.official_date is None

    def clean(self) -> None:
        super().clean()
        self.full_name = " ".join(self.full_name.split())
        self.name_folded = fold(self.full_name)
        if self.unit_id and not self.unit.is_cell:
            raise ValidationError({"unit": _("Đảng viên chỉ sinh hoạt ở chi bộ.")})
        if self.official_date and self.official_date < self.admission_date:
            raise ValidationError({"official_date": _("Ngày chính thức phải sau ngày vào Đảng.")})
        if self.date_of_birth and self.admission_date <= self.date_of_birth:
            raise ValidationError({"admission_date": _("Ngày vào Đảng phải sau ngày sinh.")})


class MembershipKind(models.TextChoices):
    OFFICIAL = "chinh_thuc", _("Sinh hoạt chính thức")
    TEMPORARY = "tam_thoi", _("Sinh hoạt tạm thời")


class Membership(models.Model):
    """A stretch of party activity in one cell; the open official one is the current cell."""

    person = models.ForeignKey(
        Person, verbose_name=_("đảng viên"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="memberships"
    )
    kind = models.CharField(
        _("hình thức"),
        max_length=12,
        choices=MembershipKind.choices,
        default=MembershipKind.OFFICIAL,
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("quá trình sinh hoạt đảng")
        verbose_name_plural = _("quá trình sinh hoạt đảng")
        ordering = ["person", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end__isnull=True, kind="chinh_thuc"),
                name="membership_one_open_official",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.unit} ({self.get_kind_display()})"

    def clean(self) -> None:
        super().clean()
        if self.unit_id and not self.unit.is_cell:
            raise ValidationError({"unit": _("Chỉ sinh hoạt đảng ở chi bộ.")})
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class ExcellenceGroup(models.TextChoices):
    """The three member groups for the HTXSNV quota (rules.md §4.1, seed 004)."""

    LEADER = "lanh_dao_don_vi", _("Lãnh đạo cơ quan, đơn vị")
    MANAGER = "quan_ly_cap_phong", _("Quản lý cấp phòng và tương đương")
    NONE = "khong_chuc_vu", _("Không giữ chức vụ")


class Position(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("đảng viên"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("chức vụ"), max_length=150)
    workplace = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("tổ chức đảng (nếu là chức vụ đảng)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    group = models.CharField(
        _("nhóm đối tượng xét HTXSNV"),
        max_length=20,
        choices=ExcellenceGroup.choices,
        default=ExcellenceGroup.NONE,
    )
    is_head = models.BooleanField(_("người đứng đầu"), default=False)
    appointed = models.DateField(_("ngày bổ nhiệm"))
    ended = models.DateField(_("ngày thôi giữ"), null=True, blank=True)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["person", "-appointed"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=models.F("appointed")),
                name="position_ended_after_appointed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.person}"


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien_trach", _("Khiển trách")
    WARNING = "canh_cao", _("Cảnh cáo")
    DISMISSAL = "cach_chuc", _("Cách chức")
    EXPULSION = "khai_tru", _("Khai trừ")


class Discipline(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("đảng viên"), on_delete=models.CASCADE, related_name="disciplines"
    )
    form = models.CharField(_("hình thức kỷ luật"), max_length=12, choices=DisciplineForm.choices)
    decision_date = models.DateField(_("ngày quyết định"))
    violation_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("nơi xảy ra vi phạm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    violation_place = models.CharField(_("nơi vi phạm (ghi rõ)"), max_length=200, blank=True)
    related_to_public_duty = models.BooleanField(_("liên quan đến thực thi công vụ"), default=False)
    self_detected_remedied = models.BooleanField(
        _("tự phát hiện và khắc phục xong hậu quả"), default=False
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")
        ordering = ["person", "-decision_date"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.person} ({self.decision_date:%d/%m/%Y})"


class Level(models.TextChoices):
    """The four quality levels, best first (rules.md §1.1)."""

    HTXSNV = "HTXSNV", _("Hoàn thành xuất sắc nhiệm vụ")
    HTTNV = "HTTNV", _("Hoàn thành tốt nhiệm vụ")
    HTNV = "HTNV", _("Hoàn thành nhiệm vụ")
    KHTNV = "KHTNV", _("Không hoàn thành nhiệm vụ")


class CivilServiceRating(models.Model):
    person = models.ForeignKey(
        Person,
        verbose_name=_("đảng viên"),
        on_delete=models.CASCADE,
        related_name="civil_service_ratings",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("mức xếp loại CBCCVC"), max_length=6, choices=Level.choices)
    # Nghị định 335/2025: KPI points out of 100 from 2026 (rules/civil.py); none before.
    points = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    agency = models.CharField(_("cơ quan xếp loại"), max_length=255, blank=True)
    rated_on = models.DateField(_("ngày xếp loại"), null=True, blank=True)

    class Meta:
        verbose_name = _("xếp loại cán bộ, công chức, viên chức")
        verbose_name_plural = _("xếp loại cán bộ, công chức, viên chức")
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="civil_rating_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}: {self.level}"


class Role(models.TextChoices):
    MEMBER = "dang_vien", _("Đảng viên")
    CELL_SECRETARY = "bi_thu_chi_bo", _("Bí thư, chi ủy chi bộ")
    CLERK = "van_phong_dang_uy", _("Bộ phận giúp việc đảng ủy cơ sở")
    COMMITTEE = "dang_uy", _("Đảng ủy, ban thường vụ")
    UPPER_BOARD = "ban_to_chuc", _("Ban Tổ chức cấp trên")
    ADMIN = "quan_tri", _("Quản trị hệ thống")
    INSPECTOR = "kiem_tra", _("Kiểm tra, giám sát (chỉ xem)")


# Roles that may read data of other people in their subtree.
READER_ROLES = frozenset(
    {Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE, Role.UPPER_BOARD, Role.ADMIN, Role.INSPECTOR}
)


class RoleAssignment(models.Model):
    """A user's role on a unit; the scope is that unit's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("phạm vi"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


# The status key under which ``MemberCount`` keeps a subtree's live cells (not a PersonStatus).
CELLS_KEY = "_cells"


class MemberCount(models.Model):
    """How many people of each status have their current ``unit`` in the subtree of ``unit``
    (the unit included), and under ``CELLS_KEY`` how many live cells the subtree holds.

    Kept current by ``xeploai.org.counts`` (every service that changes a person's status or
    unit, a unit's kind, dissolution or place), rebuilt set-based after bulk loads: the
    organization page reads a unit's row and its children's instead of counting members.
    """

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("tổ chức"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255)
    depth = models.PositiveSmallIntegerField(_("cấp trong cây"))
    status = models.CharField(_("tình trạng"), max_length=20)
    n = models.IntegerField(_("số lượng"), default=0)

    class Meta:
        verbose_name = _("số đảng viên theo tổ chức")
        verbose_name_plural = _("số đảng viên theo tổ chức")
        constraints = [
            models.UniqueConstraint(fields=["path", "status"], name="membercount_unique")
        ]
        indexes = [models.Index(fields=["depth", "path"], name="membercount_depth_path")]

    def __str__(self) -> str:
        return f"{self.path} {self.status}: {self.n}"


class LineageKind(models.TextChoices):
    """How a unit came out of another (HD 31-HD/BTCTW, 23/4/2025; QĐ 366 Đ.3 "mới chia tách,
    sáp nhập")."""

    MERGE = "sap_nhap", _("Sáp nhập")
    SPLIT = "chia_tach", _("Chia tách")
    DISSOLVE = "giai_the", _("Giải thể, chuyển giao")


class UnitLineage(models.Model):
    """One predecessor → successor link of a reorganization, written by ``org.reorg`` only."""

    predecessor = models.ForeignKey(
        OrgUnit, verbose_name=_("tổ chức trước"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        OrgUnit, verbose_name=_("tổ chức sau"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("hình thức"), max_length=12, choices=LineageKind.choices)
    effective = models.DateField(_("ngày hiệu lực"))

    class Meta:
        verbose_name = _("quá trình sắp xếp tổ chức")
        verbose_name_plural = _("quá trình sắp xếp tổ chức")
        ordering = ["effective", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective"], name="lineage_once"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="lineage_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["successor", "effective"])]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind}, {self.effective})"
