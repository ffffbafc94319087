"""The round's pages: forms name the field in error, nothing is half-saved, queries stay flat."""

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Deadline, Notice, Step
from xeploai.reviews.models import Evaluation, Stage
from xeploai.testing import Cast, Round, make_person, make_round, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def form_data(evaluation: Evaluation, **extra: str) -> dict[str, object]:
    data = {
        "version": evaluation.version,
        "text_qualities": "Giữ vững lập trường",
        "score_common": "27",
        "score_tasks": "63",
        "tasks_total": "10",
        "tasks_done": "10",
        "tasks_exceeded": "3",
        "tasks_late": "0",
        "self_level": "HTTNV",
    }
    data.update(extra)
    return data


def test_the_member_sees_the_form_the_rule_set_prescribes(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    page = client.get(reverse("review_detail", args=[round_.evaluation.pk])).content.decode()
    assert "Mẫu 2B-HD KĐ.ĐG 2025" in page and "tối đa 30 điểm" in page and "tối đa 70 điểm" in page


def test_the_review_page_links_the_round_only_for_those_who_may_open_it(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The member's breadcrumb once linked their cell's round page, a 404 for them."""
    url = reverse("review_detail", args=[round_.evaluation.pk])
    round_url = reverse("round_page", args=[round_.evaluation.unit.code])
    for user, linked in ((cast.member, False), (cast.secretary, True)):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert (f'href="{round_url}"' in page) is linked
        assert round_.evaluation.unit.name in page
        assert (client.get(round_url).status_code == 200) is linked


def test_submitting_with_bad_values_names_the_fields_and_saves_nothing(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    url = reverse("review_submit", args=[round_.evaluation.pk])
    response = client.post(
        url, form_data(round_.evaluation, score_common="45", tasks_done="12", self_level="")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"score_common", "tasks_done", "self_level"} <= set(errors)
    assert "30" in errors["score_common"][0]
    evaluation = Evaluation.objects.get(pk=round_.evaluation.pk)
    assert evaluation.stage == Stage.PENDING and evaluation.content == {}


def test_a_submitted_review_is_read_only_in_the_browser(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    response = client.post(
        reverse("review_submit", args=[round_.evaluation.pk]), form_data(round_.evaluation)
    )
    assert response.status_code == 302
    page = client.get(reverse("review_detail", args=[round_.evaluation.pk])).content.decode()
    assert 'id="review-form"' not in page and "Giữ vững lập trường" in page
    stored = Evaluation.objects.get(pk=round_.evaluation.pk).content
    assert stored["score_common"] == 27.0 and stored["self_level"] == "HTTNV"


def test_vietnamese_text_is_stored_composed(client: Client, cast: Cast, round_: Round) -> None:
    client.force_login(cast.member)
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed as base letters + combining marks
    client.post(
        reverse("review_save", args=[round_.evaluation.pk]),
        form_data(round_.evaluation, text_qualities=decomposed),
    )
    text = Evaluation.objects.get(pk=round_.evaluation.pk).content["sections"]["qualities"]["text"]
    assert text == "Nguyễn" and len(text) == 6


def test_a_stale_form_gets_a_changed_by_someone_else_message(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    stale = form_data(round_.evaluation)
    client.post(reverse("review_save", args=[round_.evaluation.pk]), stale)
    response = client.post(reverse("review_save", args=[round_.evaluation.pk]), stale)
    assert response.status_code == 409
    assert "người khác thay đổi" in response.content.decode()


def test_the_board_and_round_pages_use_a_constant_number_of_queries(
    client: Client, cast: Cast, round_: Round, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(cast.clerk)
    urls = [
        reverse("board", args=[cast.org_a.code]),
        reverse("round_page", args=[cast.cell_a1.code]),
        reverse("progress", args=[cast.org_a.code]),
    ]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context.captured_queries))
    for _ in range(8):
        make_person(cast.cell_a1)
    cell = make_unit("chi_bo", cast.org_a)
    for _ in range(5):
        make_person(cell)
    from xeploai.reviews.periods import period_open

    period_open(actor=None, period=round_.period)
    for url, before in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(before):
            client.get(url)


def test_progress_counts_late_members_and_reminders_reach_them(
    client: Client, cast: Cast, round_: Round
) -> None:
    cast.member.email = "lan@example.vn"
    cast.member.save()
    Deadline.objects.create(period=round_.period, step=Step.SELF_REVIEW, due=dt.date(2020, 1, 1))
    client.force_login(cast.clerk)
    page = client.get(reverse("progress", args=[cast.org_a.code]))
    review = page.context["p"].total.steps["review"]
    assert review.late >= 2 and review.done == 0
    client.post(reverse("remind", args=[cast.org_a.code]))
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    assert (
        Notice.objects.filter(user=cast.member, read_at__isnull=True).count() == 2
    )  # + make_round's
    client.force_login(cast.member)
    assert "chưa nộp bản kiểm điểm" in client.get(reverse("my_history")).content.decode()


def test_a_read_only_inspector_cannot_decide(client: Client, cast: Cast, round_: Round) -> None:
    client.force_login(cast.inspector)
    response = client.post(
        reverse("decide", args=[round_.evaluation.pk]),
        {"version": round_.evaluation.version, "level": "HTTNV"},
    )
    assert response.status_code == 403
    assert not Evaluation.objects.get(pk=round_.evaluation.pk).level


def test_the_task_list_gives_the_counts_the_rules_read(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    data = form_data(
        round_.evaluation, tasks_total="", tasks_done="", tasks_exceeded="", tasks_late=""
    )
    rows = [
        ("Tham mưu đề án A", "Đề án được phê duyệt", "vuot_muc"),
        ("Báo cáo quý", "4 báo cáo", "dung_han"),
        ("Rà soát hồ sơ", "120 hồ sơ", "cham"),
    ]
    for index, (task, product, result) in enumerate(rows):
        data.update({f"task_{index}": task, f"product_{index}": product, f"result_{index}": result})
    assert client.post(reverse("review_save", args=[round_.evaluation.pk]), data).status_code == 302
    content = Evaluation.objects.get(pk=round_.evaluation.pk).content
    assert (
        content["tasks_total"],
        content["tasks_done"],
        content["tasks_exceeded"],
        content["tasks_late"],
    ) == (3, 3, 1, 1)
    assert content["tasks"][0] == {
        "task": "Tham mưu đề án A",
        "product": "Đề án được phê duyệt",
        "result": "vuot_muc",
    }
    page = client.get(reverse("review_detail", args=[round_.evaluation.pk])).content.decode()
    assert 'value="Báo cáo quý"' in page and 'name="task_5"' in page  # 3 rows + 3 blank ones
    assert 'name="task_6"' not in page


def test_a_task_without_its_result_is_refused_naming_the_row(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    data = form_data(round_.evaluation, task_0="Tham mưu đề án A")
    response = client.post(reverse("review_save", args=[round_.evaluation.pk]), data)
    assert response.status_code == 400 and "result_0" in response.context["form"].errors


def test_a_member_finds_their_results_of_past_years_in_the_menu(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    page = client.get(reverse("review_detail", args=[round_.evaluation.pk])).content.decode()
    menu = page[page.index('class="mainnav"') : page.index("</nav>", page.index('class="mainnav"'))]
    assert f'href="{reverse("my_history")}"' in menu
    assert client.get(reverse("my_history")).status_code == 200


def test_progress_counts_the_not_rated_as_the_round_page_does(
    client: Client, cast: Cast, round_: Round
) -> None:
    """A member not rated (suspended) writes no review: the progress page once counted them as
    having done every step — a review submitted that the round page did not count, and a
    decision no one had made."""
    from xeploai.reviews.progress import progress

    unit = cast.cell_a1
    today = dt.date(2026, 12, 1)
    waiting = Evaluation.objects.filter(
        period=round_.period, unit=unit, kind="dang_vien", stage=Stage.PENDING
    ).first()
    assert waiting is not None

    def counts() -> dict[str, tuple[int, int]]:
        steps = progress(unit, round_.period, today).total.steps
        return {key: (steps[key].done, steps[key].total) for key in ("review", "decide")}

    before = counts()
    Evaluation.objects.filter(pk=waiting.pk).update(not_rated_reason="DINH_CHI_SINH_HOAT")
    after = counts()
    assert after["review"] == (before["review"][0], before["review"][1] - 1)  # no review due
    assert after["decide"] == before["decide"]  # its not-rated status is still to be decided
    client.force_login(cast.secretary)
    page = client.get(reverse("round_page", args=[unit.code])).content.decode()
    done, total = after["review"]
    assert f"{done}/{total}" in page.replace(" ", "")
