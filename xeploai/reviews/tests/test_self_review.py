"""The self-review's live total, its band and the warning, and the submitted review as read
(issue 15 §6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast, Round, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def _hint(client: Client, evaluation: Evaluation, **params: str) -> str:
    response = client.get(reverse("review_score", args=[evaluation.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_live_total_shows_the_band_of_the_rule_set_with_its_clause(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    page = _hint(client, round_.evaluation, score_common="28", score_tasks="62", self_level="HTTNV")
    assert 'data-testid="score-total">90</span>/100' in page
    assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)" in page
    assert "QĐ 366 Đ.11 k.1–3" in page
    assert "score-warning" not in page  # declaring less than the points allow is allowed


def test_declaring_above_the_points_is_warned_with_the_clause(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    page = _hint(
        client, round_.evaluation, score_common="27,5", score_tasks="40", self_level="HTXSNV"
    )
    assert 'data-testid="score-total">67,5</span>' in page
    assert "Hoàn thành nhiệm vụ (HTNV)" in page
    assert 'data-testid="score-warning"' in page
    assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV) cao hơn" in page
    assert "QĐ 366 Đ.11 k.1–3" in page
    below_50 = _hint(
        client, round_.evaluation, score_common="10", score_tasks="30", self_level="HTNV"
    )
    assert "QĐ 366 Đ.11 k.4" in below_50 and 'data-testid="score-warning"' in below_50


def test_a_missing_or_impossible_score_asks_for_both_instead_of_guessing(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    for params in ({"score_common": "28"}, {"score_common": "31", "score_tasks": "60"}, {}):
        page = _hint(client, round_.evaluation, **params)
        assert "score-total" not in page and "Nhập đủ hai điểm" in page
    assert "score-total" not in _hint(client, round_.evaluation, score_common="x", score_tasks="1")


def test_the_hint_is_scoped_like_the_review(client: Client, cast: Cast, round_: Round) -> None:
    client.force_login(cast.outsider)
    url = reverse("review_score", args=[round_.evaluation.pk])
    assert client.get(url, {"score_common": "28", "score_tasks": "62"}).status_code == 404


def test_the_form_opens_with_the_saved_scores_total(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    Evaluation.objects.filter(pk=round_.evaluation.pk).update(
        content={"score_common": 28.0, "score_tasks": 62.0}, self_level="HTTNV"
    )
    page = client.get(reverse("review_detail", args=[round_.evaluation.pk])).content.decode()
    assert 'id="score-hint"' in page and 'hx-get="/reviews/' in page
    assert 'data-testid="score-total">90</span>' in page


def test_the_submitted_review_shows_each_section_the_total_and_the_level_by_name(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    data = {
        "version": str(round_.evaluation.version),
        "text_qualities": "Giữ vững lập trường",
        "text_duties": "Hoàn thành các nhiệm vụ được giao",
        "score_common": "28",
        "score_tasks": "62",
        "tasks_total": "10",
        "tasks_done": "10",
        "tasks_exceeded": "3",
        "tasks_late": "0",
        "self_level": "HTTNV",
    }
    response = client.post(reverse("review_submit", args=[round_.evaluation.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("review_detail", args=[round_.evaluation.pk])).content.decode()
    assert 'id="review-form"' not in page
    for number, title in enumerate(
        ["Về tư tưởng chính trị;", "Về thực hiện chức trách", "Việc thực hiện cam kết"], 1
    ):
        assert f"<h3>{number}. {title}" in page
    assert 'data-testid="score-total">90</span>/100' in page
    assert "Tự nhận mức: <strong>Hoàn thành tốt nhiệm vụ</strong>" in page
