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


def test_a_rate_with_undecided_subjects_is_marked_provisional(report: Report) -> None:
    """rules.md §7: while a subject is undecided the rate is "tạm tính", in the charts too."""
    members = report.block(SubjectKind.MEMBER)
    assert not members.current.complete and members.previous is not None
    assert members.previous.complete
    texts = [
        "".join(node.itertext())
        for node in ElementTree.fromstring(str(charts.year_over_year(report))).iter(f"{SVG}text")  # noqa: S314
    ]
    this_year = [t for t in texts if t.startswith("2026: ")]
    last_year = [t for t in texts if t.startswith("2025: ")]
    assert this_year and last_year
    provisional = {b.kind for b in report.blocks if b.current.total and not b.current.complete}
    assert sum(t.endswith("(tạm tính)") for t in this_year) == len(provisional) >= 1
    assert not any("tạm tính" in t for t in last_year)
    children = str(charts.children_comparison(report, SubjectKind.MEMBER))
    undecided = [
        c
        for c in report.children
        if c.block(SubjectKind.MEMBER).current.rated
        and not c.block(SubjectKind.MEMBER).current.complete
    ]
    assert children.count("(tạm tính)</text>") == len(undecided) >= 1
