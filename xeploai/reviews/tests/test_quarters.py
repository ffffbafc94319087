"""Quarterly rounds (366.md §1.2, Kết luận 198-KL/TW, Mẫu 05) and the year reading them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period, PeriodKind, PeriodStatus, Step
from xeploai.cycles.services import period_create
from xeploai.org.models import ExcellenceGroup, Person, Position
from xeploai.reviews import quarters, services
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.periods import period_open
from xeploai.testing import Cast, make_person

pytestmark = pytest.mark.django_db


def make_leader(cast: Cast, **fields: Any) -> Person:
    person = make_person(cast.cell_a1, full_name="Đỗ Văn Trưởng", **fields)
    Position.objects.create(
        person=person,
        title="Giám đốc",
        group=ExcellenceGroup.LEADER,
        is_head=True,
        appointed=dt.date(2020, 1, 1),
    )
    return person


def mau05(level: str = "HTTNV", common: float = 27, tasks: float = 63) -> dict[str, Any]:
    return {
        "form": "05-2025",
        "sections": {"quarter_tasks": {"text": "Hoàn thành kế hoạch quý"}},
        "score_common": common,
        "score_tasks": tasks,
        "tasks_total": 4,
        "tasks_done": 4,
        "tasks_exceeded": 1,
        "tasks_late": 0,
        "tasks": [{"task": "Báo cáo quý", "product": "Báo cáo số 12", "result": "dung_han"}],
        "self_level": level,
    }


def decide(evaluation: Evaluation, actor: Any, level: str, on: dt.date) -> Evaluation:
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    if not evaluation.reviewed:
        evaluation = services.review_submit(
            actor=actor,
            evaluation=evaluation,
            content=mau05(level),
            expected_version=evaluation.version,
        )
    return services.decision_record(
        actor=actor,
        evaluation=Evaluation.objects.select_related("unit", "decider", "period", "person").get(
            pk=evaluation.pk
        ),
        expected_version=Evaluation.objects.get(pk=evaluation.pk).version,
        level=level,
        on=on,
    )


def test_a_quarterly_round_takes_the_leaders_in_form_05_due_the_15th(cast: Cast) -> None:
    leader = make_leader(cast)
    period = quarters.quarter_open(
        actor=cast.committee, scope_root=cast.org_a, year=2026, quarter=2
    )
    assert (period.kind, period.quarter, period.status) == (PeriodKind.QUARTER, 2, "dang_dien_ra")
    assert period.ruleset == "366-2025" and period.name == "Quý 2/2026"
    evaluations = list(Evaluation.objects.filter(period=period))
    # leaders only: not member_a1 (no post), no organization or committee subject
    assert [(e.kind, e.person_id, e.form_code) for e in evaluations] == [
        (SubjectKind.MEMBER, leader.pk, "05-2025")
    ]
    assert evaluations[0].decider_id == cast.org_a.pk  # the competent level
    due = {d.step: d.due for d in period.deadlines.all()}
    assert due == {
        Step.SELF_REVIEW: dt.date(2026, 6, 10),
        Step.GRASSROOTS_DECISION: dt.date(2026, 6, 15),
        Step.REPORT: dt.date(2026, 6, 15),
    }
    assert set(
        AuditEvent.objects.filter(object_id=str(period.pk)).values_list("action", flat=True)
    ) >= {"period_create", "period_open"}


def test_every_member_when_the_scope_asks(cast: Cast) -> None:
    make_leader(cast)
    period = quarters.quarter_open(
        actor=None, scope_root=cast.org_a, year=2026, quarter=1, leaders_only=False
    )
    people = set(Evaluation.objects.filter(period=period).values_list("person_id", flat=True))
    assert cast.member_a1.pk in people and len(people) == 2
    assert not Evaluation.objects.filter(period=period, person__isnull=True).exists()


def test_bad_quarter_or_due_is_refused_naming_the_field_and_nothing_is_written(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=5)
    assert "quarter" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        quarters.quarter_open(
            actor=None, scope_root=cast.org_a, year=2026, quarter=3, due=dt.date(2026, 2, 1)
        )
    assert "01/02/2026" in error.value.message_dict["due"][0]
    assert not Period.objects.exists()


def test_a_second_round_of_the_same_quarter_and_scope_is_refused(cast: Cast) -> None:
    quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=1)
    with pytest.raises(ValidationError):
        quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=1)


@pytest.mark.parametrize(("first", "second"), [("root", "org_a"), ("org_a", "root")])
def test_quarterly_rounds_whose_scopes_share_a_unit_are_refused_naming_the_other(
    cast: Cast, first: str, second: str
) -> None:
    make_leader(cast)
    existing = quarters.quarter_open(
        actor=None, scope_root=getattr(cast, first), year=2026, quarter=2
    )
    with pytest.raises(ValidationError) as refused:
        quarters.quarter_open(actor=None, scope_root=getattr(cast, second), year=2026, quarter=2)
    message = refused.value.message_dict["scope_root"][0]
    code = getattr(cast, first).code
    assert message == (
        f'Quý 2/2026 đã có đợt hằng quý "Quý 2/2026" (phạm vi {code}) trùng phạm vi với '
        "đợt này — mỗi đối tượng chỉ được đánh giá một lần trong mỗi quý."
    )
    assert list(Period.objects.all()) == [existing]
    assert Evaluation.objects.exclude(period=existing).count() == 0


def test_quarterly_rounds_of_other_quarters_or_disjoint_scopes_are_allowed(cast: Cast) -> None:
    quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=2)
    quarters.quarter_open(actor=None, scope_root=cast.org_b, year=2026, quarter=2)
    quarters.quarter_open(actor=None, scope_root=cast.root, year=2026, quarter=3)
    quarters.quarter_open(actor=None, scope_root=cast.root, year=2025, quarter=2)
    assert Period.objects.filter(kind=PeriodKind.QUARTER).count() == 4


def test_the_quarters_page_says_why_an_overlapping_round_is_refused(
    cast: Cast, client: Client
) -> None:
    quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=4)
    client.force_login(cast.upper_board)
    response = client.post(
        f"/units/{cast.root.code}/quarters/open/",
        {"year": "2026", "quarter": "4", "due": "", "subjects": "leaders"},
        follow=True,
    )
    page = response.content.decode()
    assert "Quý 4/2026 đã có đợt hằng quý &quot;Quý 4/2026&quot; (phạm vi A)" in page
    assert Period.objects.filter(kind=PeriodKind.QUARTER).count() == 1


def test_the_competent_level_decides_without_the_cell_then_locks_and_reopens(cast: Cast) -> None:
    make_leader(cast)
    period = quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=1)
    evaluation = Evaluation.objects.get(period=period)
    with pytest.raises(ValidationError, match="còn 1 đối tượng"):
        quarters.quarter_lock(actor=cast.committee, period=period)
    submitted = services.review_submit(
        actor=cast.committee,
        evaluation=evaluation,
        content=mau05(),
        expected_version=evaluation.version,
    )
    assert submitted.stage == Stage.SENT  # straight to the competent level, no cell step
    decided = decide(evaluation, cast.committee, "HTTNV", dt.date(2026, 3, 14))
    assert (decided.stage, decided.level) == (Stage.DECIDED, "HTTNV")
    quarters.quarter_lock(actor=cast.committee, period=period)
    assert Period.objects.get(pk=period.pk).status == PeriodStatus.CLOSED
    with pytest.raises(ValidationError):  # nothing changes while locked
        services.evaluation_reopen(
            actor=cast.committee,
            evaluation=Evaluation.objects.get(pk=evaluation.pk),
            expected_version=decided.version,
            reason="Sai điểm",
        )
    with pytest.raises(ValidationError):
        quarters.quarter_reopen(actor=cast.committee, period=period, reason="  ")
    quarters.quarter_reopen(actor=cast.committee, period=period, reason="Xếp loại lại")
    assert Period.objects.get(pk=period.pk).status == PeriodStatus.OPEN
    assert AuditEvent.objects.filter(action="quarter_reopen").count() == 1


def test_a_scope_that_asks_for_the_cell_ballot_decides_only_files_sent(cast: Cast) -> None:
    make_leader(cast)
    period = quarters.quarter_open(
        actor=None, scope_root=cast.org_a, year=2026, quarter=1, cell_ballot=True
    )
    evaluation = Evaluation.objects.get(period=period)
    with pytest.raises(ValidationError, match="chi bộ bỏ phiếu"):
        decide(evaluation, cast.committee, "HTTNV", dt.date(2026, 3, 14))


def yearly(cast: Cast, quarter_rules: bool) -> Period:
    period = period_create(
        actor=None,
        name="Năm 2026",
        year=2026,
        kind=PeriodKind.YEAR,
        ruleset="366-2025",
        scope_root=cast.root,
        evaluation_date=dt.date(2026, 12, 15),
        quarter_rules=quarter_rules,
    )
    period_open(actor=None, period=period)
    return period


def test_the_year_shows_its_quarters_and_which_are_missing(cast: Cast, client: Client) -> None:
    leader = make_leader(cast)
    for quarter, level in ((1, "HTTNV"), (2, "KHTNV"), (3, "KHTNV")):
        period = quarters.quarter_open(
            actor=None, scope_root=cast.org_a, year=2026, quarter=quarter
        )
        decide(
            Evaluation.objects.get(period=period),
            cast.committee,
            level,
            quarters.quarter_due(2026, quarter),
        )
    year = yearly(cast, quarter_rules=True)
    evaluation = Evaluation.objects.get(period=year, person=leader)
    rows = quarters.year_quarters([evaluation], year, "vi")
    assert [(r.levels, r.missing) for r in rows] == [(("HTTNV", "KHTNV", "KHTNV", ""), (4,))]
    assert any("Hai quý liên tiếp (Q2, Q3)" in line for line in rows[0].findings)
    client.force_login(cast.committee)
    page = client.get(f"/reviews/{evaluation.pk}/").content.decode()
    assert "Kết quả các quý năm 2026" in page and "Thiếu quý" in page and "Q4" in page
    board = client.get(f"/units/{cast.org_a.code}/board/?period={year.pk}").content.decode()
    assert "Kết quả các quý năm 2026" in board and leader.full_name in board


@pytest.mark.parametrize(("rules_on", "refused"), [(True, True), (False, False)])
def test_the_local_quarter_rules_refuse_a_yearly_HTXSNV_after_a_KHTNV_quarter(
    cast: Cast, rules_on: bool, refused: bool
) -> None:
    from xeploai.reviews import checks

    leader = make_leader(cast)
    period = quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=1)
    decide(Evaluation.objects.get(period=period), cast.committee, "KHTNV", dt.date(2026, 3, 14))
    year = yearly(cast, quarter_rules=rules_on)
    evaluation = Evaluation.objects.select_related("unit", "decider", "period", "person").get(
        period=year, person=leader
    )
    problems = checks.decision_problems(
        evaluation,
        level="HTXSNV",
        not_rated_reason="",
        on=dt.date(2026, 12, 15),
        override_reason="",
    )
    assert any("cả năm tối đa HTTNV" in str(p) for p in problems) is refused


def test_the_quarters_page_opens_a_round_and_lists_it(cast: Cast, client: Client) -> None:
    leader = make_leader(cast)
    client.force_login(cast.committee)
    response = client.post(
        f"/units/{cast.org_a.code}/quarters/open/",
        {"year": "2026", "quarter": "3", "due": "", "subjects": "leaders"},
    )
    assert response.status_code == 302
    period = Period.objects.get(kind=PeriodKind.QUARTER)
    assert (period.quarter, period.evaluation_date, period.cell_ballot) == (
        3,
        dt.date(2026, 9, 15),
        False,
    )
    page = client.get(f"/units/{cast.org_a.code}/quarters/").content.decode()
    assert "Quý 3/2026" in page and f"?period={period.pk}" in page
    bad = client.post(f"/units/{cast.org_a.code}/quarters/open/", {"year": "x", "quarter": "3"})
    assert bad.status_code == 302
    assert "Giá trị không hợp lệ: x" in client.get(bad["Location"]).content.decode()
    from django.contrib.auth.models import User

    user = User.objects.create_user("truong")
    Person.objects.filter(pk=leader.pk).update(user=user)
    client.force_login(user)
    evaluation = Evaluation.objects.get(period=period)
    mine = client.get("/me/").content.decode()  # a member finds the quarter in their history
    assert "Quý 3/2026" in mine and f"/reviews/{evaluation.pk}/" in mine
    form = client.get(f"/reviews/{evaluation.pk}/").content.decode()
    assert "Mẫu 05-HD KĐ.ĐG 2025" in form and "tối đa 30 điểm" in form


def test_form_05_of_a_quarter_round_names_the_quarter_in_every_label(
    cast: Cast, client: Client
) -> None:
    import io

    import docx
    from django.contrib.auth.models import User

    leader = make_leader(cast)
    period = quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=2)
    user = User.objects.create_user("truong2")
    Person.objects.filter(pk=leader.pk).update(user=user)
    client.force_login(user)
    evaluation = Evaluation.objects.get(period=period)
    form = client.get(f"/reviews/{evaluation.pk}/").content.decode()
    assert (
        "<h1>Bản tự đánh giá, xếp loại của cá nhân Quý 2 năm 2026 (Mẫu 05-HD KĐ.ĐG 2025)</h1>"
        in form
    )
    assert "Số nhiệm vụ được giao trong quý" in form
    assert "trong năm" not in form and "Quý, Năm" not in form
    services.review_submit(
        actor=user, evaluation=evaluation, content=mau05(), expected_version=evaluation.version
    )
    response = client.get(f"/reviews/{evaluation.pk}/docx/")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Quý 2 năm 2026" in text and "Năm 2026" not in text


def test_progress_and_reminders_of_a_quarter_reuse_the_year_s(cast: Cast, client: Client) -> None:
    from django.contrib.auth.models import User

    from xeploai.cycles.models import Notice
    from xeploai.reviews.periods import reminders_send

    user = User.objects.create_user("truong2", email="truong2@example.org")
    make_leader(cast, user=user)
    period = quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=1)
    # the self-evaluation was due on 10/03 (five days before the 15th)
    assert (
        reminders_send(
            actor=None, unit=cast.org_a, period=period, today=dt.date(2026, 3, 9)
        ).reached
        == 0
    )
    assert (
        reminders_send(
            actor=None, unit=cast.org_a, period=period, today=dt.date(2026, 3, 11)
        ).reached
        == 1
    )
    assert Notice.objects.get(user=user).text == (
        "Đồng chí chưa nộp bản tự đánh giá (Mẫu 05) Quý 1/2026; hạn đã qua."
    )
    client.force_login(cast.committee)
    page = client.get(f"/units/{cast.org_a.code}/progress/?period={period.pk}").content.decode()
    assert "Quý 1/2026" in page and "10/03" in page
    sent = client.post(f"/units/{cast.org_a.code}/progress/remind/", {"period": period.pk})
    assert sent["Location"] == f"/units/{cast.org_a.code}/progress/?period={period.pk}"


def test_the_board_of_a_quarter_stays_on_the_quarter(cast: Cast, client: Client) -> None:
    make_leader(cast)
    yearly(cast, quarter_rules=False)  # the year's round is open too: the board's default
    period = quarters.quarter_open(actor=None, scope_root=cast.org_a, year=2026, quarter=4)
    evaluation = Evaluation.objects.get(period=period)
    services.review_submit(
        actor=cast.committee, evaluation=evaluation, content=mau05(), expected_version=1
    )
    client.force_login(cast.committee)
    page = client.get(f"/units/{cast.org_a.code}/board/?period={period.pk}").content.decode()
    assert f'name="next" value="/units/{cast.org_a.code}/board/?period={period.pk}#e' in page
    assert f"?period={period.pk}&amp;show=pending" in page  # the filters keep the quarter
    response = client.post(
        f"/reviews/{evaluation.pk}/decide/",
        {
            "version": Evaluation.objects.get(pk=evaluation.pk).version,
            "level": "HTTNV",
            "next": f"/units/{cast.org_a.code}/board/?period={period.pk}",
        },
    )
    assert response["Location"].endswith(f"?period={period.pk}")
    assert Evaluation.objects.get(pk=evaluation.pk).level == "HTTNV"
