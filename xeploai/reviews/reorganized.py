"""The evaluations follow a reorganization of the tree (``org.reorg``; issue 16 §2, §5).

Called through ``reviews.tree.figures_follow`` inside the reorganization's transaction. Only
rounds that are not closed change: a closed round records the tree as it was decided on.
The statistics move by the subjects that change, never by a rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import F, ProtectedError, Q
from django.utils.translation import gettext as _

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import SEGMENT, OrgUnit
from xeploai.org.tree import MembersMoved, Reorganized
from xeploai.reviews import subjects
from xeploai.reviews.eligibility import org_not_rated_reason
from xeploai.reviews.formcodes import form_code_for
from xeploai.reviews.models import Evaluation, Proposal, Stage, SubjectKind
from xeploai.reviews.periods import org_subjects
from xeploai.reviews.rounds import rounds_follow
from xeploai.reviews.stats import (
    bucket_of,
    pools_add,
    result_set,
    stats_add,
    subjects_moved_delta,
)

StatDelta = Counter[tuple[int, str, str, str]]
PoolDelta = Counter[tuple[int, int, str, str, str]]


def members_follow(event: MembersMoved, deciders_follow: Callable[[str], None]) -> None:
    """The open evaluations of the members handed over move to their new cell (the same
    evaluation: a member is never evaluated twice in a year), then get its deciding body."""
    rows = list(
        Evaluation.objects.filter(person_id__in=event.person_ids, unit_id=event.old_unit_id)
        .exclude(period__status=PeriodStatus.CLOSED)
        .values_list("pk", "period_id", "level", "not_rated_reason")
    )
    if not rows:
        return
    paths = dict(
        OrgUnit.objects.filter(pk__in=(event.old_unit_id, event.new_unit_id)).values_list(
            "pk", "path"
        )
    )
    old, new = paths[event.old_unit_id], paths[event.new_unit_id]
    delta: StatDelta = Counter()
    for _pk, period_id, level, reason in rows:
        subjects_moved_delta(
            delta, period_id, SubjectKind.MEMBER, bucket_of(level, reason), old, new
        )
    Evaluation.objects.filter(pk__in=[row[0] for row in rows]).update(
        unit_id=event.new_unit_id, version=F("version") + 1
    )
    stats_add(delta)
    deciders_follow(new)


def _open_periods(event: Reorganized) -> list[Period]:
    """The rounds a reorganization reaches: not closed, evaluating on or after its date."""
    return list(
        Period.objects.exclude(status=PeriodStatus.CLOSED)
        .filter(evaluation_date__gte=event.on)
        .select_related("scope_root")
    )


def _withdraw(ended: tuple[int, ...], periods: list[Period]) -> None:
    """The ended units' own evaluations leave those rounds; one already under way refuses."""
    rows = list(
        Evaluation.objects.filter(
            unit_id__in=ended, person__isnull=True, period__in=[p.pk for p in periods]
        ).select_related("unit", "decider", "period")
    )
    if not rows:
        return
    started = [
        e for e in rows if e.stage not in (Stage.PENDING, Stage.DRAFT) or e.level or e.reviewed
    ]
    if not started:
        started = list(
            Evaluation.objects.filter(
                pk__in=Proposal.objects.filter(evaluation__in=rows).values("evaluation_id")
            ).select_related("unit", "period")
        )
    if started:
        raise _refusal(started[0], len(started))
    delta: StatDelta = Counter()
    pools: PoolDelta = Counter()
    for e in rows:
        bucket = bucket_of(e.level, e.not_rated_reason)
        subjects_moved_delta(delta, e.period_id, e.kind, bucket, e.unit.path, None)
        pools[(e.period_id, e.decider_id, e.kind, e.group, bucket)] -= 1
    try:
        Evaluation.objects.filter(pk__in=[e.pk for e in rows]).delete()
    except ProtectedError as error:
        raise _refusal(rows[0], len(rows)) from error
    stats_add(delta)
    pools_add(pools, {e.decider_id: e.decider.path for e in rows})


def _refusal(evaluation: Evaluation, count: int) -> ValidationError:
    return ValidationError(
        _(
            "Không thể sắp xếp: {count} đánh giá của tổ chức thôi tồn tại đã bắt đầu trong đợt "
            "“{period}” (thứ nhất: {code} — {name}). Hãy mở lại hoặc hoàn tất đợt đó trước."
        ).format(
            count=count,
            period=evaluation.period.name,
            code=evaluation.unit.code,
            name=evaluation.unit.name,
        )
    )


def _by_path(unit: OrgUnit) -> dict[str, OrgUnit]:
    prefixes = [unit.path[:end] for end in range(SEGMENT, len(unit.path) + 1, SEGMENT)]
    return {u.path: u for u in OrgUnit.objects.filter(path__in=prefixes)}


def _covers(period: Period, unit: OrgUnit) -> bool:
    on = period.evaluation_date
    return (
        unit.path.startswith(period.scope_root.path)
        and (unit.dissolved is None or unit.dissolved > on)
        and (unit.established is None or unit.established <= on)
    )


def _successor_follow(
    unit: OrgUnit, periods: list[Period], delta: StatDelta, pools: PoolDelta
) -> dict[int, str]:
    """The successor's own evaluations in ``periods``: created if missing, the not-rated
    reason the rules give it now on the others not decided. Returns deciders' paths."""
    by_path = _by_path(unit)
    deciders: dict[int, str] = {}
    existing = {
        (e.period_id, e.kind): e
        for e in Evaluation.objects.filter(unit=unit, person__isnull=True).select_related(
            "unit", "decider"
        )
    }
    for period in periods:
        if not _covers(period, unit):
            continue
        scope = {p: u for p, u in by_path.items() if p.startswith(period.scope_root.path)}
        reason = org_not_rated_reason(unit, period.evaluation_date, period.ruleset)
        for kind, _unit in org_subjects([unit]):
            evaluation = existing.get((period.pk, kind))
            if evaluation is not None:
                undecided = evaluation.stage != Stage.DECIDED and not evaluation.level
                if undecided and evaluation.not_rated_reason != reason:
                    result_set(evaluation, level="", not_rated_reason=reason)
                    evaluation.version += 1
                    evaluation.save(update_fields=["not_rated_reason", "version"])
                continue
            decider = (
                subjects.cell_decider(unit, scope)
                if kind == SubjectKind.CELL
                else subjects.grassroots_decider(unit, scope)
            )
            evaluation = Evaluation(
                period=period,
                kind=kind,
                unit=unit,
                decider=decider,
                group=kind,
                form_code=form_code_for(period.ruleset, kind=kind),
                not_rated_reason=reason,
            )
            evaluation.full_clean()
            evaluation.save()
            bucket = bucket_of("", reason)
            subjects_moved_delta(delta, period.pk, kind, bucket, None, unit.path)
            pools[(period.pk, decider.pk, kind, kind, bucket)] += 1
            deciders[decider.pk] = decider.path
    return deciders


def reorganized_follow(event: Reorganized, deciders_follow: Callable[[str], None]) -> None:
    periods = _open_periods(event)
    _withdraw(event.ended, periods)
    paths = dict(
        OrgUnit.objects.filter(pk__in=(*event.successors, *event.ended)).values_list("pk", "path")
    )
    rounds_follow(
        paths=[paths[pk] for pk in event.successors if pk in paths],
        old_paths=[paths[pk] for pk in event.ended if pk in paths],
        ended=event.ended,
        deciders_follow=deciders_follow,
    )
    periods = _open_periods(event)  # their scope roots may have followed the successors
    if not periods:
        return
    delta: StatDelta = Counter()
    pools: PoolDelta = Counter()
    deciders: dict[int, str] = {}
    for unit in OrgUnit.objects.filter(pk__in=event.successors).filter(
        Q(dissolved__isnull=True) | Q(dissolved__gt=event.on)
    ):
        deciders.update(_successor_follow(unit, periods, delta, pools))
    stats_add(delta)
    pools_add(pools, deciders)
