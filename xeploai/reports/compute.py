"""The standard statistics report (rules.md §7), computed once into the frozen dataclasses of
``records``.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from xeploai import rules
from xeploai.cycles.models import Period, Step
from xeploai.org.models import OrgUnit, UnitKind
from xeploai.reports import fetch
from xeploai.reports.basis import follow
from xeploai.reports.records import (
    BLOCKS,
    SINGLE_GROUP_MIN,
    Basis,
    Block,
    ChildRow,
    Counts,
    GroupFinding,
    Options,
    PeriodRef,
    Progress,
    QuotaBase,
    QuotaFinding,
    Report,
    UnitProgress,
    UnitRef,
    UnratedUnit,
)
from xeploai.reviews.models import STAT_REASONS, SubjectKind

QUERIES = 4  # what compute_report costs, pinned by tests/test_compute.py

_MEMBER_BLOCK = str(SubjectKind.MEMBER)


@lru_cache(maxsize=16384)
def _sort_key(name: str) -> bytes:
    """Vietnamese alphabetical order, accents ignored ("Đ" with "D"), cheaply (and once per
    name: the same children are listed on every view)."""
    return unicodedata.normalize("NFD", name.lower().replace("đ", "d")).encode("ascii", "ignore")


_NO_COUNTS = Counts()
# path → the four blocks' counts in ``BLOCKS`` order (``_NO_COUNTS`` for a block without a row)
UnitCounts = dict[str, list[Counts]]
_new = tuple.__new__  # a named tuple made without its keyword-taking ``__new__``
_SLOT = {str(block): i for i, block in enumerate(BLOCKS)}  # block → its place in ``BLOCKS``
_SLOT_BLOCK = tuple(str(block) for block in BLOCKS)  # place → block, a plain string
# The blocks in which a unit of a kind is itself the subject, as places in ``BLOCKS``: the
# grassroots organizations' own and their committees', and the cells'.
_OWN_SLOTS: dict[str, tuple[int, ...]] = {
    **{
        str(kind): (_SLOT[SubjectKind.GRASSROOTS], _SLOT[SubjectKind.COMMITTEE])
        for kind in UnitKind.grassroots()
    },
    str(UnitKind.CELL): (_SLOT[SubjectKind.CELL],),
}


def _read_counts(rows: list[fetch.StatRow], this_year: int) -> tuple[UnitCounts, UnitCounts]:
    """This year's and the previous year's counts per unit, the four blocks in ``BLOCKS``
    order, from the statistics rows (``fetch.unit_and_children_stats``: one per period, unit
    and block, the buckets as columns) in any order.

    This runs for every row of the unit and its children, two years, on every page view (a
    unit with 300 children: ~2,000 rows): one ``Counts`` per row, straight from its columns,
    into its block's place (a list, not a dictionary: the children's loop unpacks it), the
    not-rated reasons (one text "n1,…,n8", ``None`` where all are zero) read only in the rows
    that have some (a quarter of them), and each text once per process (``_not_rated``); a
    second row of the same unit and block (a merged predecessor's) is added to the first."""
    current: UnitCounts = {}
    before: UnitCounts = {}
    parsed = _NOT_RATED
    slot_of = _SLOT.get
    none = _NO_COUNTS
    for period_id, path, block, pending, xs, tt, ht, k, reasons in rows:
        slot = slot_of(block)
        if slot is None:
            continue  # not one of the report's blocks
        target = current if period_id == this_year else before
        blocks = target.get(path)
        if blocks is None:
            target[path] = blocks = [none, none, none, none]
        if reasons is None:
            counts = _new(Counts, (pending + xs + tt + ht + k, pending, (), xs, tt, ht, k))
        else:
            found = parsed.get(reasons)
            if found is None:
                found = _not_rated(reasons)
            not_rated, excused = found
            total = pending + xs + tt + ht + k + excused
            counts = _new(Counts, (total, pending, not_rated, xs, tt, ht, k))
        if blocks[slot] is not none:
            counts = _added(blocks[slot], counts)
        blocks[slot] = counts
    return current, before


NotRated = tuple[tuple[tuple[str, int], ...], int]  # (reason, n) of the non-zero ones, their sum
# The reasons' texts read so far: the same few recur in every report (kept across reports,
# emptied past ``_NOT_RATED_MAX``, so that a long-running worker stays bounded).
_NOT_RATED: dict[str, NotRated] = {}
_NOT_RATED_MAX = 20_000


def _not_rated(reasons: str) -> NotRated:
    """(reason, n) of the non-zero counts of "n1,…,n8" (``fetch._counts``), reasons sorted,
    and their sum; remembered in ``_NOT_RATED``."""
    if len(_NOT_RATED) >= _NOT_RATED_MAX:
        _NOT_RATED.clear()
    not_rated = tuple(
        (reason, int(n))
        for reason, n in zip(STAT_REASONS, reasons.split(","), strict=True)
        if n != "0"
    )
    _NOT_RATED[reasons] = found = (not_rated, sum(n for _, n in not_rated))
    return found


def _added(a: Counts, b: Counts) -> Counts:
    """Two counts of one unit and block added (a merged predecessor's to its successor's)."""
    not_rated = _reasons([*a.not_rated, *b.not_rated]) if a.not_rated or b.not_rated else ()
    return Counts(
        total=a.total + b.total,
        pending=a.pending + b.pending,
        not_rated=not_rated,
        xs=a.xs + b.xs,
        tt=a.tt + b.tt,
        ht=a.ht + b.ht,
        k=a.k + b.k,
    )


def _reasons(reasons: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """The not-rated reasons sorted, a reason found twice (a merged predecessor's) summed."""
    if len(reasons) == 1:
        return (reasons[0],)
    summed: dict[str, int] = defaultdict(int)
    for reason, n in reasons:
        summed[reason] += n
    return tuple(sorted(summed.items()))


def unit_counts(unit: OrgUnit, period: Period) -> tuple[Counts, ...]:
    """The four blocks' counts of ``unit``'s subtree in ``period``, in ``BLOCKS`` order, and
    nothing else (one statement): the previous quarter beside a quarter report."""
    current, _ = _read_counts(fetch.unit_stats(period.pk, unit), period.pk)
    return tuple(current.get(unit.path, _NO_BLOCKS))


_B0, _B1, _B2, _B3 = BLOCKS  # committee, grassroots, cell, member
_NO_BLOCKS: tuple[Counts, ...] = (_NO_COUNTS,) * len(BLOCKS)


def _blocks(
    current: Sequence[Counts],
    previous: Sequence[Counts] | None,
    basis: Basis | None = None,
) -> tuple[Block, ...]:
    """The four blocks; a block the previous year did not have (or had without subjects) gets
    no comparison, nor one whose results of last year cannot be followed after a split
    (``basis.unfollowed``).

    Runs for the unit and each child (300 times for a 300-child unit): the four blocks
    written out, no loop, no list."""
    c0, c1, c2, c3 = current
    if previous is None:
        return (
            _new(Block, (_B0, c0, None)),
            _new(Block, (_B1, c1, None)),
            _new(Block, (_B2, c2, None)),
            _new(Block, (_B3, c3, None)),
        )
    l0, l1, l2, l3 = previous
    p0 = l0 if l0.total else None
    p1 = l1 if l1.total else None
    p2 = l2 if l2.total else None
    p3 = l3 if l3.total else None
    if basis is not None and basis.unfollowed:
        p0, p1, p2, p3 = (
            None if kind in basis.unfollowed else last
            for kind, last in zip(BLOCKS, (p0, p1, p2, p3), strict=True)
        )
    return (
        _new(Block, (_B0, c0, p0)),
        _new(Block, (_B1, c1, p1)),
        _new(Block, (_B2, c2, p2)),
        _new(Block, (_B3, c3, p3)),
    )


def _children(
    ordered: list[tuple[str, UnitRef]],
    current: UnitCounts,
    before: UnitCounts | None,
    bases: dict[str, Basis],
) -> tuple[tuple[ChildRow, ...], tuple[UnitProgress, ...], list[UnratedUnit]]:
    """In one pass over the children (path, reference), in ``ordered`` order: their rows (four
    blocks each, compared with ``before`` unless it is ``None``), their progress (the pending
    members and cells, decided by the grassroots committees; the pending grassroots
    organizations and committees, decided above) and those of them unrated as subjects
    themselves."""
    rows: list[ChildRow] = []
    progress: list[UnitProgress] = []
    unrated: list[UnratedUnit] = []
    bases_get = bases.get
    before_get = None if before is None else before.get
    for path, ref in ordered:
        own = current[path]
        basis = bases_get(path) if bases else None
        last = None if before_get is None else before_get(path, _NO_BLOCKS)
        blocks = _blocks(own, last, basis)
        rows.append(_new(ChildRow, (ref, blocks, basis)))
        committee, grassroots, cell, member = own
        progress.append(
            _new(
                UnitProgress,
                (ref, member.pending + cell.pending, grassroots.pending + committee.pending),
            )
        )
        if ref.kind in _OWN_SLOTS:
            unrated += _unrated_of(ref, own)
    return tuple(rows), tuple(progress), unrated


def _unrated_of(ref: UnitRef, blocks: Sequence[Counts]) -> list[UnratedUnit]:
    """``ref``'s own evaluations without a level (its row in the blocks in which it is itself
    the subject: cells for the cell block, grassroots organizations for theirs): one per
    not-rated reason, sorted, then one for the pending ones, block by block."""
    found: list[UnratedUnit] = []
    for slot in _OWN_SLOTS.get(ref.kind, ()):
        counts = blocks[slot]
        if counts.pending or counts.not_rated:
            block = _SLOT_BLOCK[slot]
            found += (_new(UnratedUnit, (ref, block, b)) for b in _unrated_buckets(counts))
    return found


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


Allowed = tuple[int, int, bool]  # (base, allowed, small_unit) of one pool
# The answers of ``rules.group_allowed`` per (settings, base, small-unit exception), kept across
# reports: a 300-child report asks for hundreds of pools, and the same four numbers recur.
# Emptied when it grows past ``_ANSWERS_MAX`` (a long-running worker stays bounded).
_ANSWERS: dict[tuple[rules.Settings, str, bool], dict[Levels4, Allowed]] = {}
_ANSWERS_MAX = 50_000


@dataclass(frozen=True)
class _Quota:
    """The period's rule set's quota, read with the report's base and the period's choice of
    the small-unit exception (the quota itself lives in ``xeploai.rules.quota``); ``seen``:
    its answers so far (``_ANSWERS``, in no report's figures: a cache), found once per report.
    """

    settings: rules.Settings
    quota_base: QuotaBase
    small_exception: bool
    seen: dict[Levels4, Allowed] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (self.settings, str(self.quota_base), self.small_exception)
        found = _ANSWERS.get(key)
        if found is None or len(found) > _ANSWERS_MAX:
            _ANSWERS[key] = found = {}
        object.__setattr__(self, "seen", found)

    def allowed(self, levels: Levels4) -> Allowed:
        """``(base, allowed, small_unit)`` of one pool, remembered in ``seen``."""
        found = self.seen.get(levels)
        if found is None:
            self.seen[levels] = found = rules.group_allowed(
                levels,
                self.settings,
                quota_base=_RULES_BASE[self.quota_base],
                small_unit_exception=self.small_exception,
            )
        return found


def _group_findings(
    member_pools: dict[str, dict[str, Levels4]],
    refs: dict[str, UnitRef],
    quota: _Quota,
    exceeded: set[str],
) -> list[GroupFinding]:
    """Bodies that did not apply the three member groups (rules.md §4.1, seed 004).

    Heuristic, from the quota pools only:
    - ``single_group``: every member subject of the body sits in one group (or none was
      recorded) while the body has at least ``SINGLE_GROUP_MIN`` rated members — a body that
      size always has someone holding a post, so the groups were not used;
    - ``pooled``: the body's HTXSNV fit 20 % of its members taken together, yet some group
      exceeds its own cap (``exceeded``: the bodies with a member pool over its cap, found
      with the quota findings) — the cap was applied over the whole body, not group by group.
    """

    def summary(groups: dict[str, Levels4]) -> tuple[tuple[str, int, int], ...]:
        return tuple(
            sorted((group, b[0], b[0] + b[1] + b[2] + b[3]) for group, b in groups.items())
        )

    findings: list[GroupFinding] = []
    for path, groups in member_pools.items():
        if len(groups) == 1:
            ((xs, tt, ht, k),) = groups.values()
            if xs + tt + ht + k >= SINGLE_GROUP_MIN:
                findings.append(_new(GroupFinding, (refs[path], "single_group", summary(groups))))
            continue
        if path not in exceeded:
            continue
        xs = tt = ht = k = 0
        for a, b, c, d in groups.values():
            xs, tt, ht, k = xs + a, tt + b, ht + c, k + d
        if xs <= quota.allowed((xs, tt, ht, k))[1]:
            findings.append(_new(GroupFinding, (refs[path], "pooled", summary(groups))))
    findings.sort(key=lambda f: f.decider.code)
    return findings


def _quota_findings(
    rows: list[fetch.PoolRow], refs: dict[str, UnitRef], quota: _Quota
) -> tuple[tuple[QuotaFinding, ...], dict[str, dict[str, Levels4]], set[str]]:
    """The pools over their cap, in (body path, block, group) order; the member pools of each
    body, by group; the bodies with a member pool over its cap. ``rows``: one per pool with a
    rated subject (``fetch.unit_and_children_pools``). A body without statistics this year
    (not in ``refs``) decides nothing in it and is left out."""
    found: list[tuple[tuple[str, str, str], QuotaFinding]] = []
    member_pools: dict[str, dict[str, Levels4]] = defaultdict(dict)
    exceeded: set[str] = set()
    seen = quota.seen
    for decider_path, block, group, xs, tt, ht, k in rows:
        if decider_path not in refs:
            continue
        levels4 = (xs, tt, ht, k)
        member = block == _MEMBER_BLOCK
        if member:
            member_pools[decider_path][group] = levels4
        if not xs:
            continue  # nothing can be over the cap (the cap is never negative)
        # small bodies often have the same four numbers: found in ``seen`` without a call
        base, allowed, small = seen.get(levels4) or quota.allowed(levels4)
        if xs > allowed:
            if member:
                exceeded.add(decider_path)
            finding = _new(
                QuotaFinding,
                (refs[decider_path], block, group, xs, tt, xs + tt + ht + k, base, allowed, small),
            )
            found.append(((decider_path, block, group), finding))
    found.sort(key=lambda pair: pair[0])
    return tuple(finding for _, finding in found), member_pools, exceeded


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
    previous_id = previous[0] if previous is not None else None
    period_ids = [period.pk] if previous_id is None else [period.pk, previous_id]
    # query 2: the children's codes and names, and the predecessors of the unit and of its
    # children; query 3: this year's and the previous year's counts of the unit and its
    # children, and the predecessors' of the previous year, together
    own, links = fetch.children_and_predecessors(unit)
    names = {path: _new(UnitRef, (code, name, kind)) for path, code, name, kind in own}
    rows, bases = follow(
        fetch.unit_and_children_stats(period_ids, unit, previous_id if links else None),
        links,
        previous_id,
    )
    current, before = _read_counts(rows, period.pk)
    compare = previous is not None

    basis = bases.get(unit.path)
    blocks = _blocks(
        current.get(unit.path, _NO_BLOCKS),
        before.get(unit.path, _NO_BLOCKS) if compare else None,
        basis,
    )
    # the children with statistics this year, in Vietnamese alphabetical order (then by code)
    ordered = [
        (path, ref)
        for _, _, path, ref in sorted(
            (_sort_key(ref.name), ref.code, path, ref)
            for path, ref in names.items()
            if path in current
        )
    ]
    child_refs = dict(ordered)
    # the children's rows, progress and own unrated evaluations, in one pass
    children, child_progress, unrated_children = _children(
        ordered, current, before if compare else None, bases
    )

    # query 4: the quota pools decided by the unit itself and by its children. Deeper bodies
    # are found by drilling down: an inspection reports on the bodies the unit oversees
    # directly, and the cost stays O(children).
    refs = {unit.path: UnitRef(unit.code, unit.name, unit.kind), **child_refs}
    quota_findings, member_pools, exceeded = _quota_findings(
        fetch.unit_and_children_pools(period.pk, unit), refs, quota
    )

    # Organization subjects without a level, named among the unit itself and its children;
    # deeper ones are counted in the blocks and named in their parent's report. No query: the
    # rows are already here.
    unrated = _unrated_of(refs[unit.path], current.get(unit.path, _NO_BLOCKS)) + unrated_children

    # progress is read from the children's rows, against the deadlines of query 1
    progress = Progress(
        as_of=as_of,
        grassroots_due=due.get(Step.GRASSROOTS_DECISION),
        upper_due=due.get(Step.UPPER_DECISION, due.get(Step.GRASSROOTS_DECISION)),
        units=child_progress,
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
        quota_findings=quota_findings,
        group_findings=tuple(_group_findings(member_pools, refs, quota, exceeded)),
        unrated_units=tuple(unrated),
        progress=progress,
        basis=basis,
    )
