"""Secret-ballot tally → proposed level (rules.md §5.3).

Default (an inference, no source states it; every part is a setting of
:class:`~xeploai.rules.rulesets.base.BallotRule`): the vote is valid when more than half of
the full members are present; a level is proposed when more than 50 % of the valid ballots
of the full members present choose it, adding the votes from the highest level down
(HTXSNV, then HTXSNV + HTTNV, …) and taking the first level where the running total passes
the threshold. Only counts per level are taken: voter ↔ choice links never reach the engine.

>>> from fractions import Fraction
>>> r = tally(BallotCount({Level.HTXSNV: 4, Level.HTTNV: 5, Level.HTNV: 1}, present=10,
...                       full_members=12), BallotRule())
>>> r.level, [e.message_vi for e in r.explanations][-1]
(<Level.HTTNV: 3>, 'HTTNV: 9/10 phiếu hợp lệ (cộng dồn từ mức cao nhất) > 50% số phiếu hợp lệ')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from xeploai.rules.errors import InvalidFacts
from xeploai.rules.explain import Explanation, Number, Severity
from xeploai.rules.levels import Level
from xeploai.rules.rulesets.base import BallotRule, RuleSet


@dataclass(frozen=True, slots=True)
class BallotCount:
    """Aggregated ballots for one subject: valid votes per level, invalid ballots, full
    members present and full members in the cell (probationary members do not vote)."""

    votes: Mapping[Level, int]
    present: int
    full_members: int
    invalid: int = 0


@dataclass(frozen=True, slots=True)
class BallotResult:
    """The proposed level (``None`` when the vote is void or no level reaches the threshold)
    and why."""

    level: Level | None
    valid: bool
    explanations: tuple[Explanation, ...] = field(default=())


def _pct(fraction: Fraction) -> str:
    value = fraction * 100
    return (
        f"{value.numerator // value.denominator}%"
        if value.denominator == 1
        else f"{float(value):.2f}%"
    )


def quorum_needed(full_members: int, rule: BallotRule | RuleSet) -> int:
    """The fewest full members present for a valid ballot under ``rule`` (> 50 % by default:
    9 of 17, 2 of 2, 1 of 1)."""
    ballot = rule.settings.ballot if isinstance(rule, RuleSet) else rule
    needed = ballot.quorum * full_members
    floor = needed.numerator // needed.denominator
    if ballot.quorum_strict:
        return floor + 1
    return floor if needed.denominator == 1 else floor + 1


def quorum_short(
    present: int, full_members: int, rule: BallotRule | RuleSet, subject: str | None = None
) -> Explanation | None:
    """Why a ballot with ``present`` of ``full_members`` full members is void (the quorum of
    ``rule``), or ``None`` when enough are present. Asked when the ballot is created — before
    any code is printed — and again by :func:`tally`.

    >>> quorum_short(3, 17, BallotRule()).message_vi
    'Có mặt 3/17 đảng viên chính thức, chưa đủ > 50%: cuộc bỏ phiếu không hợp lệ'
    >>> quorum_short(9, 17, BallotRule()) is None
    True
    """
    ballot = rule.settings.ballot if isinstance(rule, RuleSet) else rule
    if present >= quorum_needed(full_members, ballot):
        return None
    clause = rule.clause("ballot.quorum") if isinstance(rule, RuleSet) else "rules.md §5.3"
    quorum = ("> " if ballot.quorum_strict else "≥ ") + _pct(ballot.quorum)
    numbers: dict[str, Number] = {
        "present": present,
        "full_members": full_members,
        "quorum": quorum,
    }
    return Explanation("ballot.quorum", clause, numbers, subject, Severity.ERROR)


def tally(
    count: BallotCount, rule: BallotRule | RuleSet, subject: str | None = None
) -> BallotResult:
    """Turn the ballot counts of one subject into a proposed level under ``rule`` (a
    :class:`BallotRule`, or a rule set whose ballot setting is used)."""
    ruleset = rule if isinstance(rule, RuleSet) else None
    ballot = rule.settings.ballot if isinstance(rule, RuleSet) else rule

    def explain(key: str, severity: Severity = Severity.INFO, **numbers: Number) -> Explanation:
        clause = ruleset.clause(key) if ruleset else "rules.md §5.3"
        return Explanation(key, clause, numbers, subject, severity)

    if any(n < 0 for n in count.votes.values()) or count.invalid < 0 or count.present < 0:
        raise InvalidFacts("Số phiếu không được âm", "Ballot counts cannot be negative")
    if count.present > count.full_members:
        raise InvalidFacts(
            f"Số có mặt ({count.present}) lớn hơn số đảng viên chính thức ({count.full_members})",
            f"Present ({count.present}) exceeds full members ({count.full_members})",
        )
    valid = sum(count.votes.values())
    cast = valid + count.invalid
    if cast > count.present:
        return BallotResult(
            None,
            False,
            (explain("ballot.count_mismatch", Severity.ERROR, cast=cast, present=count.present),),
        )
    short = quorum_short(count.present, count.full_members, rule, subject)
    if short is not None:
        return BallotResult(None, False, (short,))
    threshold = ballot.threshold * valid
    cmp = ">" if ballot.strict else "≥"
    running = 0
    for level in sorted(Level, reverse=True):
        votes = count.votes.get(level, 0)
        running = running + votes if ballot.cumulative else votes
        passed = running > threshold if ballot.strict else running >= threshold
        if passed and valid > 0:
            return BallotResult(
                level,
                True,
                (
                    explain(
                        "ballot.threshold",
                        level=level,
                        votes=running,
                        valid=valid,
                        cmp=cmp,
                        threshold=_pct(ballot.threshold),
                    ),
                ),
            )
    return BallotResult(
        None,
        True,
        (
            explain(
                "ballot.no_majority",
                Severity.WARNING,
                threshold=_pct(ballot.threshold),
                valid=valid,
            ),
        ),
    )
