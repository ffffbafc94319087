"""Local rule sets: a province, a bloc or a grassroots committee layers its own rules on a
central rule set — sub-criteria points (366), stricter quotas, extra required comments, its
own deadlines. The engine refuses a local rule set that loosens a central rule and names
each one (:class:`~xeploai.rules.errors.LoosensCentralRule`).

>>> from xeploai.rules.rulesets import get_ruleset
>>> central = get_ruleset("124-2023")
>>> layer(central, LocalRuleSet("TV-2024", "Tỉnh ủy Trà Vinh", "124-2023", quota_ratio_pct=15)
...       ).settings.quota_ratio_pct
15
>>> layer(central, LocalRuleSet("X", "X", "124-2023", quota_ratio_pct=30))
Traceback (most recent call last):
...
xeploai.rules.errors.LoosensCentralRule: Bộ quy định địa phương X bị từ chối ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from xeploai.rules.errors import InvalidRuleSet, Loosening, LoosensCentralRule, RuleError
from xeploai.rules.facts import Role
from xeploai.rules.levels import Level
from xeploai.rules.rulesets.base import (
    BallotRule,
    CivilServiceLink,
    Deadline,
    GapPolicy,
    MemberGrouping,
    NewMemberPolicy,
    QuotaBase,
    Rounding,
    RuleSet,
    Scale,
    SelfRemediedPolicy,
    SubCriterion,
)


@dataclass(frozen=True)
class LocalRuleSet:
    """What a lower level may set. ``None`` means "as the central rule set"."""

    key: str
    issuer: str
    base_key: str
    quota_ratio_pct: int | None = None
    outstanding_ratio_pct: int | None = None
    quota_base: QuotaBase | None = None
    rounding: Rounding | None = None
    small_unit_exception: bool | None = None
    member_grouping: MemberGrouping | None = None
    gap_policy: GapPolicy | None = None
    cap_head_by_collective: bool | None = None
    cap_committee_by_organization: bool | None = None
    civil_service_link: CivilServiceLink | None = None
    new_member_policy: NewMemberPolicy | None = None
    self_remedied: SelfRemediedPolicy | None = None
    individual_httnv_requires_all_tasks: bool | None = None
    quarter_khtnv_caps_year: bool | None = None
    quarter_khtnv_twice_flags: bool | None = None
    ballot: BallotRule | None = None
    absent_deadline: Deadline | None = None
    rating_deadline: Deadline | None = None
    score_bands: Mapping[Level, float] = field(default_factory=dict)
    sub_criteria: Mapping[Role, tuple[SubCriterion, ...]] = field(default_factory=dict)
    extra_required_comments: tuple[str, ...] = ()
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)


def _rank(order: tuple[Any, ...]) -> Callable[[Any], int]:
    return order.index


# For each setting: the rule key it belongs to and its order from loosest to strictest.
_ORDERS: dict[str, tuple[str, Callable[[Any], int]]] = {
    "quota_base": ("quota.exceeded", _rank((QuotaBase.TTNV_OR_ABOVE, QuotaBase.TTNV_ONLY))),
    "rounding": ("quota.exceeded", _rank((Rounding.CEIL, Rounding.HALF_UP, Rounding.FLOOR))),
    "small_unit_exception": ("quota.small_unit", _rank((True, False))),
    "member_grouping": (
        "quota.exceeded",
        _rank((MemberGrouping.SINGLE, MemberGrouping.THREE_GROUPS)),
    ),
    "gap_policy": (
        "gap.needs_decision",
        _rank((GapPolicy.FALLBACK_HTNV, GapPolicy.NEEDS_DECISION, GapPolicy.FALLBACK_KHTNV)),
    ),
    "cap_head_by_collective": ("cap.head_le_collective", _rank((False, True))),
    "cap_committee_by_organization": ("cap.committee_le_org", _rank((False, True))),
    "civil_service_link": (
        "cap.civil_service",
        _rank((CivilServiceLink.OFF, CivilServiceLink.BASIS_WARN, CivilServiceLink.HARD)),
    ),
    "new_member_policy": (
        "elig.new_member",
        _rank((NewMemberPolicy.NOT_REVIEWED, NewMemberPolicy.REVIEWED_NOT_RATED)),
    ),
    "self_remedied": (
        "khtnv.discipline",
        _rank(
            (
                SelfRemediedPolicy.EXEMPT,
                SelfRemediedPolicy.COMPETENT_LEVEL_DECIDES,
                SelfRemediedPolicy.NOT_RECOGNISED,
            )
        ),
    ),
    "individual_httnv_requires_all_tasks": ("cond.tasks_all_done", _rank((False, True))),
    "quarter_khtnv_caps_year": ("cap.quarter_khtnv", _rank((False, True))),
    "quarter_khtnv_twice_flags": ("flag.quarter_khtnv_twice", _rank((False, True))),
}


_Found = tuple[str, str, object, object]  # setting, rule key, central value, local value


def _ballot_loosenings(c: BallotRule, b: BallotRule) -> list[_Found]:
    """A lower (or no longer strict) threshold or quorum, or votes added up where the central
    rule does not."""
    found: list[_Found] = []
    if b.threshold < c.threshold or (b.threshold == c.threshold and c.strict and not b.strict):
        found.append(("ballot.threshold", "ballot.threshold", c.threshold, b.threshold))
    if b.quorum < c.quorum or (b.quorum == c.quorum and c.quorum_strict and not b.quorum_strict):
        found.append(("ballot.quorum", "ballot.quorum", c.quorum, b.quorum))
    if b.cumulative and not c.cumulative:
        found.append(("ballot.cumulative", "ballot.threshold", c.cumulative, b.cumulative))
    return found


def _deadline_loosenings(central: RuleSet, local: LocalRuleSet) -> list[_Found]:
    """A deadline later than the central one (compared within one year)."""
    found: list[_Found] = []
    settings = central.settings
    for name, rule_key in (
        ("absent_deadline", "elig.absent"),
        ("rating_deadline", "order.deadline"),
    ):
        mine, theirs = getattr(local, name), getattr(settings, name)
        if mine is not None and theirs is not None and mine.on(2000) > theirs.on(2000):
            found.append((name, rule_key, theirs, mine))
    for name, mine in local.deadlines.items():
        theirs = central.deadlines.get(name)
        if theirs is not None and mine.on(2000) > theirs.on(2000):
            found.append((f"deadlines.{name}", "order.deadline", theirs, mine))
    return found


def loosenings(central: RuleSet, local: LocalRuleSet) -> tuple[Loosening, ...]:
    """Every central rule that ``local`` would loosen (empty when it only tightens)."""
    found: list[Loosening] = []
    settings = central.settings

    def loose(setting: str, rule_key: str, central_value: object, local_value: object) -> None:
        found.append(
            Loosening(
                setting, rule_key, central.clause(rule_key), str(central_value), str(local_value)
            )
        )

    for name, (rule_key, rank) in _ORDERS.items():
        value = getattr(local, name)
        if value is not None and rank(value) < rank(getattr(settings, name)):
            loose(name, rule_key, getattr(settings, name), value)
    if local.quota_ratio_pct is not None and local.quota_ratio_pct > settings.quota_ratio_pct:
        loose("quota_ratio_pct", "quota.exceeded", settings.quota_ratio_pct, local.quota_ratio_pct)
    if local.outstanding_ratio_pct is not None:
        allowed = settings.outstanding_ratio_pct
        if allowed is None or local.outstanding_ratio_pct > allowed:
            loose("outstanding_ratio_pct", "quota.exceeded", allowed, local.outstanding_ratio_pct)
    if local.ballot is not None:
        for found_one in _ballot_loosenings(settings.ballot, local.ballot):
            loose(*found_one)
    for found_one in _deadline_loosenings(central, local):
        loose(*found_one)
    bands = dict(central.score_bands)
    for level, floor in local.score_bands.items():
        if level in bands and floor < bands[level]:
            loose(f"score_bands.{level.name}", "score.band", bands[level], floor)
    return tuple(found)


def layer(central: RuleSet, local: LocalRuleSet) -> RuleSet:
    """The rule set ``local`` layered on ``central``; raises
    :class:`~xeploai.rules.errors.LoosensCentralRule` if it loosens anything, and
    :class:`~xeploai.rules.errors.InvalidRuleSet` if it is inconsistent (sub-criteria that do
    not add up to 30 and 70, points on a graded rule set, score bands on one)."""
    if local.base_key != central.key:
        raise RuleError(
            f"{local.key} dựa trên {local.base_key}, không phải {central.key}",
            f"{local.key} is based on {local.base_key}, not {central.key}",
        )
    if central.scale is not Scale.POINTS and (local.sub_criteria or local.score_bands):
        raise InvalidRuleSet(
            f"{local.key}: {central.key} đánh giá theo mức tiêu chí, không theo điểm",
            f"{local.key}: {central.key} grades criteria; it has no points to fill in",
        )
    unknown = set(local.score_bands) - {level for level, _ in central.score_bands}
    if unknown:
        raise InvalidRuleSet(
            f"{local.key}: khung điểm không có mức {sorted(u.name for u in unknown)}",
            f"{local.key}: no score band for {sorted(u.name for u in unknown)}",
        )
    found = loosenings(central, local)
    if found:
        raise LoosensCentralRule(local.key, found)
    changes = {
        f.name: getattr(local, f.name)
        for f in fields(central.settings)
        if hasattr(local, f.name) and getattr(local, f.name) is not None
    }
    touched = {_ORDERS[name][0] for name in changes if name in _ORDERS}
    touched |= (
        {"quota.exceeded"} if {"quota_ratio_pct", "outstanding_ratio_pct"} & set(changes) else set()
    )
    clauses = dict(central.clauses)
    for key in touched:
        clauses[key] = f"{central.clause(key)}; {local.issuer} ({local.key})".lstrip("; ")
    if local.extra_required_comments:
        clauses["comment.local_extra"] = f"{local.issuer} ({local.key})"
    bands = tuple(
        (level, max(floor, local.score_bands.get(level, floor)))
        for level, floor in central.score_bands
    )
    return replace(
        central,
        key=local.key,
        issuer=local.issuer,
        base_key=central.key,
        settings=replace(central.settings, **changes),
        clauses=clauses,
        score_bands=bands,
        sub_criteria={**central.sub_criteria, **local.sub_criteria},
        extra_required_comments=tuple(
            dict.fromkeys(central.extra_required_comments + local.extra_required_comments)
        ),
        deadlines={**central.deadlines, **local.deadlines},
    )
