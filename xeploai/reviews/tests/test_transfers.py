"""A member's evaluation follows a transfer of party activity (``reviews.transfers``): the
receiving cell evaluates, one evaluation per year, in the round covering the new cell; a decided
one, one of a round evaluating before the transfer, and one no round can take stay. Each test
checks the invariant of the rounds and the statistics against a full recount, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xeploai.audit.models import AuditEvent
from xeploai.ballots.models import Ballot, BallotMode
from xeploai.ballots.services import ballot_create
from xeploai.cycles.models import PeriodKind
from xeploai.org.models import Level, Person
from xeploai.org.services import person_transfer
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.periods import period_open
from xeploai.reviews.quarters import quarter_open
from xeploai.testing import (
    Cast,
    assert_rounds_exact,
    decide,
    make_person,
    open_year,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 10, 1)


def _evaluations(person: Person) -> list[tuple[int, int, int, str]]:
    """(round, cell, deciding body, kind of round) of the person's evaluations of 2026."""
    return sorted(
        Evaluation.objects.filter(person=person, period__year=2026).values_list(
            "period_id", "unit_id", "decider_id", "period__kind"
        )
    )


def test_within_one_round_the_evaluation_goes_to_the_new_cell_and_its_committee(
    cast: Cast,
) -> None:
    year = open_year(cast.root, 2026)
    lan = cast.member_a1
    evaluation = Evaluation.objects.get(period=year, person=lan)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        stage=Stage.SUBMITTED, content={"uu_diem": "Hoàn thành tốt"}, self_level=Level.HTTNV
    )
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=ON)
    assert_rounds_exact()
    moved = Evaluation.objects.get(pk=evaluation.pk)  # the same evaluation, not a new one
    assert (moved.unit_id, moved.decider_id, moved.period_id) == (
        cast.cell_b1.pk,
        cast.org_b.pk,
        year.pk,
    )
    assert (moved.stage, moved.content, moved.self_level) == (
        Stage.SUBMITTED,
        {"uu_diem": "Hoàn thành tốt"},
        Level.HTTNV,
    )
    assert Evaluation.objects.filter(person=lan).count() == 1


def test_across_rounds_the_evaluations_join_the_round_of_the_new_cell(cast: Cast) -> None:
    old = open_year(cast.root, 2025, closed=True)
    round_a, round_b = open_year(cast.org_a, 2026), open_year(cast.org_b, 2026)
    quarter_a = quarter_open(
        actor=None, scope_root=cast.org_a, year=2026, quarter=4, leaders_only=False
    )
    quarter_b = quarter_open(
        actor=None, scope_root=cast.org_b, year=2026, quarter=4, leaders_only=False
    )
    lan = cast.member_a1
    closed_before = list(Evaluation.objects.filter(period=old).values_list("pk", "unit_id"))
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=ON)
    assert_rounds_exact()
    assert _evaluations(lan) == sorted(
        [
            (round_b.pk, cast.cell_b1.pk, cast.org_b.pk, PeriodKind.YEAR),
            (quarter_b.pk, cast.cell_b1.pk, cast.org_b.pk, PeriodKind.QUARTER),
        ]
    )
    assert not Evaluation.objects.filter(period__in=(round_a, quarter_a), person=lan).exists()
    # the closed round records the tree as it was
    assert list(Evaluation.objects.filter(period=old).values_list("pk", "unit_id")) == closed_before


def test_a_decided_evaluation_stays_with_the_body_that_decided_it(cast: Cast) -> None:
    open_year(cast.org_a, 2026)
    round_b = open_year(cast.org_b, 2026)
    quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=4, leaders_only=False)
    quarter_b = quarter_open(
        actor=None, scope_root=cast.org_b, year=2026, quarter=4, leaders_only=False
    )
    lan = cast.member_a1
    yearly = Evaluation.objects.get(person=lan, period__kind=PeriodKind.YEAR)
    decide(yearly, Level.HTTNV)
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=ON)
    assert_rounds_exact()
    kept = Evaluation.objects.get(pk=yearly.pk)
    assert (kept.unit_id, kept.decider_id, kept.level) == (cast.cell_a1.pk, cast.org_a.pk, "HTTNV")
    quarterly = Evaluation.objects.get(person=lan, period__kind=PeriodKind.QUARTER)
    assert (quarterly.period_id, quarterly.unit_id) == (quarter_b.pk, cast.cell_b1.pk)
    # opening B's round again makes no second evaluation of the year for her
    period_open(actor=None, period=round_b)
    assert Evaluation.objects.filter(person=lan, period__kind=PeriodKind.YEAR).count() == 1
    assert_rounds_exact()


def test_a_transfer_after_the_rounds_evaluation_date_leaves_the_evaluation(cast: Cast) -> None:
    year = open_year(cast.root, 2026)  # evaluates on 10/12/2026
    lan = cast.member_a1
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=dt.date(2026, 12, 20))
    assert_rounds_exact()
    assert _evaluations(lan) == [(year.pk, cast.cell_a1.pk, cast.org_a.pk, PeriodKind.YEAR)]


def test_a_new_cell_no_round_covers_leaves_the_evaluation_and_gets_no_second_one(
    cast: Cast,
) -> None:
    round_a = open_year(cast.org_a, 2026)
    lan = cast.member_a1
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=ON)
    assert_rounds_exact()
    assert _evaluations(lan) == [(round_a.pk, cast.cell_a1.pk, cast.org_a.pk, PeriodKind.YEAR)]
    round_b = open_year(cast.org_b, 2026)  # B opens its round later
    assert not Evaluation.objects.filter(period=round_b, person=lan).exists()
    assert_rounds_exact()


def test_the_old_cells_ballot_stays_in_its_round(cast: Cast) -> None:
    make_person(cast.cell_a1)
    round_a = open_year(cast.org_a, 2026)
    round_b = open_year(cast.org_b, 2026)
    lan = cast.member_a1
    subjects = list(
        Evaluation.objects.filter(period=round_a, unit=cast.cell_a1, kind=SubjectKind.MEMBER)
    )
    ballot = ballot_create(
        actor=cast.secretary,
        period=round_a,
        unit=cast.cell_a1,
        mode=BallotMode.PAPER,
        title="Phiếu giấy",
        present=2,
        evaluations=subjects,
        confirmed=True,  # the reviews are not submitted
    )
    person_transfer(actor=None, person=lan, to_unit=cast.cell_b1, on=ON)
    assert_rounds_exact()
    assert Ballot.objects.get(pk=ballot.pk).period_id == round_a.pk
    assert Evaluation.objects.get(period=round_b, person=lan).unit_id == cast.cell_b1.pk


def test_a_refused_transfer_moves_nothing(cast: Cast) -> None:
    year = open_year(cast.root, 2026)
    lan = cast.member_a1
    with pytest.raises(ValidationError):
        person_transfer(actor=None, person=lan, to_unit=cast.org_b, on=ON)  # not a cell
    assert _evaluations(lan) == [(year.pk, cast.cell_a1.pk, cast.org_a.pk, PeriodKind.YEAR)]
    assert not AuditEvent.objects.filter(action="person_transfer").exists()
    assert_rounds_exact()
