"""What hangs on the tree above ``org`` follows every change of the tree (decision 0007).

``org`` keeps its own figures (``counts.py``); the statistics and the evaluations' deciding
bodies live in ``reviews``, which ``org`` may not import (decision 0006). So every tree service
calls ``tree_changed`` in its own transaction, and an app above registers once, in its
``AppConfig.ready``, the one function that makes its rows follow. A follower may refuse the
change with a ``ValidationError``: the service's transaction then writes nothing.
"""

from __future__ import annotations

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


Follower = Callable[[TreeChange], None]
_followers: list[Follower] = []


def tree_follower_register(follower: Follower) -> None:
    """Have ``follower`` called by every tree service (once, however often registered)."""
    if follower not in _followers:
        _followers.append(follower)


def tree_changed(change: TreeChange) -> None:
    for follower in _followers:
        follower(change)
