"""Who issues and signs a unit's party documents (36-HD/VPTW), from what the tree holds.

The issuing body is the unit's committee ("Đảng bộ Sở Tài chính" → "ĐẢNG ỦY SỞ TÀI CHÍNH"; a
cell issues as itself), under its parent; the signer is the secretary, from the party
positions held in the unit on the document's date. The number and the place are left blank to
be written by hand, as offices do with documents printed before they are numbered.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xeploai.lib.docx import Issuer
from xeploai.org.models import OrgUnit, Position, UnitKind

COMMITTEE_KINDS = (UnitKind.UPPER, UnitKind.GRASSROOTS_COMMITTEE, UnitKind.SUB_COMMITTEE)


def body_name(unit: OrgUnit) -> str:
    """The name a unit issues documents under: its committee's for a party committee."""
    if unit.kind in COMMITTEE_KINDS and unit.has_committee:
        rest = unit.name.removeprefix("Đảng bộ ").removeprefix("đảng bộ ")
        return "Đảng ủy " + rest if rest != unit.name else unit.name
    return unit.name


def secretary(unit: OrgUnit, on: dt.date) -> str:
    """The name of the unit's secretary on ``on`` ("" when no position says so)."""
    position = (
        Position.objects.filter(unit=unit, appointed__lte=on, title__istartswith="Bí thư")
        .filter(Q(ended__isnull=True) | Q(ended__gte=on))
        .select_related("person")
        .order_by("-appointed", "pk")
        .first()
    )
    return position.person.full_name if position else ""


def issuer_of(unit: OrgUnit, on: dt.date) -> Issuer:
    committee = unit.kind in COMMITTEE_KINDS
    parent = unit.parent
    return Issuer(
        superior=parent.name.upper() if parent is not None else "",
        body=body_name(unit).upper(),
        symbol="ĐU" if committee else "CB",
        on_behalf="T/M ĐẢNG ỦY" if committee else "T/M CHI BỘ",
        signer=secretary(unit, on),
    )
