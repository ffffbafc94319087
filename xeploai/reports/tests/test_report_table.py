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
            Column(gettext_lazy("Tỉ lệ"), "pct"),  # type: ignore[arg-type]
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


def test_words_are_sized_by_their_columns_kind_not_their_place() -> None:
    """A label (a subject, a period) stays on a line, a note (the not-rated reasons) reads as a
    sentence: the style sheet finds them by these classes; both renderers write them."""
    columns = (
        Column("Đối tượng", "label"),
        Column("Tổng số"),
        Column("Chưa xếp loại", "note"),
        Column("Tên", "text"),
    )
    t = {
        "title": "x",
        "columns": columns,
        "rows": [
            [("label", "Đảng viên"), ("int", "5"), ("note", "Mới thành lập: 2"), ("text", "A")]
        ],
    }
    html = by_tag(t)
    assert html == by_template(t)
    assert '<td class="label">Đảng viên</td>' in html
    assert '<td class="num" data-label="Tổng số">5</td>' in html
    assert '<td class="note" data-label="Chưa xếp loại">Mới thành lập: 2</td>' in html
    assert '<td data-label="Tên">A</td>' in html
    assert '<th scope="col">Chưa xếp loại</th>' in html
    assert '<th class="num" scope="col">Tổng số</th>' in html
    assert [c.numeric for c in columns] == [False, True, False, False]


def test_the_summary_names_its_subjects_as_labels_and_its_reasons_as_notes(
    periods: tuple[Period, Period], cast: Cast
) -> None:
    report = compute_report(cast.root, periods[1], as_of=timezone.localdate())
    with translation.override("vi"):
        kinds = {str(c.title): c.kind for c in tables.summary_table(report).columns}
    assert kinds["Đối tượng"] == "label"
    assert kinds["Chưa xếp loại"] == "note"
    assert kinds["Số liệu"] == "label"
    assert kinds["Tổng số"] == "int"


def test_the_tag_returns_safe_html() -> None:
    t = {"title": "x", "columns": (Column("a", "text"),), "rows": [[("text", "<")]]}
    assert report_table(t).endswith("</div>\n")
    assert "&lt;" in report_table(t)


def plain_body(rows: list[Any], report: Any, kind: str, year: int, option_query: str) -> str:
    """The drill-down's rows as first written: every cell formatted and escaped on its own."""
    from html import escape
    from urllib.parse import quote

    from django.urls import reverse

    from xeploai.reports.views import COLUMNS

    html = []
    for row in rows:
        block = row.block(kind)
        cells = "".join(
            f'<td class="num" data-label="{escape(str(title))}">'
            f"{escape(tables.cell_text(getter(block, report), kind_))}</td>"
            for _k, title, kind_, getter in COLUMNS
        )
        href = escape(reverse("report_drilldown", args=[quote(row.unit.code)]))
        suffix = escape(f"?year={year}&{option_query}&block={kind}")
        html.append(
            f'<tr><td><a href="{href}{suffix}">{escape(row.unit.name)}</a> '
            f'<span class="muted">{escape(row.unit.kind_label)}</span></td>{cells}</tr>'
        )
    return "\n".join(html)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_drill_down_rows_are_the_plain_ones_in_the_plain_order(
    periods: tuple[Period, Period], cast: Cast, language: str
) -> None:
    """Each figure formatted once per page, the names' folded forms and the shares kept per
    process: the same rows, in the same order, as formatting every cell and folding every
    name again."""
    from xeploai.lib.text import fold
    from xeploai.org.models import UnitKind
    from xeploai.reports.records import BLOCKS
    from xeploai.reports.tests.factories import evaluate
    from xeploai.reports.views import COLUMNS, _drilldown_body, _sorted_children
    from xeploai.reviews.models import SubjectKind
    from xeploai.reviews.stats import stats_rebuild
    from xeploai.testing import make_unit

    _, now = periods
    for name, levels in (
        ('Đảng bộ <b>"Ấp"</b> & Y', {"HTTNV": 3, "HTXSNV": 1}),
        ("đảng bộ ấp", {"HTTNV": 3, "HTNV": 1, "PENDING": 2}),
        ("Đảng bộ Z", {"KHTNV": 1}),
    ):
        org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, name=name)
        evaluate(now, SubjectKind.MEMBER, make_unit(UnitKind.CELL, org), org, levels)
    stats_rebuild(now)
    with translation.override(language):
        for unit in (cast.root, cast.org_a):
            for period in periods:
                report = compute_report(
                    unit, period, as_of=timezone.localdate(), options=options_from({})
                )
                for key in ["name", *(k for k, _t, _c, _g in COLUMNS)]:
                    for descending in (False, True):
                        rows = _sorted_children(report, BLOCKS[0], key, descending)
                        if key == "name":
                            plain = sorted(
                                report.children,
                                key=lambda row: fold(row.unit.name),
                                reverse=descending,
                            )
                            assert rows == plain
                        for kind in BLOCKS:
                            body = _drilldown_body(rows, report, kind, period.year, "a=1&b=2")
                            assert body == plain_body(rows, report, kind, period.year, "a=1&b=2")
                            assert "<b>" not in body


def test_the_shares_kept_per_process_are_the_computed_ones() -> None:
    from xeploai.lib.numbers import percent

    for numerator in range(0, 40):
        for denominator in range(0, 40):
            assert percent(numerator, denominator) == percent.__wrapped__(numerator, denominator)
            assert str(percent(numerator, denominator)) == str(
                percent.__wrapped__(numerator, denominator)
            )
    assert percent(True, 3) == percent(1, 3)


def findings_by_template(findings: Any) -> str:
    return ENGINE.get_template("reports/_findings.html").render({"findings": findings})


def findings_by_tag(findings: Any) -> str:
    return ENGINE.from_string("{% load report_tags %}{% report_findings f %}").render(
        {"f": findings}
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_findings_tag_writes_the_templates_html(
    periods: tuple[Period, Period], cast: Cast, language: str
) -> None:
    from xeploai.org.models import UnitKind
    from xeploai.reports.tests.factories import evaluate
    from xeploai.reviews.models import SubjectKind
    from xeploai.reviews.stats import stats_rebuild
    from xeploai.testing import make_unit

    _, now = periods
    org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root, name="Đảng bộ <i>'Ấp'</i> & Z")
    evaluate(now, SubjectKind.MEMBER, make_unit(UnitKind.CELL, org), org, {"HTXSNV": 5})
    evaluate(now, SubjectKind.GRASSROOTS, org, cast.root, {"NR:MOI_THANH_LAP": 1})
    stats_rebuild(now)
    lines, shown = 0, []
    with translation.override(language):
        for unit in (cast.root, cast.org_a, org):
            for period in periods:
                report = compute_report(
                    unit, period, as_of=timezone.localdate(), options=options_from({})
                )
                findings = tables.finding_lines(report)
                shown.append(findings_by_tag(findings))
                assert shown[-1] == findings_by_template(findings)
                lines += sum(len(found) for _h, found in findings)
    assert lines > 3
    assert "Đảng bộ &lt;i&gt;&#x27;Ấp&#x27;&lt;/i&gt; &amp; Z" in "".join(shown)
    odd = [
        (gettext_lazy("Kết quả"), ["<b>x</b> & 'y'", mark_safe("<i>z</i>"), 7]),
        ("", []),
    ]
    assert findings_by_tag(odd) == findings_by_template(odd)
    assert findings_by_tag([]) == findings_by_template([]) == "\n"
