"""The quarterly report: a quarter's blocks beside the previous quarter and the same quarter a
year earlier, in every report format, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xeploai.org.models import ExcellenceGroup, Person, Position
from xeploai.reports.compute import QUERIES
from xeploai.reports.formats import FORMATS
from xeploai.reports.quarterly import comparison, previous_quarter, quarter_report
from xeploai.reviews import quarters, services
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast, make_person

pytestmark = pytest.mark.django_db


def leaders(cast: Cast, n: int) -> list[Person]:
    people = []
    for i in range(n):
        person = make_person(cast.cell_a1 if i % 2 else cast.cell_a2)
        Position.objects.create(
            person=person,
            title="Trưởng phòng",
            group=ExcellenceGroup.MANAGER,
            appointed=dt.date(2020, 1, 1),
        )
        people.append(person)
    return people


def run_quarter(cast: Cast, year: int, quarter: int, levels: list[str]) -> None:
    period = quarters.quarter_open(actor=None, scope_root=cast.root, year=year, quarter=quarter)
    for evaluation, level in zip(
        Evaluation.objects.filter(period=period).order_by("pk"), levels, strict=True
    ):
        submitted = services.review_submit(
            actor=cast.committee,
            evaluation=evaluation,
            content={
                "form": "05-2025",
                "score_common": 26,
                "score_tasks": 60 if level != "KHTNV" else 20,
                "tasks_total": 2,
                "tasks_done": 2 if level != "KHTNV" else 0,
                "tasks_exceeded": 0,
                "tasks_late": 0,
                "self_level": level,
            },
            expected_version=evaluation.version,
        )
        services.decision_record(
            actor=cast.committee,
            evaluation=Evaluation.objects.select_related("unit", "decider", "period", "person").get(
                pk=submitted.pk
            ),
            expected_version=submitted.version,
            level=level,
            on=quarters.quarter_due(year, quarter),
        )


@pytest.fixture
def three_quarters(cast: Cast) -> Cast:
    leaders(cast, 4)
    run_quarter(cast, 2025, 1, ["HTTNV", "HTTNV", "HTTNV", "KHTNV"])
    run_quarter(cast, 2025, 4, ["HTTNV", "HTTNV", "HTNV", "KHTNV"])
    run_quarter(cast, 2026, 1, ["HTTNV", "HTTNV", "HTTNV", "HTTNV"])
    return cast


def test_the_quarter_compares_with_the_previous_quarter_and_the_same_one_a_year_before(
    three_quarters: Cast,
) -> None:
    cast = three_quarters
    period = quarters.quarter_periods(cast.root, 2026)[0]
    previous = previous_quarter(period, cast.org_a)
    assert previous is not None and previous.name == "Quý 4/2025"  # across the year's end
    report = quarter_report(cast.org_a, period, as_of=dt.date(2026, 3, 20))
    member = report.report.block("dang_vien")
    assert (member.current.tt, member.current.k) == (4, 0)
    assert member.previous is not None and (member.previous.tt, member.previous.k) == (3, 1)
    rows = comparison(report).rows
    assert [(r[1], r[6], r[7], r[8]) for r in rows] == [
        ("Quý 1/2026", 4, 0, 0),
        ("Quý 4/2025", 2, 1, 1),
        ("Quý 1/2025", 3, 0, 1),
    ]


def test_the_quarterly_report_runs_constant_queries(three_quarters: Cast) -> None:
    cast = three_quarters
    period = quarters.quarter_periods(cast.root, 2026)[0]
    with CaptureQueriesContext(connection) as small:
        quarter_report(cast.org_a, period, as_of=dt.date(2026, 3, 20))
    leaders(cast, 6)
    with CaptureQueriesContext(connection) as larger:
        quarter_report(cast.root, period, as_of=dt.date(2026, 3, 20))
    assert len(small) == len(larger) == QUERIES + 2  # the look-up, the previous quarter


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_report_format_of_a_quarter(three_quarters: Cast, client: Client, fmt: str) -> None:
    cast = three_quarters
    period = quarters.quarter_periods(cast.root, 2026)[0]
    client.force_login(cast.committee)
    response = client.get(f"/reports/{cast.org_a.code}/quarter/{period.pk}/report.{fmt}")
    assert response.status_code == 200
    assert f"q{period.quarter}.{FORMATS[fmt].extension}" in response["Content-Disposition"]
    if fmt == "json":
        assert json.loads(response.content)["period"]["name"] == "Quý 1/2026"


def test_the_page_and_the_comparison_files(three_quarters: Cast, client: Client) -> None:
    cast = three_quarters
    period = quarters.quarter_periods(cast.root, 2026)[0]
    client.force_login(cast.committee)
    page = client.get(f"/reports/{cast.org_a.code}/quarter/{period.pk}/").content.decode()
    assert "Quý 4/2025" in page and "Quý 1/2025" in page
    # the comparison's eighteen columns: marked for its own widths (app.css, print.css; held
    # in Chromium by e2e/test_quarter.py), printed landscape like the other wide pages
    assert '<main id="main" class="print-wide">' in page
    assert '<div class="quarter-compare"><div class="tablewrap">' in page
    text = client.get(f"/reports/{cast.org_a.code}/quarter/{period.pk}/compare.csv")
    assert "Quý 4/2025" in text.content.decode("utf-8-sig")
    assert (
        client.get(f"/reports/{cast.org_a.code}/quarter/{period.pk}/compare.xlsx").status_code
        == 200
    )
    assert (
        client.get(f"/reports/{cast.org_a.code}/quarter/{period.pk}/compare.pdf").status_code == 404
    )
