"""The report pages' header written in Python (``{% report_header %}``) and the drill-down's
tabs and column heads (``{% block_tabs %}``, ``{% drilldown_heads %}``) and the summary's
export links (``{% report_url %}``) give each page byte for byte what it was with
``{% include "reports/_header.html" %}``, the loops and ``{% url %}``: the summary, the comparison
and the drill-down, a year with and without a previous one, the options, an account that may
send the report and one that may not, a hostile unit name, in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
ENGINE = engines["django"]
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HOSTILE = "<b>Đảng bộ</b> & \"A\" 'B' <script>x</script>"
PAGES = {
    "report_detail": "reports/report_summary.html",
    "report_compare": "reports/report_compare.html",
    "report_drilldown": "reports/report_drilldown.html",
}


# the drill-down's loops as the template had them, in place of ``block_tabs`` and
# ``drilldown_heads``
OLD_LOOPS = {
    "{% block_tabs blocks chosen_block period.year option_query %}": (
        '{% for value, label in blocks %}<a href="?year={{ period.year }}&amp;{{ option_query }}'
        '&amp;block={{ value }}"{% if value == chosen_block %} aria-current="page"{% endif %}>'
        "{{ label }}</a>{% endfor %}"
    ),
    "{% drilldown_heads headers %}": (
        '{% for h in headers %}<th scope="col"{% if h.key != "name" %} class="num"{% endif %}'
        '{% if h.sorted %} aria-sort="{% if h.desc %}descending{% else %}ascending{% endif %}"'
        '{% endif %}><a href="{{ h.query }}">{{ h.title }}{% if h.sorted %} {% if h.desc %}▼'
        "{% else %}▲{% endif %}{% endif %}</a></th>{% endfor %}"
    ),
}


def _by_old_template(response: Any, name: str) -> str:
    """The page as the include and the loops gave it: the same context, the include and the
    loops back in the tags' place."""
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    old = source.replace("{% report_header %}", '{% include "reports/_header.html" %}')
    for tag, loop in OLD_LOOPS.items():
        old = old.replace(tag, loop)
    old = old.replace("{% report_url ", "{% url ")  # the summary's export links
    assert old != source and "{% block_tabs" not in old and "{% drilldown_heads" not in old
    context = response.context[0].flatten()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return ENGINE.from_string(old).render(context, request=response.wsgi_request)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_pages_are_the_includes_pages(
    client: Client, cast: Cast, periods: tuple[Period, Period], settings: Settings, language: str
) -> None:
    OrgUnit.objects.filter(pk=cast.org_a.pk).update(name=HOSTILE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    queries = (
        "",
        "?year=2025",
        "?year=2026&denominator=rated&quota_base=rated&block=to_chuc",
        "?sort=tt_plus&dir=desc&x=%3Cscript%3E",
        "?sort=name&dir=desc&block=to_chuc&y=%22%27%26",
        "?sort=k_rate",
    )
    compared = sent = sorted_down = exports = 0
    for user, code in ((cast.upper_board, "A"), (cast.clerk, "A"), (cast.inspector, "ROOT")):
        client.force_login(user)
        for view, name in PAGES.items():
            for query in queries:
                response = client.get(reverse(view, args=[code]) + query)
                assert response.status_code == 200, (view, query)
                html = response.content.decode()
                assert html == _by_old_template(response, name), (user, view, query)
                assert "<script>" not in html and "<b>Đảng" not in html
                sent += 'action="/reports/' in html
                exports += "/rewards.xlsx" in html
                sorted_down += 'aria-sort="descending"' in html and "▼" in html
                compared += 1
    assert compared == 54 and 0 < sent < compared  # some accounts may send, one may not
    assert sorted_down >= 3  # the drill-down's heads were written, sorted both ways
    assert exports >= 6  # the summary's export links too
