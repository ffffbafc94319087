"""Model rows → the rule engine's frozen facts.

``xeploai.rules`` knows nothing of Django; this module reads what it needs in a constant number
of queries per deciding body (``Facts.load``) and maps it to ``rules.Subject``/``Decision``.
What the rules then say of the decisions is asked in ``checks``, and worded in ``wording``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from xeploai import rules
from xeploai.cycles.models import Period, PeriodKind
from xeploai.lib.bulk import fetch_by_keys
from xeploai.org.models import (
    CivilServiceRating,
    Discipline,
    Membership,
    MembershipKind,
    PersonStatus,
    Position,
)
from xeploai.reviews.eligibility import founding_dates
from xeploai.reviews.formdefs import form_def
from xeploai.reviews.models import CommentSource, Evaluation, SubjectKind
from xeploai.reviews.quarter_results import quarter_levels

_KIND = {
    SubjectKind.MEMBER: rules.SubjectKind.DANG_VIEN,
    SubjectKind.CELL: rules.SubjectKind.CHI_BO,
    SubjectKind.GRASSROOTS: rules.SubjectKind.TCCSD,
    SubjectKind.COMMITTEE: rules.SubjectKind.TT_CAP_UY,
}
_GROUP = {
    "lanh_dao_don_vi": rules.ExcellenceGroup.LANH_DAO_DON_VI,
    "quan_ly_cap_phong": rules.ExcellenceGroup.QUAN_LY_CAP_PHONG,
    "khong_chuc_vu": rules.ExcellenceGroup.KHONG_CHUC_VU,
}
_STATUS = {
    PersonStatus.EXEMPT: rules.MemberStatus.EXEMPT,
    PersonStatus.SUSPENDED: rules.MemberStatus.SUSPENDED,
}
_COMMENT: dict[str, rules.CommentKind] = {
    CommentSource.RESIDENCE: rules.CommentKind.NOI_CU_TRU,
    CommentSource.TEMPORARY_CELL: rules.CommentKind.CHI_BO_TAM_THOI,
    CommentSource.PREVIOUS_UNIT: rules.CommentKind.DON_VI_CU,
}
_RESIDENCE = {
    "luc_luong_vu_trang": rules.ResidenceExemption.LUC_LUONG_VU_TRANG_DOANH_TRAI,
    "luu_dong": rules.ResidenceExemption.CONG_TAC_XA_LUU_DONG,
    "hoc_tap_tap_trung": rules.ResidenceExemption.HOC_TAP_TAP_TRUNG,
    "sinh_vien_xa_nha": rules.ResidenceExemption.HOC_SINH_SINH_VIEN,
    "mien_sinh_hoat_cu_tru": rules.ResidenceExemption.MIEN_SINH_HOAT_NOI_CU_TRU,
}
_DISCIPLINE = {
    "khien_trach": rules.DisciplineForm.KHIEN_TRACH,
    "canh_cao": rules.DisciplineForm.CANH_CAO,
    "cach_chuc": rules.DisciplineForm.CACH_CHUC,
    "khai_tru": rules.DisciplineForm.KHAI_TRU,
}


def ruleset_of(period: Period) -> rules.RuleSet:
    ruleset = rules.get_ruleset(period.ruleset)
    if not period.small_unit_exception and ruleset.settings.small_unit_exception:
        ruleset = rules.layer(
            ruleset,
            rules.LocalRuleSet(
                key=f"{period.ruleset}-no-small-unit",
                issuer=str(period),
                base_key=period.ruleset,
                small_unit_exception=False,
            ),
        )
    if period.quarter_rules:
        ruleset = rules.layer(ruleset, rules.quarter_local(ruleset.key))
    return ruleset


def level_of(code: str) -> rules.Level | None:
    return rules.Level[code] if code else None


_PREFIX = {
    SubjectKind.MEMBER: "m",
    SubjectKind.CELL: "c",
    SubjectKind.GRASSROOTS: "g",
    SubjectKind.COMMITTEE: "k",
}


def subject_id(evaluation: Evaluation) -> str:
    return _subject_id(evaluation.kind, evaluation.person_id, evaluation.unit_id)


def _subject_id(kind: str, person_id: int | None, unit_id: int) -> str:
    return f"{_PREFIX[SubjectKind(kind)]}{person_id if person_id else unit_id}"


def _identity(
    *,
    kind: str,
    person_id: int | None,
    unit_id: int,
    decider_id: int,
    group: str,
    unit_kind: str,
    established: dt.date | None,
    reorganized: dt.date | None,
    admitted: dt.date | None,
    status: str | None,
) -> dict[str, Any]:
    """The facts of a subject that the checks of the other subjects of its deciding body read
    (``rules.check_decision``): its id, kind, parent, quota group and what decides whether it
    is rated — from the evaluation's row, its unit's and its person's."""
    kind = SubjectKind(kind)
    if kind != SubjectKind.MEMBER:
        parent = None
        if kind in (SubjectKind.CELL, SubjectKind.COMMITTEE):
            parent = f"g{decider_id if kind == SubjectKind.CELL else unit_id}"
        established, reorganized = founding_dates(established, reorganized)
        return {
            "id": f"{_PREFIX[kind]}{unit_id}",
            "kind": _KIND[kind],
            "parent_id": parent,
            "established_on": established,
            "reorganized_on": reorganized,
            "peer_group": group or None,
        }
    assert status is not None
    return {
        "id": f"m{person_id}",
        "kind": rules.SubjectKind.DANG_VIEN,
        "parent_id": f"c{unit_id}" if unit_kind == "chi_bo" else f"g{unit_id}",
        "admitted_on": admitted,
        "status": _STATUS.get(PersonStatus(status), rules.MemberStatus.ACTIVE),
        "excellence_group": _GROUP.get(group),
    }


def decision_of(
    subject: rules.Subject,
    *,
    level: str,
    not_rated_reason: str,
    decider_id: int,
    reviewed: bool,
    decided_at: dt.datetime | None,
    override_reason: str = "",
) -> rules.Decision:
    return rules.Decision(
        subject=subject,
        level=level_of(level),
        deciding_body=f"u{decider_id}",
        not_rated_reason=(
            rules.NotRatedReason(not_rated_reason) if not_rated_reason and not level else None
        ),
        reviewed=reviewed,
        decided_on=decided_at.date() if decided_at else None,
        override_reason=override_reason or None,
    )


@lru_cache(maxsize=32)
def _task_keys(form_code: str) -> frozenset[str]:
    """The sections of a form that grade the results of tasks."""
    return frozenset(s.key for s in form_def(form_code).sections if s.task_results)


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + (end.day >= start.day) - 1


def _pct(part: Any, whole: Any) -> float | None:
    if part is None or not whole:
        return None
    return 100.0 * _number(part) / _number(whole)


def _number(value: Any) -> float:
    """A stored number (the forms store ints and floats); anything else is a ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _content_facts(evaluation: Evaluation) -> dict[str, Any]:
    """The subject's facts read from its stored review (``Evaluation.content``). Raises
    ``KeyError``, ``ValueError``, ``TypeError`` or ``AttributeError`` for content the forms
    would not have written (an unknown grade, a number as text…)."""
    content = evaluation.content or {}
    grades = {
        key: rules.Grade[entry["grade"]]
        for key, entry in content.get("sections", {}).items()
        if entry.get("grade")
    }
    task_keys = _task_keys(evaluation.form_code) if grades else frozenset()
    task_grades = [grade for key, grade in grades.items() if key in task_keys]
    previous = content.get("previous", [])
    fixed = sum(1 for item in previous if item.get("status") == "da_khac_phuc")
    total = content.get("tasks_total")
    common, tasks = content.get("score_common"), content.get("score_tasks")
    return {
        "grade_all_min": min(grades.values()) if grades else None,
        "grade_task_min": min(task_grades) if task_grades else None,
        "score_common": None if common is None else _number(common),
        "score_tasks": None if tasks is None else _number(tasks),
        "tasks_done_pct": _pct(content.get("tasks_done"), total),
        "tasks_exceeded_pct": _pct(content.get("tasks_exceeded"), total),
        "tasks_late_pct": _pct(content.get("tasks_late"), total),
        "shortcomings_fixed_pct": _pct(fixed, len(previous)) if previous else 100.0,
        "degradation": bool(content.get("flag_degradation")),
        "violated_prohibitions": bool(content.get("flag_prohibitions")),
    }


class _Position(NamedTuple):
    person_id: int
    group: str
    appointed: dt.date
    ended: dt.date | None
    pk: int


class _Discipline(NamedTuple):
    person_id: int
    form: str
    decision_date: dt.date
    violation_unit_id: int | None
    related_to_public_duty: bool
    self_detected_remedied: bool
    pk: int


class _Membership(NamedTuple):
    person_id: int
    kind: str
    start: dt.date
    end: dt.date | None
    pk: int


class _Civil(NamedTuple):
    person_id: int
    level: str
    rated_on: dt.date | None
    year: int


# The fields read of each, in the order of the named rows above.
_POSITION_FIELDS = ("person", "group", "appointed", "ended", "id")
_DISCIPLINE_FIELDS = (
    "person",
    "form",
    "decision_date",
    "violation_unit",
    "related_to_public_duty",
    "self_detected_remedied",
    "id",
)
_MEMBERSHIP_FIELDS = ("person", "kind", "start", "end", "id")
_CIVIL_FIELDS = ("person", "level", "rated_on", "year")


@dataclass
class Facts:
    """What the engine needs about the evaluations of one deciding body, read in bulk (the
    positions, disciplines, memberships and civil-service ratings as named rows of the fields
    the subjects are built from, not as model instances)."""

    period: Period
    evaluations: list[Evaluation]
    positions: dict[int, list[_Position]] = field(default_factory=lambda: defaultdict(list))
    disciplines: dict[int, list[_Discipline]] = field(default_factory=lambda: defaultdict(list))
    memberships: dict[int, list[_Membership]] = field(default_factory=lambda: defaultdict(list))
    civil: dict[int, _Civil] = field(default_factory=dict)
    comments: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    quarters: dict[int, tuple[rules.Level | None, ...]] = field(default_factory=dict)
    # Each subject is built once per Facts, however many rule questions are asked about it.
    _subjects: dict[int, rules.Subject] = field(default_factory=dict)

    @classmethod
    def load(cls, period: Period, evaluations: list[Evaluation]) -> Facts:
        """The facts of ``evaluations``' subjects: one plain statement per table (positions,
        disciplines, memberships, civil-service ratings, comments; and the quarters where the
        local quarter rules apply), keyed by the ids in hand (``bulk.fetch_by_keys``: one
        array parameter on PostgreSQL) — the ORM's building of these statements cost more
        than reading them (docs/benchmarks.md, 2026-12-07 15:05). Each person's rows are in
        the order the ORM's ``order_by`` gave them."""
        facts = cls(period=period, evaluations=evaluations)
        people = list(dict.fromkeys(e.person_id for e in evaluations if e.person_id))
        ids = [e.pk for e in evaluations]
        positions = fetch_by_keys(Position, _POSITION_FIELDS, "person", people)
        # by person, the latest appointment first (the model's "-appointed", "pk")
        for row in sorted(positions, key=lambda r: (r[0], -r[2].toordinal(), r[4])):
            facts.positions[row[0]].append(_Position(*row))
        disciplines = fetch_by_keys(Discipline, _DISCIPLINE_FIELDS, "person", people)
        for row in sorted(disciplines, key=lambda r: (r[0], -r[2].toordinal(), r[6])):
            facts.disciplines[row[0]].append(_Discipline(*row))
        memberships = fetch_by_keys(Membership, _MEMBERSHIP_FIELDS, "person", people)
        for row in sorted(memberships, key=lambda r: (r[0], r[2], r[4])):
            facts.memberships[row[0]].append(_Membership(*row))
        for row in fetch_by_keys(CivilServiceRating, _CIVIL_FIELDS, "person", people):
            if row[3] == period.year:  # one a person and year (a unique constraint)
                facts.civil[row[0]] = _Civil(*row)
        if period.quarter_rules:  # one more query, only where the local quarter rules apply
            facts.quarters = {
                person: tuple(level_of(level) for level in levels)
                for person, levels in quarter_levels(people, period.year).items()
            }
        from xeploai.reviews.models import Comment

        for evaluation_id, source in fetch_by_keys(
            Comment, ("evaluation", "source"), "evaluation", ids
        ):
            if source in _COMMENT:
                facts.comments[evaluation_id].add(_COMMENT[source])
        return facts

    def subject(self, evaluation: Evaluation) -> rules.Subject:
        known = self._subjects.get(evaluation.pk)
        if known is None:
            known = self._subjects[evaluation.pk] = self._subject(evaluation)
        return known

    def _subject(self, evaluation: Evaluation) -> rules.Subject:
        on = self.period.evaluation_date
        year_start = dt.date(self.period.year, 1, 1)
        try:
            read: dict[str, Any] = _content_facts(evaluation)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            # Stored content written around the forms (by hand, an old format): the subject is
            # still built, so that the rest of its body can be checked and decided, and the
            # rules refuse this one in words (rules.ceiling, "facts.invalid").
            read = {
                "unreadable": (
                    f"nội dung bản kiểm điểm đã lưu không đọc được ({error!r})",
                    f"the stored review cannot be read ({error!r})",
                )
            }
        person = evaluation.person
        unit = evaluation.unit
        identity = _identity(
            kind=evaluation.kind,
            person_id=evaluation.person_id,
            unit_id=evaluation.unit_id,
            decider_id=evaluation.decider_id,
            group=evaluation.group,
            unit_kind=unit.kind,
            established=unit.established,
            reorganized=unit.reorganized,
            admitted=person.admission_date if person else None,
            status=person.status if person else None,
        )
        common: dict[str, Any] = {
            **identity,
            "name": evaluation.subject_name,
            **read,
            "comments_received": frozenset(self.comments.get(evaluation.pk, set())),
        }
        if evaluation.kind != SubjectKind.MEMBER:
            return rules.Subject(**common)
        assert person is not None
        person_id: int = person.pk
        held = [
            p
            for p in self.positions.get(person_id, ())
            if p.appointed <= on and (p.ended is None or p.ended >= on)
        ]
        stays = self.memberships.get(person_id, ())
        official = sorted(
            (m for m in stays if m.kind == MembershipKind.OFFICIAL), key=lambda m: m.start
        )
        transfer_months = None
        previous_stay = official[-2] if len(official) >= 2 else None
        if previous_stay is not None and previous_stay.end and previous_stay.end >= year_start:
            # time spent at the old unit (21-HD II.6: a comment is needed after ≥ 6 months)
            transfer_months = _months(previous_stay.start, previous_stay.end)
        temporary = any(
            m.kind == MembershipKind.TEMPORARY
            and m.start <= on
            and (m.end is None or m.end >= year_start)
            for m in stays
        )
        civil = self.civil.get(person_id)
        cell = evaluation.unit
        return rules.Subject(
            has_post=any(p.group != "khong_chuc_vu" for p in held),
            in_political_system=person.in_political_system,
            civil_servant=person.is_civil_servant,
            civil_service_level=level_of(civil.level) if civil else None,
            civil_service_rated_on=civil.rated_on if civil else None,
            transfer_months_at_old_unit=transfer_months,
            temporary_activity=temporary,
            residence_exemption=_RESIDENCE.get(person.residence_exemption),
            quarter_levels=self.quarters.get(person_id, ()),
            quarterly=self.period.kind == PeriodKind.QUARTER,
            unit_id=f"u{cell.pk}",
            disciplines=tuple(
                rules.Discipline(
                    form=_DISCIPLINE[d.form],
                    decided_on=d.decision_date,
                    violation_unit=f"u{d.violation_unit_id}" if d.violation_unit_id else None,
                    related_to_duty=d.related_to_public_duty,
                    self_detected_remedied=d.self_detected_remedied,
                )
                for d in self.disciplines.get(person_id, ())
            ),
            **common,
        )

    def decision(
        self,
        evaluation: Evaluation,
        *,
        level: str | None = None,
        not_rated_reason: str | None = None,
        override_reason: str = "",
    ) -> rules.Decision:
        return decision_of(
            self.subject(evaluation),
            level=evaluation.level if level is None else level,
            not_rated_reason=(
                evaluation.not_rated_reason if not_rated_reason is None else not_rated_reason
            ),
            decider_id=evaluation.decider_id,
            reviewed=evaluation.reviewed,
            decided_at=evaluation.decided_at,
            override_reason=override_reason,
        )


# What the other subjects' decisions need of their evaluations (``_identity``, ``decision_of``).
POOL_FIELDS = (
    "pk",
    "kind",
    "person_id",
    "unit_id",
    "decider_id",
    "group",
    "level",
    "cell_level",
    "not_rated_reason",
    "reviewed",
    "decided_at",
    "unit__kind",
    "unit__established",
    "unit__reorganized",
    "person__admission_date",
    "person__status",
)


def row_identity(row: dict[str, Any]) -> dict[str, Any]:
    """``_identity`` of an evaluation's row read with ``POOL_FIELDS``."""
    return _identity(
        kind=row["kind"],
        person_id=row["person_id"],
        unit_id=row["unit_id"],
        decider_id=row["decider_id"],
        group=row["group"],
        unit_kind=row["unit__kind"],
        established=row["unit__established"],
        reorganized=row["unit__reorganized"],
        admitted=row["person__admission_date"],
        status=row["person__status"],
    )
