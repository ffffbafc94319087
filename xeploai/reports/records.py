"""The standard statistics report's result types (rules.md §7): frozen dataclasses and named
tuples, built by ``compute.compute_report`` (or rebuilt from a snapshot by
``payload.from_payload``) and read by every renderer in ``formats/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from xeploai.lib.numbers import percent
from xeploai.org.models import Level, UnitKind
from xeploai.reviews.models import NOT_RATED_PREFIX, PENDING, SubjectKind

SCHEMA_VERSION = 1

# The four blocks in the order of the official report (rules.md §7.2).
BLOCKS: tuple[str, ...] = (
    SubjectKind.COMMITTEE,
    SubjectKind.GRASSROOTS,
    SubjectKind.CELL,
    SubjectKind.MEMBER,
)
LEVELS: tuple[str, ...] = (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)
TARGET_BLOCKS: tuple[str, ...] = (SubjectKind.GRASSROOTS, SubjectKind.MEMBER)  # rules.md §4.9
TARGET_RATE = Decimal(90)  # "trên 90%" rated HTTNV or above
SINGLE_GROUP_MIN = 5  # heuristic: a body with this many members rated in one group only


class Denominator(StrEnum):
    """Bases for the HTXSNV share (rules.md §7.1); the default is the one seed 004 prints."""

    TT_PLUS = "tt_plus"  # n_xs / (n_xs + n_tt): "so với số HTTNV" (HTTNV trở lên)
    RATED = "rated"  # n_xs / N: of all rated
    TT_ONLY = "tt_only"  # n_xs / n_tt: of HTTNV alone


class QuotaBase(StrEnum):
    """The base of the 20 % cap (rules.md §4.1 ``quota_base``)."""

    TT_PLUS = "tt_plus"  # HTXSNV ≤ 20 % × (HTXSNV + HTTNV)  (default)
    TT_ONLY = "tt_only"  # HTXSNV ≤ 20 % × HTTNV


@dataclass(frozen=True)
class Options:
    denominator: Denominator = Denominator.TT_PLUS
    quota_base: QuotaBase = QuotaBase.TT_PLUS


# The level buckets as plain strings: faster dictionary keys than the enum members.
_XS, _TT, _HT, _K = (str(level) for level in LEVELS)
_KNOWN = frozenset({_XS, _TT, _HT, _K, PENDING})


class Counts(NamedTuple):
    """One population's buckets (``N_total`` … ``n_k`` of rules.md §7.1).

    A named tuple rather than a frozen dataclass: hundreds are built per report (every block
    of every child, two years) and a tuple is several times cheaper to make.
    """

    total: int = 0
    pending: int = 0
    not_rated: tuple[tuple[str, int], ...] = ()  # (reason code, n), reasons sorted
    xs: int = 0
    tt: int = 0
    ht: int = 0
    k: int = 0

    @classmethod
    def from_buckets(cls, buckets: dict[str, int]) -> Counts:
        # Runs for every block of every child, twice, on every page view: dictionary lookups
        # of plain-string keys, and a loop only when some subjects were not rated.
        get = buckets.get
        xs, tt, ht, k = get(_XS, 0), get(_TT, 0), get(_HT, 0), get(_K, 0)
        pending = get(PENDING, 0)
        total = sum(buckets.values())
        if total == xs + tt + ht + k + pending:
            return cls(total, pending, (), xs, tt, ht, k)
        reasons = sorted(
            (bucket.removeprefix(NOT_RATED_PREFIX), n)
            for bucket, n in buckets.items()
            if n and bucket not in _KNOWN
        )
        return cls(total, pending, tuple(reasons), xs, tt, ht, k)

    @property
    def rated(self) -> int:
        """Subjects with a decided level (``N``); pending ones are neither rated nor excused."""
        return self.xs + self.tt + self.ht + self.k

    @property
    def decided(self) -> int:
        """Subjects decided: rated, or not rated for a reason; the shares are over the rated
        among them, and ``decided``/``total`` says how much of the year they stand for."""
        return self.total - self.pending

    @property
    def complete(self) -> bool:
        """Every subject decided: the year's figures are final."""
        return self.pending == 0

    @property
    def not_rated_total(self) -> int:
        return sum(n for _, n in self.not_rated)

    @property
    def tt_plus(self) -> int:
        return self.xs + self.tt

    @property
    def rated_share(self) -> Decimal | None:
        return percent(self.rated, self.total)

    @property
    def not_rated_share(self) -> Decimal | None:
        return percent(self.not_rated_total, self.total)

    @property
    def tt_plus_rate(self) -> Decimal | None:
        return percent(self.tt_plus, self.rated)

    @property
    def ht_rate(self) -> Decimal | None:
        return percent(self.ht, self.rated)

    @property
    def k_rate(self) -> Decimal | None:
        return percent(self.k, self.rated)

    def xs_share(self, denominator: Denominator = Denominator.TT_PLUS) -> Decimal | None:
        base = {
            Denominator.TT_PLUS: self.tt_plus,
            Denominator.RATED: self.rated,
            Denominator.TT_ONLY: self.tt,
        }[denominator]
        return percent(self.xs, base)

    def level_count(self, level: str) -> int:
        by_level: dict[str, int] = {
            Level.HTXSNV: self.xs,
            Level.HTTNV: self.tt,
            Level.HTNV: self.ht,
            Level.KHTNV: self.k,
        }
        return by_level[level]


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Percentage points between two printed rates (rules.md §7: ``rate_Y − rate_{Y−1}``).

    None when either year has no base (nothing rated yet): there is nothing to compare.
    A zero count is a rate of 0,00 % and compares normally ("không có … (giảm 1,33%)").
    """
    if current is None or previous is None:
        return None
    return current - previous


class Block(NamedTuple):
    kind: str
    current: Counts
    previous: Counts | None = None

    def _change(self, rate: str) -> Decimal | None:
        if self.previous is None:
            return None
        return change(getattr(self.current, rate), getattr(self.previous, rate))

    @property
    def provisional(self) -> bool:
        """Some subject of this year (or of the year compared with) is still undecided: the
        shares and the change are "tạm tính", not the year's result (rules.md §7)."""
        return not self.current.complete or (
            self.previous is not None and not self.previous.complete
        )

    @property
    def tt_plus_change(self) -> Decimal | None:
        return self._change("tt_plus_rate")

    @property
    def ht_change(self) -> Decimal | None:
        return self._change("ht_rate")

    @property
    def k_change(self) -> Decimal | None:
        return self._change("k_rate")

    @property
    def label(self) -> str:
        return str(SubjectKind(self.kind).label)


class UnitRef(NamedTuple):
    """A unit as the report names it. This and the other per-child records (``ChildRow``,
    ``UnratedUnit``, ``UnitProgress``) are named tuples, like ``Counts``: dozens of each are
    made per report, and a frozen dataclass costs several times more to build."""

    code: str
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind


@dataclass(frozen=True)
class Basis:
    """What a unit's figures of last year are on today's tree, when not simply its own
    (issue 16 §3): the sum with the predecessors ``merged`` into it (mergers, hand-overs on
    dissolution), and the ``unfollowed`` blocks — no comparison, "—" — because part of a
    ``split`` predecessor's results of last year cannot be followed to it."""

    merged: tuple[UnitRef, ...] = ()
    split: tuple[UnitRef, ...] = ()
    unfollowed: tuple[str, ...] = ()


class ChildRow(NamedTuple):
    unit: UnitRef
    blocks: tuple[Block, ...]
    basis: Basis | None = None

    def block(self, kind: str) -> Block:
        return next(b for b in self.blocks if b.kind == kind)


class QuotaFinding(NamedTuple):
    """A deciding body's pool whose HTXSNV exceeds the cap (rules.md §4.1). A named tuple,
    like the per-child records: a wide unit's report finds hundreds."""

    decider: UnitRef
    block: str
    group: str
    xs: int
    tt: int
    rated: int
    base: int
    allowed: int
    small_unit: bool

    @property
    def share(self) -> Decimal | None:
        return percent(self.xs, self.base)


class GroupFinding(NamedTuple):
    """A body that did not apply the three member groups (see ``_group_findings``)."""

    decider: UnitRef
    reason: str  # "single_group" | "pooled"
    groups: tuple[tuple[str, int, int], ...]  # (group, HTXSNV, rated)


class UnratedUnit(NamedTuple):
    """An organization subject without a level: pending, or not rated with a reason."""

    unit: UnitRef
    block: str
    reason: str  # "" = pending (not decided yet), else the NotRatedReason code


class UnitProgress(NamedTuple):
    """A child unit's subjects still without a decision: members and cells (decided by the
    grassroots committees) and grassroots organizations and committees (decided above)."""

    unit: UnitRef
    pending_lower: int
    pending_upper: int

    @property
    def done(self) -> bool:
        return self.pending_lower == 0 and self.pending_upper == 0


@dataclass(frozen=True)
class Progress:
    """How many child units have every decision in their subtree made, against the deadlines."""

    as_of: dt.date
    grassroots_due: dt.date | None
    upper_due: dt.date | None
    units: tuple[UnitProgress, ...]

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def done(self) -> int:
        return sum(1 for u in self.units if u.done)

    @property
    def share(self) -> Decimal | None:
        return percent(self.done, self.total)

    def is_overdue(self, unit: UnitProgress) -> bool:
        def late(due: dt.date | None) -> bool:
            return due is not None and due < self.as_of

        return bool(
            (unit.pending_lower and late(self.grassroots_due))
            or (unit.pending_upper and late(self.upper_due))
        )

    @property
    def overdue(self) -> tuple[UnitProgress, ...]:
        return tuple(u for u in self.units if self.is_overdue(u))

    @property
    def open(self) -> tuple[UnitProgress, ...]:
        return tuple(u for u in self.units if not u.done)


class TargetStatus(StrEnum):
    NO_DATA = "no_data"  # nothing rated yet
    PENDING = "pending"  # not all decided and the decision deadline not passed: no verdict
    MET = "met"
    NOT_MET = "not_met"


@dataclass(frozen=True)
class Target:
    block: str
    rate: Decimal | None
    decided: int = 0
    total: int = 0
    due: dt.date | None = None  # the decision deadline of the block's subjects
    as_of: dt.date | None = None

    @property
    def met(self) -> bool:
        return self.rate is not None and self.rate > TARGET_RATE

    @property
    def provisional(self) -> bool:
        """Some subject still undecided: the rate is "tạm tính"."""
        return self.decided < self.total

    @property
    def status(self) -> TargetStatus:
        """No "not achieved" while decisions are still open before their deadline: a rate over
        the few decided so far says nothing of the year (issue 15 §8)."""
        if self.rate is None:
            return TargetStatus.NO_DATA
        if self.met:
            return TargetStatus.MET
        before_deadline = self.due is None or self.as_of is None or self.as_of <= self.due
        if self.provisional and before_deadline:
            return TargetStatus.PENDING
        return TargetStatus.NOT_MET


@dataclass(frozen=True)
class PeriodRef:
    year: int
    name: str
    previous_year: int | None


class NoComparison(StrEnum):
    """Why a comparison of a quarter report shows "—" (issue 18 §3)."""

    NO_ROUND = "no_round"  # no round of that period covers the unit
    NO_SUBJECTS = "no_subjects"  # the round had none of this block's subjects
    UNDECIDED = "undecided"  # its subjects are there, none decided yet
    UNFOLLOWED = "unfollowed"  # last year's results cannot be followed after a split


class CompareWith(StrEnum):
    PREVIOUS_QUARTER = "previous_quarter"  # "so với quý trước"
    SAME_QUARTER = "same_quarter"  # "so với cùng kỳ năm trước"


class Comparison(NamedTuple):
    """One block of a quarter compared with one other period: ``block.current`` is this
    quarter, ``block.previous`` the other period's counts (None: "—" for ``reason``)."""

    with_: CompareWith
    name: str  # "Quý 2/2026"
    block: Block
    reason: NoComparison | None = None

    @property
    def counts(self) -> Counts | None:
        return None if self.reason is not None else self.block.previous


@dataclass(frozen=True)
class QuarterRef:
    """A quarter report's second comparison (issue 18 §3): the report's blocks compare with the
    same quarter a year earlier, these counts (in ``BLOCKS`` order) are the previous quarter's.
    ``previous_found`` is False when no round of the previous quarter covers the unit."""

    quarter: int
    previous_name: str
    previous_found: bool
    same_name: str
    previous: tuple[Counts, ...] = ()


def _compared(
    with_: CompareWith, name: str, block: Block, missing: NoComparison | None
) -> Comparison:
    if missing is None and block.previous is not None and not block.previous.rated:
        # nothing decided in that period yet (or nobody rated in it): no rate to compare
        missing = NoComparison.UNDECIDED if block.previous.pending else NoComparison.NO_SUBJECTS
    return Comparison(with_, name, block, missing)


@dataclass(frozen=True)
class Report:
    unit: UnitRef
    period: PeriodRef
    as_of: dt.date
    options: Options
    blocks: tuple[Block, ...]
    children: tuple[ChildRow, ...] = ()
    quota_findings: tuple[QuotaFinding, ...] = ()
    group_findings: tuple[GroupFinding, ...] = ()
    unrated_units: tuple[UnratedUnit, ...] = ()
    progress: Progress | None = None
    version: int = SCHEMA_VERSION
    basis: Basis | None = None
    quarter: QuarterRef | None = None  # set on a quarter report (``reports.quarterly``)

    def block(self, kind: str) -> Block:
        return next(b for b in self.blocks if b.kind == kind)

    def comparisons(self, kind: str) -> tuple[Comparison, Comparison]:
        """A quarter report's block ``kind`` compared with the previous quarter and with the
        same quarter a year earlier ("—" with the reason where there is nothing to compare)."""
        quarter = self.quarter
        assert quarter is not None, "only a quarter report has two comparisons"
        block = self.block(kind)
        earlier = quarter.previous[BLOCKS.index(kind)] if quarter.previous else Counts()
        by_quarter = Block(kind, block.current, earlier if earlier.total else None)
        previous_missing = (
            NoComparison.NO_ROUND
            if not quarter.previous_found
            else None
            if earlier.total
            else NoComparison.NO_SUBJECTS
        )
        unfollowed = self.basis is not None and kind in self.basis.unfollowed
        same_missing = (
            None
            if block.previous is not None
            else NoComparison.NO_ROUND
            if self.period.previous_year is None
            else NoComparison.UNFOLLOWED
            if unfollowed
            else NoComparison.NO_SUBJECTS
        )
        return (
            _compared(
                CompareWith.PREVIOUS_QUARTER, quarter.previous_name, by_quarter, previous_missing
            ),
            _compared(CompareWith.SAME_QUARTER, quarter.same_name, block, same_missing),
        )

    @property
    def provisional(self) -> bool:
        """Some block still has undecided subjects (this year or the year compared with)."""
        return any(b.provisional for b in self.blocks)

    @property
    def targets(self) -> tuple[Target, ...]:
        progress = self.progress
        due: dict[str, dt.date | None] = {
            SubjectKind.MEMBER: progress.grassroots_due if progress else None,
            SubjectKind.GRASSROOTS: progress.upper_due if progress else None,
        }
        return tuple(
            Target(
                kind,
                (counts := self.block(kind).current).tt_plus_rate,
                decided=counts.decided,
                total=counts.total,
                due=due.get(kind),
                as_of=self.as_of,
            )
            for kind in TARGET_BLOCKS
        )
