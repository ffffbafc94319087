"""Shared populations for the report tests."""

import pytest

from xeploai.cycles.models import Period
from xeploai.reports.tests.factories import evaluate, make_people, make_period
from xeploai.reviews.models import SubjectKind
from xeploai.reviews.stats import stats_rebuild
from xeploai.testing import Cast


@pytest.fixture
def periods(cast: Cast) -> tuple[Period, Period]:
    """2025 and 2026 for the cast: members, cells, grassroots and committees."""
    before, now = make_period(cast.root, 2025), make_period(cast.root, 2026)
    people_a1 = make_people(cast.cell_a1, 10)
    people_b1 = make_people(cast.cell_b1, 5)
    evaluate(
        before,
        SubjectKind.MEMBER,
        cast.cell_a1,
        cast.org_a,
        {"HTTNV": 8, "HTNV": 2},
        people=people_a1,
    )
    evaluate(before, SubjectKind.MEMBER, cast.cell_b1, cast.org_b, {"HTTNV": 5}, people=people_b1)
    evaluate(
        now,
        SubjectKind.MEMBER,
        cast.cell_a1,
        cast.org_a,
        {"HTXSNV": 3, "HTTNV": 6, "NR:MOI_KET_NAP_DUOI_6T": 1},
        people=people_a1,
    )
    evaluate(
        now,
        SubjectKind.MEMBER,
        cast.cell_b1,
        cast.org_b,
        {"HTTNV": 4, "PENDING": 1},
        people=people_b1,
    )
    for period, cell_bucket in ((before, "HTTNV"), (now, "HTXSNV")):
        evaluate(period, SubjectKind.CELL, cast.cell_a1, cast.org_a, {cell_bucket: 1})
        evaluate(period, SubjectKind.CELL, cast.cell_a2, cast.org_a, {"HTTNV": 1})
        evaluate(period, SubjectKind.CELL, cast.cell_b1, cast.org_b, {"HTNV": 1})
        evaluate(period, SubjectKind.GRASSROOTS, cast.org_a, cast.root, {"HTTNV": 1})
        evaluate(period, SubjectKind.GRASSROOTS, cast.org_b, cast.root, {"HTTNV": 1})
        evaluate(period, SubjectKind.COMMITTEE, cast.org_a, cast.root, {"HTTNV": 1})
    evaluate(now, SubjectKind.GRASSROOTS, cast.grassroots_cell, cast.root, {"NR:MOI_THANH_LAP": 1})
    stats_rebuild(before)
    stats_rebuild(now)
    return before, now
