"""The report pages: scoped, constant queries, sortable drill-down, nothing inline for the CSP."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period
from xeploai.org.models import UnitKind
from xeploai.reports.tests.factories import evaluate
from xeploai.reviews.models import SubjectKind
from xeploai.reviews.stats import stats_rebuild
from xeploai.testing import Cast, make_unit

pytestmark = pytest.mark.django_db
PAGES = ["report_detail", "report_compare", "report_drilldown"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_show_the_report_without_inline_style_or_script(
    client: Client, periods: tuple[Period, Period], cast: Cast, name: str
) -> None:
    client.force_login(cast.upper_board)
    response = client.get(reverse(name, args=["ROOT"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert not re.search(r"\sstyle=", html), "the CSP forbids style attributes"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "the CSP forbids inline scripts"


def test_the_summary_reads_like_the_official_report(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.clerk)
    html = client.get(reverse("report_detail", args=["A"])).content.decode()
    assert "Tổng số đảng viên có mặt đến thời điểm đánh giá" in html
    assert "tăng 13,33% so với năm 2025" not in html  # A alone: 9 of 9 vs 8 of 10
    assert "tăng 20% so với năm 2025" in html


def test_the_default_page_is_the_users_unit_and_latest_year(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.clerk)
    response = client.get(reverse("report_home"))
    assert response["Location"] == reverse("report_detail", args=["A"])
    html = client.get(response["Location"]).content.decode()
    assert "năm 2026" in html


def test_an_earlier_year_can_be_chosen_and_an_unknown_one_is_not_found(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.upper_board)
    html = client.get(reverse("report_detail", args=["ROOT"]), {"year": 2025}).content.decode()
    assert "năm 2025" in html
    assert client.get(reverse("report_detail", args=["ROOT"]), {"year": 1990}).status_code == 404


def test_the_drill_down_sorts_by_any_column(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.upper_board)
    url = reverse("report_drilldown", args=["ROOT"])
    by_total = client.get(url, {"sort": "total", "dir": "desc", "block": "dang_vien"})
    names = re.findall(r">(Đảng bộ [AB]|Chi bộ cơ sở C)</a>", by_total.content.decode())
    assert names == ["Đảng bộ A", "Đảng bộ B", "Chi bộ cơ sở C"]
    ascending = client.get(url, {"sort": "total", "dir": "asc", "block": "dang_vien"})
    names = re.findall(r">(Đảng bộ [AB]|Chi bộ cơ sở C)</a>", ascending.content.decode())
    assert names == ["Chi bộ cơ sở C", "Đảng bộ B", "Đảng bộ A"]
    by_share = client.get(url, {"sort": "xs_share", "dir": "asc", "block": "dang_vien"})
    names = re.findall(r">(Đảng bộ [AB]|Chi bộ cơ sở C)</a>", by_share.content.decode())
    assert names == ["Đảng bộ B", "Đảng bộ A", "Chi bộ cơ sở C"]  # C: no base, always last


def test_the_report_page_runs_a_constant_number_of_queries(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.upper_board)
    url = reverse("report_drilldown", args=["ROOT"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _, now = periods
    for _ in range(4):
        org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root)
        cell = make_unit(UnitKind.CELL, org)
        evaluate(now, SubjectKind.MEMBER, cell, org, {"HTTNV": 5, "HTXSNV": 2})
    stats_rebuild(now)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_downloads_are_logged_and_scoped(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    client.force_login(cast.secretary)
    ok = client.get(reverse("report_download", args=["A1", 2026, "pdf"]))
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-A1-2026.pdf"' in ok["Content-Disposition"]
    assert client.get(reverse("report_download", args=["A", 2026, "pdf"])).status_code == 404
    assert client.get(reverse("report_download", args=["A1", 2026, "exe"])).status_code == 404
    [event] = AuditEvent.objects.filter(action="report_download")
    assert event.after is not None
    assert event.actor == cast.secretary and event.after["format"] == "pdf"


def test_a_unit_without_a_period_says_so(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    response = client.get(reverse("report_detail", args=["A"]))
    assert "Chưa có đợt đánh giá hằng năm" in response.content.decode()


def test_the_comparison_of_a_unit_new_this_year_shows_dashes(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    """A unit with nothing the year before (a newly founded grassroots cell) once made the
    comparison page fail (500) formatting last year's absent rates."""
    client.force_login(cast.upper_board)
    response = client.get(reverse("report_compare", args=[cast.grassroots_cell.code]))
    assert response.status_code == 200
    rows = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert '<td class="num">—</td>' in rows


@pytest.mark.parametrize("name", PAGES)
def test_the_options_form_carries_the_chosen_block_and_nothing_else(
    client: Client, periods: tuple[Period, Period], cast: Cast, name: str
) -> None:
    """The header's form once put Django's own {% block %} node (a few KB of template repr) into
    the query string of every page but the drill-down."""
    client.force_login(cast.upper_board)
    html = client.get(reverse(name, args=["ROOT"]), {"block": "chi_bo"}).content.decode()
    hidden = re.findall(r'<input type="hidden" name="block" value="([^"]*)">', html)
    assert hidden == (["chi_bo"] if name == "report_drilldown" else [])
    assert "Block Node" not in html


def test_the_drill_down_rows_escape_names_and_link_to_each_child(
    client: Client, periods: tuple[Period, Period], cast: Cast
) -> None:
    """The drill-down's rows are built in the view, not the template: each value is escaped
    there, and each name links to the child's own drill-down with the same year and block."""
    _, now = periods
    org = make_unit(
        UnitKind.GRASSROOTS_COMMITTEE, cast.root, code="X-1", name='Đảng bộ <b>"X"</b> & Y'
    )
    cell = make_unit(UnitKind.CELL, org)
    evaluate(now, SubjectKind.MEMBER, cell, org, {"HTTNV": 3})
    stats_rebuild(now)
    client.force_login(cast.upper_board)
    html = client.get(
        reverse("report_drilldown", args=["ROOT"]), {"block": "dang_vien"}
    ).content.decode()
    assert "<b>" not in html
    link = reverse("report_drilldown", args=["X-1"]) + f"?year={now.year}&amp;"
    assert (
        f'<a href="{link}denominator=tt_plus&amp;quota_base=tt_plus&amp;block=dang_vien">'
        "Đảng bộ &lt;b&gt;&quot;X&quot;&lt;/b&gt; &amp; Y</a>"
    ) in html
