"""Who is evaluated in a period, by whom, and in which quota group (rules.md §2, §4.1)."""

from __future__ import annotations

import datetime as dt

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org.models import SEGMENT, ExcellenceGroup, OrgUnit, UnitKind

_GROUP_RANK: dict[str, int] = {
    ExcellenceGroup.LEADER: 0,
    ExcellenceGroup.MANAGER: 1,
    ExcellenceGroup.NONE: 2,
}


def grassroots_path(unit: OrgUnit, by_path: dict[str, OrgUnit]) -> str | None:
    """The path of the grassroots organization ``unit`` belongs to (itself if it is one)."""
    for end in range(len(unit.path), 0, -SEGMENT):
        ancestor = by_path.get(unit.path[:end])
        if ancestor is not None and ancestor.is_grassroots:
            return ancestor.path
    return None


def member_decider(cell: OrgUnit, by_path: dict[str, OrgUnit]) -> OrgUnit:
    """A grassroots cell decides for its members; otherwise the grassroots committee does."""
    if cell.kind == UnitKind.GRASSROOTS_CELL:
        return cell
    path = grassroots_path(cell, by_path)
    if path is None:
        raise ValueError(f"cell {cell.code} is not under a grassroots organization")
    return by_path[path]


def cell_decider(cell: OrgUnit, by_path: dict[str, OrgUnit]) -> OrgUnit:
    """A cell under a committee is rated by the grassroots committee (rules.md §2.2)."""
    return member_decider(cell, by_path) if cell.kind == UnitKind.CELL else by_path[cell.path]


def grassroots_decider(org: OrgUnit, by_path: dict[str, OrgUnit]) -> OrgUnit:
    """A grassroots organization and its committee are rated by the level above (§2.1)."""
    parent_path = org.path[:-SEGMENT]
    return by_path.get(parent_path, org)


def member_group(positions: list[tuple[str, dt.date, dt.date | None]], on: dt.date) -> str:
    """The excellence group of a member: the highest group of the posts held on ``on``."""
    held = [group for group, start, end in positions if start <= on and (end is None or end >= on)]
    if not held:
        return ExcellenceGroup.NONE
    return min(held, key=lambda group: _GROUP_RANK.get(group, 9))


def orgs_in_round(period: Period) -> bool:
    """A quarterly round evaluates individuals (Mẫu 05 is a personal form); the others also
    evaluate the organizations and committees."""
    return period.kind != PeriodKind.QUARTER


def member_in_round(period: Period, group: str) -> bool:
    """A round of leaders and managers takes the members whose posts put them in a group."""
    return not period.leaders_only or group != ExcellenceGroup.NONE


def cell_step_required(period: Period) -> bool:
    """A quarterly round whose scope asks for the cell's ballot decides only files the cell
    sent; otherwise the competent level reviews and decides the self-evaluation directly."""
    return period.kind == PeriodKind.QUARTER and period.cell_ballot


def straight_to_decider(period: Period) -> bool:
    """A quarterly round without the cell's step: a submitted self-evaluation is the file the
    competent level reviews and decides."""
    return period.kind == PeriodKind.QUARTER and not period.cell_ballot
