"""Charts are SVG drawn on the server: classes and presentation attributes, never ``style``."""

import datetime as dt
import re
from collections.abc import Callable
from xml.etree import ElementTree

import pytest

from xeploai.cycles.models import Period
from xeploai.reports import charts
from xeploai.reports.compute import compute_report
from xeploai.reports.records import Report
from xeploai.reviews.models import SubjectKind
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def report(periods: tuple[Period, Period], cast: Cast) -> Report:
    _, now = periods
    return compute_report(cast.root, now, as_of=dt.date(2026, 12, 31))


@pytest.mark.parametrize(
    "draw",
    [
        charts.level_distribution,
        charts.year_over_year,
        lambda r: charts.children_comparison(r, SubjectKind.MEMBER),
    ],
)
def test_every_chart_is_well_formed_svg_without_style(
    report: Report, draw: Callable[[Report], str]
) -> None:
    svg = str(draw(report))
    root = ElementTree.fromstring(svg)  # noqa: S314 — our own output
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert not re.search(r"\sstyle=", svg)
    assert all(rect.find(f"{SVG}title") is not None for rect in root.iter(f"{SVG}rect"))


def test_the_level_bars_carry_the_counts(report: Report) -> None:
    svg = str(charts.level_distribution(report))
    assert "<title>HTXSNV: 3</title>" in svg  # the members' bar
    assert "<title>Chưa quyết định: 1</title>" in svg


def test_names_are_escaped(periods: tuple[Period, Period], cast: Cast) -> None:
    cast.org_a.name = "A <script>"
    cast.org_a.save()
    report = compute_report(cast.root, periods[1], as_of=dt.date(2026, 12, 31))
    svg = str(charts.children_comparison(report, SubjectKind.MEMBER))
    assert "<script>" not in svg and "A &lt;script&gt;" in svg
