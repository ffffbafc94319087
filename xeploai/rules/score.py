"""The band a 366 score falls in (366.md §3.2, QĐ 366 Đ.11 k.1–4), for a review being written.

The self-review page shows the member the total of their two scores and the highest level it
allows while they type, and warns when the level they declare is above it. The floors come from
the rule set (``RuleSet.score_bands``, local rule sets may raise them), never from a template;
the ceiling (:func:`xeploai.rules.ceiling`) applies the same floors with the conditions on top.
"""

from __future__ import annotations

from dataclasses import dataclass

from xeploai.rules.explain import Explanation, Severity
from xeploai.rules.levels import Level
from xeploai.rules.rulesets.base import RuleSet, Scale


@dataclass(frozen=True, slots=True)
class Band:
    """``score`` (common + tasks) supports at most ``level``; ``explanation`` says by which
    clause (``score.band``, or ``khtnv.score_below_50`` under the lowest floor)."""

    score: float
    level: Level
    explanation: Explanation

    def above(self, declared: Level | None) -> Explanation | None:
        """The band's explanation as a warning when ``declared`` is above the band, else None.

        >>> from xeploai.rules.rulesets import get_ruleset
        >>> band = score_band(get_ruleset("366-2025"), 20, 55)
        >>> band.level.name, band.above(Level.HTXSNV).clause, band.above(Level.HTTNV)
        ('HTTNV', 'QĐ 366 Đ.11 k.1–3', None)
        """
        if declared is None or declared <= self.level:
            return None
        e = self.explanation
        return Explanation(e.key, e.clause, e.numbers, e.subject, Severity.WARNING)


def score_band(ruleset: RuleSet, common: float | None, tasks: float | None) -> Band | None:
    """The band of ``common`` (/30) + ``tasks`` (/70) under ``ruleset``; None when the rule set
    grades instead of scoring, a score is missing or one is outside its range (the form says
    which; a band of a wrong number would mislead)."""
    if ruleset.scale is not Scale.POINTS or common is None or tasks is None:
        return None
    if not (0 <= common <= ruleset.common_max and 0 <= tasks <= ruleset.tasks_max):
        return None
    score = common + tasks
    for level, floor in ruleset.score_bands:
        if score >= floor:
            numbers = {
                "level": level,
                "score": score,
                "common": common,
                "tasks": tasks,
                "floor": floor,
            }
            return Band(
                score, level, Explanation("score.band", ruleset.clause("score.band"), numbers)
            )
    key = "khtnv.score_below_50"
    return Band(score, Level.KHTNV, Explanation(key, ruleset.clause(key), {"score": score}))
