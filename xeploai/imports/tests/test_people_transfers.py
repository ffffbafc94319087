"""A people import's changed cell is a transfer, and the member's evaluation not yet decided
follows it to the receiving cell, as ``person_transfer`` does (``reviews.transfers``)."""

from __future__ import annotations

import pytest

from xeploai.imports.tests.conftest import Writer
from xeploai.imports.tests.test_people_import import person, run
from xeploai.org.models import Level
from xeploai.reviews.models import Evaluation
from xeploai.testing import (
    Cast,
    assert_rounds_exact,
    decide,
    make_person,
    open_year,
)

pytestmark = pytest.mark.django_db


def test_an_imported_transfer_takes_the_open_evaluation_to_the_new_cell(
    cast: Cast, xlsx: Writer
) -> None:
    moving = make_person(cast.cell_a1, citizen_id="084185000123")
    staying = make_person(cast.cell_a2, citizen_id="084185000124")
    round_a, round_b = open_year(cast.org_a, 2026), open_year(cast.org_b, 2026)
    decided = Evaluation.objects.get(period=round_a, person=staying)
    decide(decided, Level.HTNV)
    rows = [
        person(
            moving.full_name,
            moving.citizen_id,
            cell="B1",
            **{"Ngày bắt đầu sinh hoạt": "01/02/2026"},
        ),
        person(
            staying.full_name,
            staying.citizen_id,
            cell="B1",
            **{"Ngày bắt đầu sinh hoạt": "01/02/2026"},
        ),
    ]
    outcome = run(xlsx("people", rows))
    assert outcome.ok, outcome.problems
    assert outcome.details["transfers"] == 2
    followed = Evaluation.objects.get(person=moving, period__year=2026)
    assert (followed.period_id, followed.unit_id, followed.decider_id) == (
        round_b.pk,
        cast.cell_b1.pk,
        cast.org_b.pk,
    )
    kept = Evaluation.objects.get(pk=decided.pk)  # decided by A: stays
    assert (kept.period_id, kept.unit_id, kept.decider_id) == (
        round_a.pk,
        cast.cell_a2.pk,
        cast.org_a.pk,
    )
    assert_rounds_exact()


def test_a_dry_run_moves_no_evaluation(cast: Cast, xlsx: Writer) -> None:
    moving = make_person(cast.cell_a1, citizen_id="084185000123")
    round_a = open_year(cast.root, 2026)
    row = person(
        moving.full_name, moving.citizen_id, cell="B1", **{"Ngày bắt đầu sinh hoạt": "01/02/2026"}
    )
    outcome = run(xlsx("people", [row]), dry_run=True)
    assert outcome.ok, outcome.problems
    assert Evaluation.objects.get(period=round_a, person=moving).unit_id == cast.cell_a1.pk
