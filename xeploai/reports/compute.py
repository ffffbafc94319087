"""The standard statistics report (rules.md §7), computed once into frozen dataclasses.

Only the statistics tables are read (``UnitStat`` for the blocks and the drill-down, ``PoolStat``
for the quota findings), so the number of queries is the same for a cell and for a province:
``compute_report`` runs ``QUERIES`` queries whatever the size of the subtree.

Every renderer (html, json, xlsx, docx, pdf) takes the ``Report`` built here; a snapshot stores
``to_payload(report)`` and rebuilds the same ``Report`` with ``from_payload``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from xeploai import rules
from xeploai.cycles.models import Period, Step
from xeploai.lib.numbers import percent
from xeploai.org.models import Level, OrgUnit, UnitKind
from xeploai.reports import fetch
from xeploai.reports.models import NOT_RATED_PREFIX, PENDING
from xeploai.reviews.models import SubjectKind

SCHEMA_VERSION = 1
QUERIES = 4  # what compute_report costs, pinned by tests/test_compute.py

# The four blocks in the order of the official report (rules.md §7.2).
BLOCKS: tuple[str, ...] = (
    SubjectKind.COMMITTEE,
    SubjectKind.GRASSROOTS,
    SubjectKind.CELL,
    SubjectKind.MEMBER,
)
LEVELS: tuple[str, ...] = (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)
# positions in BLOCKS (``_blocks`` always returns the four in this order)
_COMMITTEE, _GRASSROOTS, _CELL, _MEMBER = range(4)
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
_LEVEL_INDEX = {_XS: 0, _TT: 1, _HT: 2, _K: 3}
_MEMBER_BLOCK = str(SubjectKind.MEMBER)
_SLOT = {PENDING: 1, _XS: 2, _TT: 3, _HT: 4, _K: 5}  # positions in ``_read_counts``'s lists


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


@dataclass(frozen=True)
class UnitRef:
    code: str
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind


@dataclass(frozen=True)
class ChildRow:
    unit: UnitRef
    blocks: tuple[Block, ...]

    def block(self, kind: str) -> Block:
        return next(b for b in self.blocks if b.kind == kind)


@dataclass(frozen=True)
class QuotaFinding:
    """A deciding body's pool whose HTXSNV exceeds the cap (rules.md §4.1)."""

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


@dataclass(frozen=True)
class GroupFinding:
    """A body that did not apply the three member groups (see ``_group_findings``)."""

    decider: UnitRef
    reason: str  # "single_group" | "pooled"
    groups: tuple[tuple[str, int, int], ...]  # (group, HTXSNV, rated)


@dataclass(frozen=True)
class UnratedUnit:
    """An organization subject without a level: pending, or not rated with a reason."""

    unit: UnitRef
    block: str
    reason: str  # "" = pending (not decided yet), else the NotRatedReason code


@dataclass(frozen=True)
class UnitProgress:
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


@dataclass(frozen=True)
class Target:
    block: str
    rate: Decimal | None

    @property
    def met(self) -> bool:
        return self.rate is not None and self.rate > TARGET_RATE


@dataclass(frozen=True)
class PeriodRef:
    year: int
    name: str
    previous_year: int | None


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

    def block(self, kind: str) -> Block:
        return next(b for b in self.blocks if b.kind == kind)

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(Target(kind, self.block(kind).current.tt_plus_rate) for kind in TARGET_BLOCKS)


# ---- computation ----------------------------------------------------------------------------


def _own_blocks(kind: str) -> tuple[str, ...]:
    """The blocks in which a unit of ``kind`` is itself the subject."""
    if kind == UnitKind.CELL:
        return (SubjectKind.CELL,)
    if kind in UnitKind.grassroots():
        return (SubjectKind.GRASSROOTS, SubjectKind.COMMITTEE)
    return ()


def _sort_key(name: str) -> bytes:
    """Vietnamese alphabetical order, accents ignored ("Đ" with "D"), cheaply."""
    return unicodedata.normalize("NFD", name.lower().replace("đ", "d")).encode("ascii", "ignore")


_NO_COUNTS = Counts()
UnitCounts = dict[str, dict[str, Counts]]  # path → block → counts


def _read_counts(
    rows: list[tuple[int, str, str, str, int]], this_year: int
) -> tuple[UnitCounts, UnitCounts]:
    """This year's and the previous year's counts per unit and block, from the statistics
    rows in any order: one pass filling a list per (period, path, block), then one ``Counts``
    each (this runs for every block of every child, two years, on every page view)."""
    # [total, pending, HTXSNV, HTTNV, HTNV, KHTNV, not-rated reasons]
    acc: dict[tuple[int, str, str], list[Any]] = {}
    for period_id, path, block, bucket, n in rows:
        sums = acc.get((period_id, path, block))
        if sums is None:
            sums = acc[(period_id, path, block)] = [0, 0, 0, 0, 0, 0, None]
        sums[0] += n
        slot = _SLOT.get(bucket)
        if slot is not None:
            sums[slot] = n
        elif n:
            reason = (bucket.removeprefix(NOT_RATED_PREFIX), n)
            if sums[6] is None:
                sums[6] = [reason]
            else:
                sums[6].append(reason)
    current: UnitCounts = {}
    before: UnitCounts = {}
    for (period_id, path, block), (total, pending, xs, tt, ht, k, reasons) in acc.items():
        target = current if period_id == this_year else before
        unit_blocks = target.get(path)
        if unit_blocks is None:
            unit_blocks = target[path] = {}
        not_rated = tuple(sorted(reasons)) if reasons else ()
        unit_blocks[block] = Counts(total, pending, not_rated, xs, tt, ht, k)
    return current, before


def _blocks(current: dict[str, Counts], previous: dict[str, Counts] | None) -> tuple[Block, ...]:
    """The four blocks; a block the previous year did not have gets no comparison."""
    get = current.get
    if previous is None:
        return tuple(Block(kind, get(kind, _NO_COUNTS), None) for kind in BLOCKS)
    result = []
    for kind in BLOCKS:
        before = previous.get(kind, _NO_COUNTS)
        result.append(Block(kind, get(kind, _NO_COUNTS), before if before.total else None))
    return tuple(result)


def _unrated_buckets(counts: Counts) -> list[str]:
    """The not-rated reasons of a block with subjects in them, sorted, then "" when some are
    pending (the order of their bucket names)."""
    found = [reason for reason, n in counts.not_rated if n]
    if counts.pending:
        found.append("")
    return found


Levels4 = tuple[int, int, int, int]  # HTXSNV, HTTNV, HTNV, KHTNV of one pool

_RULES_BASE = {
    "tt_plus": rules.QuotaBase.TTNV_OR_ABOVE,
    "tt_only": rules.QuotaBase.TTNV_ONLY,
}


@dataclass(frozen=True)
class _Quota:
    """The period's rule set's quota, read with the report's base and the period's choice of
    the small-unit exception (the quota itself lives in ``xeploai.rules.quota``)."""

    settings: rules.Settings
    quota_base: QuotaBase
    small_exception: bool

    def allowed(self, levels: Levels4) -> tuple[int, int, bool]:
        """``(base, allowed, small_unit)`` of one pool."""
        return rules.group_allowed(
            levels,
            self.settings,
            quota_base=_RULES_BASE[self.quota_base],
            small_unit_exception=self.small_exception,
        )


def _group_findings(
    member_pools: dict[str, dict[str, Levels4]],
    refs: dict[str, UnitRef],
    quota: _Quota,
) -> list[GroupFinding]:
    """Bodies that did not apply the three member groups (rules.md §4.1, seed 004).

    Heuristic, from the quota pools only:
    - ``single_group``: every member subject of the body sits in one group (or none was
      recorded) while the body has at least ``SINGLE_GROUP_MIN`` rated members — a body that
      size always has someone holding a post, so the groups were not used;
    - ``pooled``: the body's HTXSNV fit 20 % of its members taken together, yet some group
      exceeds its own cap — the cap was applied over the whole body, not group by group.
    """

    def summary(groups: dict[str, Levels4]) -> tuple[tuple[str, int, int], ...]:
        return tuple(sorted((group, b[0], sum(b)) for group, b in groups.items()))

    findings: list[GroupFinding] = []
    for path, groups in member_pools.items():
        if len(groups) == 1:
            if sum(next(iter(groups.values()))) >= SINGLE_GROUP_MIN:
                findings.append(GroupFinding(refs[path], "single_group", summary(groups)))
            continue
        if not any(b[0] > quota.allowed(b)[1] for b in groups.values()):
            continue
        pooled: Levels4 = (
            sum(b[0] for b in groups.values()),
            sum(b[1] for b in groups.values()),
            sum(b[2] for b in groups.values()),
            sum(b[3] for b in groups.values()),
        )
        if pooled[0] <= quota.allowed(pooled)[1]:
            findings.append(GroupFinding(refs[path], "pooled", summary(groups)))
    findings.sort(key=lambda f: f.decider.code)
    return findings


def compute_report(
    unit: OrgUnit, period: Period, *, as_of: dt.date, options: Options | None = None
) -> Report:
    """The report of ``unit``'s subtree for ``period``, compared with the year before.

    ``as_of`` is the date the progress is judged at (deadlines passed or not).
    """
    options = options or Options()
    quota = _Quota(
        rules.get_ruleset(period.ruleset).settings,
        options.quota_base,
        period.small_unit_exception,
    )
    # query 1: the previous period to compare with, and this period's decision deadlines
    previous, due = fetch.period_context(
        period, unit, [Step.GRASSROOTS_DECISION, Step.UPPER_DECISION]
    )
    period_ids = [period.pk] if previous is None else [period.pk, previous[0]]
    # query 2: the children's codes and names; query 3: this year's and the previous year's
    # counts of the unit and its children, together
    names = {path: UnitRef(code, name, kind) for path, code, name, kind in fetch.children(unit)}
    current, before = _read_counts(fetch.unit_and_children_stats(period_ids, unit), period.pk)
    child_refs = {path: names[path] for path in current if path != unit.path and path in names}
    compare = previous is not None

    blocks = _blocks(current.get(unit.path, {}), before.get(unit.path) if compare else None)
    ordered = sorted(child_refs, key=lambda p: (_sort_key(child_refs[p].name), child_refs[p].code))
    children = tuple(
        ChildRow(
            unit=child_refs[path],
            blocks=_blocks(current[path], before.get(path, {}) if compare else None),
        )
        for path in ordered
    )

    # query 4: the quota pools decided by the unit itself and by its children, summed per
    # (body, block, group) in SQL. Deeper bodies are found by drilling down: an inspection
    # reports on the bodies the unit oversees directly, and the cost stays O(children).
    refs = {unit.path: UnitRef(unit.code, unit.name, unit.kind), **child_refs}
    quota_findings: list[QuotaFinding] = []
    member_pools: dict[str, dict[str, Levels4]] = defaultdict(dict)
    pools: dict[tuple[str, str, str], list[int]] = {}
    for decider_path, block, group, bucket, n in fetch.unit_and_children_pools(period.pk, unit):
        if decider_path not in refs:
            continue  # a child without statistics this year decides nothing in it
        sums = pools.get((decider_path, block, group))
        if sums is None:
            sums = pools[(decider_path, block, group)] = [0, 0, 0, 0]
        sums[_LEVEL_INDEX[bucket]] += n
    for (decider_path, block, group), (xs, tt, ht, k) in sorted(pools.items()):
        if block == _MEMBER_BLOCK:
            member_pools[decider_path][group] = (xs, tt, ht, k)
        base, allowed, small = quota.allowed((xs, tt, ht, k))
        if xs > allowed:
            quota_findings.append(
                QuotaFinding(
                    decider=refs[decider_path],
                    block=block,
                    group=group,
                    xs=xs,
                    tt=tt,
                    rated=xs + tt + ht + k,
                    base=base,
                    allowed=allowed,
                    small_unit=small,
                )
            )

    # Organization subjects without a level, named among the unit itself and its children (a
    # child's own evaluation is the row at its path: cells for the cell block, grassroots
    # organizations for theirs); deeper ones are counted in the blocks and named in their
    # parent's report. No query: the rows are already here.
    unrated = tuple(
        UnratedUnit(
            unit=ref,
            block=block,
            reason=bucket,
        )
        for path, ref in [(unit.path, refs[unit.path]), *((p, child_refs[p]) for p in ordered)]
        for block in _own_blocks(ref.kind)
        for bucket in _unrated_buckets(current.get(path, {}).get(block, _NO_COUNTS))
    )

    # progress is read from the children's rows, against the deadlines of query 1
    progress = Progress(
        as_of=as_of,
        grassroots_due=due.get(Step.GRASSROOTS_DECISION),
        upper_due=due.get(Step.UPPER_DECISION, due.get(Step.GRASSROOTS_DECISION)),
        units=tuple(
            UnitProgress(
                unit=row.unit,
                pending_lower=row.blocks[_MEMBER].current.pending
                + row.blocks[_CELL].current.pending,
                pending_upper=row.blocks[_GRASSROOTS].current.pending
                + row.blocks[_COMMITTEE].current.pending,
            )
            for row in children
        ),
    )

    return Report(
        unit=UnitRef(unit.code, unit.name, unit.kind),
        period=PeriodRef(
            year=period.year,
            name=period.name,
            previous_year=previous[1] if previous is not None else None,
        ),
        as_of=as_of,
        options=options,
        blocks=blocks,
        children=children,
        quota_findings=tuple(quota_findings),
        group_findings=tuple(_group_findings(member_pools, refs, quota)),
        unrated_units=unrated,
        progress=progress,
    )
