"""The decision board and the round page say what blocks each decision before it is tried
(issue 15 §2), and the board stays small and fast: filtered by cell and status, in pages, a
decision answering htmx with its row (§9)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from xeploai.org.models import Discipline
from xeploai.reviews.boardviews import PAGE_SIZE
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.testing import Cast, Round, make_person, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    """The cast's round with every file of committee A sent, proposed HTTNV, reviewed."""
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    Evaluation.objects.filter(period=round_.period, decider=cast.org_a).update(
        stage=Stage.SENT, cell_level="HTTNV", reviewed=True
    )
    return round_


def _row(html: str, pk: int) -> str:
    found = re.search(rf'<tr id="e{pk}".*?</tr>', html, re.S)
    assert found, f"row e{pk} not on the page"
    return found.group(0)


def blockers_of(row: str) -> str:
    found = re.search(r'<ul class="blockers">.*?</ul>', row, re.S)
    return found.group(0) if found else ""


def shown(html: str) -> int:
    """How many rows the filter found: the pages' count, else the rows on the one page."""
    found = re.search(r"\((\d+)–(\d+) / (\d+)\)", html)
    return int(found.group(3)) if found else html.count('<tr id="e')


def _board(client: Client, cast: Cast, query: str = "") -> str:
    client.force_login(cast.clerk)
    page = client.get(reverse("board", args=[cast.org_a.code]) + query)
    assert page.status_code == 200
    return page.content.decode()


def test_a_row_says_what_blocks_its_decision_and_is_not_ticked(
    client: Client, cast: Cast, sent: Round
) -> None:
    html = _board(client, cast)
    # the cell waits for its members (366 Đ.12 k.2): said on its row, not pre-ticked
    cell = _row(html, sent.cell_evaluation.pk)
    assert 'class="blockers"' in cell
    assert "Phạm Văn Hai" in cell and "QĐ 366" in cell
    assert 'name="ids"' in cell and "checked" not in cell.split('name="ids"')[1].split(">")[0]
    # read from the rows in hand (every row shown) or queried (a filter): the same words
    pending = _row(_board(client, cast, "?show=pending"), sent.cell_evaluation.pk)
    assert blockers_of(pending) == blockers_of(cell) != ""
    # a member without the residence comment: named on the row with its clause
    other = Evaluation.objects.get(period=sent.period, person__full_name="Phạm Văn Hai")
    row = _row(html, other.pk)
    assert "nơi cư trú" in row and "blockers" in row
    assert "checked" not in row.split('name="ids"')[1].split(">")[0]
    # the member with every comment and a review is decidable: ticked, nothing listed
    ready = _row(html, sent.evaluation.pk)
    assert 'class="blockers"' not in ready
    assert " checked>" in ready


def test_the_round_page_lists_the_blockers_before_the_file_is_sent(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    client.force_login(cast.secretary)
    html = client.get(reverse("round_page", args=[cast.cell_a1.code])).content.decode()
    assert "Cần xử lý trước khi quyết định" in html
    other = Evaluation.objects.get(period=round_.period, person__full_name="Phạm Văn Hai")
    link = reverse("review_detail", args=[other.pk])
    row = html[html.index(f'href="{link}"') :].split("</tr>", 1)[0]
    assert "nơi cư trú" in row  # the missing comment, in words
    assert "Phải hoàn thành kiểm điểm mới được đánh giá" in row  # not submitted yet
    cell_link = reverse("review_detail", args=[round_.cell_evaluation.pk])
    cell_row = html[html.index(f'href="{cell_link}"') :].split("</tr>", 1)[0]
    assert "Trần Thị Lan" in cell_row  # the cell after its members, who are named


def test_ceiling_reasons_name_the_discipline_form(client: Client, cast: Cast, sent: Round) -> None:
    Discipline.objects.create(
        person=cast.member_a1,
        form="khien_trach",
        decision_date=dt.date(2026, 5, 4),
        related_to_public_duty=True,
    )
    row = _row(_board(client, cast), sent.evaluation.pk)
    assert "khiển trách" in row
    assert "KHIEN_TRACH" not in row


def test_an_htxsnv_over_the_quota_is_not_preticked(client: Client, cast: Cast, sent: Round) -> None:
    Evaluation.objects.filter(
        period=sent.period, decider=cast.org_a, kind=SubjectKind.MEMBER
    ).update(cell_level="HTXSNV")
    row = _row(_board(client, cast), sent.evaluation.pk)
    assert "vượt tỉ lệ" in row
    assert " checked>" not in row


def test_the_board_is_filtered_by_cell_and_status_and_paginated(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    for n in range(PAGE_SIZE + 10):
        make_person(cast.cell_a2 if n % 3 else cast.cell_a1)
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    body = Evaluation.objects.filter(period=round_.period, decider=cast.org_a)
    body.update(stage=Stage.SENT, cell_level="HTTNV", reviewed=True)
    total = body.count()
    first = _board(client, cast)
    assert first.count('<tr id="e') == PAGE_SIZE
    assert '<strong aria-current="page">1</strong>' in first
    assert _board(client, cast, "?page=all").count('<tr id="e') == total  # to print
    second = _board(client, cast, "?page=2")
    assert second.count('<tr id="e') == total - PAGE_SIZE
    in_a2 = body.filter(unit=cast.cell_a2).count()
    only_a2 = _board(client, cast, "?cell=A2")
    assert only_a2.count('<tr id="e') == in_a2
    assert "Chi bộ A1</span>" not in only_a2
    # the filters travel with the decide forms' way back and with the pages' links
    assert 'name="next" value="/units/A/board/?cell=A2#e' in only_a2
    chosen = _board(client, cast, f"?period={round_.period.pk}&cell=A2&page=1")
    assert f'href="?period={round_.period.pk}&amp;show=pending&amp;cell=A2"' in chosen
    blocked = _board(client, cast, "?show=blocked")
    ready = _board(client, cast, "?show=ready")
    assert shown(blocked) + shown(ready) == total
    assert 'class="blockers"' not in ready
    assert blocked.count('<tr id="e') == blocked.count('class="blockers"')


def test_a_decision_from_a_row_answers_with_the_row_and_the_meters(
    client: Client, cast: Cast, sent: Round
) -> None:
    client.force_login(cast.clerk)
    evaluation = sent.evaluation
    url = reverse("decide", args=[evaluation.pk])
    data = {
        "version": evaluation.version,
        "level": "HTTNV",
        "not_rated_reason": "",
        "reason": "",
        "next": "/units/A/board/?show=pending#e1",
    }
    answer = client.post(url, data, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<html" not in html  # not the page: its row, then the parts swapped out of band
    assert html.lstrip().startswith(f'<tr id="e{evaluation.pk}"')
    assert 'id="quota" hx-swap-oob="true"' in html
    assert 'id="violations"' in html and 'id="board-notes" aria-live="polite" hx-swap-oob' in html
    assert "Đã quyết định xếp loại" in html
    # the cell's row, which waits for its members, is sent again with the page
    assert f'<template><tr hx-swap-oob="true" id="e{sent.cell_evaluation.pk}"' in html
    evaluation.refresh_from_db()
    assert evaluation.stage == Stage.DECIDED and evaluation.level == "HTTNV"
    assert "đã khóa" in _row(html, evaluation.pk)
    # refused: the row again, with why above its form and what was sent
    cell = sent.cell_evaluation
    cell.refresh_from_db()
    refused = client.post(
        reverse("decide", args=[cell.pk]),
        {**data, "version": cell.version, "level": "HTXSNV"},
        headers={"HX-Request": "true"},
    ).content.decode()
    row = _row(refused, cell.pk)
    assert 'role="alert"' in row and 'value="HTXSNV" selected' in row
    assert 'class="msg-error"' in refused
    cell.refresh_from_db()
    assert cell.stage == Stage.SENT


def test_the_filtered_board_runs_a_constant_number_of_queries(
    client: Client,
    cast: Cast,
    settings: Settings,
    tmp_path: Path,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    client.force_login(cast.clerk)
    url = reverse("board", args=[cast.org_a.code]) + "?cell=A1&show=pending&page=1"

    def count() -> int:
        Evaluation.objects.filter(period=round_.period, decider=cast.org_a).update(
            stage=Stage.SENT, cell_level="HTTNV", reviewed=True
        )
        with django_assert_max_num_queries(40) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    small = count()
    for n in range(70):
        make_person(cast.cell_a1 if n % 2 else cast.cell_a2)
    from xeploai.reviews.periods import period_open

    period_open(actor=None, period=round_.period)
    assert count() == small
