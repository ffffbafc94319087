"""Reorganizations of the tree: merge, split, dissolve (issue 16 §2).

Each is a service of its own — one transaction, validated, audited — that records the lineage
(``UnitLineage``: predecessor → successor, kind, effective date) and hands the predecessors'
contents over as the regulation says:

- **Units below** (cells, sub-committees, grassroots organizations) move under the successor
  with their subtrees (``subtree_move``: paths, ``MemberCount``, the statistics, the deciding
  bodies of open evaluations, decision 0007).
- **Members** of a cell that ends transfer their official party activity to the successor
  cell from the effective date (the open membership closes the day before; QĐ 24-QĐ/TW on
  transfers of party activity, HD 31-HD/BTCTW 2025 on the restructure: members of the merged
  organizations are handed over as a whole). Their open evaluations follow them
  (``MembersMoved``): the receiving cell and its grassroots committee review and rate them
  (rules.md §4.7, 21-HD Mục II.6 — "the receiving cell rates the member").
- **The organizations themselves**: an ended unit is dissolved on the effective date; in an
  open round whose evaluation date it does not reach, its own evaluation (not yet started) is
  withdrawn, and the successor is a subject instead — reviewed but not rated while "mới chia
  tách, sáp nhập" (rules.md §4.6, HD 43 §7; ``Reorganized``, ``reviews.tree``).

The cost is the subtree handed over plus the tree's depth, never the country.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor
from xeploai.audit.services import audit_record
from xeploai.org.counts import is_live_cell, member_count_move, member_counts_add
from xeploai.org.models import (
    CELLS_KEY,
    LineageKind,
    Membership,
    MembershipKind,
    OrgUnit,
    Person,
    PersonStatus,
    Role,
    RoleAssignment,
    UnitLineage,
)
from xeploai.org.services import children_move
from xeploai.org.tree import MembersMoved, Reorganized, tree_changed


@dataclass(frozen=True)
class SplitPart:
    """One successor of a split and what it receives: units below and members (by id)."""

    target: OrgUnit
    children: tuple[OrgUnit, ...] = ()
    people: tuple[int, ...] = field(default=())


def _lock(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.select_for_update().get(pk=unit.pk)


def _label(unit: OrgUnit) -> str:
    return f"{unit.code} — {unit.name}"


def _check_alive(unit: OrgUnit, on: dt.date) -> None:
    if unit.dissolved is not None:
        raise ValidationError(
            _("{unit} đã giải thể ngày {date}.").format(unit=_label(unit), date=unit.dissolved)
        )
    if unit.established is not None and unit.established > on:
        raise ValidationError(
            _("Ngày hiệu lực {on} trước ngày thành lập {date} của {unit}.").format(
                on=on, date=unit.established, unit=_label(unit)
            )
        )


def _check_successor(unit: OrgUnit, target: OrgUnit, on: dt.date) -> None:
    _check_alive(target, on)
    if target.pk == unit.pk or target.path.startswith(unit.path):
        raise ValidationError(
            _("{target} không thể nhận {unit}: là chính nó hoặc cấp dưới của nó.").format(
                target=_label(target), unit=_label(unit)
            )
        )


def _people_hand_over(
    source: OrgUnit, target: OrgUnit, person_ids: Sequence[int] | None, on: dt.date
) -> int:
    """Move people of cell ``source`` (all, or ``person_ids``) to cell ``target`` from ``on``."""
    people = Person.objects.filter(unit=source)
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rows = list(people.values_list("pk", "status"))
    if not rows:
        return 0
    if not target.is_cell:
        raise ValidationError(
            _("{target} không phải chi bộ: không thể nhận {n} đảng viên của {unit}.").format(
                target=_label(target), n=len(rows), unit=_label(source)
            )
        )
    ids = [pk for pk, _status in rows]
    open_official = Membership.objects.filter(
        person_id__in=ids, kind=MembershipKind.OFFICIAL, end__isnull=True
    )
    too_late = open_official.filter(start__gte=on).select_related("person").first()
    if too_late is not None:
        raise ValidationError(
            _(
                "Ngày hiệu lực {on} không sau ngày bắt đầu sinh hoạt ({start}) của đảng viên {name}."
            ).format(on=on, start=too_late.start, name=too_late.person.full_name)
        )
    moving = list(open_official.values_list("person_id", flat=True))
    open_official.update(end=on - dt.timedelta(days=1))
    Membership.objects.bulk_create(
        [
            Membership(person_id=pk, unit=target, kind=MembershipKind.OFFICIAL, start=on)
            for pk in moving
        ],
        batch_size=2000,
    )
    Person.objects.filter(pk__in=ids).update(unit=target)
    counts: Counter[tuple[int, str]] = Counter()
    for _pk, status in rows:
        counts[(source.pk, status)] -= 1
        counts[(target.pk, status)] += 1
    member_counts_add(counts)
    tree_changed(MembersMoved(source.pk, target.pk, tuple(ids)))
    return len(rows)


def _hand_over(
    source: OrgUnit,
    target: OrgUnit,
    on: dt.date,
    children: Sequence[OrgUnit] | None = None,
    people: Sequence[int] | None = None,
) -> tuple[int, int]:
    """Move ``source``'s live units below (or ``children``) and members (or ``people``) to
    ``target``; return (units, members) moved."""
    if children is None:
        children = list(OrgUnit.objects.filter(parent=source, dissolved__isnull=True))
    else:
        children = list(OrgUnit.objects.filter(pk__in=[child.pk for child in children]))
    children_move(source, target, children)
    return len(children), _people_hand_over(source, target, people, on)


def _end(unit: OrgUnit, on: dt.date) -> list[str]:
    """Dissolve ``unit`` on ``on``; it leaves the cells counted by ``MemberCount``, and its
    role assignments end (``_roles_end``). Returns the ended ones, in words."""
    was_cell = is_live_cell(unit)
    unit.dissolved = on
    unit.full_clean()
    unit.save(update_fields=["dissolved"])
    if was_cell:
        member_count_move(old=(unit.path, CELLS_KEY), new=None)
    return _roles_end(unit)


def _roles_end(unit: OrgUnit) -> list[str]:
    """The role assignments on a unit that ends (docs/rules.md "Reorganizations and rounds").

    An office held on the ended unit (secretary, committee, clerk, board, inspector) ends with
    it: the successor's committee and secretary are appointed for the successor by the level
    that decides the reorganization (HD 31-HD/BTCTW 2025, present.md §1); no text hands an
    ended unit's offices to its successor, so ending them is the honest default. A member's
    own account follows the person to the cell their party activity was handed to.
    Constant queries: one read, one delete, one update per receiving cell."""
    rows = list(
        RoleAssignment.objects.filter(unit=unit).values_list(
            "pk", "user_id", "user__username", "role"
        )
    )
    if not rows:
        return []
    cells = dict(
        Person.objects.filter(
            user_id__in=[user for _pk, user, _name, role in rows if role == Role.MEMBER]
        ).values_list("user_id", "unit_id")
    )
    handed: dict[int, list[int]] = {}
    ended: list[int] = []
    labels: list[str] = []
    for pk, user, name, role in rows:
        cell = cells.get(user) if role == Role.MEMBER else None
        if cell is not None and cell != unit.pk:
            handed.setdefault(cell, []).append(pk)
        else:
            ended.append(pk)
            labels.append(f"{name}: {Role(role).label}")
    taken = set(
        RoleAssignment.objects.filter(
            role=Role.MEMBER, unit_id__in=list(handed), user_id__in=list(cells)
        ).values_list("user_id", "unit_id")
    )
    users = {pk: user for pk, user, _name, _role in rows}
    for cell, pks in handed.items():
        ended.extend(pk for pk in pks if (users[pk], cell) in taken)  # already a member there
        RoleAssignment.objects.filter(pk__in=pks).exclude(pk__in=ended).update(unit_id=cell)
    RoleAssignment.objects.filter(pk__in=ended).delete()
    return labels


def _link(predecessor: OrgUnit, successor: OrgUnit, kind: str, on: dt.date) -> None:
    """Record the link; a merger or a split makes ``successor`` "mới chia tách, sáp nhập" from
    ``on`` (``OrgUnit.reorganized`` keeps the latest such date, read by the rules' facts)."""
    link = UnitLineage(predecessor=predecessor, successor=successor, kind=kind, effective=on)
    link.full_clean()
    link.save()
    if kind != LineageKind.DISSOLVE:
        _mark_reorganized(successor, on)


def _mark_reorganized(unit: OrgUnit, on: dt.date) -> None:
    if unit.reorganized is None or unit.reorganized < on:
        unit.reorganized = on
        OrgUnit.objects.filter(pk=unit.pk).update(reorganized=on)


@transaction.atomic
def unit_merge(
    *,
    actor: Actor,
    sources: Sequence[OrgUnit],
    target: OrgUnit,
    on: dt.date,
    ended_roles: list[str] | None = None,
) -> OrgUnit:
    """Merge ``sources`` into ``target`` on ``on``: everything below them and their members
    move to ``target``, they are dissolved, and each gets a MERGE link to ``target``.

    ``target`` is one of the merged units that continues, or a unit created for the merger
    (``unit_create`` with ``established=on``); all are of the same kind. The role assignments
    on the merged units end (``_roles_end``); ``ended_roles``, if given, receives them."""
    target = _lock(target)
    locked = [_lock(source) for source in sorted(sources, key=lambda u: u.pk)]
    if not locked:
        raise ValidationError(_("Chưa chọn tổ chức nào để sáp nhập."))
    _check_alive(target, on)
    moved = Counter[str]()
    roles: list[str] = []
    for source in locked:
        _check_alive(source, on)
        _check_successor(source, target, on)
        if source.kind != target.kind:
            raise ValidationError(
                _("Chỉ sáp nhập các tổ chức cùng loại: {unit} là {kind}, {target} là {tk}.").format(
                    unit=_label(source),
                    kind=source.get_kind_display(),
                    target=_label(target),
                    tk=target.get_kind_display(),
                )
            )
        units, members = _hand_over(source, target, on)
        moved["units"] += units
        moved["members"] += members
        roles.extend(_end(source, on))
        _link(source, target, LineageKind.MERGE, on)
    tree_changed(Reorganized(tuple(s.pk for s in locked), (target.pk,), on))
    target.refresh_from_db()
    audit_record(
        actor=actor,
        action="unit_merge",
        obj=target,
        unit_path=target.path,
        after={"sources": [s.code for s in locked], "on": on, "roles_ended": roles, **moved},
    )
    if ended_roles is not None:
        ended_roles.extend(roles)
    return target


def _check_split(source: OrgUnit, parts: Sequence[SplitPart], continues: bool) -> None:
    if not parts:
        raise ValidationError(_("Chưa có tổ chức nào nhận phần chia tách."))
    targets = [part.target.pk for part in parts]
    if len(set(targets)) != len(targets):
        raise ValidationError(_("Mỗi tổ chức nhận chỉ ghi một lần."))
    live = set(
        OrgUnit.objects.filter(parent=source, dissolved__isnull=True).values_list("pk", flat=True)
    )
    given = [child.pk for part in parts for child in part.children]
    strangers = set(given) - live
    if strangers:
        stranger = OrgUnit.objects.get(pk=min(strangers))
        raise ValidationError(
            _("{unit} không trực thuộc {source}.").format(
                unit=_label(stranger), source=_label(source)
            )
        )
    if len(set(given)) != len(given):
        raise ValidationError(_("Một tổ chức trực thuộc được giao cho hai nơi."))
    people = [pk for part in parts for pk in part.people]
    if len(set(people)) != len(people):
        raise ValidationError(_("Một đảng viên được giao cho hai nơi."))
    ours = set(Person.objects.filter(unit=source, pk__in=people).values_list("pk", flat=True))
    if len(ours) != len(people):
        raise ValidationError(
            _("Có đảng viên không sinh hoạt ở {source}.").format(source=_label(source))
        )
    if continues:
        return
    left = live - set(given)
    if left:
        unit = OrgUnit.objects.get(pk=min(left))
        raise ValidationError(
            _("{unit} chưa được giao cho tổ chức nào sau chia tách.").format(unit=_label(unit))
        )
    missing = Person.objects.filter(unit=source, status__in=PersonStatus.present()).exclude(
        pk__in=people
    )
    if missing.exists():
        raise ValidationError(
            _(
                "{n} đảng viên của {source} chưa được giao cho tổ chức nào (thứ nhất: {name})."
            ).format(n=missing.count(), source=_label(source), name=missing.first())
        )


@transaction.atomic
def unit_split(
    *,
    actor: Actor,
    source: OrgUnit,
    parts: Sequence[SplitPart],
    on: dt.date,
    source_continues: bool = False,
    ended_roles: list[str] | None = None,
) -> list[OrgUnit]:
    """Split ``source`` on ``on``: each part's target receives its units below and members.

    Unless ``source_continues`` (part of it split off), everything must be given out and
    ``source`` is dissolved (its members no longer present go with the first part). Each
    target gets a SPLIT link from ``source``."""
    source = _lock(source)
    _check_alive(source, on)
    parts = [
        SplitPart(_lock(part.target), part.children, tuple(part.people))
        for part in sorted(parts, key=lambda p: p.target.pk)
    ]
    for part in parts:
        _check_successor(source, part.target, on)
    _check_split(source, parts, source_continues)
    moved = Counter[str]()
    for part in parts:
        units, members = _hand_over(source, part.target, on, part.children, part.people)
        moved["units"] += units
        moved["members"] += members
        _link(source, part.target, LineageKind.SPLIT, on)
    roles: list[str] = []
    if source_continues:
        _mark_reorganized(source, on)
    else:
        _people_hand_over(source, parts[0].target, None, on)  # those no longer present
        roles = _end(source, on)
    targets = tuple(part.target.pk for part in parts)
    tree_changed(
        Reorganized(
            () if source_continues else (source.pk,),
            (*targets, source.pk) if source_continues else targets,
            on,
        )
    )
    audit_record(
        actor=actor,
        action="unit_split",
        obj=source,
        unit_path=source.path,
        after={
            "targets": [part.target.code for part in parts],
            "on": on,
            "continues": source_continues,
            "roles_ended": roles,
            **moved,
        },
    )
    if ended_roles is not None:
        ended_roles.extend(roles)
    return [OrgUnit.objects.get(pk=pk) for pk in targets]


@transaction.atomic
def unit_dissolve(
    *,
    actor: Actor,
    unit: OrgUnit,
    on: dt.date,
    successor: OrgUnit | None = None,
    ended_roles: list[str] | None = None,
) -> OrgUnit:
    """Dissolve ``unit`` on ``on``. With a ``successor``, what it held (units below, members)
    is handed over to it and a DISSOLVE link records where; without one it must be empty."""
    unit = _lock(unit)
    _check_alive(unit, on)
    if successor is None:
        children = OrgUnit.objects.filter(parent=unit, dissolved__isnull=True)
        present = Person.objects.filter(unit=unit, status__in=PersonStatus.present())
        if children.exists() or present.exists():
            raise ValidationError(
                _(
                    "{unit} còn {units} tổ chức trực thuộc và {members} đảng viên: chọn tổ chức "
                    "nhận bàn giao trước khi giải thể."
                ).format(unit=_label(unit), units=children.count(), members=present.count())
            )
        moved = (0, 0)
    else:
        successor = _lock(successor)
        _check_successor(unit, successor, on)
        moved = _hand_over(unit, successor, on)
        _link(unit, successor, LineageKind.DISSOLVE, on)
    roles = _end(unit, on)
    tree_changed(Reorganized((unit.pk,), (successor.pk,) if successor else (), on))
    audit_record(
        actor=actor,
        action="unit_dissolve",
        obj=unit,
        unit_path=unit.path,
        after={
            "on": on,
            "successor": successor.code if successor else None,
            "units": moved[0],
            "members": moved[1],
            "roles_ended": roles,
        },
    )
    if ended_roles is not None:
        ended_roles.extend(roles)
    return unit
