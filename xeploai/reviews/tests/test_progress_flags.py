"""Progress: work done after its deadline is flagged, reminders say whom they could not reach
and why, and each cell has its bar with the numbers in words (issue 15 §7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Deadline, Step
from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage, SubjectKind
from xeploai.reviews.periods import reminders_send
from xeploai.reviews.progress import progress
from xeploai.testing import Cast, Round, make_person, make_round, make_user

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 11, 30)


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _members(cast: Cast, round_: Round) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(
            period=round_.period, unit=cast.cell_a1, kind=SubjectKind.MEMBER
        ).order_by("pk")
    )


def test_work_done_after_its_deadline_is_flagged_and_on_time_is_not(
    cast: Cast, round_: Round
) -> None:
    for step in (Step.SELF_REVIEW, Step.CELL_MEETING, Step.CELL_SUBMIT, Step.GRASSROOTS_DECISION):
        Deadline.objects.create(period=round_.period, step=step, due=DUE)
    on_time, late = _members(cast, round_)
    # submitted on the deadline's last hour (on time) and the morning after (late)
    Evaluation.objects.filter(pk=on_time.pk).update(
        stage=Stage.DECIDED,
        level="HTTNV",
        submitted_at=_at(DUE, 23),
        sent_at=_at(DUE, 22),
        decided_at=_at(DUE, 9),
    )
    Evaluation.objects.filter(pk=late.pk).update(
        stage=Stage.DECIDED,
        level="HTTNV",
        submitted_at=_at(DUE + dt.timedelta(days=1), 8),
        sent_at=_at(DUE + dt.timedelta(days=2), 15),
        decided_at=_at(DUE + dt.timedelta(days=3), 9),
    )
    Proposal.objects.create(
        evaluation=on_time, stage=LedgerStage.CELL, level="HTTNV", at=_at(DUE, 10)
    )
    # the first proposal counts: a later correction does not make it late
    Proposal.objects.create(
        evaluation=on_time,
        stage=LedgerStage.CELL,
        level="HTTNV",
        at=_at(DUE, 20) + dt.timedelta(days=2),
    )
    Proposal.objects.create(
        evaluation=late,
        stage=LedgerStage.CELL,
        level="HTTNV",
        at=_at(DUE + dt.timedelta(days=2), 10),
    )
    report = progress(cast.org_a, round_.period, DUE + dt.timedelta(days=10))
    steps = report.total.steps
    assert (steps["review"].done, steps["review"].done_late) == (2, 1)
    assert (steps["propose"].done, steps["propose"].done_late) == (2, 1)
    assert (steps["decide"].done, steps["decide"].done_late) == (2, 1)
    assert (steps["send"].done, steps["send"].done_late) == (2, 1)
    row = next(r for r in report.rows if r.unit == cast.cell_a1)
    assert row.steps["review"].done_late == 1
    assert "review" not in next(r for r in report.rows if r.unit == cast.cell_a2).steps


def test_no_deadline_no_flag(cast: Cast, round_: Round) -> None:
    Evaluation.objects.filter(period=round_.period, kind=SubjectKind.MEMBER).update(
        stage=Stage.SUBMITTED, submitted_at=_at(DUE, 9)
    )
    steps = progress(cast.org_a, round_.period, DUE).total.steps
    assert steps["review"].done == 2 and steps["review"].done_late == 0


def test_the_progress_page_shows_bars_with_words_and_the_flags(
    client: Client, cast: Cast, round_: Round
) -> None:
    Deadline.objects.create(period=round_.period, step=Step.SELF_REVIEW, due=DUE)
    first = _members(cast, round_)[0]
    Evaluation.objects.filter(pk=first.pk).update(
        stage=Stage.SUBMITTED, submitted_at=_at(DUE + dt.timedelta(days=1), 9)
    )
    client.force_login(cast.clerk)
    page = client.get(reverse("progress", args=["A"])).content.decode()
    assert '<progress max="2" value="1" aria-label="Nộp bản kiểm điểm: 1/2 xong (50%)">' in page
    assert "1 xong sau hạn" in page
    assert "style=" not in page.split("<main", 1)[1]  # the bars need no inline style (CSP)


def test_reminders_say_whom_they_reached_and_whom_not_and_why(
    client: Client, cast: Cast, round_: Round
) -> None:
    cast.member.email = "lan@example.vn"
    cast.member.save()
    no_mail = make_user("hoa")
    make_person(cast.cell_a2, full_name="Đỗ Thị Hoa", user=no_mail)
    locked = make_user("khoa", is_active=False)
    make_person(cast.cell_a2, full_name="Vũ Văn Khoa", user=locked)
    from xeploai.reviews.periods import period_open

    period_open(actor=None, period=round_.period)
    Deadline.objects.create(period=round_.period, step=Step.SELF_REVIEW, due=DUE)
    reminded = reminders_send(
        actor=cast.clerk, unit=cast.org_a, period=round_.period, today=DUE + dt.timedelta(days=1)
    )
    assert reminded.late == 4 and reminded.reached == 2
    assert reminded.emailed == ("Trần Thị Lan",) and reminded.on_screen == ("Đỗ Thị Hoa",)
    assert reminded.no_account == ("Phạm Văn Hai",)
    assert reminded.inactive == ("Vũ Văn Khoa",)
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]


def test_the_remind_button_answers_in_words_not_a_bare_zero(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.clerk)
    Deadline.objects.create(period=round_.period, step=Step.SELF_REVIEW, due=dt.date(2020, 1, 1))
    page = client.post(reverse("remind", args=["A"]), follow=True).content.decode()
    assert "Đã nhắc 1/2 đảng viên chậm nộp bản kiểm điểm (hạn 01/01/2020)" in page
    assert "Chỉ qua thông báo trên màn hình (tài khoản chưa có thư điện tử): Trần Thị Lan" in page
    assert "Không nhắc được 1 đảng viên: chưa có tài khoản — Phạm Văn Hai" in page
    assert "Phạm Văn Hai" in page and "Đã nhắc 0" not in page
    Deadline.objects.filter(period=round_.period).update(due=dt.date(2099, 1, 1))
    page = client.post(reverse("remind", args=["A"]), follow=True).content.decode()
    assert "Không có đảng viên nào chậm nộp bản kiểm điểm (hạn 01/01/2099)" in page
