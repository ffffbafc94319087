"""What hangs on the tree above ``org`` follows every change of the tree (decision 0007).

``org`` keeps its own figures (``counts.py``); the statistics and the evaluations' deciding
bodies live in ``reviews``, which ``org`` may not import (decision 0006). So every tree service
calls ``tree_changed`` in its own transaction, and an app above registers once, in its
``AppConfig.ready``, the one function that makes its rows follow. A follower may refuse the
change with a ``ValidationError``: the service's transaction then writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TreeChange:
    """One unit changed: its path (a move takes its subtree along) and its kind.

    When the service calls the followers, ``OrgUnit`` and ``MemberCount`` already have the new
    paths and kind."""

    unit_id: int
    old_path: str
    new_path: str
    old_kind: str
    new_kind: str

    @property
    def moved(self) -> bool:
        return self.old_path != self.new_path


@dataclass(frozen=True)
class ChildrenMoved:
    """Children of one unit moved with their subtrees under another at once (a merger, a
    split, a dissolution handing over): their old paths ``moved`` under ``old_parent``, now
    under ``new_parent``; ``kept``: the old parent's other children, which stayed."""

    old_parent: str
    new_parent: str
    moved: tuple[str, ...]
    kept: tuple[str, ...]


@dataclass(frozen=True)
class MembersMoved:
    """People left a cell that ends for another (a merge, a split, a dissolution): their open
    evaluations follow them. ``Person`` and ``MemberCount`` already have the new cell."""

    old_unit_id: int
    new_unit_id: int
    person_ids: tuple[int, ...]


@dataclass(frozen=True)
class Reorganized:
    """Units ``ended`` (dissolved on ``on``) and the ``successors`` they handed over to, their
    lineage written (``UnitLineage``). The organizations' own evaluations follow: an ended one
    is no longer a subject of a round it does not reach, a successor is one, with the
    "mới chia tách, sáp nhập" eligibility read from its lineage."""

    ended: tuple[int, ...]
    successors: tuple[int, ...]
    on: dt.date


@dataclass(frozen=True)
class MembersTransferred:
    """Members transferred their official party activity to another cell (``person_transfer``,
    a people import's changed cell): ``moves`` holds (person, old cell, new cell, transfer
    date) of each. ``Person``, ``Membership`` and ``MemberCount`` already say the new cell."""

    moves: tuple[tuple[int, int, int, dt.date], ...]


TreeEvent = TreeChange | ChildrenMoved | MembersMoved | Reorganized | MembersTransferred
Follower = Callable[[TreeEvent], None]
_followers: list[Follower] = []


def tree_follower_register(follower: Follower) -> None:
    """Have ``follower`` called by every tree service (once, however often registered)."""
    if follower not in _followers:
        _followers.append(follower)


def tree_changed(change: TreeEvent) -> None:
    for follower in _followers:
        follower(change)
