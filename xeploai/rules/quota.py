"""The HTXSNV quota per group of like subjects (rules.md §4.1; 366.md §4).

``allowed = round(ratio × base)`` with ``base`` = HTXSNV + HTTNV (default, as the published
reports count it) or HTTNV only, ``ratio`` = 20 % (25 % for a body the competent level has
declared outstanding, where the rule set allows it), rounding down by default; the
small-unit exception (where on) allows one HTXSNV in a group of fewer than 5 all rated HTTNV
or above.

>>> allowed_excellent(50, 20, Rounding.FLOOR), allowed_excellent(4, 20, Rounding.FLOOR)
(10, 0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from xeploai.rules.facts import Decision, SubjectKind
from xeploai.rules.levels import Level
from xeploai.rules.rulesets.base import MemberGrouping, QuotaBase, Rounding, RuleSet, Settings


@dataclass(frozen=True, slots=True, order=True)
class QuotaGroup:
    """A group of like subjects under one deciding body."""

    deciding_body: str
    kind: str
    group: str

    @property
    def label(self) -> str:
        """``body / kind / group``, as shown in reports."""
        return f"{self.deciding_body} / {self.kind} / {self.group}"

    @classmethod
    def from_label(cls, label: str) -> QuotaGroup | None:
        """The group a violation's ``group`` number names (its ``label``); None for a text
        that is not one.

        >>> QuotaGroup.from_label("u7 / DANG_VIEN / KHONG_CHUC_VU")
        QuotaGroup(deciding_body='u7', kind='DANG_VIEN', group='KHONG_CHUC_VU')
        >>> QuotaGroup.from_label("KHONG_CHUC_VU") is None
        True
        """
        parts = label.split(" / ", 2)
        if len(parts) != 3:
            return None
        return cls(*parts)


@dataclass(frozen=True, slots=True)
class QuotaSummary:
    """The counts of one quota group and what the quota allows."""

    group: QuotaGroup
    rated: int
    n_xs: int
    n_tt: int
    n_ht: int
    n_k: int
    base: int
    ratio_pct: int
    allowed: int
    small_unit: bool
    outstanding_unavailable: bool = False

    @property
    def label(self) -> str:
        """The group's label."""
        return self.group.label

    @property
    def ok(self) -> bool:
        """True when the group's HTXSNV count is within the quota."""
        return self.n_xs <= self.allowed


_COLUMN = {Level.HTXSNV: 1, Level.HTTNV: 2, Level.HTNV: 3, Level.KHTNV: 4}


def allowed_excellent(base: int, ratio_pct: int, rounding: Rounding) -> int:
    """How many HTXSNV ``ratio_pct`` % of ``base`` allows, in exact integer arithmetic."""
    product = ratio_pct * base
    if rounding is Rounding.FLOOR:
        return product // 100
    if rounding is Rounding.CEIL:
        return -(-product // 100)
    return (2 * product + 100) // 200


def group_allowed(
    counts: tuple[int, int, int, int],
    settings: Settings,
    *,
    quota_base: QuotaBase | None = None,
    ratio_pct: int | None = None,
    small_unit_exception: bool | None = None,
) -> tuple[int, int, bool]:
    """``(base, allowed, small_unit)`` for one group with ``counts`` = (HTXSNV, HTTNV, HTNV,
    KHTNV) under ``settings``; ``quota_base``, ``ratio_pct`` and ``small_unit_exception``
    override the settings' reading (a report option, an outstanding body, a period's choice).

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> settings = get_ruleset("366-2025").settings
    >>> group_allowed((11, 39, 0, 0), settings), group_allowed((1, 3, 0, 0), settings)
    ((50, 10, False), (4, 0, False))
    >>> group_allowed((1, 3, 0, 0), settings, small_unit_exception=True)
    (4, 1, True)
    """
    n_xs, n_tt, n_ht, n_k = counts
    rated = n_xs + n_tt + n_ht + n_k
    base_kind = settings.quota_base if quota_base is None else quota_base
    base = n_xs + n_tt if base_kind is QuotaBase.TTNV_OR_ABOVE else n_tt
    ratio = settings.quota_ratio_pct if ratio_pct is None else ratio_pct
    allowed = allowed_excellent(base, ratio, settings.rounding)
    exception = (
        settings.small_unit_exception if small_unit_exception is None else small_unit_exception
    )
    if exception and allowed < 1 and rated < settings.small_unit_size and n_xs + n_tt == rated:
        return base, 1, True
    return base, allowed, False


def quota_group(decision: Decision, ruleset: RuleSet) -> QuotaGroup:
    """The quota group of one decision: deciding body, kind of subject, and the subject's
    peer group (members: the excellence group, under THREE_GROUPS; ``CHUA_XAC_DINH`` when
    it is missing)."""
    subject = decision.subject
    kind = subject.kind
    if subject.peer_group:
        group = subject.peer_group
    elif kind in (SubjectKind.DANG_VIEN, SubjectKind.CN_LDQL):
        if ruleset.settings.member_grouping is MemberGrouping.SINGLE:
            group = "TAT_CA"
        elif subject.excellence_group is not None:
            group = subject.excellence_group.value
        else:
            group = "CHUA_XAC_DINH"
    else:
        group = "TAT_CA"
    return QuotaGroup(decision.deciding_body, kind.value, group)


def quota_summaries(
    decisions: Iterable[Decision],
    ruleset: RuleSet,
    outstanding_bodies: Collection[str] = frozenset(),
) -> tuple[QuotaSummary, ...]:
    """One summary per quota group over the rated ``decisions``, sorted by group."""
    counts: dict[QuotaGroup, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for decision in decisions:
        if decision.level is None:
            continue
        row = counts[quota_group(decision, ruleset)]
        row[0] += 1
        row[_COLUMN[decision.level]] += 1
    settings = ruleset.settings
    out = []
    for group in sorted(counts):
        rated, n_xs, n_tt, n_ht, n_k = counts[group]
        ratio = settings.quota_ratio_pct
        unavailable = False
        if group.deciding_body in outstanding_bodies:
            if settings.outstanding_ratio_pct is not None:
                ratio = settings.outstanding_ratio_pct
            else:
                unavailable = True
        base, allowed, small = group_allowed((n_xs, n_tt, n_ht, n_k), settings, ratio_pct=ratio)
        out.append(
            QuotaSummary(
                group, rated, n_xs, n_tt, n_ht, n_k, base, ratio, allowed, small, unavailable
            )
        )
    return tuple(out)
