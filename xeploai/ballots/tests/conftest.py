"""A cell of 17 full members (the issue's "3 of 17") with its 2026 round open, no ballot yet."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from xeploai.ballots import services
from xeploai.ballots.models import Ballot, BallotMode
from xeploai.cycles.models import Period
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.testing import Cast, make_person, open_year


@dataclass
class Cell:
    period: Period
    members: list[Evaluation]  # every full member's evaluation, by id
    cell: Evaluation  # the cell's own evaluation


def member_evaluations(period: Period, cast: Cast) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(
            period=period, unit=cast.cell_a1, kind=SubjectKind.MEMBER, not_rated_reason=""
        )
        .select_related("person", "unit")
        .order_by("pk")
    )


@pytest.fixture
def seventeen(cast: Cast) -> Cell:
    for n in range(16):  # with member_a1: 17 full members
        make_person(cast.cell_a1, full_name=f"Đảng viên {n:02d}")
    period = open_year(cast.root, 2026)
    assert services.full_members(cast.cell_a1) == 17
    return Cell(
        period,
        member_evaluations(period, cast),
        Evaluation.objects.get(period=period, unit=cast.cell_a1, kind=SubjectKind.CELL),
    )


def all_reviewed(cell: Cell) -> None:
    """Every member's review is in (the set-up, not what is tested)."""
    Evaluation.objects.filter(pk__in=[e.pk for e in cell.members]).update(reviewed=True)
    for evaluation in cell.members:
        evaluation.reviewed = True


def ballot(
    cast: Cast,
    cell: Cell,
    *,
    mode: str = BallotMode.ROOM,
    present: int = 12,
    subjects: list[Evaluation] | None = None,
    confirmed: bool = True,
) -> Ballot:
    return services.ballot_create(
        actor=cast.secretary,
        period=cell.period,
        unit=cast.cell_a1,
        mode=mode,
        title="Biểu quyết 2026",
        present=present,
        evaluations=cell.members if subjects is None else subjects,
        confirmed=confirmed,
    )
