"""Quarter results read by the year (QĐ 366 Đ.15 k.1: "kết quả đánh giá, xếp loại hằng quý là
cơ sở đánh giá, xếp loại năm"). No central formula turns four quarters into a year (366.md §1.2
[U]); what local guidance built on Hướng dẫn 02-HD/BTCTW (22/5/2026) adds is a local rule set,
off by default (:func:`quarter_local`): one KHTNV quarter caps the year below HTXSNV
(``cap.quarter_khtnv``); two consecutive KHTNV quarters flag the subject for a review of the post
(``flag.quarter_khtnv_twice``).

>>> from xeploai.rules.rulesets import get_ruleset
>>> from xeploai.rules.local import layer
>>> central = get_ruleset("366-2025")
>>> local = layer(central, quarter_local(central.key))
>>> levels = (Level.HTTNV, Level.KHTNV, Level.KHTNV, None)
>>> [e.key for e in quarter_findings(levels, local)]
['cap.quarter_khtnv', 'flag.quarter_khtnv_twice']
>>> quarter_findings(levels, central)
()
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from xeploai.rules.explain import Explanation, Severity
from xeploai.rules.levels import Level
from xeploai.rules.local import LocalRuleSet
from xeploai.rules.rulesets.base import RuleSet

CAP = "cap.quarter_khtnv"
FLAG = "flag.quarter_khtnv_twice"
ISSUER = "Hướng dẫn địa phương theo HD 02-HD/BTCTW (22/5/2026)"


def quarter_local(base_key: str) -> LocalRuleSet:
    """The local rule set of the quarter rules, on central rule set ``base_key``."""
    return LocalRuleSet(
        key=f"{base_key}+quy",
        issuer=ISSUER,
        base_key=base_key,
        quarter_khtnv_caps_year=True,
        quarter_khtnv_twice_flags=True,
    )


def khtnv_quarters(levels: Sequence[Level | None]) -> tuple[int, ...]:
    """The quarters (1 to 4) rated KHTNV.

    >>> khtnv_quarters((Level.HTTNV, Level.KHTNV, None, Level.KHTNV))
    (2, 4)
    """
    return tuple(i + 1 for i, level in enumerate(levels) if level is Level.KHTNV)


def consecutive_khtnv(levels: Sequence[Level | None]) -> tuple[int, int] | None:
    """The first two consecutive quarters rated KHTNV, if any (a missing quarter breaks a run).

    >>> consecutive_khtnv((Level.KHTNV, None, Level.KHTNV, Level.KHTNV))
    (3, 4)
    >>> consecutive_khtnv((Level.KHTNV, None, Level.KHTNV, Level.HTNV)) is None
    True
    """
    failed = khtnv_quarters(levels)
    for first, second in itertools.pairwise(failed):
        if second == first + 1:
            return first, second
    return None


def _quarters_text(quarters: Sequence[int]) -> str:
    return ", ".join(f"Q{q}" for q in quarters)


def quarter_findings(
    levels: Sequence[Level | None], ruleset: RuleSet, subject_id: str = ""
) -> tuple[Explanation, ...]:
    """What the quarter rules of ``ruleset`` say of a year whose quarters were ``levels``: the
    cap (an error above HTTNV) and the flag (a warning); nothing when the rules are off."""
    settings = ruleset.settings
    found: list[Explanation] = []
    failed = khtnv_quarters(levels)
    if settings.quarter_khtnv_caps_year and failed:
        found.append(
            Explanation(
                CAP,
                ruleset.clause(CAP),
                {"quarters": _quarters_text(failed), "level": Level.HTTNV},
                subject_id,
                Severity.ERROR,
            )
        )
    pair = consecutive_khtnv(levels)
    if settings.quarter_khtnv_twice_flags and pair is not None:
        found.append(
            Explanation(
                FLAG,
                ruleset.clause(FLAG),
                {"quarters": _quarters_text(pair)},
                subject_id,
                Severity.WARNING,
            )
        )
    return tuple(found)
