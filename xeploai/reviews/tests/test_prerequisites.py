"""Prerequisites before the step that needs them (issue 15 §2, §5): sending the cell's file,
accepting proposals in bulk, proposing from the ballot for all, deciding against a proposal."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.reviews import services
from xeploai.reviews.models import CommentSource, Evaluation, LedgerStage, Stage
from xeploai.reviews.tests.test_round import (
    ON,
    content,
    decide,
    fresh,
    propose,
    ready_to_decide,
)
from xeploai.testing import Cast, Round, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def hai(round_: Round) -> Evaluation:
    return Evaluation.objects.get(period=round_.period, person__full_name="Phạm Văn Hai")


def submit_for(cast: Cast, evaluation: Evaluation) -> Evaluation:
    return services.review_submit(
        actor=cast.secretary,
        evaluation=evaluation,
        content=content(),
        expected_version=fresh(evaluation).version,
        on_behalf=True,
    )


def residence_comment(cast: Cast, evaluation: Evaluation) -> None:
    services.comment_record(
        actor=cast.secretary,
        evaluation=fresh(evaluation),
        source=CommentSource.RESIDENCE,
        text="Gương mẫu nơi cư trú",
        received_on=dt.date(2026, 11, 20),
    )


def test_the_file_is_not_sent_while_a_required_comment_is_missing(
    cast: Cast, round_: Round
) -> None:
    """15 of 21 subjects were sent without the residence comment and the committee was then
    refused on each: the send now names each subject, what is missing and the clause."""
    first = submit_for(cast, round_.evaluation)  # its residence comment is on file
    propose(first, cast.secretary, "HTTNV")
    other = submit_for(cast, hai(round_))
    propose(other, cast.secretary, "HTTNV")
    with pytest.raises(ValidationError) as error:
        services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=[first, other])
    lines = error.value.messages
    assert any(
        line.startswith("Phạm Văn Hai: ") and "nơi cư trú" in line and "QĐ 366 Đ.17" in line
        for line in lines
    ), lines
    assert not any(line.startswith(f"{first.subject_name}:") for line in lines), lines
    assert fresh(first).stage == fresh(other).stage == Stage.PROPOSED  # nothing sent
    assert fresh(first).sent_at is None
    assert not AuditEvent.objects.filter(action="file_send").exists()

    residence_comment(cast, other)
    sent = services.file_send(
        actor=cast.secretary, unit=cast.cell_a1, evaluations=[fresh(first), fresh(other)]
    )
    assert sent == 2 and fresh(other).stage == Stage.SENT
    # the time it was sent, for the progress page's "sent after the deadline"
    sent_at = fresh(other).sent_at
    assert sent_at is not None and abs((timezone.now() - sent_at).total_seconds()) < 60


def test_the_refusal_names_each_subject_without_a_proposal(cast: Cast, round_: Round) -> None:
    cell = round_.cell_evaluation
    with pytest.raises(ValidationError) as error:
        services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=[cell])
    assert any(m.startswith(f"{cell.subject_name}: chưa có đề xuất") for m in error.value.messages)


def ticked(client: Client, cast: Cast, evaluation: Evaluation) -> bool:
    page: str = client.get(reverse("board", args=[cast.org_a.code])).content.decode()
    box = page[page.index(f'name="ids" value="{evaluation.pk}"') :]
    return box[: box.index(">")].endswith(" checked")


def test_bulk_accept_leaves_the_cell_unticked_before_its_members_then_saves_the_rest(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The cell was ticked with its members and refused, and the whole batch with it."""
    member = ready_to_decide(cast, round_.evaluation)
    cell = round_.cell_evaluation
    Evaluation.objects.filter(pk=cell.pk).update(
        stage=Stage.SENT, cell_level="HTTNV", reviewed=True
    )
    client.force_login(cast.clerk)
    assert ticked(client, cast, member) and not ticked(client, cast, cell)

    response = client.post(
        reverse("board_accept", args=[cast.org_a.code]),
        {"period": round_.period.pk, "ids": [member.pk, cell.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert fresh(member).level == "HTTNV"  # saved, although the cell beside it was refused
    assert not fresh(cell).level and fresh(cell).stage == Stage.SENT
    assert "Đã quyết định theo đề xuất cho 1 đối tượng." in page
    assert f"{cell.subject_name}: Chưa thể quyết định" in page


def test_propose_for_all_skips_the_cell_until_its_report_and_members_and_says_why(
    cast: Cast, round_: Round
) -> None:
    """ "For all" also proposed the cell, whose own report was not written."""
    member = submit_for(cast, round_.evaluation)
    cell = round_.cell_evaluation
    other = hai(round_)  # a ballot result, no review
    services.ballot_results_record(
        actor=cast.secretary, results={member.pk: ("HTTNV", ""), cell.pk: ("HTTNV", "")}
    )
    everyone = list(
        Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1).select_related(
            "unit", "person", "period"
        )
    )
    done, skipped = services.proposals_from_ballot(actor=cast.secretary, evaluations=everyone)
    assert done == 1 and fresh(member).stage == Stage.PROPOSED
    assert fresh(cell).stage == Stage.PENDING and not fresh(cell).cell_level
    assert f"{other.subject_name}: chưa nộp bản kiểm điểm" in skipped
    assert any(line.startswith(f"{cell.subject_name}: chưa có báo cáo") for line in skipped)


def test_propose_for_all_waits_for_every_member_before_the_cell(cast: Cast, round_: Round) -> None:
    member = submit_for(cast, round_.evaluation)
    cell = round_.cell_evaluation
    Evaluation.objects.filter(pk=cell.pk).update(stage=Stage.SUBMITTED, reviewed=True)
    services.ballot_results_record(
        actor=cast.secretary, results={member.pk: ("HTTNV", ""), cell.pk: ("HTTNV", "")}
    )
    everyone = list(
        Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1).select_related(
            "unit", "person", "period"
        )
    )
    done, skipped = services.proposals_from_ballot(actor=cast.secretary, evaluations=everyone)
    assert done == 1 and not fresh(cell).cell_level
    assert any("Phạm Văn Hai" in line and line.startswith(cell.subject_name) for line in skipped)


def test_the_round_page_says_which_subjects_propose_for_all_skipped(
    client: Client, cast: Cast, round_: Round
) -> None:
    member = submit_for(cast, round_.evaluation)
    cell = round_.cell_evaluation
    services.ballot_results_record(
        actor=cast.secretary, results={member.pk: ("HTTNV", ""), cell.pk: ("HTTNV", "")}
    )
    client.force_login(cast.secretary)
    page = client.post(
        reverse("propose_from_ballot", args=[cast.cell_a1.code]),
        {"period": round_.period.pk},
        follow=True,
    ).content.decode()
    assert "Đã đề xuất theo kết quả bỏ phiếu cho 1 đối tượng." in page
    assert f"{cell.subject_name}: chưa có báo cáo kiểm điểm của tập thể" in page


def test_a_decision_other_than_the_proposal_needs_a_reason_kept_in_the_ledger(
    cast: Cast, round_: Round
) -> None:
    evaluation = ready_to_decide(cast, round_.evaluation)  # proposed HTTNV
    with pytest.raises(ValidationError) as error:
        decide(cast, evaluation, "HTNV")
    assert "reason" in error.value.message_dict
    assert "cần ghi lý do" in error.value.message_dict["reason"][0]
    assert not fresh(evaluation).level
    decide(cast, evaluation, "HTNV", reason="Chưa hoàn thành chỉ tiêu quý IV")
    row = fresh(evaluation).ledger.get(stage=LedgerStage.GRASSROOTS)
    assert (row.level, row.reason) == ("HTNV", "Chưa hoàn thành chỉ tiêu quý IV")


def test_a_decision_as_proposed_needs_no_reason(cast: Cast, round_: Round) -> None:
    evaluation = ready_to_decide(cast, round_.evaluation)
    assert (
        services.decision_record(
            actor=cast.clerk,
            evaluation=fresh(evaluation),
            expected_version=fresh(evaluation).version,
            on=ON,
            level="HTTNV",
        ).level
        == "HTTNV"
    )
