"""The shape of a rule set: data for what data can express, named settings for every point the
regulation leaves open. The three central rule sets live beside this file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from xeploai.rules.errors import InvalidRuleSet
from xeploai.rules.facts import Role, SubjectKind
from xeploai.rules.levels import Grade, Level


class Scale(StrEnum):
    """How criteria are evaluated: four grades (132, 124) or points out of 100 (366)."""

    GRADES = "GRADES"
    POINTS = "POINTS"


class NewMemberPolicy(StrEnum):
    """Members admitted less than 6 months before the evaluation date."""

    NOT_REVIEWED = "NOT_REVIEWED"  # 124/366 Art. 5: not reviewed, not rated
    REVIEWED_NOT_RATED = "REVIEWED_NOT_RATED"  # seed 000: reviewed, not rated


class QuotaBase(StrEnum):
    """What the HTXSNV quota is a share of."""

    TTNV_OR_ABOVE = "TTNV_OR_ABOVE"  # HTXSNV + HTTNV, as the published reports count it
    TTNV_ONLY = "TTNV_ONLY"  # HTTNV only: the literal text, stricter


class Rounding(StrEnum):
    """How ratio × base becomes a whole number of subjects."""

    FLOOR = "FLOOR"
    HALF_UP = "HALF_UP"
    CEIL = "CEIL"


class MemberGrouping(StrEnum):
    """How members are grouped for the quota."""

    THREE_GROUPS = "THREE_GROUPS"  # leaders / department-level managers / no post (seed 004)
    SINGLE = "SINGLE"  # one group per deciding body (21-HD: per grassroots organisation)


class GapPolicy(StrEnum):
    """What to answer where the regulation gives no level (e.g. 366: 65 points, 80 % done)."""

    NEEDS_DECISION = "NEEDS_DECISION"
    FALLBACK_KHTNV = "FALLBACK_KHTNV"
    FALLBACK_HTNV = "FALLBACK_HTNV"


class CivilServiceLink(StrEnum):
    """How the civil-servant rating bounds the party rating."""

    HARD = "HARD"  # 21-HD: a hard link (party ≤ civil-servant rating)
    BASIS_WARN = "BASIS_WARN"  # 124/366: a basis; rating above it is a warning
    OFF = "OFF"


class SelfRemediedPolicy(StrEnum):
    """Discipline that the subject detected itself and whose consequences it remedied."""

    NOT_RECOGNISED = "NOT_RECOGNISED"  # 132: no exception
    EXEMPT = "EXEMPT"  # 124: "trừ trường hợp tự phát hiện và khắc phục xong hậu quả"
    COMPETENT_LEVEL_DECIDES = "COMPETENT_LEVEL_DECIDES"  # 366: case by case


class DisciplineScope(StrEnum):
    """Which discipline in the year forces KHTNV for an individual."""

    ANY_IN_YEAR = "ANY_IN_YEAR"  # 132, 124
    DUTY_RELATED = "DUTY_RELATED"  # 366: reprimand or above, tied to public duty


@dataclass(frozen=True, slots=True)
class Deadline:
    """A day of the evaluation year (or of the next year)."""

    month: int
    day: int
    next_year: bool = False

    def on(self, year: int) -> dt.date:
        """The deadline's date for evaluation year ``year``."""
        return dt.date(year + 1 if self.next_year else year, self.month, self.day)

    def __str__(self) -> str:
        suffix = " (năm sau)" if self.next_year else ""
        return f"{self.day:02d}/{self.month:02d}{suffix}"


@dataclass(frozen=True, slots=True)
class BallotRule:
    """Secret-ballot tally (rules.md §5.3): ``threshold`` of the valid ballots of full members
    present (strictly more when ``strict``), adding votes from the highest level down when
    ``cumulative``; ``quorum`` of the full members must be present (strictly more when
    ``quorum_strict``)."""

    threshold: Fraction = Fraction(1, 2)
    strict: bool = True
    cumulative: bool = True
    quorum: Fraction = Fraction(1, 2)
    quorum_strict: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    """Every ambiguous point, as an explicit setting (docs/rules.md "Ambiguous points")."""

    new_member_policy: NewMemberPolicy
    quota_base: QuotaBase = QuotaBase.TTNV_OR_ABOVE
    quota_ratio_pct: int = 20
    outstanding_ratio_pct: int | None = None
    rounding: Rounding = Rounding.FLOOR
    small_unit_exception: bool = False
    small_unit_size: int = 5
    member_grouping: MemberGrouping = MemberGrouping.THREE_GROUPS
    gap_policy: GapPolicy = GapPolicy.NEEDS_DECISION
    cap_head_by_collective: bool = False
    cap_committee_by_organization: bool = False
    civil_service_link: CivilServiceLink = CivilServiceLink.BASIS_WARN
    self_remedied: SelfRemediedPolicy = SelfRemediedPolicy.EXEMPT
    discipline_scope: DisciplineScope = DisciplineScope.ANY_IN_YEAR
    discipline_counted_once: bool = False
    individual_httnv_requires_all_tasks: bool = False
    # Local guidance on HD 02-HD/BTCTW (2026): one KHTNV quarter caps the year below HTXSNV;
    # two consecutive KHTNV quarters flag the subject for a review of the post (off centrally).
    quarter_khtnv_caps_year: bool = False
    quarter_khtnv_twice_flags: bool = False
    new_unit_months: int = 6
    absent_deadline: Deadline | None = None
    rating_deadline: Deadline | None = None
    ballot: BallotRule = field(default_factory=BallotRule)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of a 132/124 frame, graded XS/TOT/TB/KEM."""

    code: str
    title_vi: str
    title_en: str
    task_result: bool = False  # the "results of tasks" criteria (must be XS for HTXSNV)


@dataclass(frozen=True, slots=True)
class SubCriterion:
    """One sub-criterion of a 366 frame with its maximum points (filled by a local rule set)."""

    code: str
    group: str  # "CHUNG" (out of 30) or "NHIEM_VU" (out of 70)
    max_points: float
    title_vi: str = ""


@dataclass(frozen=True, slots=True)
class GradeRule:
    """132/124: the lowest grade allowed on every criterion and on the task-result criteria."""

    level: Level
    min_all: Grade
    min_task: Grade


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition a subject must meet to be rated ``level`` (read as a cascade downward).

    ``metric`` names a :class:`Subject` attribute or a derived metric of
    :mod:`xeploai.rules.ceiling`; ``op`` is one of ``>=``, ``<=``, ``==``.
    ``when`` names a boolean setting the condition depends on.
    """

    key: str
    level: Level
    roles: frozenset[Role]
    metric: str
    op: str
    value: float
    vacuous_if_missing: bool = False
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Test:
    """One comparison inside a trigger: ``metric op value`` (``is`` for a True flag)."""

    metric: str
    op: str
    value: float = 0


@dataclass(frozen=True, slots=True)
class Trigger:
    """A fact that forces "không hoàn thành nhiệm vụ" for ``roles`` when all ``tests`` hold,
    unless the flag ``unless`` is set on the subject; when the flag ``mitigable_by`` is set,
    the case goes to the competent level instead."""

    key: str
    roles: frozenset[Role]
    tests: tuple[Test, ...]
    unless: str | None = None
    mitigable_by: str | None = None  # a flag that leaves the case to the competent level


class FormPurpose(StrEnum):
    """What a form is for. Forms are keyed by meaning: 02A/02B swapped between 2023 and 2025."""

    REVIEW_NO_POST = "REVIEW_NO_POST"  # personal review, no leadership post
    REVIEW_WITH_POST = "REVIEW_WITH_POST"  # personal review, with a leadership post
    REVIEW_OUTSIDE_SYSTEM = "REVIEW_OUTSIDE_SYSTEM"  # member outside the political system
    COLLECTIVE_REPORT = "COLLECTIVE_REPORT"  # collective review report
    ORG_ANALYSIS = "ORG_ANALYSIS"  # per-criterion sheet for a party organisation (2018/2019)
    COLLECTIVE_ANALYSIS = "COLLECTIVE_ANALYSIS"  # per-criterion sheet, leadership collective
    PERIOD_SELF_ASSESSMENT = "PERIOD_SELF_ASSESSMENT"  # 2025: quarterly or yearly self-rating
    RE_RATING = "RE_RATING"  # 2025: decision to re-rate
    DOSSIER = "DOSSIER"  # 2025: dossier checklist


@dataclass(frozen=True, slots=True)
class Form:
    """A form (mẫu) by meaning: ``purpose`` is what it is for, ``code`` its letter that year."""

    purpose: FormPurpose
    code: str
    title_vi: str
    source: str

    @property
    def key(self) -> str:
        """The form's letter and the year of the guidance that issued it ("2A-2025"): the
        letters alone repeat from one guidance to the next.

        >>> Form(FormPurpose.REVIEW_WITH_POST, "2A", "", "Mẫu 2A-HD KĐ.ĐG 2025").key
        '2A-2025'
        """
        return f"{self.code}-{self.source.rsplit(' ', 1)[-1]}"


ALL_ROLES = frozenset(Role)
INDIVIDUAL_ROLES = frozenset({Role.LEADER, Role.NON_LEADER, Role.OUTSIDE_SYSTEM})


@dataclass(frozen=True)
class RuleSet:
    """A versioned rule set. Central ones: ``132-2018``, ``124-2023``, ``366-2025``; a local rule
    set layered on one of them has ``base_key`` set (see :mod:`xeploai.rules.local`).

    Use :meth:`with_settings` to pick another reading of an ambiguous point at central level
    (a product-owner decision), and :func:`xeploai.rules.local.layer` for a lower level.
    """

    key: str
    title_vi: str
    title_en: str
    documents: tuple[str, ...]
    first_year: int
    last_year: int | None
    scale: Scale
    subject_kinds: frozenset[SubjectKind]
    settings: Settings
    clauses: Mapping[str, str]
    criteria: Mapping[Role, tuple[Criterion, ...]] = field(default_factory=dict)
    grade_rules: tuple[GradeRule, ...] = ()
    score_bands: tuple[tuple[Level, float], ...] = ()
    common_max: float = 30
    tasks_max: float = 70
    conditions: tuple[Condition, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    discipline_rules: frozenset[str] = frozenset()
    collective_member_min_form: str = "KHIEN_TRACH"
    subordinate_share_pct: float | None = None
    forms: Mapping[FormPurpose, Form] = field(default_factory=dict)
    issuer: str = "Trung ương"
    base_key: str | None = None
    sub_criteria: Mapping[Role, tuple[SubCriterion, ...]] = field(default_factory=dict)
    extra_required_comments: tuple[str, ...] = ()
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)
    _by_role: Mapping[Role, tuple[Any, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "clauses", MappingProxyType(dict(self.clauses)))
        for role, subs in self.sub_criteria.items():
            for group, maximum in (("CHUNG", self.common_max), ("NHIEM_VU", self.tasks_max)):
                total = sum(s.max_points for s in subs if s.group == group)
                if abs(total - maximum) > 1e-9:
                    raise InvalidRuleSet(
                        f"{self.key}: tổng điểm tối đa các tiêu chí nhóm {group} của {role} "
                        f"là {total:g}, phải bằng {maximum:g}",
                        f"{self.key}: sub-criteria of group {group} for {role} add up to "
                        f"{total:g}, not {maximum:g}",
                    )
        used = (
            {c.key for c in self.conditions}
            | {t.key for t in self.triggers}
            | set(self.discipline_rules)
        )
        missing = sorted(used - set(self.clauses))
        if missing:
            raise InvalidRuleSet(
                f"{self.key}: thiếu điều khoản cho các quy tắc {missing}",
                f"{self.key}: no clause for rules {missing}",
            )
        compiled: dict[Role, tuple[Any, ...]] = {}
        for role in Role:
            conds = tuple(
                c
                for c in self.conditions
                if role in c.roles and (c.when is None or getattr(self.settings, c.when))
            )
            trigs = tuple(t for t in self.triggers if role in t.roles)
            by_level = {lv: tuple(c for c in conds if c.level == lv) for lv in Level}
            compiled[role] = (conds, trigs, by_level)
        object.__setattr__(self, "_by_role", compiled)

    def __hash__(self) -> int:
        return hash((self.key, self.base_key, self.settings))

    def clause(self, key: str) -> str:
        """The clause that ``key`` comes from in this rule set ("" if the rule does not apply)."""
        return self.clauses.get(key, "")

    def applies(self, key: str) -> bool:
        """True when rule ``key`` is part of this rule set."""
        return key in self.clauses

    def conditions_for(self, role: Role, level: Level | None = None) -> tuple[Condition, ...]:
        """The level conditions that apply to ``role`` (for ``level`` only, if given)."""
        conds: tuple[Condition, ...] = self._by_role[role][0]
        if level is None:
            return conds
        by_level: dict[Level, tuple[Condition, ...]] = self._by_role[role][2]
        return by_level.get(level, ())

    def triggers_for(self, role: Role) -> tuple[Trigger, ...]:
        """The forced-KHTNV triggers that apply to ``role``."""
        trigs: tuple[Trigger, ...] = self._by_role[role][1]
        return trigs

    def with_settings(self, **changes: Any) -> RuleSet:
        """A copy of this rule set with other settings (a central reading, not a local layer)."""
        return replace(self, settings=replace(self.settings, **changes))

    def covers(self, year: int) -> bool:
        """True when this rule set applies to evaluation year ``year``."""
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)
