"""The bridge to the rule engine: model rows → frozen facts, engine answers → screen messages.

``xeploai.rules`` knows nothing of Django; this module reads what it needs in a constant number
of queries per deciding body (``Facts.load``) and maps it to ``rules.Subject``/``Decision``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.lib.numbers import percent, vn_percent
from xeploai.org.models import (
    CivilServiceRating,
    Discipline,
    Membership,
    MembershipKind,
    PersonStatus,
    Position,
)
from xeploai.reviews.formdefs import form_def
from xeploai.reviews.models import CommentSource, Evaluation, SubjectKind
from xeploai.rules.quota import quota_group

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
        return {
            "id": f"{_PREFIX[kind]}{unit_id}",
            "kind": _KIND[kind],
            "parent_id": parent,
            "established_on": established,
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


def _decision(
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


@dataclass
class Facts:
    """What the engine needs about the evaluations of one deciding body, read in bulk (the
    positions, disciplines, memberships and civil-service ratings as named rows of the fields
    the subjects are built from, not as model instances)."""

    period: Period
    evaluations: list[Evaluation]
    positions: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    disciplines: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    memberships: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    civil: dict[int, Any] = field(default_factory=dict)
    comments: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Each subject is built once per Facts, however many rule questions are asked about it.
    _subjects: dict[int, rules.Subject] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        period: Period,
        evaluations: list[Evaluation],
        among: QuerySet[Evaluation] | None = None,
    ) -> Facts:
        """``among``: the query the evaluations were read by, when there is one — the facts
        are then selected by it in the database rather than by a list of hundreds of ids."""
        facts = cls(period=period, evaluations=evaluations)
        people: Any
        ids: Any
        if among is not None:
            among = among.order_by()
            people = among.filter(person__isnull=False).values("person_id")
            ids = among.values("pk")
        else:
            people = [e.person_id for e in evaluations if e.person_id]
            ids = [e.pk for e in evaluations]
        # The models' default orderings start with "person", which joins the person table to
        # sort by name; grouped by person here, ordering by its id gives each person the same
        # list without the join.
        for position in (
            Position.objects.filter(person_id__in=people)
            .order_by("person_id", "-appointed", "pk")
            .values_list("person_id", "group", "appointed", "ended", named=True)
        ):
            facts.positions[position.person_id].append(position)
        for discipline in (
            Discipline.objects.filter(person_id__in=people)
            .order_by("person_id", "-decision_date", "pk")
            .values_list(
                "person_id",
                "form",
                "decision_date",
                "violation_unit_id",
                "related_to_public_duty",
                "self_detected_remedied",
                named=True,
            )
        ):
            facts.disciplines[discipline.person_id].append(discipline)
        for membership in (
            Membership.objects.filter(person_id__in=people)
            .order_by("person_id", "start", "pk")
            .values_list("person_id", "kind", "start", "end", named=True)
        ):
            facts.memberships[membership.person_id].append(membership)
        for rating in (
            CivilServiceRating.objects.filter(person_id__in=people, year=period.year)
            .order_by("person_id", "-year")
            .values_list("person_id", "level", "rated_on", named=True)
        ):
            facts.civil[rating.person_id] = rating
        from xeploai.reviews.models import Comment

        # (unordered: the default ordering would join the evaluations only to sort by them)
        for evaluation_id, source in (
            Comment.objects.filter(evaluation__in=ids)
            .order_by()
            .values_list("evaluation_id", "source")
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
        return _decision(
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


def message(explanation: rules.Explanation, *, english: bool | None = None) -> str:
    """The explanation in the active language (``english``: already known, for many), with its
    clause as a person reads it (``shown_clause``)."""
    if english is None:
        english = get_language() == "en"
    text = explanation.message_en if english else explanation.message_vi
    clause = shown_clause(explanation.clause)
    return f"{text} ({clause})" if clause else text


# The rule sets' clauses carry the domain notes' provenance tags — [S000]…: the source page;
# [F24]: a local document; [INF…]: an inference, a configurable default (docs/rules.md). They
# are for whoever maintains the rules; the pages show the clause without them.
_PROVENANCE = re.compile(r"\s*\[(?:S\d+|F\d+|INF)[^\]]*\]")


def shown_clause(clause: str) -> str:
    """``clause`` without its provenance tags: "CV 154-CV/ĐU [S000] [INF: …]" → "CV 154-CV/ĐU"."""
    return _PROVENANCE.sub("", clause).strip()


def blockers(evaluation: Evaluation, peers: list[Evaluation], ruleset: rules.RuleSet) -> list[str]:
    """Subjects that must be decided before this one (366 Đ.12 k.2; 124 Đ.11): the members of a
    cell before the cell; the committee collective, cells and members of a grassroots
    organization before the organization (``peers``: evaluations of the deciding body that
    include a cell's members)."""
    if evaluation.kind == SubjectKind.MEMBER:
        return []
    if evaluation.kind == SubjectKind.CELL:
        scope = [
            p for p in peers if p.kind == SubjectKind.MEMBER and p.unit_id == evaluation.unit_id
        ]
    elif evaluation.kind == SubjectKind.GRASSROOTS:
        path = evaluation.unit.path
        scope = list(
            Evaluation.objects.filter(period=evaluation.period_id, unit__path__startswith=path)
            .exclude(pk=evaluation.pk)
            .select_related("unit", "person")
        )
    else:
        return []
    waiting = [p.subject_name for p in scope if not p.level and not p.not_rated_reason]
    violation = rules.undecided_first(subject_id(evaluation), waiting, ruleset)
    return [] if violation is None else [message(violation)]


# What the other subjects' decisions need of their evaluations (``_identity``, ``_decision``).
_POOL_FIELDS = (
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
    "person__admission_date",
    "person__status",
)


def _row_identity(row: dict[str, Any]) -> dict[str, Any]:
    """``_identity`` of an evaluation's row read with ``_POOL_FIELDS``."""
    return _identity(
        kind=row["kind"],
        person_id=row["person_id"],
        unit_id=row["unit_id"],
        decider_id=row["decider_id"],
        group=row["group"],
        unit_kind=row["unit__kind"],
        established=row["unit__established"],
        admitted=row["person__admission_date"],
        status=row["person__status"],
    )


def _pool_level(level: str, cell_level: str, not_rated_reason: str) -> str | None:
    """The level another subject of the deciding body counts with while one is decided: the
    decided level, else the proposal (None: it does not count)."""
    if level:
        return level
    if cell_level and not not_rated_reason:
        # An undecided proposal counts in the quota's base, never as a decided HTXSNV.
        return "HTTNV" if cell_level == "HTXSNV" else cell_level
    return None


def decision_problems(
    evaluation: Evaluation, *, level: str, not_rated_reason: str, on: dt.date, override_reason: str
) -> list[str]:
    """Why the rules refuse this decision (empty: it may be recorded).

    Checked together with the deciding body's other subjects — decided ones at their decided
    level, undecided ones at their proposal — for the ceiling and forcing cases, the quota of
    the group, required comments and ordering. Warnings (cases the regulation leaves to the
    competent level) pass only with an override reason; errors never do.

    ``evaluation`` is the one read under the row lock, with its period, unit and person. Only
    this subject and those whose checks can name it (a cell's members) are read in full; of
    the others, the row of their evaluation is enough for ``rules.check_decision``.
    """
    period = evaluation.period
    ruleset = ruleset_of(period)
    target_id = subject_id(evaluation)
    rows = list(
        Evaluation.objects.filter(period=evaluation.period_id, decider=evaluation.decider_id)
        .order_by("pk")
        .values(*_POOL_FIELDS)
    )
    identities = {row["pk"]: _row_identity(row) for row in rows}
    read_in_full = {
        row["pk"]
        for row in rows
        if row["pk"] == evaluation.pk
        or identities[row["pk"]]["parent_id"] == target_id
        or (
            evaluation.kind == SubjectKind.CELL  # its members, for ``blockers``
            and row["kind"] == SubjectKind.MEMBER
            and row["unit_id"] == evaluation.unit_id
        )
    }
    full = {evaluation.pk: evaluation}
    if len(read_in_full) > 1:
        full.update(
            (e.pk, e)
            for e in Evaluation.objects.filter(
                pk__in=read_in_full - {evaluation.pk}
            ).select_related("unit", "person", "period")
        )
    problems = blockers(evaluation, sorted(full.values(), key=lambda e: e.pk), ruleset)
    facts = Facts.load(period, list(full.values()))
    decisions: list[rules.Decision] = []
    target_decision = None
    for row in rows:
        peer = full.get(row["pk"])
        if row["pk"] == evaluation.pk:
            assert peer is not None
            target_decision = facts.decision(
                peer,
                level=level,
                not_rated_reason=not_rated_reason,
                override_reason=override_reason,
            )
            decisions.append(target_decision)
            continue
        counted = _pool_level(row["level"], row["cell_level"], row["not_rated_reason"])
        if counted is None:
            continue
        if peer is not None:
            decisions.append(facts.decision(peer, level=counted))
        else:
            decisions.append(
                _decision(
                    rules.Subject(**identities[row["pk"]]),
                    level=counted,
                    not_rated_reason=row["not_rated_reason"],
                    decider_id=row["decider_id"],
                    reviewed=row["reviewed"],
                    decided_at=row["decided_at"],
                )
            )
    report = rules.check_decision(target_id, decisions, ruleset, on, year=period.year)
    target_group = (
        quota_group(target_decision, ruleset).label if target_decision and level else None
    )
    for violation in report.violations:
        about_target = violation.subject == target_id or (
            violation.key == "quota.exceeded"
            and level == "HTXSNV"
            and violation.numbers.get("group") == target_group
        )
        if not about_target or violation.severity == rules.Severity.INFO:
            continue
        if violation.severity == rules.Severity.ERROR or not override_reason:
            problems.append(humanize(message(violation), [evaluation], ruleset))
    return problems


@dataclass(frozen=True)
class Meter:
    """One quota group on the decision board: "HTXSNV 13 / (HTXSNV+HTTNV) 67 = 19,4% ≤ 20%"."""

    label: str
    n_xs: int
    base: int
    base_label: str
    allowed: int
    ratio_pct: int
    ok: bool
    small_unit: bool

    @property
    def share_text(self) -> str:
        if not self.base:
            return "—"
        share = percent(self.n_xs, self.base)
        return vn_percent(share, trim=True)


_GROUP_LABELS = {
    rules.SubjectKind.DANG_VIEN.value: gettext_lazy("Đảng viên"),
    rules.SubjectKind.CHI_BO.value: gettext_lazy("Chi bộ trực thuộc"),
    rules.SubjectKind.TCCSD.value: gettext_lazy("Tổ chức cơ sở đảng"),
    rules.SubjectKind.TT_CAP_UY.value: gettext_lazy("Tập thể cấp ủy"),
}
_MEMBER_GROUP_LABELS = {
    rules.ExcellenceGroup.LANH_DAO_DON_VI.value: gettext_lazy("lãnh đạo cơ quan, đơn vị"),
    rules.ExcellenceGroup.QUAN_LY_CAP_PHONG.value: gettext_lazy("quản lý cấp phòng"),
    rules.ExcellenceGroup.KHONG_CHUC_VU.value: gettext_lazy("không giữ chức vụ"),
}


def _meter_label(summary: rules.QuotaSummary) -> str:
    group = summary.group
    kind = str(_GROUP_LABELS.get(group.kind, group.kind))
    member_group = _MEMBER_GROUP_LABELS.get(group.group)
    return f"{kind} — {member_group}" if member_group else kind


def pool_summaries(
    evaluations: list[Evaluation], period: Period, facts: Facts | None = None
) -> list[Meter]:
    """The live quota meter of a deciding body: decided levels, else proposals (``facts``:
    already loaded for these evaluations)."""
    ruleset = ruleset_of(period)
    facts = facts or Facts.load(period, evaluations)
    decisions = [
        facts.decision(e, level=e.level or e.cell_level)
        for e in evaluations
        if (e.level or e.cell_level) and not e.not_rated_reason
    ]
    base_label = (
        "HTTNV" if ruleset.settings.quota_base == rules.QuotaBase.TTNV_ONLY else "(HTXSNV+HTTNV)"
    )
    return [
        Meter(
            label=_meter_label(s),
            n_xs=s.n_xs,
            base=s.base,
            base_label=base_label,
            allowed=s.allowed,
            ratio_pct=s.ratio_pct,
            ok=s.ok,
            small_unit=s.small_unit,
        )
        for s in rules.quota_summaries(decisions, ruleset)
    ]


@dataclass
class BoardViolation:
    """One rule problem and every subject it concerns (the board lists each problem once)."""

    message: str
    error: bool
    subjects: list[tuple[int, str]] = field(default_factory=list)


_WORDS = {
    "KHIEN_TRACH": "khiển trách",
    "CANH_CAO": "cảnh cáo",
    "CACH_CHUC": "cách chức",
    "KHAI_TRU": "khai trừ",
}


def _replacements(evaluations: list[Evaluation]) -> list[tuple[str, str]]:
    """The engine's codes and their human names, in the order ``humanize`` applies them (the
    labels are translated once here, not once per message)."""
    pairs: list[tuple[str, str]] = []
    groups = [(group, str(label)) for group, label in _MEMBER_GROUP_LABELS.items()]
    for decider_id in {e.decider_id: e for e in evaluations}:
        for kind, lazy_label in _GROUP_LABELS.items():
            kind_label = str(lazy_label)
            for group, group_label in groups:
                pairs.append((f"u{decider_id} / {kind} / {group}", f"{kind_label} — {group_label}"))
            pairs.append((f"u{decider_id} / {kind} / ", f"{kind_label} "))
    pairs.extend(_WORDS.items())
    return pairs


def humanize(
    text: str,
    evaluations: list[Evaluation],
    ruleset: rules.RuleSet,
    replacements: list[tuple[str, str]] | None = None,
) -> str:
    """Put human names on the engine's codes: quota groups and discipline forms
    (``replacements``: ``_replacements(evaluations)``, when many messages are humanized)."""
    for code, name in _replacements(evaluations) if replacements is None else replacements:
        text = text.replace(code, name)
    return text


def board_violations(
    evaluations: list[Evaluation], period: Period, on: dt.date, facts: Facts | None = None
) -> list[BoardViolation]:
    """What the rules say about the deciding body's set as it stands — decided levels, else the
    proposals — each problem once, with the subjects it concerns (linked from the board;
    ``facts``: already loaded for these evaluations)."""
    ruleset = ruleset_of(period)
    facts = facts or Facts.load(period, evaluations)
    by_subject = {subject_id(e): e for e in evaluations}
    decisions = [
        facts.decision(e, level=e.level or e.cell_level)
        for e in evaluations
        if (e.level or e.cell_level) and not e.not_rated_reason
    ]
    report = rules.check_decisions(decisions, ruleset, on, year=period.year)
    grouped: dict[str, BoardViolation] = {}
    replacements = _replacements(evaluations)
    english = get_language() == "en"
    # The sentence depends on the rule, its clause and its numbers, not on the subject: a
    # problem shared by a hundred subjects is written once.
    texts: dict[str, str] = {}
    for violation in report.violations:
        if violation.severity == rules.Severity.INFO:
            continue
        same = f"{violation.key}|{violation.clause}|{violation.numbers!r}"
        text = texts.get(same)
        if text is None:
            text = texts[same] = humanize(
                message(violation, english=english), evaluations, ruleset, replacements
            )
        entry = grouped.setdefault(
            text, BoardViolation(text, violation.severity == rules.Severity.ERROR)
        )
        evaluation = by_subject.get(violation.subject or "")
        if evaluation is not None:
            entry.subjects.append((evaluation.pk, evaluation.subject_name))
    return sorted(grouped.values(), key=lambda v: (not v.error, -len(v.subjects), v.message))
