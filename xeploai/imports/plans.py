"""What an import would change, computed before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from xeploai.audit.actor import Actor
from xeploai.org.models import OrgUnit


@dataclass
class Plan:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def apply(self, actor: Actor) -> None:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


def in_scope(path: str, scope: OrgUnit | None) -> bool:
    return scope is None or path.startswith(scope.path)
