"""The self-review's score hint: the total of the two 366 scores, the band it falls in and a
warning when the declared level is above it — all from the rule engine (``rules.score_band``),
worded with the clause. Shown live while the member types (the ``review_score`` fragment), on
the review form when it opens, and on the submitted review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.lib.numbers import vn_decimal
from xeploai.org.models import Level
from xeploai.reviews.facts import ruleset_of
from xeploai.reviews.wording import message


@dataclass(frozen=True)
class ScoreHint:
    total: str  # "90" / "89,5"
    level: str  # the band's level code
    level_name: str  # its full name, "Hoàn thành xuất sắc nhiệm vụ"
    why: str  # the rule engine's sentence with its clause
    warning: str  # "" unless the declared level is above the band


def _number(value: Any) -> float | None:
    """A score as typed ("28", "27,5", "27.5"); None when empty or not a number."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return float(number) if number.is_finite() else None


def _total_text(score: float) -> str:
    return vn_decimal(Decimal(str(score)), trim=True)


def score_hint(period: Period, data: Mapping[str, Any]) -> ScoreHint | None:
    """The hint for ``score_common``, ``score_tasks`` and ``self_level`` in ``data`` (a GET, a
    review's content); None when the period's rule set has no points or a score is missing."""
    band = rules.score_band(
        ruleset_of(period), _number(data.get("score_common")), _number(data.get("score_tasks"))
    )
    if band is None:
        return None
    declared = data.get("self_level") or ""
    above = band.above(rules.Level[declared]) if declared in Level.values else None
    warning = ""
    if above is not None:
        warning = _("Mức tự nhận {declared} cao hơn mức số điểm cho phép: {why}").format(
            declared=f"{Level(declared).label} ({declared})", why=message(above)
        )
    return ScoreHint(
        total=_total_text(band.score),
        level=band.level.name,
        level_name=str(Level(band.level.name).label),
        why=message(band.explanation),
        warning=warning,
    )
