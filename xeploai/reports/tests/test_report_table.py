"""The report's tables written in Python (``{% report_table %}``) are byte for byte what the
template ``reports/_table.html`` gives: on real reports in both languages, and on tables of
hostile and odd texts."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from xeploai.cycles.models import Period
from xeploai.reports.compute import compute_report
from xeploai.reports.formats import tables
from xeploai.reports.formats.tables import Column
from xeploai.reports.selectors import options_from
from xeploai.reports.templatetags.report_tags import report_table
from xeploai.reports.views import _formatted
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
ENGINE = engines["django"]


def by_template(t: dict[str, Any]) -> str:
    return ENGINE.get_template("reports/_table.html").render({"t": t})


def by_tag(t: dict[str, Any]) -> str:
    return ENGINE.from_string("{% load report_tags %}{% report_table t %}").render({"t": t})


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("code", ["ROOT", "A", "B"])
def test_the_tag_writes_the_templates_html_for_real_reports(
    periods: tuple[Period, Period], cast: Cast, language: str, code: str
) -> None:
    unit = {"ROOT": cast.root, "A": cast.org_a, "B": cast.org_b}[code]
    compared = 0
    with translation.override(language):
        for period in periods:
            for query in ({}, {"denominator": "rated", "quota_base": "rated"}):
                report = compute_report(
                    unit, period, as_of=timezone.localdate(), options=options_from(query)
                )
                for table in (
                    tables.summary_table(report),
                    tables.alternative_shares_table(report),
                ):
                    t = _formatted(table)
                    assert t["rows"], "a table with rows"
                    assert by_tag(t) == by_template(t)
                    compared += 1
    assert compared == 8


def test_the_tag_escapes_as_the_template_does() -> None:
    hostile = "<script>alert('x')</script> & \"Đảng\""
    t = {
        "title": gettext_lazy("Tổng số"),
        "columns": (
            Column(hostile, "text"),
            Column(gettext_lazy("Tỉ lệ"), "pct"),
            Column(mark_safe("<b>đậm</b>"), "int"),  # a safe title stays as it is
        ),
        "rows": [
            [("text", hostile), ("pct", "94,37%"), ("int", mark_safe("<i>1</i>"))],
            [("text", ""), ("points", "—"), ("int", "1.234")],
            # past the last column: the template's ``at`` gives "" for its data-label
            [("text", "a"), ("int", "1"), ("int", "2"), ("int", "3")],
            [("text", 7), ("int", Decimal("1.5")), ("int", dt.date(2026, 12, 7))],
            [],
        ],
    }
    for language in ("vi", "en"):
        with translation.override(language):
            html = by_tag(t)
            assert html == by_template(t)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>đậm</b>" in html
    assert "&#x27;x&#x27;" in html


def test_the_tag_returns_safe_html() -> None:
    t = {"title": "x", "columns": (Column("a", "text"),), "rows": [[("text", "<")]]}
    assert report_table(t).endswith("</div>\n")
    assert "&lt;" in report_table(t)
