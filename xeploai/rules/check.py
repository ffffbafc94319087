"""Check of a deciding body's whole set of decisions (rules.md §4.1, §4.6–§4.8, §6;
366.md §4, §5.3): eligibility, ceilings, required comments, quotas per group of like
subjects, ordering and preconditions.

One linear pass over the decisions plus one over the quota groups: 10,000 members' decisions
take a fraction of a second. The result does not depend on the order of the input.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xeploai.rules.ceiling import Ceiling, CeilingStatus, Related, ceiling
from xeploai.rules.eligibility import (
    Eligibility,
    comment_rule_key,
    eligibility,
    required_comments,
)
from xeploai.rules.errors import InvalidFacts
from xeploai.rules.explain import Number, Severity, Violation
from xeploai.rules.facts import Decision, Subject, SubjectKind
from xeploai.rules.levels import Level, NotRatedReason
from xeploai.rules.quota import QuotaSummary, quota_group, quota_summaries
from xeploai.rules.rulesets.base import RuleSet


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Every violation found (sorted, whatever the input order) and a quota summary per
    group of like subjects."""

    ruleset_key: str
    violations: tuple[Violation, ...]
    quotas: tuple[QuotaSummary, ...]

    @property
    def errors(self) -> tuple[Violation, ...]:
        """The violations of severity ERROR."""
        return tuple(v for v in self.violations if v.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """The violations of severity WARNING (need a human look, do not fail the check)."""
        return tuple(v for v in self.violations if v.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when no violation is an error."""
        return not self.errors


_PARENT_ORDER_KEY = {
    SubjectKind.DANG_VIEN: "order.members_before_org",
    SubjectKind.CN_LDQL: "order.members_before_org",
    SubjectKind.TT_CAP_UY: "order.committee_before_org",
    SubjectKind.TT_LDQL: "order.committee_before_org",
    SubjectKind.TCCSD: "order.lower_before_upper",
    SubjectKind.CHI_BO: "order.lower_before_upper",
}


class _Out:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.items: list[Violation] = []

    def add(
        self,
        key: str,
        subject: str | None,
        severity: Severity = Severity.ERROR,
        clause: str | None = None,
        /,
        **numbers: Number,
    ) -> None:
        self.items.append(
            Violation(
                key,
                self.ruleset.clause(key) if clause is None else clause,
                numbers,
                subject,
                severity,
            )
        )


def check_decisions(
    decisions: Iterable[Decision],
    ruleset: RuleSet,
    on: dt.date,
    *,
    year: int | None = None,
    outstanding_bodies: Collection[str] = frozenset(),
) -> CheckReport:
    """Check a deciding body's (or several bodies') whole set of decisions under ``ruleset``
    on date ``on`` for evaluation year ``year`` (default: the year of ``on``).

    ``outstanding_bodies`` lists the deciding bodies the competent level has declared
    outstanding (366: quota 25 % instead of 20 %).
    """
    return _check(list(decisions), ruleset, on, year, outstanding_bodies, about=None)


# What ``check_decision`` reads of a subject that is neither the one asked about nor its
# child: the id, kind, parent, quota group (``peer_group``, ``excellence_group``) and what
# decides whether it is rated.
OTHER_SUBJECT_FACTS = (
    "id",
    "kind",
    "parent_id",
    "peer_group",
    "excellence_group",
    "status",
    "absent",
    "admitted_on",
    "appointed_on",
    "established_on",
    "reorganized_on",
)


UNDECIDED_SHOWN = 5  # names shown in ``order.undecided_first``; the count says how many


def undecided_first(subject_id: str, waiting: Sequence[str], ruleset: RuleSet) -> Violation | None:
    """366 Đ.12 k.2.3 (124 Đ.11; 21-HD) seen before a decision: an organisation is rated
    after the subjects that come before it (its members; for a grassroots organisation also
    its committee collective and cells). ``waiting`` names those not yet decided (nor marked
    not rated); while any is, the organisation cannot be decided.

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> v = undecided_first("c1", ["An", "Bình"], get_ruleset("366-2025"))
    >>> v.key, v.clause, v.message_vi
    ('order.undecided_first', 'QĐ 366 Đ.12 k.2.3', 'Chưa thể quyết định: còn 2 đối tượng phải được xếp loại trước (An, Bình)')
    >>> undecided_first("c1", [], get_ruleset("366-2025")) is None
    True
    """
    if not waiting:
        return None
    names = ", ".join(waiting[:UNDECIDED_SHOWN]) + ("…" if len(waiting) > UNDECIDED_SHOWN else "")
    return Violation(
        "order.undecided_first",
        ruleset.clause("order.undecided_first"),
        {"n": len(waiting), "names": names},
        subject_id,
    )


def missing_comments(
    subject: Subject, ruleset: RuleSet, required: Iterable[str] | None = None
) -> tuple[Violation, ...]:
    """The required comments not on file for ``subject`` (``required``: those its eligibility
    requires, already known; else :func:`required_comments`), one violation each — what a
    decision on it is refused for, and what a cell must gather before it sends its file.

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> s = Subject("m1", SubjectKind.DANG_VIEN)
    >>> [(v.key, v.clause) for v in missing_comments(s, get_ruleset("366-2025"))]
    [('comment.residence', 'QĐ 366 Đ.17; QĐ 213-QĐ/TW Đ.3 k.4')]
    """
    if required is None:
        required = required_comments(subject, ruleset)
    found = []
    for comment in required:
        if comment in subject.comments_received:
            continue
        key = comment_rule_key(comment)
        numbers: dict[str, Any] = {"comment": comment, "issuer": ruleset.issuer}
        if key == "comment.transfer":  # its sentence says how long, and from how long
            numbers["months"] = subject.transfer_months_at_old_unit
            numbers["min_months"] = ruleset.settings.new_unit_months
        found.append(Violation(key, ruleset.clause(key), numbers, subject.id))
    return tuple(found)


def check_decision(
    subject_id: str,
    decisions: Iterable[Decision],
    ruleset: RuleSet,
    on: dt.date,
    *,
    year: int | None = None,
    outstanding_bodies: Collection[str] = frozenset(),
) -> CheckReport:
    """What :func:`check_decisions` finds about one subject of the set: the violations that
    name ``subject_id`` and the quota violations of its group (``quotas``: every group's, as
    there). For one decision among many, with the facts of few subjects.

    Only the checks that can name the subject are run in full: its own and those of the
    subjects whose ``parent_id`` it is (the ordering names the parent). Of every other
    decision the quota and the ordering read only its level, dates and deciding body, and of
    its subject the ``OTHER_SUBJECT_FACTS``: the id, kind, ``parent_id``, quota group and what
    decides whether it is rated. The caller may leave their other facts out.
    """
    return _check(list(decisions), ruleset, on, year, outstanding_bodies, about=subject_id)


def _check(
    decisions: list[Decision],
    ruleset: RuleSet,
    on: dt.date,
    year: int | None,
    outstanding_bodies: Collection[str],
    about: str | None,
) -> CheckReport:
    year = on.year if year is None else year
    out = _Out(ruleset)
    counts = Counter(d.subject.id for d in decisions)
    duplicates = {sid for sid, n in counts.items() if n > 1}
    for sid in sorted(duplicates):
        out.add("facts.duplicate", sid, Severity.ERROR, "", count=counts[sid], subject_id=sid)
    by_id = {d.subject.id: d for d in decisions if d.subject.id not in duplicates}
    levels = {sid: d.level for sid, d in by_id.items()}
    deadline = (
        ruleset.settings.rating_deadline.on(year) if ruleset.settings.rating_deadline else None
    )
    rated: list[Decision] = []
    for decision in by_id.values():
        subject = decision.subject
        if about is None or subject.id == about or subject.parent_id == about:
            counted = _check_one(decision, ruleset, on, year, by_id, levels, deadline, out)
        else:
            counted = _counted(decision, ruleset, on, year)
        if counted:
            rated.append(decision)
    summaries = quota_summaries(rated, ruleset, outstanding_bodies)
    for summary in summaries:
        if summary.small_unit:
            out.add(
                "quota.small_unit",
                None,
                Severity.INFO,
                group=summary.label,
                n=summary.rated,
                size=ruleset.settings.small_unit_size,
            )
        if summary.outstanding_unavailable:
            out.add(
                "quota.outstanding_unavailable",
                None,
                Severity.WARNING,
                ruleset=ruleset.key,
                ratio_pct=summary.ratio_pct,
                group=summary.label,
            )
        if summary.n_xs > summary.allowed:
            out.add(
                "quota.exceeded",
                None,
                Severity.ERROR,
                n_xs=summary.n_xs,
                ratio_pct=summary.ratio_pct,
                base=summary.base,
                allowed=summary.allowed,
                group=summary.label,
            )
    for decision in rated:
        group = quota_group(decision, ruleset)
        if decision.level is Level.HTXSNV and group.group == "CHUA_XAC_DINH":
            out.add("quota.group_missing", decision.subject.id)
    found = out.items
    if about is not None:
        target = by_id.get(about)
        label = quota_group(target, ruleset).label if target is not None else None
        found = [
            v
            for v in found
            if v.subject == about
            or (label is not None and v.subject is None and v.numbers.get("group") == label)
        ]
    violations = tuple(sorted(found, key=Violation.sort_key))
    return CheckReport(ruleset.key, violations, summaries)


def _counted(decision: Decision, ruleset: RuleSet, on: dt.date, year: int) -> bool:
    """Whether ``_check_one`` would count the decision for the quota: a level, and a subject
    that is rated (or absent, to be rated later)."""
    if decision.level is None:
        return False
    elig = eligibility(decision.subject, ruleset, on, year=year, notes=False)
    return elig.rated or elig.reason is NotRatedReason.VANG_MAT_CHUA_XL


def _check_one(
    decision: Decision,
    ruleset: RuleSet,
    on: dt.date,
    year: int,
    by_id: dict[str, Decision],
    levels: dict[str, Level | None],
    deadline: dt.date | None,
    out: _Out,
) -> bool:
    """Check one decision; True when it is a rating that counts for the quota."""
    subject = decision.subject
    sid = subject.id
    level = decision.level
    elig = eligibility(subject, ruleset, on, year=year, notes=False)
    if level is None:
        _check_unrated(decision, elig, on, out)
        return False
    if not elig.rated and elig.reason is not NotRatedReason.VANG_MAT_CHUA_XL:
        reason = elig.reason
        assert reason is not None
        out.add(
            "elig.rated_not_eligible",
            sid,
            decided=level,
            reason=reason,
            reason_vi=reason.label_vi,
            reason_en=reason.label_en,
        )
        return False
    if not decision.reviewed or (
        decision.reviewed_on and decision.decided_on and decision.reviewed_on > decision.decided_on
    ):
        out.add("order.review_before_rating", sid)
    out.items.extend(missing_comments(subject, ruleset, elig.required_comments))
    related = Related(
        organization_level=levels.get(subject.parent_id) if subject.parent_id else None,
        collective_level=levels.get(subject.collective_id)
        if subject.is_head and subject.collective_id
        else None,
    )
    try:
        result = ceiling(subject, ruleset, on, year=year, related=related, notes=False)
    except InvalidFacts as error:
        out.add("facts.invalid", sid, Severity.ERROR, "", **error.details(sid))
        return True
    _check_limits(decision, level, result, out)
    _check_order(decision, ruleset, by_id, deadline, out)
    return True


def _check_unrated(decision: Decision, elig: Eligibility, on: dt.date, out: _Out) -> None:
    """A decision without a level: an absent member past its deadline, or a subject that is
    rated left without a reason."""
    sid = decision.subject.id
    if elig.reason is NotRatedReason.VANG_MAT_CHUA_XL:
        if elig.pending_until is not None and on > elig.pending_until:
            out.add("elig.absent_overdue", sid, deadline=elig.pending_until, on=on)
    elif elig.rated:
        given = decision.not_rated_reason
        out.add("elig.not_rated_without_reason", sid, reason=given.value if given else "—")


def _check_limits(decision: Decision, level: Level, result: Ceiling, out: _Out) -> None:
    """A level above the ceiling (an error per limiting rule), above a soft limit (a warning
    each), or a gap left to the competent level without an override reason."""
    sid = decision.subject.id
    if level > result.level:
        for limit in result.limits:
            if limit.level < level:
                e = limit.explanation
                out.add(
                    e.key,
                    sid,
                    Severity.ERROR,
                    e.clause,
                    **e.numbers,
                    decided=level,
                    ceiling=result.level,
                )
    for soft in result.soft_limits:
        if level > soft.level:
            e = soft.explanation
            out.add(
                e.key,
                sid,
                Severity.WARNING,
                e.clause,
                **e.numbers,
                decided=level,
                ceiling=soft.level,
            )
    if result.status is CeilingStatus.NEEDS_DECISION and decision.override_reason is None:
        for e in result.decisions:
            out.add(e.key, sid, Severity.WARNING, e.clause, **e.numbers)


def _check_order(
    decision: Decision,
    ruleset: RuleSet,
    by_id: dict[str, Decision],
    deadline: dt.date | None,
    out: _Out,
) -> None:
    subject = decision.subject
    sid = subject.id
    when = decision.decided_on
    if subject.kind is SubjectKind.DANG_VIEN and subject.civil_servant:
        cs_on = subject.civil_service_rated_on
        if subject.civil_service_level is None:
            out.add(
                "order.civil_service_first",
                sid,
                detail_vi=" (chưa có kết quả)",
                detail_en=" (none on file)",
            )
        elif cs_on and when and cs_on > when:
            out.add(
                "order.civil_service_first",
                sid,
                detail_vi=f" (xếp loại công chức ngày {cs_on:%d/%m/%Y} sau ngày {when:%d/%m/%Y})",
                detail_en=f" (civil-servant rating {cs_on} is after {when})",
            )
    if subject.agency_required and ruleset.applies("order.agency_before_party"):
        agency_on = subject.agency_rated_on
        if subject.agency_level is None:
            out.add(
                "order.agency_before_party",
                sid,
                detail_vi=" (chưa có kết quả)",
                detail_en=" (none on file)",
            )
        elif agency_on and when and agency_on > when:
            out.add(
                "order.agency_before_party",
                sid,
                detail_vi=f" (ngày {agency_on:%d/%m/%Y} sau ngày {when:%d/%m/%Y})",
                detail_en=f" ({agency_on} is after {when})",
            )
    if when is None:
        return
    if deadline is not None and when > deadline:
        out.add("order.deadline", sid, Severity.WARNING, decided_on=when, deadline=deadline)
    parent = by_id.get(subject.parent_id) if subject.parent_id else None
    if parent is not None and parent.decided_on is not None and parent.decided_on < when:
        key = _PARENT_ORDER_KEY[subject.kind]
        if ruleset.applies(key):
            out.add(key, parent.subject.id, other=sid, other_on=when, on=parent.decided_on)
    collective = by_id.get(subject.collective_id) if subject.collective_id else None
    if (
        collective is not None
        and collective.decided_on is not None
        and collective.decided_on > when
    ):
        key = (
            "order.collective_before_head" if subject.is_head else "order.collective_before_members"
        )
        out.add(key, sid, other=collective.subject.id, other_on=collective.decided_on, on=when)
