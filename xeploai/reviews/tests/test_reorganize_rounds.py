"""One subject, one evaluation per year through every reorganization (issue 16 §5).

Each test opens rounds of 2026 — one per grassroots committee, yearly and quarterly, with a
closed 2025 round beside them — reorganizes, then checks the invariant (``rounds_problems``:
no open round rooted in an ended unit, every evaluation inside its round's scope, none twice,
none missing) and compares the statistics with a full recount, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.org.models import Level, OrgUnit, Person, UnitKind
from xeploai.org.reorg import SplitPart, unit_dissolve, unit_merge, unit_split
from xeploai.org.services import unit_move
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.reviews.quarters import quarter_open
from xeploai.testing import (
    Cast,
    assert_rounds_exact,
    decide,
    make_person,
    make_unit,
    open_year,
    rounds_problems,
    tree_figures,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)


@pytest.fixture
def rounds(cast: Cast) -> Cast:
    """Members in every cell; a closed 2025 round over the bloc, all decided; open 2026
    rounds (yearly, and quarter 4 with every member) of committee A and of committee B."""
    for cell, n in ((cast.cell_a1, 2), (cast.cell_a2, 3), (cast.cell_b1, 1)):
        for _ in range(n):
            make_person(cell)
    old = open_year(cast.root, 2025)
    for evaluation in Evaluation.objects.filter(period=old, not_rated_reason=""):
        decide(evaluation, Level.HTTNV)
    Period.objects.filter(pk=old.pk).update(status=PeriodStatus.CLOSED)
    for unit in (cast.org_a, cast.org_b):
        open_year(unit, 2026)
        quarter_open(actor=None, scope_root=unit, year=2026, quarter=4, leaders_only=False)
    assert rounds_problems() == []
    return cast


def _round(unit: OrgUnit, kind: str = PeriodKind.YEAR) -> Period:
    return Period.objects.get(scope_root=unit, year=2026, kind=kind)


def _closed_figures() -> list[tuple[int, int, int]]:
    return sorted(
        Evaluation.objects.filter(period__year=2025).values_list("pk", "period_id", "unit_id")
    )


def test_a_round_whose_committee_merges_into_a_covered_one_joins_that_round(
    rounds: Cast,
) -> None:
    closed = _closed_figures()
    round_a, round_b = _round(rounds.org_a), _round(rounds.org_b)
    people_a = set(Person.objects.filter(unit__parent=rounds.org_a).values_list("pk", flat=True))
    unit_merge(actor=None, sources=[rounds.org_a], target=rounds.org_b, on=ON)
    assert_rounds_exact()
    # A's round ended (nothing referred to it: deleted); its members are in B's round
    assert not Period.objects.filter(pk=round_a.pk).exists()
    assert set(
        Evaluation.objects.filter(period=round_b, person_id__in=people_a).values_list(
            "decider_id", flat=True
        )
    ) == {rounds.org_b.pk}
    assert Evaluation.objects.filter(period=round_b, person_id__in=people_a).count() == 6
    quarter_b = _round(rounds.org_b, PeriodKind.QUARTER)
    assert Evaluation.objects.filter(period=quarter_b, person_id__in=people_a).count() == 6
    assert AuditEvent.objects.filter(action="period_end_follow").count() == 2
    assert _closed_figures() == closed  # a closed round never changes


def test_a_round_follows_its_merged_committee_to_a_new_one_and_absorbs_the_other(
    rounds: Cast,
) -> None:
    round_a, round_b = _round(rounds.org_a), _round(rounds.org_b)
    new = make_unit(UnitKind.GRASSROOTS_COMMITTEE, rounds.root, code="AB", established=ON)
    unit_merge(actor=None, sources=[rounds.org_a, rounds.org_b], target=new, on=ON)
    assert_rounds_exact()
    follows = Period.objects.get(pk=round_a.pk)
    assert follows.scope_root_id == new.pk and follows.status == PeriodStatus.OPEN
    assert not Period.objects.filter(pk=round_b.pk).exists()
    # the new committee is a subject of the round that followed, not rated (mới sáp nhập)
    assert Evaluation.objects.filter(period=follows, unit=new).count() == 2
    assert Evaluation.objects.filter(period=follows, kind=SubjectKind.MEMBER).count() == 8
    assert AuditEvent.objects.filter(action="period_scope_follow").count() == 2


def test_a_split_gives_each_successor_exactly_one_round(rounds: Cast) -> None:
    round_a = _round(rounds.org_a)
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, rounds.root, code="AE", established=ON)
    west = make_unit(UnitKind.GRASSROOTS_COMMITTEE, rounds.root, code="AW", established=ON)
    unit_split(
        actor=None,
        source=rounds.org_a,
        parts=[SplitPart(east, (rounds.cell_a1,)), SplitPart(west, (rounds.cell_a2,))],
        on=ON,
    )
    assert_rounds_exact()
    assert Period.objects.get(pk=round_a.pk).scope_root_id == east.pk
    copy = _round(west)
    assert copy.ruleset == round_a.ruleset and copy.evaluation_date == round_a.evaluation_date
    assert copy.deadlines.count() == round_a.deadlines.count()
    assert set(
        Evaluation.objects.filter(period=copy, kind=SubjectKind.MEMBER).values_list(
            "unit_id", flat=True
        )
    ) == {rounds.cell_a2.pk}
    assert _round(west, PeriodKind.QUARTER).quarter == 4


def test_a_split_into_a_covered_committee_hands_the_evaluations_to_its_round(
    rounds: Cast,
) -> None:
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, rounds.root, code="AE", established=ON)
    unit_split(
        actor=None,
        source=rounds.org_a,
        parts=[SplitPart(east, (rounds.cell_a1,)), SplitPart(rounds.org_b, (rounds.cell_a2,))],
        on=ON,
    )
    assert_rounds_exact()
    assert Evaluation.objects.filter(
        period=_round(rounds.org_b), unit=rounds.cell_a2, kind=SubjectKind.CELL
    ).exists()
    assert _round(east).scope_root_id == east.pk


def test_dissolving_into_a_committee_of_another_round_moves_the_evaluations(
    rounds: Cast,
) -> None:
    unit_dissolve(actor=None, unit=rounds.org_a, on=ON, successor=rounds.org_b)
    assert_rounds_exact()
    assert not Period.objects.filter(scope_root=rounds.org_a).exists()
    assert (
        Evaluation.objects.filter(period=_round(rounds.org_b), kind=SubjectKind.MEMBER).count() == 8
    )


def test_the_round_of_an_empty_unit_dissolved_ends_with_it(rounds: Cast) -> None:
    lone = make_unit(UnitKind.GRASSROOTS_COMMITTEE, rounds.root, code="L")
    own = open_year(lone, 2026)
    unit_dissolve(actor=None, unit=lone, on=ON)
    assert_rounds_exact()
    assert not Period.objects.filter(pk=own.pk).exists()


def test_a_cell_moved_to_another_rounds_committee_takes_its_evaluations_there(
    rounds: Cast,
) -> None:
    round_b = _round(rounds.org_b)
    unit_move(actor=None, unit=rounds.cell_a2, new_parent=rounds.org_b)
    assert_rounds_exact()
    moved = Evaluation.objects.filter(unit=rounds.cell_a2, period__year=2026, period__kind="nam")
    assert set(moved.values_list("period_id", "decider_id")) == {(round_b.pk, rounds.org_b.pk)}
    assert moved.count() == 4


def test_a_committee_with_its_round_moved_under_another_round_is_absorbed(
    rounds: Cast,
) -> None:
    upper = make_unit(UnitKind.UPPER, rounds.root, code="UP")
    other = make_unit(UnitKind.GRASSROOTS_COMMITTEE, upper, code="O")
    make_person(make_unit(UnitKind.CELL, other, code="O1"))
    round_up = open_year(upper, 2026)
    round_a = _round(rounds.org_a)
    unit_move(actor=None, unit=rounds.org_a, new_parent=upper)
    assert_rounds_exact()
    assert not Period.objects.filter(pk=round_a.pk).exists()
    assert Evaluation.objects.filter(period=round_up, kind=SubjectKind.MEMBER).count() == 7


def test_a_subtree_moved_into_a_round_from_none_gets_its_evaluations(cast: Cast) -> None:
    make_person(cast.cell_a2)
    round_b = open_year(cast.org_b, 2026)
    free = make_unit(UnitKind.CELL, cast.org_a, code="F")
    make_person(free)
    unit_move(actor=None, unit=free, new_parent=cast.org_b)
    assert_rounds_exact()
    assert Evaluation.objects.filter(period=round_b, unit=free).count() == 2


def test_a_move_out_of_every_round_is_refused_naming_the_round(cast: Cast) -> None:
    make_person(cast.cell_a2)
    open_year(cast.org_a, 2026)
    before = tree_figures()
    with pytest.raises(ValidationError) as refused:
        unit_move(actor=None, unit=cast.cell_a2, new_parent=cast.org_b)
    assert "A2" in str(refused.value) and "Năm 2026" in str(refused.value)
    assert tree_figures() == before
    assert OrgUnit.objects.get(pk=cast.cell_a2.pk).parent_id == cast.org_a.pk
