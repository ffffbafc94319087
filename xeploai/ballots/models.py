"""Secret ballots of the cell meeting (rules.md §5.3).

Paper mode: the counting team keys the tally twice; it is accepted only when both entries agree.
In-room mode: one-time codes drawn at random; a ballot is stored against its code's hash only —
there is no column anywhere that links a person to a code or a ballot, and no per-ballot time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reviews.models import Evaluation


class BallotMode(models.TextChoices):
    PAPER = "giay", _("Phiếu giấy (kiểm phiếu nhập hai lần)")
    ROOM = "tai_cho", _("Bỏ phiếu tại chỗ bằng mã một lần")


class BallotStatus(models.TextChoices):
    OPEN = "dang_mo", _("Đang bỏ phiếu")
    CLOSED = "da_dong", _("Đã kết thúc")


class Ballot(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="ballots"
    )
    mode = models.CharField(_("hình thức"), max_length=10, choices=BallotMode.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=BallotStatus.choices, default=BallotStatus.OPEN
    )
    title = models.CharField(_("nội dung biểu quyết"), max_length=200)
    full_members = models.PositiveIntegerField(_("số đảng viên chính thức của chi bộ"))
    present = models.PositiveIntegerField(_("số đảng viên chính thức có mặt"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    codes_issued = models.PositiveIntegerField(_("số mã đã in"), default=0)
    codes_reissued = models.PositiveIntegerField(
        _("số lần cấp lại mã"),
        default=0,
        help_text=_("Mỗi lần cấp lại, mọi mã đã in trước đó bị hủy."),
    )
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    digest = models.CharField(_("mã băm tập phiếu"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("cuộc bỏ phiếu")
        verbose_name_plural = _("cuộc bỏ phiếu")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("full_members")), name="ballot_present_le_members"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.status == BallotStatus.OPEN


class BallotSubject(models.Model):
    """Who is voted on in this ballot (members of the cell, and the cell itself)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="subjects")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "evaluation"], name="ballot_subject_unique")
        ]

    def __str__(self) -> str:
        return str(self.evaluation)


class PaperEntry(models.Model):
    """One keying of the paper tally (entry 1 or 2). Re-keying supersedes, never deletes."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    entry_no = models.PositiveSmallIntegerField(_("lần nhập"))
    data = models.JSONField(_("số liệu"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("nhập lúc"))
    superseded = models.BooleanField(_("đã được nhập lại"), default=False)

    class Meta:
        verbose_name = _("lần nhập kết quả kiểm phiếu")
        verbose_name_plural = _("các lần nhập kết quả kiểm phiếu")
        ordering = ["ballot", "entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "entry_no"],
                condition=Q(superseded=False),
                name="paper_entry_one_current",
            ),
            models.CheckConstraint(condition=Q(entry_no__in=[1, 2]), name="paper_entry_no_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot} #{self.entry_no}"


class BallotCode(models.Model):
    """A one-time code, stored only as a hash, with the ballot cast with it (if any).

    Deliberately no timestamp and no user: rows are created in a shuffled order when the codes
    are printed, and a vote updates its row. On PostgreSQL such an update is a new row version
    that follows the order of voting, so closing the ballot writes all its rows afresh in a new
    random order and vacuums the old versions away (``services.room_close``).
    """

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    choices = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã bỏ phiếu")
        verbose_name_plural = _("mã bỏ phiếu")

    def __str__(self) -> str:
        return self.code_hash[:8]

    @property
    def fingerprint(self) -> str:
        return self.code_hash[:10].upper()


class Tally(models.Model):
    """The accepted count for one subject and the level it proposes."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tallies")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="+")
    votes = models.JSONField(_("số phiếu theo mức"))
    issued = models.PositiveIntegerField(_("số phiếu phát ra"))
    returned = models.PositiveIntegerField(_("số phiếu thu vào"))
    valid = models.PositiveIntegerField(_("số phiếu hợp lệ"))
    level = models.CharField(_("mức được đề xuất"), max_length=6, blank=True)
    explanation = models.TextField(_("giải thích"), blank=True)

    class Meta:
        verbose_name = _("kết quả kiểm phiếu")
        verbose_name_plural = _("kết quả kiểm phiếu")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "evaluation"], name="tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation}: {self.level}"
