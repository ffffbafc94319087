"""The central rule sets and how to pick one for an evaluation year."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from xeploai.rules.errors import RuleError
from xeploai.rules.rulesets import qd124, qd132, qd366
from xeploai.rules.rulesets.base import RuleSet

CENTRAL: Mapping[str, RuleSet] = MappingProxyType(
    {rs.key: rs for rs in (qd132.RULESET, qd124.RULESET, qd366.RULESET)}
)


def get_ruleset(key: str) -> RuleSet:
    """The central rule set ``key`` ("132-2018", "124-2023" or "366-2025")."""
    try:
        return CENTRAL[key]
    except KeyError:
        raise RuleError(
            f"Không có bộ quy định {key!r}; có: {', '.join(CENTRAL)}",
            f"No rule set {key!r}; available: {', '.join(CENTRAL)}",
        ) from None


def ruleset_for_year(year: int) -> RuleSet:
    """The central rule set for evaluation year ``year``: 132-2018 up to 2022, 124-2023 for
    2023–2024, 366-2025 from 2025.

    >>> ruleset_for_year(2024).key
    '124-2023'
    """
    for ruleset in CENTRAL.values():
        if ruleset.covers(year) and year >= 2018:
            return ruleset
    raise RuleError(
        f"Năm {year} trước Quy định 132-QĐ/TW (2018): không có bộ quy định",
        f"Year {year} predates Regulation 132-QĐ/TW (2018): no rule set",
    )
