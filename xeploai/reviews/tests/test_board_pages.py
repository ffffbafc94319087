"""The board names the subjects a file waits for on the rows it shows alone (h23a) and shows
what it showed when it named them on every row: each page of several boards, filters, cells,
pages and "page=all" compared byte for byte with the page the old path renders (the old
``boardviews._board``, kept below as it was), in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, QueryDict
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from xeploai.cycles.models import Period, PeriodKind
from xeploai.org import access as org_access
from xeploai.org.models import OrgUnit, Role
from xeploai.reviews import checks, meters, quarters, selectors
from xeploai.reviews.boardviews import (
    LEVEL_CHOICES,
    PAGE_SIZE,
    REASON_CHOICES,
    SHOWS,
    _deciders,
    _query,
    _wanted,
)
from xeploai.reviews.models import Evaluation, Stage
from xeploai.reviews.selectors import Row
from xeploai.testing import make_user

pytestmark = pytest.mark.django_db


def old_board(
    request: HttpRequest, unit: OrgUnit, period: Period, params: QueryDict
) -> dict[str, Any]:
    """``boardviews._board`` before h23a: every file sent checked for the subjects it waits
    for (``board_check`` with ``waiting``), whichever rows the page shows."""
    show = params.get("show", "all")
    show = show if show in SHOWS else "all"
    rows, facts = selectors.board(unit, period, every_row=show == "all")
    evaluations = [r.evaluation for r in rows]
    on = timezone.localdate()
    check = checks.board_check(evaluations, period, on, facts, complete=show == "all")
    for row in rows:
        row.blockers = check.blockers.get(row.evaluation.pk, [])
    units = sorted({e.unit for e in evaluations}, key=lambda u: u.path)
    by_code = {u.code: u for u in units}
    chosen = by_code.get(params.get("cell", ""))
    shown = [r for r in rows if _wanted(r, show, chosen.pk if chosen else None)]
    whole = params.get("page") == "all"
    page = Paginator(shown, max(1, len(shown)) if whole else PAGE_SIZE).get_page(
        1 if whole else params.get("page")
    )
    cell = chosen.code if chosen else ""
    base = reverse("board", args=[unit.code])
    period_pk = params.get("period") or ("" if period.kind == PeriodKind.YEAR else str(period.pk))
    page_rows: list[Row] = list(page.object_list)
    context = {
        "unit": unit,
        "period": period,
        "rows": page_rows,
        "page": page,
        "summaries": meters.pool_summaries(evaluations, period, facts, check),
        "violations": check.violations,
        "show": show,
        "cell": cell,
        "board_url": base
        + _query(period=period_pk, show=show, cell=cell, page="all" if whole else page.number),
        "whole": whole,
        "can_decide": bool(
            org_access.roles_at(request.user, unit) & {*_deciders(unit), Role.ADMIN}
        ),
        "level_codes": tuple(value for value, _label in LEVEL_CHOICES),
        "reason_choices": tuple((value, str(label)) for value, label in REASON_CHOICES),
        "on_page": {r.evaluation.pk for r in page_rows},
        "blocked": check.blocked,
        "checked": rows,
    }
    context.update(
        filters=[
            (key, label, _query(period=period_pk, show=key, cell=cell))
            for key, label in SHOWS.items()
        ],
        cells=[(u.code, u.name, _query(period=period_pk, show=show, cell=u.code)) for u in units],
        all_cells=_query(period=period_pk, show=show),
        pages=[
            (n, _query(period=period_pk, show=show, cell=cell, page=n))
            for n in page.paginator.page_range
        ],
        whole_url=_query(period=period_pk, show=show, cell=cell, page="all"),
        pending=[r for r in page_rows if r.evaluation.stage == Stage.SENT],
        waiting=sum(1 for r in rows if r.evaluation.stage == Stage.SENT),
        year_quarters=quarters.year_quarters(evaluations, period, get_language()),
    )
    context["refused"] = None
    return context


def _masked(html: str) -> str:
    """The page without its CSRF tokens (masked anew for every form)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="csrf-token" content="[^"]*"', "", html)


def _old_page(user: Any, url: str, unit: OrgUnit, period: Period) -> str:
    request = RequestFactory().get(url)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.LANGUAGE_CODE = get_language()
    context = old_board(request, unit, period, request.GET)
    return _masked(render(request, "reviews/board.html", context).content.decode())


def _queries(unit: OrgUnit, period: Period) -> list[str]:
    """Every filter, each with its first and second page and "page=all"; the pending files of
    each of the first three cells, and of one on its second page."""
    found = []
    for show in SHOWS:
        for page in ("", "2", "all"):
            found.append(_query(show=show, page=page))
    cells = sorted(
        set(
            Evaluation.objects.filter(period=period, decider=unit).values_list(
                "unit__code", flat=True
            )
        )
    )
    for code in cells[:3]:
        found += [_query(show="pending", cell=code), _query(show="all", cell=code, page=2)]
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_board_page_is_the_one_the_old_path_showed(
    client: Client, uneven_period: Period, language: str
) -> None:
    period = uneven_period
    boards = list(  # the largest bodies and a small one: several pages, and one
        Evaluation.objects.filter(period=period, stage=Stage.SENT)
        .values("decider")
        .annotate(n=Count("pk"))
        .order_by("-n", "decider")
        .values_list("decider", "n")
    )
    chosen = [*boards[:3], boards[-1]]
    assert chosen[0][1] > PAGE_SIZE and chosen[-1][1] < PAGE_SIZE
    compared = waiting = 0
    for decider, _n in chosen:
        unit = OrgUnit.objects.get(pk=decider)
        user = make_user(role=Role.ADMIN, unit=unit)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        base = reverse("board", args=[unit.code])
        for query in _queries(unit, period):
            url = base + query
            with translation.override(language):
                new = client.get(url)
                assert new.status_code == 200, url
                old = _old_page(user, url, unit, period)
            page = _masked(new.content.decode())
            assert page == old, url
            compared += 1
            waiting += page.count("Đ.12 k.2")
    assert compared > 60
    assert waiting  # files that wait for their subjects, named on the pages compared
