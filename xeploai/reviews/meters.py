"""The decision board's live quota meters: one per quota group of the deciding body, counting
decided levels, else proposals (split from ``checks``, whose ``board_check`` has already built
the decisions they count)."""

from __future__ import annotations

from dataclasses import dataclass

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.lib.numbers import percent, vn_percent
from xeploai.reviews import checks
from xeploai.reviews.facts import Facts, ruleset_of
from xeploai.reviews.models import Evaluation
from xeploai.reviews.wording import meter_label


@dataclass(frozen=True)
class Meter:
    """One quota group on the decision board: "HTXSNV 13 / (HTXSNV+HTTNV) 67 = 19,4% ≤ 20%"."""

    label: str
    n_xs: int
    base: int
    base_label: str
    allowed: int
    ratio_pct: int
    ok: bool
    small_unit: bool

    @property
    def share_text(self) -> str:
        if not self.base:
            return "—"
        share = percent(self.n_xs, self.base)
        return vn_percent(share, trim=True)


def pool_summaries(
    evaluations: list[Evaluation],
    period: Period,
    facts: Facts | None = None,
    check: checks.BoardCheck | None = None,
) -> list[Meter]:
    """The live quota meter of a deciding body: decided levels, else proposals (``facts``:
    already loaded for these evaluations; ``check``: ``board_check`` of them, whose
    decisions are these)."""
    ruleset = ruleset_of(period)
    if check is not None:
        decisions = list(check.decisions.values())
    else:
        facts = facts or Facts.load(period, evaluations)
        decisions = list(checks.standing(evaluations, facts).values())
    base_label = (
        "HTTNV" if ruleset.settings.quota_base == rules.QuotaBase.TTNV_ONLY else "(HTXSNV+HTTNV)"
    )
    return [
        Meter(
            label=meter_label(s),
            n_xs=s.n_xs,
            base=s.base,
            base_label=base_label,
            allowed=s.allowed,
            ratio_pct=s.ratio_pct,
            ok=s.ok,
            small_unit=s.small_unit,
        )
        for s in rules.quota_summaries(decisions, ruleset)
    ]
