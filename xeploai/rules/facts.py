"""Input facts: frozen dataclasses the Django side (or the Excel checker) fills in.

The engine never reads a clock or a database: the evaluation date is a parameter of every
function, and everything it knows about a subject is in a :class:`Subject`.
Percentages are plain numbers from 0 to 100; ``None`` means "not given" (the rule that needs
it is then reported as not checked, never guessed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from xeploai.rules.levels import Grade, Level, NotRatedReason


class SubjectKind(StrEnum):
    """Who is evaluated (rules.md §1.4)."""

    DANG_VIEN = "DANG_VIEN"  # party member
    TCCSD = "TCCSD"  # grassroots party organisation (đảng bộ cơ sở, chi bộ cơ sở)
    CHI_BO = "CHI_BO"  # cell under a grassroots committee
    TT_CAP_UY = "TT_CAP_UY"  # committee collective (BTV, đảng ủy, chi ủy)
    TT_LDQL = "TT_LDQL"  # leadership collective of an agency or unit
    CN_LDQL = "CN_LDQL"  # individual leader or manager, rated as such


COLLECTIVE_KINDS = frozenset(
    {SubjectKind.TCCSD, SubjectKind.CHI_BO, SubjectKind.TT_CAP_UY, SubjectKind.TT_LDQL}
)
ORGANISATION_KINDS = frozenset({SubjectKind.TCCSD, SubjectKind.CHI_BO})


class Role(StrEnum):
    """Which criteria frame and which conditions apply (366 Phụ lục 1, 3, 4, 5)."""

    COLLECTIVE = "COLLECTIVE"
    LEADER = "LEADER"
    NON_LEADER = "NON_LEADER"
    OUTSIDE_SYSTEM = "OUTSIDE_SYSTEM"


class MemberStatus(StrEnum):
    """A member's standing in party activity."""

    ACTIVE = "ACTIVE"
    EXEMPT = "EXEMPT"  # miễn công tác và sinh hoạt đảng
    SUSPENDED = "SUSPENDED"  # đình chỉ sinh hoạt đảng


class ExcellenceGroup(StrEnum):
    """The three member groups for the HTXSNV quota (seed 004)."""

    LANH_DAO_DON_VI = "LANH_DAO_DON_VI"  # leaders of the agency or unit
    QUAN_LY_CAP_PHONG = "QUAN_LY_CAP_PHONG"  # department-level managers and equivalent
    KHONG_CHUC_VU = "KHONG_CHUC_VU"  # members without a post


class CommentKind(StrEnum):
    """Comments that must be on file before a member is rated (rules.md §4.7, §5.5).

    A local rule set may require further kinds; they are plain strings.
    """

    NOI_CU_TRU = "NOI_CU_TRU"  # residence-place cell (213-QĐ/TW)
    DON_VI_CU = "DON_VI_CU"  # previous cell or unit after a transfer (≥ 6 months there)
    CHI_BO_TAM_THOI = "CHI_BO_TAM_THOI"  # cell of temporary activity


class ResidenceExemption(StrEnum):
    """Members who need no yearly residence-place comment (33-HD/BTCTW on 213-QĐ/TW)."""

    LUC_LUONG_VU_TRANG_DOANH_TRAI = "LUC_LUONG_VU_TRANG_DOANH_TRAI"  # military/police in barracks
    CONG_TAC_XA_LUU_DONG = "CONG_TAC_XA_LUU_DONG"  # working away or mobile
    HOC_TAP_TAP_TRUNG = "HOC_TAP_TAP_TRUNG"  # 12-month full-time study
    HOC_SINH_SINH_VIEN = "HOC_SINH_SINH_VIEN"  # students studying away from home
    MIEN_SINH_HOAT_NOI_CU_TRU = "MIEN_SINH_HOAT_NOI_CU_TRU"  # exempt from residence activity
    SINH_HOAT_TAI_NOI_CU_TRU = "SINH_HOAT_TAI_NOI_CU_TRU"  # already active at the residence cell


class DisciplineForm(StrEnum):
    """Party discipline forms, mildest first."""

    KHIEN_TRACH = "KHIEN_TRACH"  # reprimand
    CANH_CAO = "CANH_CAO"  # warning
    CACH_CHUC = "CACH_CHUC"  # dismissal
    KHAI_TRU = "KHAI_TRU"  # expulsion

    @property
    def rank(self) -> int:
        """1 for a reprimand … 4 for expulsion."""
        return _DISCIPLINE_RANK[self]


_DISCIPLINE_RANK = {
    DisciplineForm.KHIEN_TRACH: 1,
    DisciplineForm.CANH_CAO: 2,
    DisciplineForm.CACH_CHUC: 3,
    DisciplineForm.KHAI_TRU: 4,
}


class DisciplineTarget(StrEnum):
    """Who a discipline record is about, seen from the subject it is attached to."""

    SELF = "SELF"  # the subject itself (the member, the collective as a whole)
    LEADERSHIP_MEMBER = "LEADERSHIP_MEMBER"  # a member of the leadership collective
    SUBORDINATE_UNIT = "SUBORDINATE_UNIT"  # a subordinate organisation (or a case in it)


@dataclass(frozen=True, slots=True)
class Discipline:
    """One discipline decision.

    ``violation_unit`` is the unit where the act happened (it counts against that unit, not
    the one that enforced it: 43-HD §7 notes); ``related_to_duty`` is "liên quan đến chức
    trách, nhiệm vụ trong thực thi công vụ"; ``self_detected_remedied`` is "tự phát hiện và
    khắc phục xong hậu quả"; ``counted_in_year`` is set when the violation was already counted
    in an earlier year's rating (21-HD: one violation counts once).
    """

    form: DisciplineForm
    decided_on: dt.date
    target: DisciplineTarget = DisciplineTarget.SELF
    violation_unit: str | None = None
    related_to_duty: bool = True
    related_to_remit: bool = True
    self_detected_remedied: bool = False
    counted_in_year: int | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """Everything the rules need to know about one subject. Only ``id`` and ``kind`` are
    required; every other fact defaults to "nothing to report" or "not given"."""

    id: str
    kind: SubjectKind
    name: str = ""
    # -- links in the tree (ids of other subjects) --
    parent_id: str | None = None  # organisation the subject belongs or is subordinate to
    collective_id: str | None = None  # leadership collective an individual sits on
    is_head: bool = False  # head of that collective (người đứng đầu)
    newly_arrived_head: bool = False  # head newly transferred in, unrelated to the collective
    unit_id: str | None = None  # unit for discipline attribution (defaults to ``id``)
    # -- member status --
    admitted_on: dt.date | None = None
    status: MemberStatus = MemberStatus.ACTIVE
    committee_suspended: bool = False  # đình chỉ sinh hoạt cấp ủy (still reviewed and rated)
    absent: bool = False  # absent at the review meeting, not yet rated
    has_post: bool = False  # holds a leadership or management post
    appointed_on: dt.date | None = None  # appointment to the post rated (for CN_LDQL)
    excellence_group: ExcellenceGroup | None = None
    peer_group: str | None = None  # quota group of collectives (loại hình); overrides defaults
    in_political_system: bool = True
    civil_servant: bool = False  # cán bộ, công chức, viên chức
    civil_service_level: Level | None = None
    civil_service_rated_on: dt.date | None = None
    sick_or_maternity: bool = False  # sick ≥ 3 months or maternity: rated on actual results
    # -- comments --
    transfer_months_at_old_unit: int | None = None
    temporary_activity: bool = False
    residence_exemption: ResidenceExemption | None = None
    comments_received: frozenset[str] = frozenset()
    # -- organisations --
    established_on: dt.date | None = None
    reorganized_on: dt.date | None = None  # split or merged
    agency_required: bool = False  # has an agency/unit whose rating comes first
    agency_level: Level | None = None
    agency_rated_on: dt.date | None = None
    subordinate_units_total: int | None = None
    subordinate_units_disciplined: int | None = None
    # -- evaluation facts --
    grades: Mapping[str, Grade] = field(default_factory=dict)
    grade_all_min: Grade | None = None  # summary: lowest grade over all criteria
    grade_task_min: Grade | None = None  # summary: lowest grade over the task-result criteria
    score_common: float | None = None  # 366: out of 30
    score_tasks: float | None = None  # 366: out of 70
    sub_scores: Mapping[str, float] = field(default_factory=dict)
    tasks_done_pct: float | None = None
    tasks_exceeded_pct: float | None = None
    tasks_late_pct: float | None = None
    shortcomings_fixed_pct: float | None = None
    led_unit_tasks_done_pct: float | None = None
    led_unit_exceeded_pct: float | None = None
    led_unit_late_pct: float | None = None
    led_units_khtnv_pct: float | None = None
    low_confidence_pct: float | None = None
    main_targets_missed: bool = False
    basic_targets_missed: bool = False  # 366: the 5 basic socio-economic targets
    force_majeure: bool = False
    degradation: bool = False
    violated_prohibitions: bool = False  # the 19 things members must not do
    violated_example_duty: bool = False
    disunity: bool = False  # collective: disunity, factions, cadre-work wrongdoing
    degraded_member: bool = False  # collective: a (leadership) member concluded degraded
    corruption_disciplined: bool = False  # corruption under direct management, disciplined
    disciplines: tuple[Discipline, ...] = ()
    # evaluated for a quarter (Mẫu 05): the yearly review's comments (QĐ 213) are not required
    quarterly: bool = False
    # the decided levels of the year's four quarters, Q1 first (None: no quarter result)
    quarter_levels: tuple[Level | None, ...] = ()
    # Facts the caller holds but could not read (what is wrong, in Vietnamese and English), as
    # stored data written around its forms: ``ceiling`` refuses the subject with these words.
    unreadable: tuple[str, str] | None = None

    @property
    def role(self) -> Role:
        """The role that picks the criteria frame and the conditions.

        >>> Subject("m", SubjectKind.DANG_VIEN, in_political_system=False).role.value
        'OUTSIDE_SYSTEM'
        >>> Subject("c", SubjectKind.CHI_BO).role.value
        'COLLECTIVE'
        """
        if self.kind in COLLECTIVE_KINDS:
            return Role.COLLECTIVE
        if self.kind is SubjectKind.CN_LDQL or self.has_post:
            return Role.LEADER
        if not self.in_political_system:
            return Role.OUTSIDE_SYSTEM
        return Role.NON_LEADER

    @property
    def is_collective(self) -> bool:
        """True for organisations and collectives."""
        return self.kind in COLLECTIVE_KINDS


@dataclass(frozen=True, slots=True)
class Decision:
    """A deciding body's decision (or proposal) for one subject.

    ``level`` is ``None`` when the subject is not rated, with ``not_rated_reason``.
    ``override_reason`` records the competent level's reasoning where the regulation leaves
    the case to it (a gap, a mitigation); with it, those cases are no longer warnings.
    """

    subject: Subject
    level: Level | None
    deciding_body: str
    not_rated_reason: NotRatedReason | None = None
    reviewed: bool = True
    reviewed_on: dt.date | None = None
    decided_on: dt.date | None = None
    override_reason: str | None = None
