"""Writes to the org tree and to people. Every function: one transaction, validation, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.audit.actor import Actor
from xeploai.audit.services import audit_record, snapshot
from xeploai.lib.bulk import allocate_ids
from xeploai.lib.text import clean_text
from xeploai.org.counts import (
    is_live_cell,
    member_count_children_moved,
    member_count_move,
    member_count_subtree_moved,
)
from xeploai.org.models import (
    ALLOWED_PARENT_KINDS,
    CELLS_KEY,
    SEGMENT,
    SEGMENT_WIDTH,
    CivilServiceRating,
    Membership,
    MembershipKind,
    OrgUnit,
    Person,
    UnitKind,
)
from xeploai.org.tree import ChildrenMoved, MembersTransferred, TreeChange, tree_changed

UNIT_FIELDS = ("code", "name", "kind", "org_type", "established", "dissolved", "has_committee")


def segment(pk: int) -> str:
    """The fixed-width base-36 path segment of one unit: 42 → "000016/"."""
    digits = ""
    number = pk
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    if len(digits) > SEGMENT_WIDTH:
        raise ValueError(f"unit id {pk} does not fit in a path segment")
    return digits.rjust(SEGMENT_WIDTH, "0") + "/"


def path_for(pk: int, parent_path: str) -> str:
    return parent_path + segment(pk)


@transaction.atomic
def unit_create(*, actor: Actor, parent: OrgUnit | None, **fields: Any) -> OrgUnit:
    """Create a unit under ``parent`` (or a new root) with its path."""
    fields["name"] = clean_text(fields.get("name", ""))
    unit = OrgUnit(parent=parent, **fields)
    # A placeholder path that cannot collide, replaced once the id is known.
    unit.path = "tmp-" + fields.get("code", "")
    unit.full_clean()
    unit.save()
    unit.path = path_for(unit.pk, parent.path if parent else "")
    unit.depth = len(unit.path) // SEGMENT - 1
    unit.save(update_fields=["path", "depth"])
    if is_live_cell(unit):
        member_count_move(old=None, new=(unit.path, CELLS_KEY))
    audit_record(
        actor=actor,
        action="unit_create",
        obj=unit,
        unit_path=unit.path,
        after=snapshot(unit, (*UNIT_FIELDS, "parent", "path")),
    )
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: OrgUnit, **fields: Any) -> OrgUnit:
    """Change a unit's own fields (not its place in the tree: see ``unit_move``).

    A name changes no figure; a change of kind or a dissolution moves the unit in or out of
    the cells counted by ``MemberCount``, and a change of kind is passed to ``tree_changed``
    (the deciding bodies of open evaluations follow it)."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    was_cell = is_live_cell(unit)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise ValueError(f"unit_update cannot change {name!r}")
        setattr(unit, name, clean_text(value) if name == "name" else value)
    unit.full_clean()
    unit.save()
    if was_cell != is_live_cell(unit):
        cell = (unit.path, CELLS_KEY)
        member_count_move(old=cell if was_cell else None, new=None if was_cell else cell)
    if unit.kind != before["kind"]:
        tree_changed(TreeChange(unit.pk, unit.path, unit.path, before["kind"], unit.kind))
    audit_record(
        actor=actor,
        action="unit_update",
        obj=unit,
        unit_path=unit.path,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_move(*, actor: Actor, unit: OrgUnit, new_parent: OrgUnit | None) -> OrgUnit:
    """Move ``unit`` and its whole subtree under ``new_parent``, rewriting every path.

    Refuses a move into the unit itself or into its own subtree (a cycle), and a move that
    breaks the kind rules (e.g. a cell under an upper committee).

    The figures follow in the same transaction, at a cost by the subtree and the tree's depth,
    not by the country: ``MemberCount`` here, the statistics and the deciding bodies of the
    evaluations through ``tree_changed`` (``reviews.tree``, which may refuse the move).
    """
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    old_path, old_parent_id = unit.path, unit.parent_id
    unit = subtree_move(unit, new_parent)
    audit_record(
        actor=actor,
        action="unit_move",
        obj=unit,
        unit_path=unit.path,
        before={"parent": old_parent_id, "path": old_path},
        after={"parent": unit.parent_id, "path": unit.path},
    )
    return unit


def subtree_move(unit: OrgUnit, new_parent: OrgUnit | None) -> OrgUnit:
    """``unit_move`` without its transaction and audit event, for the services that move
    units as part of a larger change (``org.reorg``): the caller holds the transaction."""
    if new_parent is not None:
        new_parent = OrgUnit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ValidationError(
                {"parent": _("Không thể chuyển một tổ chức vào chính nó hoặc cấp dưới của nó.")}
            )
    old_path = unit.path
    unit.parent = new_parent
    unit.full_clean()
    new_path = path_for(unit.pk, new_parent.path if new_parent else "")
    depth_change = (len(new_path) - len(old_path)) // SEGMENT
    # One UPDATE for the whole subtree; Concat/Substr work the same on SQLite and PostgreSQL.
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    member_count_subtree_moved(old_path=old_path, new_path=new_path)
    tree_changed(TreeChange(unit.pk, old_path, new_path, unit.kind, unit.kind))
    unit.refresh_from_db()
    return unit


def children_move(source: OrgUnit, target: OrgUnit, children: list[OrgUnit]) -> None:
    """Move ``children`` of ``source`` with their subtrees under ``target`` in a constant
    number of statements (``org.reorg``; the caller holds the transaction and has checked that
    ``target`` is not inside ``source``): every path keeps its tail, ``source.path`` becomes
    ``target.path``. ``MemberCount`` here, the statistics and deciding bodies through
    ``tree_changed(ChildrenMoved)``."""
    if not children:
        return
    for child in children:
        if child.parent_id != source.pk:
            raise ValueError(f"{child.code} is not a child of {source.code}")
        if target.kind not in ALLOWED_PARENT_KINDS.get(child.kind, ()):
            raise ValidationError(
                {
                    "parent": _("{kind} không thể trực thuộc {parent}.").format(
                        kind=UnitKind(child.kind).label, parent=UnitKind(target.kind).label
                    )
                }
            )
    moved = [child.path for child in children]
    kept = list(
        OrgUnit.objects.filter(parent=source)
        .exclude(pk__in=[child.pk for child in children])
        .values_list("path", flat=True)
    )
    rows = OrgUnit.objects.filter(path__startswith=source.path).exclude(pk=source.pk)
    for path in kept:
        rows = rows.exclude(path__startswith=path)
    rows.update(
        path=Concat(Value(target.path), Substr("path", len(source.path) + 1)),
        depth=F("depth") + (len(target.path) - len(source.path)) // SEGMENT,
    )
    OrgUnit.objects.filter(pk__in=[child.pk for child in children]).update(parent=target)
    member_count_children_moved(
        old_parent=source.path, new_parent=target.path, moved=moved, kept=kept
    )
    tree_changed(ChildrenMoved(source.path, target.path, tuple(moved), tuple(kept)))


PERSON_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "citizen_id",
    "party_card_number",
    "admission_date",
    "official_date",
    "status",
    "status_since",
    "is_civil_servant",
    "in_political_system",
    "residence_exemption",
)


@transaction.atomic
def person_create(*, actor: Actor, unit: OrgUnit, joined: dt.date, **fields: Any) -> Person:
    """Create a member active in ``unit`` from ``joined``, with the opening membership."""
    for key in ("citizen_id", "party_card_number"):
        if fields.get(key) == "":
            fields[key] = None
    person = Person(unit=unit, **fields)
    person.full_clean()
    person.save()
    membership = Membership(person=person, unit=unit, kind=MembershipKind.OFFICIAL, start=joined)
    membership.full_clean()
    membership.save()
    member_count_move(old=None, new=(unit.path, person.status))
    audit_record(
        actor=actor,
        action="person_create",
        obj=person,
        unit_path=unit.path,
        after=snapshot(person, (*PERSON_FIELDS, "unit")),
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **fields: Any) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person, PERSON_FIELDS)
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"person_update cannot change {name!r}")
        if name in ("citizen_id", "party_card_number") and value == "":
            value = None
        setattr(person, name, value)
    person.full_clean()
    person.save()
    if person.status != before["status"]:
        path = person.unit.path
        member_count_move(old=(path, before["status"]), new=(path, person.status))
    audit_record(
        actor=actor,
        action="person_update",
        obj=person,
        unit_path=person.unit.path,
        before=before,
        after=snapshot(person, PERSON_FIELDS),
    )
    return person


@transaction.atomic
def person_transfer(*, actor: Actor, person: Person, to_unit: OrgUnit, on: dt.date) -> Membership:
    """Close the open official membership the day before ``on`` and open one in ``to_unit``;
    the member's evaluations not yet decided follow (``reviews.transfers``)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not to_unit.is_cell:
        raise ValidationError({"unit": _("Chỉ chuyển sinh hoạt đến một chi bộ.")})
    if to_unit.dissolved is not None:
        raise ValidationError({"unit": _("Chi bộ nhận đã thôi tồn tại.")})
    if to_unit.pk == person.unit_id:
        raise ValidationError({"unit": _("Đảng viên đã sinh hoạt ở chi bộ này.")})
    current = person.memberships.filter(kind=MembershipKind.OFFICIAL, end__isnull=True).first()
    if current is not None:
        if on <= current.start:
            raise ValidationError(
                {"start": _("Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại.")}
            )
        current.end = on - dt.timedelta(days=1)
        current.save(update_fields=["end"])
    membership = Membership(person=person, unit=to_unit, kind=MembershipKind.OFFICIAL, start=on)
    membership.full_clean()
    membership.save()
    old_unit_id = person.unit_id
    old_path = person.unit.path
    person.unit = to_unit
    person.save(update_fields=["unit"])
    member_count_move(old=(old_path, person.status), new=(to_unit.path, person.status))
    # the member's evaluation not yet decided follows to the receiving cell (reviews.transfers)
    tree_changed(MembersTransferred(((person.pk, old_unit_id, to_unit.pk, on),)))
    audit_record(
        actor=actor,
        action="person_transfer",
        obj=person,
        unit_path=to_unit.path,
        before={"unit": old_unit_id},
        after={"unit": to_unit.pk, "start": on},
    )
    return membership


@transaction.atomic
def membership_add_temporary(
    *, actor: Actor, person: Person, unit: OrgUnit, start: dt.date, end: dt.date | None
) -> Membership:
    """Record temporary party activity (sinh hoạt tạm thời) in another cell."""
    membership = Membership(
        person=person, unit=unit, kind=MembershipKind.TEMPORARY, start=start, end=end
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership_add_temporary",
        obj=membership,
        unit_path=unit.path,
        after=snapshot(membership),
    )
    return membership


@transaction.atomic
def password_change(*, actor: User, password: str) -> None:
    """Set the actor's own password (the view has checked the old one). The settings'
    validators refuse a weak one here too; the audit event records the change, never the
    password."""
    validate_password(password, user=actor)
    actor.set_password(password)
    actor.save(update_fields=["password"])
    audit_record(actor=actor, action="password_change", obj=actor)


def units_bulk_create(units: list[OrgUnit], parents: list[OrgUnit | None]) -> list[OrgUnit]:
    """Insert many units at once (demo, generator, imports) with their paths.

    ``parents[i]`` is the parent of ``units[i]`` and must already be saved or appear earlier in
    the list. The ids are taken first (a path is made of ids), so each unit is written once, one
    tree level at a time — not inserted then updated, which left a dead version of every unit
    for the next statements to step over until a VACUUM (≈ 0.1 s of the foreign-key checks of
    a 100,000-member import right after). Callers validate and audit; this is the bulk path,
    not a per-row service.
    """
    for unit, pk in zip(units, allocate_ids(OrgUnit, len(units)), strict=True):
        unit.pk = pk
    pending = list(zip(units, parents, strict=True))
    done: list[OrgUnit] = []
    while pending:
        waiting = {id(u) for u, _ in pending}
        ready = [(u, p) for u, p in pending if p is None or id(p) not in waiting]
        if not ready or any(p is not None and p.pk is None for _, p in ready):
            raise ValueError("a parent is neither saved nor in the list")
        for unit, parent in ready:
            unit.parent = parent
            unit.path = path_for(unit.pk, parent.path if parent else "")
            unit.depth = len(unit.path) // SEGMENT - 1
        OrgUnit.objects.bulk_create([u for u, _ in ready], batch_size=2000)
        ids = {id(u) for u, _ in ready}
        pending = [(u, p) for u, p in pending if id(u) not in ids]
        done.extend(u for u, _ in ready)
    return done


CIVIL_RATING_FIELDS = ("year", "level", "points", "agency", "rated_on")


@transaction.atomic
def civil_rating_set(
    *,
    actor: Actor,
    person: Person,
    year: int,
    level: str,
    points: Decimal | None = None,
    agency: str = "",
    rated_on: dt.date | None = None,
) -> CivilServiceRating:
    """Record (or correct) ``person``'s civil-service rating for ``year``, checked against the
    state scale of that year (``rules.civil_rating_problems``: Nghị định 335/2025's points from
    2026). The party rating follows it (366 Đ.3 k.4)."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    if not person.is_civil_servant:
        raise ValidationError(
            {
                "person": _(
                    "{name} không được ghi là cán bộ, công chức, viên chức — sửa hồ sơ đảng viên "
                    "trước."
                ).format(name=person.full_name)
            }
        )
    rating = CivilServiceRating.objects.filter(person=person, year=year).first()
    before = snapshot(rating, CIVIL_RATING_FIELDS) if rating is not None else None
    if rating is None:
        rating = CivilServiceRating(person=person, year=year)
    rating.level = level
    rating.points = points
    rating.agency = clean_text(agency)
    rating.rated_on = rated_on
    rating.full_clean()
    _check_civil_rating(rating)
    rating.save()
    audit_record(
        actor=actor,
        action="civil_rating_set",
        obj=rating,
        unit_path=person.unit.path,
        before=before,
        after=snapshot(rating, CIVIL_RATING_FIELDS),
    )
    return rating


def _check_civil_rating(rating: CivilServiceRating) -> None:
    """The rating against its year's scale and its date against its year."""
    errors: dict[str, str] = {}
    found = rules.civil_rating_problems(rating.year, rules.Level[rating.level], rating.points)
    english = get_language() == "en"
    for explanation in found:
        text = explanation.message_en if english else explanation.message_vi
        errors["points"] = f"{text} ({explanation.clause})"
    on = rating.rated_on
    if on is not None and not rating.year <= on.year <= rating.year + 1:
        errors["rated_on"] = _(
            "Ngày xếp loại {on} không thuộc năm {year} hoặc đầu năm sau."
        ).format(on=f"{on:%d/%m/%Y}", year=rating.year)
    if errors:
        raise ValidationError(errors)
