"""The central rule sets, how to pick one for an evaluation year, and the registry a new
version joins: a rule set is found by its key, and the newest one covering a year serves it.

A new version (say an amendment of 366 in 2027) is one module beside these, derived from the
version it amends (:func:`derive`), and one entry in ``_BUILT_IN``; a test may :func:`register`
a throwaway version for its own duration (:func:`registered`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from xeploai.rules.errors import RuleError
from xeploai.rules.rulesets import qd124, qd132, qd366
from xeploai.rules.rulesets.base import RuleSet

_BUILT_IN = (qd132.RULESET, qd124.RULESET, qd366.RULESET)
_REGISTRY: dict[str, RuleSet] = {rs.key: rs for rs in _BUILT_IN}

# A read-only, live view of the registry: a registered rule set appears in it.
CENTRAL: Mapping[str, RuleSet] = MappingProxyType(_REGISTRY)


def get_ruleset(key: str) -> RuleSet:
    """The central rule set ``key`` ("132-2018", "124-2023", "366-2025" or a registered one).

    >>> get_ruleset("366-2025").first_year
    2025
    """
    try:
        return _REGISTRY[key]
    except KeyError:
        raise RuleError(
            f"Không có bộ quy định {key!r}; có: {', '.join(_REGISTRY)}",
            f"No rule set {key!r}; available: {', '.join(_REGISTRY)}",
        ) from None


def available() -> tuple[RuleSet, ...]:
    """Every central rule set, oldest first (what a period may be opened on).

    >>> [rs.key for rs in available()]
    ['132-2018', '124-2023', '366-2025']
    """
    return tuple(sorted(_REGISTRY.values(), key=lambda rs: (rs.first_year, rs.key)))


def ruleset_for_year(year: int) -> RuleSet:
    """The central rule set for evaluation year ``year``: the newest one covering it (132-2018
    up to 2022, 124-2023 for 2023–2024, 366-2025 from 2025 until a later version starts).

    >>> ruleset_for_year(2024).key
    '124-2023'
    """
    covering = [rs for rs in available() if rs.covers(year) and year >= 2018]
    if covering:
        return covering[-1]
    raise RuleError(
        f"Năm {year} trước Quy định 132-QĐ/TW (2018): không có bộ quy định",
        f"Year {year} predates Regulation 132-QĐ/TW (2018): no rule set",
    )


def derive(
    base: RuleSet,
    *,
    key: str,
    title_vi: str,
    title_en: str,
    documents: tuple[str, ...],
    first_year: int,
    last_year: int | None = None,
    clauses: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    **changes: Any,
) -> RuleSet:
    """A new central version of ``base``: its own key, titles, documents and years; ``clauses``
    re-cite (or add) the rules it amends, ``settings`` changes named settings, and any other
    field of :class:`RuleSet` may be replaced through ``changes``.

    >>> amended = derive(
    ...     get_ruleset("366-2025"), key="366-2027", title_vi="QĐ 366 sửa đổi",
    ...     title_en="366 as amended", documents=("366-QĐ/TW (sửa đổi 2027)",),
    ...     first_year=2027, settings={"quota_ratio_pct": 25},
    ... )
    >>> amended.key, amended.settings.quota_ratio_pct, amended.clause("quota.exceeded")
    ('366-2027', 25, 'QĐ 366 Đ.11 k.1.5')
    """
    return replace(
        base,
        key=key,
        title_vi=title_vi,
        title_en=title_en,
        documents=documents,
        first_year=first_year,
        last_year=last_year,
        clauses={**base.clauses, **(clauses or {})},
        settings=replace(base.settings, **(settings or {})),
        **changes,
    )


def register(ruleset: RuleSet) -> RuleSet:
    """Add ``ruleset`` to the central rule sets; a key already taken is refused."""
    if ruleset.key in _REGISTRY:
        raise RuleError(
            f"Bộ quy định {ruleset.key!r} đã có",
            f"Rule set {ruleset.key!r} already exists",
        )
    if ruleset.base_key is not None:
        raise RuleError(
            f"{ruleset.key}: bộ quy định địa phương không phải bộ quy định trung ương",
            f"{ruleset.key}: a local rule set is not a central rule set",
        )
    _REGISTRY[ruleset.key] = ruleset
    return ruleset


def unregister(key: str) -> None:
    """Remove a registered rule set; the built-in ones stay."""
    if any(rs.key == key for rs in _BUILT_IN):
        raise RuleError(f"Không thể bỏ bộ quy định {key!r}", f"Rule set {key!r} cannot be removed")
    get_ruleset(key)
    del _REGISTRY[key]


@contextmanager
def registered(ruleset: RuleSet) -> Iterator[RuleSet]:
    """``ruleset`` registered for the duration of a ``with`` block (tests, trials)."""
    register(ruleset)
    try:
        yield ruleset
    finally:
        unregister(ruleset.key)
