"""A cell's ballots follow its evaluations to another round (issue 16 §5, decision 0008)."""

from __future__ import annotations

import datetime as dt

import pytest

from xeploai.ballots import services
from xeploai.ballots.models import Ballot, BallotMode
from xeploai.cycles.models import Period
from xeploai.org.reorg import unit_merge
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.testing import Cast, make_person, open_year, rounds_problems

pytestmark = pytest.mark.django_db


def test_a_merged_committees_ballot_goes_to_the_round_that_takes_its_cells(cast: Cast) -> None:
    for _ in range(3):
        make_person(cast.cell_a2)
    round_a, round_b = open_year(cast.org_a, 2026), open_year(cast.org_b, 2026)
    members = list(
        Evaluation.objects.filter(period=round_a, unit=cast.cell_a2, kind=SubjectKind.MEMBER)
    )
    ballot = services.ballot_create(
        actor=cast.secretary,
        period=round_a,
        unit=cast.cell_a2,
        mode=BallotMode.PAPER,
        title="Phiếu giấy",
        present=2,
        evaluations=members,
        confirmed=True,
    )
    unit_merge(actor=None, sources=[cast.org_a], target=cast.org_b, on=dt.date(2026, 7, 1))
    assert rounds_problems() == []
    assert Ballot.objects.get(pk=ballot.pk).period_id == round_b.pk
    # nothing names A's round any more: it ended by being deleted, not left closed and empty
    assert not Period.objects.filter(pk=round_a.pk).exists()
