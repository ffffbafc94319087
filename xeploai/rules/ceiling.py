"""The ceiling: the highest level a subject's grades or score, its conditions and the
forcing cases support (rules.md §4.2–§4.5, §4.8; 366.md §3).

The answer is a level plus every rule that limited it. Levels are read as a cascade
downward: a subject that has the points for HTXSNV but fails one of its conditions is
checked against HTTNV, and so on. Where the regulation gives no level (366: points for HTNV
but tasks not all done, and nothing that forces KHTNV) the answer is "needs a decision by the
competent level" (or a fallback, by setting) — never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from xeploai.rules.catalog import metric_label
from xeploai.rules.errors import InvalidFacts
from xeploai.rules.explain import Explanation, Number, Severity
from xeploai.rules.facts import (
    Discipline,
    DisciplineForm,
    DisciplineTarget,
    Role,
    Subject,
    SubjectKind,
)
from xeploai.rules.levels import Grade, Level
from xeploai.rules.quarters import quarter_findings
from xeploai.rules.rulesets.base import (
    CivilServiceLink,
    Condition,
    DisciplineScope,
    GapPolicy,
    RuleSet,
    Scale,
    SelfRemediedPolicy,
    Test,
)


class CeilingStatus(StrEnum):
    """DETERMINED: the engine knows the ceiling. NEEDS_DECISION: the regulation leaves the
    case to the competent level; ``level`` is then the upper bound."""

    DETERMINED = "DETERMINED"
    NEEDS_DECISION = "NEEDS_DECISION"


@dataclass(frozen=True, slots=True)
class Limit:
    """One rule that keeps a subject at ``level`` or below."""

    level: Level
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Related:
    """Levels of related subjects that cap this one (rules.md §4.8)."""

    organization_level: Level | None = None  # the organisation of a committee collective
    collective_level: Level | None = None  # the committee collective of a head


@dataclass(frozen=True, slots=True)
class Ceiling:
    """The highest level supported, the rules that limit it (``limits``), levels above which
    a decision needs a justification (``soft_limits``, e.g. the civil-servant rating as a
    basis), cases left to the competent level (``decisions``), and context (``notes``)."""

    level: Level
    status: CeilingStatus
    limits: tuple[Limit, ...]
    soft_limits: tuple[Limit, ...]
    decisions: tuple[Explanation, ...]
    notes: tuple[Explanation, ...]

    @property
    def explanations(self) -> tuple[Explanation, ...]:
        """Every explanation: limits, soft limits, decisions, notes."""
        return (
            tuple(limit.explanation for limit in self.limits)
            + tuple(limit.explanation for limit in self.soft_limits)
            + self.decisions
            + self.notes
        )


def _collective_discipline_count(subject: Subject, year: int) -> int:
    unit = subject.unit_id or subject.id
    return sum(
        1
        for d in subject.disciplines
        if d.decided_on.year == year and (d.violation_unit is None or d.violation_unit == unit)
    )


_DERIVED: dict[str, Callable[[Subject, int], float | None]] = {
    "collective_discipline_count": _collective_discipline_count,
}


def _metric(subject: Subject, name: str, year: int) -> object:
    derived = _DERIVED.get(name)
    return getattr(subject, name) if derived is None else derived(subject, year)


_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
}


def _compare(value: float, op: str, threshold: float) -> bool:
    compare = _OPS.get(op)
    if compare is None:
        raise InvalidFacts(f"Phép so sánh không hợp lệ {op!r}", f"Unknown comparison {op!r}")
    return compare(value, threshold)


def _test(subject: Subject, test: Test, year: int) -> bool | None:
    value = _metric(subject, test.metric, year)
    if test.op == "is":
        return bool(value)
    if value is None:
        return None
    return _compare(float(value), test.op, test.value)  # type: ignore[arg-type]


class _Builder:
    """Collects limits and explanations while one ceiling is computed."""

    __slots__ = ("decisions", "limits", "notes", "quiet", "ruleset", "soft", "subject", "unchecked")

    def __init__(self, subject: Subject, ruleset: RuleSet, quiet: bool = False) -> None:
        self.quiet = quiet
        self.subject = subject
        self.ruleset = ruleset
        self.limits: list[Limit] = []
        self.soft: list[Limit] = []
        self.decisions: list[Explanation] = []
        self.notes: list[Explanation] = []
        self.unchecked: set[str] = set()

    def explain(self, key: str, severity: Severity, numbers: dict[str, Number]) -> Explanation:
        return Explanation(key, self.ruleset.clause(key), numbers, self.subject.id, severity)

    def limit(self, cap: Level, key: str, /, **numbers: Number) -> None:
        self.limits.append(Limit(cap, self.explain(key, Severity.ERROR, numbers)))

    def soft_limit(self, cap: Level, key: str, /, **numbers: Number) -> None:
        self.soft.append(Limit(cap, self.explain(key, Severity.WARNING, numbers)))

    def decide(self, key: str, /, **numbers: Number) -> None:
        self.decisions.append(self.explain(key, Severity.WARNING, numbers))

    def note(self, key: str, severity: Severity = Severity.INFO, /, **numbers: Number) -> None:
        if self.quiet:
            return
        self.notes.append(self.explain(key, severity, numbers))


def _grade_top(b: _Builder, role: Role) -> Level:
    subject, ruleset = b.subject, b.ruleset
    frame = ruleset.criteria.get(role, ())
    if subject.grades:
        codes = {c.code for c in frame}
        given = set(subject.grades)
        if given != codes:
            raise InvalidFacts(
                f"{subject.id}: thiếu tiêu chí {sorted(codes - given)}, tiêu chí không có trong "
                f"khung {sorted(given - codes)} ({ruleset.key}, {role})",
                f"{subject.id}: missing criteria {sorted(codes - given)}, unknown criteria "
                f"{sorted(given - codes)} ({ruleset.key}, {role})",
            )
        min_all = min(subject.grades.values())
        min_task = min(subject.grades[c.code] for c in frame if c.task_result)
        kem = tuple(sorted(code for code, grade in subject.grades.items() if grade is Grade.KEM))
    elif subject.grade_all_min is not None and subject.grade_task_min is not None:
        min_task = subject.grade_task_min
        min_all = min(subject.grade_all_min, min_task)
        kem = tuple(
            name
            for name, grade in (("NHIEM_VU", min_task), ("KHAC", subject.grade_all_min))
            if grade is Grade.KEM
        )
    elif subject.grade_all_min is not None or subject.grade_task_min is not None:
        raise InvalidFacts(
            f"{subject.id}: cần cả mức thấp nhất của mọi tiêu chí và của tiêu chí nhiệm vụ",
            f"{subject.id}: give both the lowest grade overall and the lowest task-result grade",
        )
    else:
        b.note("grade.none")
        return Level.HTXSNV
    if min_all is Grade.KEM:
        b.limit(Level.KHTNV, "khtnv.grade_kem", criteria=kem)
        return Level.KHTNV
    above = Level.HTXSNV
    for rule in ruleset.grade_rules:
        if min_all >= rule.min_all and min_task >= rule.min_task:
            if rule.level < Level.HTXSNV:
                need = next(r for r in ruleset.grade_rules if r.level == above)
                b.limit(
                    rule.level,
                    "grade.rule",
                    level=rule.level,
                    min_all=min_all,
                    min_task=min_task,
                    need_all=need.min_all,
                    need_task=need.min_task,
                    above=above,
                )
            return rule.level
        above = rule.level
    b.limit(Level.KHTNV, "khtnv.grade_kem", criteria=kem)
    return Level.KHTNV


def _score_top(b: _Builder, role: Role) -> Level:
    subject, ruleset = b.subject, b.ruleset
    common, tasks = subject.score_common, subject.score_tasks
    if common is None and tasks is None:
        b.note("score.none")
        return Level.HTXSNV
    if common is None or tasks is None:
        raise InvalidFacts(
            f"{subject.id}: cần cả điểm tiêu chí chung (/30) và điểm kết quả nhiệm vụ (/70)",
            f"{subject.id}: give both the common score (/30) and the task score (/70)",
        )
    for value, maximum, name in (
        (common, ruleset.common_max, "chung/common"),
        (tasks, ruleset.tasks_max, "nhiệm vụ/tasks"),
    ):
        if not 0 <= value <= maximum:
            raise InvalidFacts(
                f"{subject.id}: điểm {name} {value:g} ngoài khoảng 0–{maximum:g}",
                f"{subject.id}: score {name} {value:g} outside 0–{maximum:g}",
            )
    _check_sub_scores(subject, ruleset, role, common, tasks)
    score = common + tasks
    for level, floor in ruleset.score_bands:
        if score >= floor:
            if level < Level.HTXSNV:
                b.limit(
                    level,
                    "score.band",
                    level=level,
                    score=score,
                    common=common,
                    tasks=tasks,
                    floor=floor,
                )
            return level
    b.limit(Level.KHTNV, "khtnv.score_below_50", score=score)
    return Level.KHTNV


def _check_sub_scores(
    subject: Subject, ruleset: RuleSet, role: Role, common: float, tasks: float
) -> None:
    frame = ruleset.sub_criteria.get(role)
    if not subject.sub_scores or not frame:
        return
    maxima = {s.code: s for s in frame}
    totals = {"CHUNG": 0.0, "NHIEM_VU": 0.0}
    for code, points in subject.sub_scores.items():
        sub = maxima.get(code)
        if sub is None or not 0 <= points <= sub.max_points:
            limit = f"0–{sub.max_points:g}" if sub else "không có trong khung / not in the frame"
            raise InvalidFacts(
                f"{subject.id}: điểm tiêu chí {code} = {points:g} không hợp lệ ({limit})",
                f"{subject.id}: sub-criterion {code} = {points:g} is invalid ({limit})",
            )
        totals[sub.group] += points
    if abs(totals["CHUNG"] - common) > 0.01 or abs(totals["NHIEM_VU"] - tasks) > 0.01:
        raise InvalidFacts(
            f"{subject.id}: tổng điểm tiêu chí ({totals['CHUNG']:g}/{totals['NHIEM_VU']:g}) khác "
            f"điểm nhóm ({common:g}/{tasks:g})",
            f"{subject.id}: sub-criteria add up to {totals['CHUNG']:g}/{totals['NHIEM_VU']:g}, "
            f"not {common:g}/{tasks:g}",
        )


def _triggers(b: _Builder, role: Role, year: int) -> None:
    subject = b.subject
    for trigger in b.ruleset.triggers_for(role):
        fired = True
        value: object = None
        for test in trigger.tests:
            outcome = _test(subject, test, year)
            if test.op != "is":
                value = _metric(subject, test.metric, year)
            if outcome is None:
                b.unchecked.add(test.metric)
                fired = False
            elif not outcome:
                fired = False
        if not fired:
            continue
        if trigger.unless and getattr(subject, trigger.unless):
            continue
        if trigger.mitigable_by and getattr(subject, trigger.mitigable_by):
            b.decide(
                "khtnv.mitigation",
                rule=trigger.key,
                circumstance="force_majeure",
            )
            continue
        b.limit(Level.KHTNV, trigger.key, value=value)  # type: ignore[arg-type]


_BELOW = {Level.HTXSNV: Level.HTTNV, Level.HTTNV: Level.HTNV, Level.HTNV: Level.KHTNV}
_FORM_RANK = {form.value: form.rank for form in DisciplineForm}


def _disciplines(b: _Builder, role: Role, year: int) -> None:
    subject, ruleset = b.subject, b.ruleset
    settings = ruleset.settings
    rules = ruleset.discipline_rules
    unit = subject.unit_id or subject.id
    for d in subject.disciplines:
        if d.decided_on.year != year:
            continue
        nums: dict[str, Number] = {"form": d.form, "decided_on": d.decided_on}
        if (
            settings.discipline_counted_once
            and d.counted_in_year is not None
            and d.counted_in_year < year
        ):
            b.note("khtnv.discipline_counted", counted_in_year=d.counted_in_year, **nums)
            continue
        if role is Role.COLLECTIVE:
            if d.violation_unit is not None and d.violation_unit != unit:
                b.note("khtnv.other_unit", violation_unit=d.violation_unit)
                continue
            key = {
                DisciplineTarget.SELF: "khtnv.collective_disciplined",
                DisciplineTarget.LEADERSHIP_MEMBER: "khtnv.leadership_member_disciplined",
                DisciplineTarget.SUBORDINATE_UNIT: "khtnv.subordinate_case",
            }[d.target]
            if key not in rules:
                continue
            if key == "khtnv.leadership_member_disciplined":
                if d.form.rank < _FORM_RANK[ruleset.collective_member_min_form]:
                    continue
                nums["min_form"] = ruleset.collective_member_min_form
                if settings.discipline_scope is DisciplineScope.DUTY_RELATED and not (
                    d.related_to_duty and d.related_to_remit
                ):
                    b.note("khtnv.unrelated_to_remit", **nums)
                    continue
            remediable = d.target is not DisciplineTarget.SELF
        else:
            if d.target is not DisciplineTarget.SELF or "khtnv.discipline" not in rules:
                continue
            key = "khtnv.discipline"
            if settings.discipline_scope is DisciplineScope.DUTY_RELATED and not d.related_to_duty:
                b.note("khtnv.discipline_not_duty", Severity.WARNING, **nums)
                continue
            remediable = True
        if remediable and d.self_detected_remedied and _self_remedied(b, d, key, nums):
            continue
        b.limit(Level.KHTNV, key, **nums)
    _subordinates_disciplined(b, role)


def _self_remedied(b: _Builder, d: Discipline, key: str, nums: dict[str, Number]) -> bool:
    """A discipline the subject detected and remedied itself: True when the rule set's policy
    lifts the forced KHTNV (exempt, or left to the competent level)."""
    policy = b.ruleset.settings.self_remedied
    if policy is SelfRemediedPolicy.EXEMPT:
        b.note("khtnv.self_remedied", **nums)
        return True
    if policy is SelfRemediedPolicy.COMPETENT_LEVEL_DECIDES:
        b.decide(
            "khtnv.mitigation",
            rule=key,
            circumstance="self_remedied",
            form=d.form,
        )
        return True
    return False


def _subordinates_disciplined(b: _Builder, role: Role) -> None:
    """132/124: a collective whose subordinate units were disciplined beyond the share."""
    subject, ruleset = b.subject, b.ruleset
    rules = ruleset.discipline_rules
    share = ruleset.subordinate_share_pct
    total, disciplined = subject.subordinate_units_total, subject.subordinate_units_disciplined
    if (
        role is Role.COLLECTIVE
        and share is not None
        and "khtnv.subordinates_disciplined_share" in rules
        and total
        and disciplined is not None
    ):
        pct = 100 * disciplined / total
        if pct > share:
            b.limit(
                Level.KHTNV,
                "khtnv.subordinates_disciplined_share",
                disciplined=disciplined,
                total=total,
                value=pct,
                threshold=share,
            )


def _failing(b: _Builder, conditions: tuple[Condition, ...], year: int) -> list[Condition]:
    failed = []
    subject = b.subject
    for cond in conditions:
        derived = _DERIVED.get(cond.metric)
        value = getattr(subject, cond.metric) if derived is None else derived(subject, year)
        if value is None:
            if not cond.vacuous_if_missing:
                b.unchecked.add(cond.metric)
            continue
        if not _OPS[cond.op](value, cond.value):
            failed.append(cond)
    return failed


def _cond_numbers(b: _Builder, cond: Condition, year: int) -> dict[str, Number]:
    value = _metric(b.subject, cond.metric, year)
    return {"value": value, "threshold": cond.value}  # type: ignore[dict-item]


def ceiling(
    subject: Subject,
    ruleset: RuleSet,
    on: dt.date,
    *,
    year: int | None = None,
    related: Related | None = None,
    notes: bool = True,
) -> Ceiling:
    """The highest level ``subject`` can be rated under ``ruleset``, evaluated on ``on`` for
    evaluation year ``year`` (default: the year of ``on``), with every rule that limits it.

    ``related`` gives the levels of the organisation (for a committee collective) and of the
    committee collective (for its head), when the caps between them are on. With
    ``notes=False`` the context notes are skipped (limits and decisions are kept): the set
    check uses that to stay fast.

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> s = Subject("dv1", SubjectKind.DANG_VIEN, score_common=28, score_tasks=62,
    ...             tasks_done_pct=100, tasks_late_pct=0, tasks_exceeded_pct=20)
    >>> c = ceiling(s, get_ruleset("366-2025"), dt.date(2025, 12, 15))
    >>> c.level.name, [limit.explanation.key for limit in c.limits]
    ('HTTNV', ['cond.tasks_exceeded'])
    """
    if subject.unreadable is not None:
        vi, en = subject.unreadable
        raise InvalidFacts(f"{subject.id}: {vi}", f"{subject.id}: {en}")
    year = on.year if year is None else year
    role = subject.role
    b = _Builder(subject, ruleset, quiet=not notes)
    top = _grade_top(b, role) if ruleset.scale is Scale.GRADES else _score_top(b, role)
    _triggers(b, role, year)
    _disciplines(b, role, year)

    level = top
    gap: list[Condition] = []
    while level > Level.KHTNV:
        failed = _failing(b, ruleset.conditions_for(role, level), year)
        if not failed:
            break
        if level == Level.HTNV:
            gap = failed
            break
        below = _BELOW[level]
        for cond in failed:
            b.limit(below, cond.key, level=cond.level, **_cond_numbers(b, cond, year))
        level = below

    forced = any(limit.level is Level.KHTNV for limit in b.limits)
    if gap and not forced:
        policy = ruleset.settings.gap_policy
        for cond in gap:
            nums: dict[str, Number] = {
                "metric": cond.metric,
                "value": getattr(subject, cond.metric),
                "op": cond.op,
                "threshold": cond.value,
            }
            if policy is GapPolicy.NEEDS_DECISION:
                b.decide("gap.needs_decision", **nums)
            elif policy is GapPolicy.FALLBACK_KHTNV:
                b.limit(Level.KHTNV, "gap.fallback", level=Level.KHTNV, **nums)
            else:
                b.note("gap.fallback", Severity.WARNING, level=Level.HTNV, **nums)

    _caps(b, role, related)
    _quarter_caps(b, role)
    if subject.sick_or_maternity:
        b.note("note.sick_maternity")
    if b.unchecked and not b.quiet:
        names = sorted(b.unchecked)
        b.note(
            "cond.not_checked",
            metrics=tuple(names),
            metrics_vi=", ".join(metric_label(n, "vi") for n in names),
            metrics_en=", ".join(metric_label(n, "en") for n in names),
        )

    final = top
    for limit in b.limits:
        if limit.level < final:
            final = limit.level
    forced = final is Level.KHTNV and any(limit.level is Level.KHTNV for limit in b.limits)
    status = (
        CeilingStatus.NEEDS_DECISION if b.decisions and not forced else CeilingStatus.DETERMINED
    )
    return Ceiling(
        final, status, tuple(b.limits), tuple(b.soft), tuple(b.decisions), tuple(b.notes)
    )


def _caps(b: _Builder, role: Role, related: Related | None) -> None:
    subject, settings = b.subject, b.ruleset.settings
    cs = subject.civil_service_level
    if subject.civil_servant and cs is not None and role is not Role.COLLECTIVE:
        if settings.civil_service_link is CivilServiceLink.HARD and cs < Level.HTXSNV:
            b.limit(cs, "cap.civil_service", cs_level=cs, level=cs)
        elif settings.civil_service_link is CivilServiceLink.BASIS_WARN and cs < Level.HTXSNV:
            b.soft_limit(cs, "cap.civil_service_basis", cs_level=cs)
    if related is None:
        return
    org = related.organization_level
    if (
        settings.cap_committee_by_organization
        and subject.kind is SubjectKind.TT_CAP_UY
        and org is not None
        and org < Level.HTXSNV
    ):
        b.limit(org, "cap.committee_le_org", org_level=org, level=org)
    coll = related.collective_level
    if settings.cap_head_by_collective and subject.is_head and coll is not None:
        if subject.newly_arrived_head:
            b.note("cap.head_newly_arrived")
        elif coll < Level.HTXSNV:
            b.limit(coll, "cap.head_le_collective", collective_level=coll, level=coll)


def _quarter_caps(b: _Builder, role: Role) -> None:
    """The local quarter rules (rules/quarters.py): the cap limits, the flag is a warning."""
    if role is Role.COLLECTIVE or not b.subject.quarter_levels:
        return
    for found in quarter_findings(b.subject.quarter_levels, b.ruleset, b.subject.id):
        if found.severity is Severity.ERROR:
            b.limits.append(Limit(Level.HTTNV, found))
        elif not b.quiet:
            b.notes.append(found)
