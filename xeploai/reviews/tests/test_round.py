"""The round through its services: review, comments, proposals, sending, decisions, reopening."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.reviews import services
from xeploai.reviews.models import (
    CommentSource,
    Evaluation,
    LedgerStage,
    Stage,
    SubjectKind,
    UnitStat,
)
from xeploai.reviews.stats import stats_differences
from xeploai.testing import Cast, Round, make_person, make_round

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 15)


def content(
    score_common: object = 27,
    score_tasks: object = 63,
    level: str = "HTTNV",
    done: int = 10,
    exceeded: int = 2,
    late: int = 0,
) -> dict[str, Any]:
    return {
        "form": "2B-2025",
        "sections": {"qualities": {"text": "Tốt"}},
        "shortcomings": ["Chậm"],
        "score_common": score_common,
        "score_tasks": score_tasks,
        "tasks_total": 10,
        "tasks_done": done,
        "tasks_exceeded": exceeded,
        "tasks_late": late,
        "self_level": level,
    }


def submit(evaluation: Evaluation, actor: User, **kwargs: Any) -> Evaluation:
    return services.review_submit(
        actor=actor,
        evaluation=evaluation,
        content=content(**kwargs),
        expected_version=Evaluation.objects.get(pk=evaluation.pk).version,
    )


def propose(evaluation: Evaluation, actor: User, level: str) -> Evaluation:
    return services.proposal_record(
        actor=actor,
        evaluation=evaluation,
        level=level,
        expected_version=Evaluation.objects.get(pk=evaluation.pk).version,
    )


def fresh(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_related("unit", "decider", "period", "person").get(
        pk=evaluation.pk
    )


def ready_to_decide(
    cast: Cast, evaluation: Evaluation, level: str = "HTTNV", **kwargs: Any
) -> Evaluation:
    """Submit, add the required comments, propose and send — as the cell would."""
    submit(evaluation, cast.member, level=level, **kwargs)
    services.comment_record(
        actor=cast.secretary,
        evaluation=evaluation,
        source=CommentSource.RESIDENCE,
        text="Gương mẫu nơi cư trú",
        received_on=dt.date(2026, 11, 20),
    )
    propose(evaluation, cast.secretary, level)
    services.file_send(actor=cast.secretary, unit=evaluation.unit, evaluations=[evaluation])
    return fresh(evaluation)


def decide(cast: Cast, evaluation: Evaluation, level: str, **kwargs: Any) -> Evaluation:
    return services.decision_record(
        actor=cast.clerk,
        evaluation=fresh(evaluation),
        expected_version=fresh(evaluation).version,
        on=ON,
        level=level,
        **kwargs,
    )


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def test_a_member_saves_a_draft_then_submits_and_it_becomes_read_only(
    cast: Cast, round_: Round
) -> None:
    evaluation = round_.evaluation
    services.review_save(
        actor=cast.member,
        evaluation=evaluation,
        content=content(),
        expected_version=evaluation.version,
    )
    assert fresh(evaluation).stage == Stage.DRAFT
    submitted = submit(evaluation, cast.member)
    assert submitted.stage == Stage.SUBMITTED and submitted.reviewed
    assert submitted.ledger.filter(stage=LedgerStage.SELF, level="HTTNV").count() == 1
    with pytest.raises(ValidationError, match="chỉ sửa được khi bí thư trả lại"):
        services.review_save(
            actor=cast.member,
            evaluation=submitted,
            content=content(),
            expected_version=submitted.version,
        )


def test_the_secretary_returns_a_review_with_a_reason_and_the_member_can_edit_again(
    cast: Cast, round_: Round
) -> None:
    evaluation = submit(round_.evaluation, cast.member)
    with pytest.raises(ValidationError):
        services.review_return(
            actor=cast.secretary,
            evaluation=evaluation,
            reason="  ",
            expected_version=evaluation.version,
        )
    returned = services.review_return(
        actor=cast.secretary,
        evaluation=evaluation,
        reason="Bổ sung phần khắc phục",
        expected_version=evaluation.version,
    )
    assert returned.stage == Stage.RETURNED and returned.returned_reason == "Bổ sung phần khắc phục"
    services.review_save(
        actor=cast.member, evaluation=returned, content=content(), expected_version=returned.version
    )


def test_a_review_entered_on_behalf_records_who_and_when(cast: Cast, round_: Round) -> None:
    evaluation = services.review_submit(
        actor=cast.secretary,
        evaluation=round_.evaluation,
        content=content(),
        expected_version=round_.evaluation.version,
        on_behalf=True,
    )
    assert evaluation.on_behalf_by == cast.secretary and evaluation.on_behalf_at is not None
    assert "Nhập thay" in evaluation.ledger.get(stage=LedgerStage.SELF).reason


def test_a_stale_screen_is_refused_as_changed_by_someone_else(cast: Cast, round_: Round) -> None:
    evaluation = round_.evaluation
    stale = evaluation.version
    services.review_save(
        actor=cast.member, evaluation=evaluation, content=content(), expected_version=stale
    )
    with pytest.raises(services.ConcurrentChange, match="người khác"):
        services.review_save(
            actor=cast.secretary,
            evaluation=evaluation,
            content=content(),
            expected_version=stale,
            on_behalf=True,
        )


def test_a_member_is_rated_only_after_the_review(cast: Cast, round_: Round) -> None:
    with pytest.raises(ValidationError, match="Phải hoàn thành kiểm điểm"):
        propose(round_.evaluation, cast.secretary, "HTTNV")


def test_sending_the_file_needs_a_proposal_for_everyone_and_is_all_or_nothing(
    cast: Cast, round_: Round
) -> None:
    evaluation = submit(round_.evaluation, cast.member)
    propose(evaluation, cast.secretary, "HTTNV")
    cell_members = list(Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1))
    with pytest.raises(ValidationError, match="chưa có đề xuất"):
        services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=cell_members)
    assert fresh(evaluation).stage == Stage.PROPOSED


def test_a_decision_within_the_rules_is_recorded_locked_counted_and_audited(
    cast: Cast, round_: Round
) -> None:
    evaluation = ready_to_decide(cast, round_.evaluation)
    decided = decide(cast, evaluation, "HTTNV")
    assert decided.is_locked and decided.level == "HTTNV"
    assert decided.ledger.filter(stage=LedgerStage.GRASSROOTS, level="HTTNV").exists()
    assert (
        UnitStat.objects.get(
            period=round_.period, path=cast.root.path, block=SubjectKind.MEMBER
        ).httnv
        == 1
    )
    assert stats_differences(round_.period) == []
    assert AuditEvent.objects.filter(
        action="decision_record", object_id=str(evaluation.pk)
    ).exists()
    with pytest.raises(ValidationError, match="khóa"):
        decide(cast, decided, "HTNV")


def test_a_decision_above_what_the_score_supports_is_refused_with_the_clause(
    cast: Cast, round_: Round
) -> None:
    evaluation = ready_to_decide(
        cast, round_.evaluation, score_common=20, score_tasks=40, level="HTNV"
    )
    with pytest.raises(ValidationError) as error:
        decide(cast, evaluation, "HTTNV", reason="Đảng ủy đánh giá cao hơn đề xuất")
    assert any("366" in m for m in error.value.messages), error.value.messages
    assert not fresh(evaluation).level


def test_a_missing_residence_comment_blocks_the_decision(cast: Cast, round_: Round) -> None:
    evaluation = Evaluation.objects.get(period=round_.period, person__full_name="Phạm Văn Hai")
    services.review_submit(
        actor=cast.secretary,
        evaluation=evaluation,
        content=content(),
        expected_version=evaluation.version,
        on_behalf=True,
    )
    propose(evaluation, cast.secretary, "HTTNV")
    with pytest.raises(ValidationError) as error:
        decide(cast, evaluation, "HTTNV")
    assert any("cư trú" in m for m in error.value.messages), error.value.messages


def test_the_quota_counts_proposals_in_its_base_and_refuses_what_exceeds_it(
    cast: Cast, round_: Round
) -> None:
    """366 has no small-unit exception: in a group of 2 rated HTTNV or above, 20% × 2 = 0."""
    first = ready_to_decide(
        cast, round_.evaluation, score_common=29, score_tasks=66, level="HTXSNV", exceeded=5
    )
    other = Evaluation.objects.get(period=round_.period, person__full_name="Phạm Văn Hai")
    services.review_submit(
        actor=cast.secretary,
        evaluation=other,
        on_behalf=True,
        content=content(),
        expected_version=other.version,
    )
    propose(other, cast.secretary, "HTTNV")
    with pytest.raises(ValidationError) as error:
        decide(cast, first, "HTXSNV")
    message = " ".join(error.value.messages)
    assert "1 HTXSNV > 20% × 2 = 0" in message and "QĐ 366 Đ.11" in message
    assert decide(cast, first, "HTTNV", reason="Vượt tỉ lệ").level == "HTTNV"


def test_a_cell_is_decided_only_after_its_members(cast: Cast, round_: Round) -> None:
    cell = round_.cell_evaluation
    propose(cell, cast.secretary, "HTTNV")
    services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=[cell])
    with pytest.raises(ValidationError) as error:
        decide(cast, cell, "HTTNV")
    assert any("Chưa thể quyết định" in m for m in error.value.messages)


def test_reopening_needs_a_reason_keeps_the_history_and_moves_the_counts_back(
    cast: Cast, round_: Round
) -> None:
    decided = decide(cast, ready_to_decide(cast, round_.evaluation), "HTTNV")
    with pytest.raises(ValidationError):
        services.evaluation_reopen(
            actor=cast.clerk, evaluation=decided, reason="", expected_version=decided.version
        )
    reopened = services.evaluation_reopen(
        actor=cast.clerk,
        evaluation=decided,
        reason="Phát hiện vi phạm sau khi xếp loại",
        expected_version=decided.version,
    )
    assert reopened.stage == Stage.SENT and reopened.level == ""
    stages = list(reopened.ledger.values_list("stage", flat=True))
    assert stages[-2:] == [LedgerStage.GRASSROOTS, LedgerStage.REOPEN]
    assert stats_differences(round_.period) == []
    decide(cast, reopened, "HTNV", reason="Vi phạm phát hiện sau")
    assert fresh(reopened).level == "HTNV"


def test_accepting_proposals_in_bulk_saves_those_that_pass_and_names_the_refused(
    cast: Cast, round_: Round
) -> None:
    """It was all or nothing: one file the rules refuse made the whole batch refused."""
    good = ready_to_decide(cast, round_.evaluation)
    other = Evaluation.objects.get(period=round_.period, person__full_name="Phạm Văn Hai")
    services.review_submit(
        actor=cast.secretary,
        evaluation=other,
        on_behalf=True,
        content=content(),
        expected_version=other.version,
    )
    propose(other, cast.secretary, "HTTNV")  # no residence comment: will be refused
    # sent before the send checked the comments (the send now refuses such a file)
    Evaluation.objects.filter(pk=other.pk).update(stage=Stage.SENT)
    decided, refused = services.decisions_accept(
        actor=cast.clerk, evaluations=[fresh(good), fresh(other)], on=ON
    )
    assert decided == 1 and fresh(good).level == "HTTNV" and not fresh(other).level
    assert len(refused) == 1 and refused[0].startswith("Phạm Văn Hai: "), refused
    assert "cư trú" in refused[0]


def test_the_ledger_keeps_every_step_immutably(cast: Cast, round_: Round) -> None:
    from xeploai.reviews.models import ImmutableError

    decided = decide(cast, ready_to_decide(cast, round_.evaluation), "HTTNV")
    row = decided.ledger.first()
    assert row is not None
    row.reason = "sửa"
    with pytest.raises(ImmutableError):
        row.save()
    with pytest.raises(ImmutableError):
        row.delete()


def test_a_new_member_is_not_rated_and_counted_with_the_reason(cast: Cast, round_: Round) -> None:
    person = make_person(cast.cell_a2, admission_date=dt.date(2026, 9, 1), official_date=None)
    from xeploai.reviews.periods import period_open

    period_open(actor=None, period=round_.period)
    evaluation = Evaluation.objects.get(period=round_.period, person=person)
    assert evaluation.not_rated_reason == "MOI_KET_NAP_DUOI_6T"
    assert stats_differences(round_.period) == []


def test_the_cell_proposes_what_the_ballot_gave_for_everyone_at_once(
    cast: Cast, round_: Round
) -> None:
    evaluation = submit(round_.evaluation, cast.member)
    services.ballot_results_record(actor=cast.secretary, results={evaluation.pk: ("HTTNV", "x")})
    others = Evaluation.objects.filter(period=round_.period, unit=cast.cell_a1).exclude(
        pk=evaluation.pk
    )
    n, skipped = services.proposals_from_ballot(
        actor=cast.secretary, evaluations=[fresh(evaluation), *others]
    )
    assert n == 1  # the others have no review or no ballot result: left to the secretary
    assert skipped, "and the secretary is told which, and why"
    proposed = fresh(evaluation)
    assert proposed.cell_level == "HTTNV" and proposed.stage == Stage.PROPOSED
    assert proposed.ledger.filter(stage=LedgerStage.CELL, level="HTTNV").exists()


BAD_CONTENT: dict[str, tuple[dict[str, Any], str, str]] = {
    "score out of range": (
        {"score_common": 45},
        "điểm chung/common 45 ngoài khoảng 0–30",
        "score chung/common 45 outside 0–30",
    ),
    "unknown grade": (
        {"sections": {"qualities": {"text": "Tốt", "grade": "ZZ"}}},
        "nội dung bản kiểm điểm đã lưu không đọc được (KeyError(&#x27;ZZ&#x27;))",
        "the stored review cannot be read (KeyError(&#x27;ZZ&#x27;))",
    ),
    "number as text": (
        {"tasks_done": "ten"},
        "nội dung bản kiểm điểm đã lưu không đọc được",
        "the stored review cannot be read",
    ),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("bad", list(BAD_CONTENT))
def test_a_stored_review_the_rules_cannot_read_is_named_on_the_board_row(
    client: Client, cast: Cast, round_: Round, language: str, bad: str
) -> None:
    """Content written around the form (by hand in the database, say) once made the board and
    the round page fail (500): the row now says what is wrong, the pages work, and a decision
    on it is refused in the same words (without the internal subject id)."""
    from django.urls import reverse

    change, said_vi, said_en = BAD_CONTENT[bad]
    evaluation = ready_to_decide(cast, round_.evaluation)
    Evaluation.objects.filter(pk=evaluation.pk).update(content={**content(), **change})
    client.force_login(cast.clerk)
    client.cookies["django_language"] = language
    response = client.get(reverse("board", args=[cast.org_a.code]))
    assert response.status_code == 200
    page = response.content.decode()
    said = f"Invalid facts: {said_en}" if language == "en" else f"Dữ liệu không hợp lệ: {said_vi}"
    row = page[page.index(f'id="e{evaluation.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'<p class="errors">{said}' in row
    assert f"m{evaluation.person_id}:" not in page  # the internal subject id is not shown
    client.force_login(cast.secretary)
    assert client.get(reverse("round_page", args=[cast.cell_a1.code])).status_code == 200
    with pytest.raises(ValidationError) as refused:
        decide(cast, evaluation, "HTTNV")
    assert "Dữ liệu không hợp lệ: " + said_vi.split(" (")[0] in str(refused.value)
    assert f"m{evaluation.person_id}:" not in str(refused.value)


def test_the_review_page_shows_ledger_rows_written_by_no_one(
    client: Client, cast: Cast, round_: Round
) -> None:
    """Rows of the ledger without a user (a past-results import, the demo's seed) once made the
    review page fail (500) in its history table: they show "—"."""
    from django.urls import reverse

    from xeploai.reviews.models import Proposal

    evaluation = ready_to_decide(cast, round_.evaluation)
    assert Proposal.objects.filter(evaluation=evaluation).update(actor=None) > 0
    client.force_login(cast.clerk)
    response = client.get(reverse("review_detail", args=[evaluation.pk]))
    assert response.status_code == 200
    history = response.content.decode().split("<tbody>")[-1].split("</tbody>")[0]
    assert 'data-label="Người thực hiện">—</td></tr>' in history


def test_clauses_are_shown_without_the_rule_sets_provenance_tags() -> None:
    from xeploai.reviews.wording import shown_clause

    assert shown_clause("CV 154-CV/ĐU [S000] [INF: HD 43 §7.1–7.3 chưa xem được]") == (
        "CV 154-CV/ĐU"
    )
    assert shown_clause("CV 154-CV/ĐU 2024 [S000]; HD 01-HD/TU Kon Tum 2023 [F24]") == (
        "CV 154-CV/ĐU 2024; HD 01-HD/TU Kon Tum 2023"
    )
    assert shown_clause("QĐ 366 Đ.3 k.4") == "QĐ 366 Đ.3 k.4"


def test_a_refused_decision_is_explained_on_its_row_with_what_was_chosen(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The board's decide form once came back with the row's proposal, the reason typed gone
    and the refusal only at the top of a long page: now the row says why, keeping the choice."""
    from django.urls import reverse

    evaluation = ready_to_decide(cast, round_.evaluation)
    Evaluation.objects.filter(pk=evaluation.pk).update(content=content(score_common=45))
    client.force_login(cast.clerk)
    board = reverse("board", args=[cast.org_a.code])
    response = client.post(
        reverse("decide", args=[evaluation.pk]),
        {
            "version": fresh(evaluation).version,
            "level": "HTXSNV",
            "not_rated_reason": "",
            "reason": "Lý do của văn phòng",
            "override": "on",
            "next": f"{board}#e{evaluation.pk}",
        },
        follow=True,
    )
    page = response.content.decode()
    row = page[page.index(f'id="e{evaluation.pk}"') :]
    row = row[: row.index("</tr>")]
    refusal = row[row.index('<ul class="errors" role="alert">') : row.index("</ul>")]
    assert "<li>Dữ liệu không hợp lệ: điểm chung/common 45 ngoài khoảng 0–30</li>" in refusal
    assert '<option value="HTXSNV" selected>' in row
    assert 'value="Lý do của văn phòng"' in row and 'name="override" checked' in row
    assert fresh(evaluation).stage == Stage.SENT  # nothing was decided
    again = client.get(board).content.decode()  # shown once
    assert 'role="alert"' not in again and "Lý do của văn phòng" not in again


def test_a_refused_proposal_is_explained_at_its_form_with_what_was_chosen(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The proposal form once came back empty with the refusal at the top of a long page."""
    from django.urls import reverse

    evaluation = round_.evaluation  # not submitted yet: a proposal is refused
    client.force_login(cast.secretary)
    response = client.post(
        reverse("propose", args=[evaluation.pk]),
        {"version": evaluation.version, "level": "HTNV", "reason": "Lý do đề xuất thử"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#propose")
    page = client.get(response["Location"]).content.decode()
    form = page[page.index('id="propose"') :]
    form = form[: form.index("</section>")]
    assert 'role="alert"' in form and "chưa nộp" in form
    assert '<option value="HTNV" selected>' in form and "Lý do đề xuất thử" in form
    assert fresh(evaluation).cell_level == ""
    again = client.get(reverse("review_detail", args=[evaluation.pk])).content.decode()
    assert "Lý do đề xuất thử" not in again  # shown once


def test_decide_as_proposed_ticks_only_the_files_the_rules_accept(
    client: Client, cast: Cast, round_: Round
) -> None:
    """Every file sent was ticked for "decide as proposed", which is all or nothing: one file
    the rules refuse made the button refuse them all. Those are now left unticked."""
    from django.urls import reverse

    evaluation = ready_to_decide(cast, round_.evaluation)
    client.force_login(cast.clerk)
    board = reverse("board", args=[cast.org_a.code])

    def ticked() -> bool:
        page = client.get(board).content.decode()
        box = page[page.index(f'name="ids" value="{evaluation.pk}"') :]
        return box[: box.index(">")].endswith(" checked")

    assert ticked()
    Evaluation.objects.filter(pk=evaluation.pk).update(content=content(score_common=45))
    assert not ticked()


def test_the_quota_meter_turns_red_only_above_the_allowed_number(
    client: Client, cast: Cast, round_: Round
) -> None:
    """The meter's boundary once sat on the allowed number with the browser's default optimum:
    a group over its limit was drawn green and one within it yellow. Now the optimum (0) lies
    below a boundary half a person above the allowed number: green up to it, red above."""
    import re

    from django.urls import reverse

    ready_to_decide(cast, round_.evaluation, level="HTXSNV")
    client.force_login(cast.clerk)
    page = client.get(reverse("board", args=[cast.org_a.code])).content.decode()
    meters = re.findall(r"<meter ([^>]*)>", page)
    assert meters
    for attributes in meters:
        values = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
        allowed = float(values["low"]) - 0.5
        assert values["high"] == values["low"] and values["optimum"] == "0"
        assert allowed == int(allowed) >= 0  # a whole number of people


def test_follow_up_save_refuses_a_plan_for_a_subject_not_rated_htnv_or_khtnv(
    cast: Cast, round_: Round
) -> None:
    evaluation = decide(cast, ready_to_decide(cast, round_.evaluation), "HTTNV")
    with pytest.raises(ValidationError, match="HTNV hoặc KHTNV"):
        services.follow_up_save(
            actor=cast.secretary,
            evaluation=fresh(evaluation),
            plan="Kèm cặp",
            assignee="Bí thư",
            status="chua_thuc_hien",
        )
    assert not AuditEvent.objects.filter(action="follow_up_save").exists()


def test_follow_up_save_keeps_the_plan_of_a_subject_rated_htnv(cast: Cast, round_: Round) -> None:
    evaluation = ready_to_decide(
        cast, round_.evaluation, score_common=20, score_tasks=40, level="HTNV"
    )
    evaluation = decide(cast, evaluation, "HTNV")
    follow = services.follow_up_save(
        actor=cast.secretary,
        evaluation=fresh(evaluation),
        plan="Kèm cặp",
        assignee="Bí thư",
        status="chua_thuc_hien",
    )
    assert follow.plan == "Kèm cặp"
    assert AuditEvent.objects.filter(action="follow_up_save").count() == 1
