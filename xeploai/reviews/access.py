"""Who may read and act on an evaluation (on top of ``xeploai.org.access``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org import access
from xeploai.org.models import OrgUnit, Role
from xeploai.reviews import lockread
from xeploai.reviews.models import Evaluation, SubjectKind

WRITERS_OF_CELL = (Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE)
GRASSROOTS_DECIDERS = (Role.CLERK, Role.COMMITTEE)
UPPER_DECIDERS = (Role.UPPER_BOARD,)


def is_own(user: Any, evaluation: Evaluation) -> bool:
    person = evaluation.person
    return person is not None and person.user_id is not None and person.user_id == user.pk


# What the evaluation pages read with an evaluation; the self-review's pages leave out the
# deciding body (``REVIEW_RELATED``: its page reads it only for a user who may decide).
EVALUATION_RELATED = ("period", "unit", "decider", "person", "period__scope_root")
REVIEW_RELATED = ("period__scope_root", "unit", "person")


def get_evaluation(user: Any, pk: int, related: tuple[str, ...] = EVALUATION_RELATED) -> Evaluation:
    """An evaluation the user may read (their own, or one in their subtree); else 404.

    One row, in a statement written once per process (``lockread.with_related``; decision
    0014): Django's compiler built the five tables' SELECT anew on every page and decision
    (docs/benchmarks.md, h23a)."""
    try:
        evaluation = lockread.with_related(pk, related)
    except Evaluation.DoesNotExist:
        raise Http404 from None
    if is_own(user, evaluation) or access.can_read_unit(user, evaluation.unit):
        return evaluation
    raise Http404


def may_decide(roles: set[str], evaluation: Evaluation) -> bool:
    """Whether a user with ``roles`` over the evaluation's unit decides it (its deciding
    body is read only when one of them is a deciding role at all)."""
    if not roles & {*GRASSROOTS_DECIDERS, *UPPER_DECIDERS, Role.ADMIN}:
        return False
    return bool(roles & {*decider_roles(evaluation), Role.ADMIN})


def can_edit_review(user: Any, evaluation: Evaluation) -> bool:
    """The member writes their own review; the cell's secretary may enter it on their behalf."""
    if evaluation.kind == SubjectKind.MEMBER:
        return is_own(user, evaluation) or bool(
            access.roles_at(user, evaluation.unit) & {Role.CELL_SECRETARY, Role.ADMIN}
        )
    return bool(access.roles_at(user, evaluation.unit) & {*proposer_roles(evaluation), Role.ADMIN})


def proposer_roles(evaluation: Evaluation) -> tuple[str, ...]:
    """Members and cells are proposed by the cell; a grassroots organization and its committee
    by the grassroots committee (its office prepares the file)."""
    if evaluation.kind in (SubjectKind.MEMBER, SubjectKind.CELL):
        if evaluation.unit.kind == "chi_bo_co_so":
            return (Role.CELL_SECRETARY, Role.CLERK, Role.COMMITTEE)
        return (Role.CELL_SECRETARY,)
    return GRASSROOTS_DECIDERS


def decider_roles(evaluation: Evaluation) -> tuple[str, ...]:
    return GRASSROOTS_DECIDERS if evaluation.decider.is_grassroots else UPPER_DECIDERS


def require(user: Any, unit: OrgUnit, roles: tuple[str, ...]) -> None:
    access.require_role(user, unit, roles)


def require_own_or(user: Any, evaluation: Evaluation, roles: tuple[str, ...]) -> None:
    if not is_own(user, evaluation):
        access.require_role(user, evaluation.unit, roles)


def open_period(unit: OrgUnit, period_id: str | None = None) -> Period:
    """The period shown for ``unit``: the one asked for (if it covers the unit), else the latest
    open one, else the latest one."""
    periods = Period.objects.covering(unit).select_related("scope_root")
    if period_id:
        period = periods.filter(pk=period_id).first() if period_id.isdigit() else None
        if period is None:
            raise Http404
        return period
    period = (
        # the year's round before its quarters ("nam" sorts first), reached by ?period=
        periods.filter(status=PeriodStatus.OPEN).order_by("-year", "kind", "-quarter").first()
        or periods.order_by("-year", "kind", "-quarter").first()
    )
    if period is None:
        raise Http404
    return period


def deny() -> None:
    raise PermissionDenied
