"""Ballot tally (rules.md §5.3), forms (rules.md §1.6, §5.2; 366.md §5.7) and the rule-set
timeline (rules.md §0; 366.md §7)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from xeploai.rules import (
    BallotCount,
    BallotRule,
    FormPurpose,
    InvalidFacts,
    Level,
    RuleError,
    Subject,
    SubjectKind,
    forms_for,
    get_ruleset,
    quorum_needed,
    quorum_short,
    ruleset_for_year,
    tally,
)

from .conftest import member, org

X, T, H, K = Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV

BALLOTS = [
    # id, votes, present, full, expected level, valid
    ("rules-5.3-majority-at-top", {X: 6, T: 4}, 10, 12, X, True),
    ("rules-5.3-cumulative-from-top", {X: 4, T: 2, H: 4}, 10, 12, T, True),
    ("rules-5.3-exactly-half-is-not-more-than-half", {X: 5, T: 5}, 10, 12, T, True),
    ("rules-5.3-all-khtnv", {K: 7}, 7, 12, K, True),
    ("rules-5.3-quorum-not-reached", {X: 6}, 6, 12, None, False),
    ("rules-5.3-more-ballots-than-present", {X: 8, T: 4}, 10, 12, None, False),
]


@pytest.mark.parametrize(
    ("votes", "present", "full", "level", "valid"),
    [b[1:] for b in BALLOTS],
    ids=[b[0] for b in BALLOTS],
)
def test_ballot_table(
    votes: dict[Level, int], present: int, full: int, level: Level | None, valid: bool
) -> None:
    result = tally(BallotCount(votes, present, full), get_ruleset("124-2023"))
    assert (result.level, result.valid) == (level, valid)
    assert result.explanations and result.explanations[0].clause


def test_ballot_threshold_and_quorum_are_settings() -> None:
    count = BallotCount({X: 5, T: 5}, present=10, full_members=12, invalid=0)
    with pytest.raises(InvalidFacts):
        tally(BallotCount({X: 1}, present=13, full_members=12), BallotRule())
    two_thirds = BallotRule(quorum=Fraction(2, 3), quorum_strict=False)
    assert tally(BallotCount({X: 4, T: 4}, 8, 12), two_thirds).level is T
    assert not tally(BallotCount({X: 5, T: 2}, 7, 12), two_thirds).valid
    non_cumulative = BallotRule(cumulative=False)
    assert tally(count, non_cumulative).level is None
    assert tally(count, BallotRule(strict=False)).level is X


QUORUMS = [
    # id, present, full members, void?  (more than half of the full members, by default)
    ("charter-quorum-3-of-17-void", 3, 17, True),
    ("charter-quorum-8-of-17-void", 8, 17, True),
    ("charter-quorum-9-of-17-valid", 9, 17, False),
    ("charter-quorum-half-of-even-is-not-more-than-half", 6, 12, True),
    ("charter-quorum-7-of-12-valid", 7, 12, False),
    ("charter-quorum-1-of-1-valid", 1, 1, False),
]


@pytest.mark.parametrize(
    ("present", "full", "void"), [q[1:] for q in QUORUMS], ids=[q[0] for q in QUORUMS]
)
def test_ballot_quorum_before_the_vote(present: int, full: int, void: bool) -> None:
    """The quorum asked when a ballot is created (before codes are printed) is the one the
    tally applies: the same rule set, the same clause."""
    ruleset = get_ruleset("366-2025")
    short = quorum_short(present, full, ruleset)
    assert (short is not None) is void
    assert (present >= quorum_needed(full, ruleset)) is not void
    counted = tally(BallotCount({X: present}, present, full), ruleset)
    assert counted.valid is not void
    if short is not None:
        assert short.clause == ruleset.clause("ballot.quorum") == counted.explanations[0].clause
        assert short.message_vi == counted.explanations[0].message_vi
        assert f"Có mặt {present}/{full}" in short.message_vi


def test_ballot_quorum_follows_the_rule_set_setting() -> None:
    two_thirds = BallotRule(quorum=Fraction(2, 3), quorum_strict=False)
    assert quorum_needed(12, two_thirds) == 8 and quorum_short(8, 12, two_thirds) is None
    assert quorum_needed(13, two_thirds) == 9
    assert quorum_short(7, 12, two_thirds) is not None


def test_ballot_message_is_explained() -> None:
    result = tally(BallotCount({X: 4, T: 5, H: 1}, 10, 12), BallotRule())
    assert result.explanations[0].message_vi == (
        "HTTNV: 9/10 phiếu hợp lệ (cộng dồn từ mức cao nhất) > 50% số phiếu hợp lệ"
    )


FORMS = [
    ("HD21-2019-one-personal-form-02", "132-2018", member(has_post=True), "02"),
    ("HD25-2023-02A-without-post", "124-2023", member(), "02A"),
    ("HD25-2023-02B-with-post", "124-2023", member(has_post=True), "02B"),
    ("HD43-2025-2A-with-post", "366-2025", member(has_post=True), "2A"),
    ("HD43-2025-2B-without-post", "366-2025", member(), "2B"),
    ("HD43-2025-2C-outside-political-system", "366-2025", member(in_political_system=False), "2C"),
    ("HD43-2025-01-collective", "366-2025", org(), "01"),
]


@pytest.mark.parametrize(
    ("key", "subject", "code"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS]
)
def test_forms_by_meaning(key: str, subject: Subject, code: str) -> None:
    assert forms_for(subject, get_ruleset(key))[0].code == code


def test_2019_organisations_also_fill_the_analysis_sheet() -> None:
    forms = forms_for(org(kind=SubjectKind.TCCSD), get_ruleset("132-2018"))
    assert [f.purpose for f in forms] == [FormPurpose.COLLECTIVE_REPORT, FormPurpose.ORG_ANALYSIS]


@pytest.mark.parametrize(
    ("year", "key"),
    [
        (2018, "132-2018"),
        (2022, "132-2018"),
        (2023, "124-2023"),
        (2024, "124-2023"),
        (2025, "366-2025"),
        (2031, "366-2025"),
    ],
    ids=lambda v: str(v),
)
def test_ruleset_for_year(year: int, key: str) -> None:
    assert ruleset_for_year(year).key == key


def test_no_ruleset_before_2018() -> None:
    with pytest.raises(RuleError):
        ruleset_for_year(2017)
    with pytest.raises(RuleError):
        get_ruleset("999")
