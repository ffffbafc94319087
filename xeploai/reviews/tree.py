"""The statistics and the deciding bodies follow every change of the tree (decision 0007).

Registered with ``org.tree`` in ``ReviewsConfig.ready``; called by ``unit_move`` and
``unit_update`` (a change of kind), and by the reorganizations of ``org.reorg`` (merge, split,
dissolve), inside their transaction.

What follows, and what is refused:

- ``UnitStat`` and ``PoolStat`` in every period (closed ones too): they project the results
  onto the tree as it is, as ``stats_rebuild`` does, so a move rewrites the subtree's paths and
  moves its totals from the old ancestors to the new ones (``stats_subtree_moved``).
- The deciding body (``Evaluation.decider``) of every evaluation of the subtree in a period that
  is not closed is worked out again as ``period_open`` does (``reviews.subjects``): a cell that
  moves to another grassroots committee is decided, with its members, by the new committee, in
  the new committee's quota pool. A decided evaluation keeps the body that decided it: a change
  that would give it another one is refused — the decisions are reopened first. In a closed
  period nothing is re-assigned (it records who decided then).
- Members handed over to another cell (``MembersMoved``): their evaluations in the rounds that
  are not closed move with them (one subject, one evaluation: never a second one), between
  the statistics' subtrees, and are decided by the new cell's deciding body.
- A reorganization (``Reorganized``): in a round that is not closed and whose evaluation date
  is on or after the effective date, an ended unit is no longer a subject — its own evaluation,
  not yet started, is withdrawn (a started or decided one refuses the change) — and each
  successor is one: its evaluation is created if missing, and its not-rated reason follows
  the eligibility the rules give it now ("mới chia tách, sáp nhập" from its lineage).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import SEGMENT, OrgUnit
from xeploai.org.tree import (
    ChildrenMoved,
    MembersMoved,
    MembersTransferred,
    Reorganized,
    TreeEvent,
)
from xeploai.reviews import subjects
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.reorganized import members_follow, reorganized_follow
from xeploai.reviews.rounds import rounds_follow
from xeploai.reviews.stats import (
    bucket_of,
    pools_move,
    stats_children_moved,
    stats_subtree_moved,
)
from xeploai.reviews.transfers import transfers_follow


def figures_follow(change: TreeEvent) -> None:
    """The one follower ``reviews`` registers: checks first, then writes."""
    if isinstance(change, MembersMoved):
        members_follow(change, deciders_follow)
        return
    if isinstance(change, MembersTransferred):
        transfers_follow(change, deciders_follow)
        return
    if isinstance(change, ChildrenMoved):
        stats_children_moved(
            old_parent=change.old_parent,
            new_parent=change.new_parent,
            moved=list(change.moved),
            kept=list(change.kept),
        )
        deciders_follow(change.new_parent)
        return
    if isinstance(change, Reorganized):
        reorganized_follow(change, deciders_follow)
        return
    if change.moved:
        stats_subtree_moved(old_path=change.old_path, new_path=change.new_path)
    deciders_follow(change.new_path)
    if change.moved:
        rounds_follow(
            paths=[change.new_path], old_paths=[change.old_path], deciders_follow=deciders_follow
        )


def _decider(kind: str, unit: OrgUnit, by_path: dict[str, OrgUnit]) -> OrgUnit | None:
    try:
        if kind == SubjectKind.MEMBER:
            return subjects.member_decider(unit, by_path)
        if kind == SubjectKind.CELL:
            return subjects.cell_decider(unit, by_path)
        return subjects.grassroots_decider(unit, by_path)
    except (KeyError, ValueError):
        return None  # no deciding body in the tree as it is now: the evaluation keeps its own


def deciders_follow(path: str) -> None:
    """Give the open evaluations of the subtree at ``path`` the deciding body the tree gives
    them now, moving them between quota pools; refuse if a decided one would change body."""
    rows = list(
        Evaluation.objects.filter(unit__path__startswith=path)
        .exclude(period__status=PeriodStatus.CLOSED)
        .values_list(
            "pk",
            "period_id",
            "kind",
            "unit_id",
            "decider_id",
            "group",
            "stage",
            "level",
            "not_rated_reason",
        )
    )
    if not rows:
        return
    prefixes = [path[:end] for end in range(SEGMENT, len(path), SEGMENT)]
    units = list(OrgUnit.objects.filter(Q(path__in=prefixes) | Q(path__startswith=path)))
    by_id = {unit.pk: unit for unit in units}
    periods = Period.objects.select_related("scope_root").in_bulk({row[1] for row in rows})
    # the units of each period's scope, as period_open sees them
    scopes: dict[int, dict[str, OrgUnit]] = {
        pk: {u.path: u for u in units if u.path.startswith(period.scope_root.path)}
        for pk, period in periods.items()
    }
    moves: Counter[tuple[int, int, int, str, str, str]] = Counter()
    changed: dict[tuple[int, int], list[int]] = defaultdict(list)
    refused: list[tuple[int, int, int, int]] = []  # (period, unit, old, new)
    for pk, period_id, kind, unit_id, old, group, stage, level, reason in rows:
        decider = _decider(kind, by_id[unit_id], scopes[period_id])
        if decider is None or decider.pk == old:
            continue
        if stage == Stage.DECIDED:
            refused.append((period_id, unit_id, old, decider.pk))
            continue
        moves[(period_id, old, decider.pk, kind, group, bucket_of(level, reason))] += 1
        changed[(old, decider.pk)].append(pk)
    if refused:
        period_id, unit_id, old, new = refused[0]
        deciders = dict(OrgUnit.objects.filter(pk__in=(old, new)).values_list("pk", "name"))
        unit = by_id[unit_id]
        raise ValidationError(
            _(
                "Không thể thay đổi cây tổ chức: {count} kết quả đã quyết định trong đợt "
                "“{period}” (thứ nhất: {code} — {name}) sẽ đổi cấp quyết định từ {old} sang "
                "{new}. Hãy mở lại các quyết định đó trước."
            ).format(
                count=len(refused),
                period=periods[period_id].name,
                code=unit.code,
                name=unit.name,
                old=deciders[old],
                new=deciders[new],
            )
        )
    for (_old, new), pks in changed.items():
        Evaluation.objects.filter(pk__in=pks).update(decider_id=new, version=F("version") + 1)
    deciders_paths = dict(
        OrgUnit.objects.filter(pk__in={key[1] for key in moves}).values_list("pk", "path")
    )
    deciders_paths.update({u.pk: u.path for u in units})
    pools_move(moves, deciders_paths)
