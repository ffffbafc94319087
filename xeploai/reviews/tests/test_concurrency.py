"""Two people acting on the same thing at the same moment: exactly one wins, nothing doubles.

Real threads with their own database connections, on whichever database the suite runs on
(SQLite by default, PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from pytest_django.fixtures import Settings

from xeploai.ballots import services as ballots
from xeploai.ballots.models import BallotMode, PaperEntry, Tally
from xeploai.reviews import services
from xeploai.reviews.models import (
    CommentSource,
    Evaluation,
    LedgerStage,
    SubjectKind,
    UnitStat,
)
from xeploai.reviews.stats import result_set, stats_differences
from xeploai.testing import Cast, Round, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released at the same instant; return results or errors."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def sent(cast: Cast, settings: Settings, tmp_path: Path) -> tuple[Round, Evaluation]:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    evaluation = round_.evaluation
    services.review_submit(
        actor=cast.member,
        evaluation=evaluation,
        expected_version=evaluation.version,
        content={
            "sections": {},
            "score_common": 27,
            "score_tasks": 62,
            "tasks_total": 4,
            "tasks_done": 4,
            "tasks_exceeded": 1,
            "tasks_late": 0,
            "self_level": "HTTNV",
        },
    )
    services.comment_record(
        actor=cast.secretary,
        evaluation=evaluation,
        source=CommentSource.RESIDENCE,
        text="Tốt",
        received_on=dt.date(2026, 11, 20),
    )
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    services.proposal_record(
        actor=cast.secretary,
        evaluation=evaluation,
        level="HTTNV",
        expected_version=evaluation.version,
    )
    services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=[evaluation])
    return round_, Evaluation.objects.get(pk=evaluation.pk)


def test_two_clerks_deciding_the_same_subject_at_once_exactly_one_succeeds(
    cast: Cast, sent: tuple[Round, Evaluation]
) -> None:
    round_, evaluation = sent
    seen = evaluation.version  # both screens show the same version

    def decide(level: str, actor: Any) -> Any:
        return lambda: services.decision_record(
            actor=actor,
            evaluation=Evaluation.objects.get(pk=evaluation.pk),
            expected_version=seen,
            on=dt.date(2026, 12, 15),
            level=level,
            reason="Cấp ủy thảo luận, biểu quyết",  # HTNV differs from the proposal
        )

    results = race(decide("HTTNV", cast.clerk), decide("HTNV", cast.committee))
    winners = [r for r in results if isinstance(r, Evaluation)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert any("người khác" in m or "khóa" in m for m in losers[0].messages)
    final = Evaluation.objects.get(pk=evaluation.pk)
    assert final.level == winners[0].level
    assert final.ledger.filter(stage=LedgerStage.GRASSROOTS).count() == 1
    assert stats_differences(round_.period) == []


def test_two_keyings_of_the_same_entry_racing_leave_one_current_entry(
    cast: Cast, sent: tuple[Round, Evaluation]
) -> None:
    round_, _ = sent
    members = list(
        Evaluation.objects.filter(
            period=round_.period, unit=cast.cell_a1, kind=SubjectKind.MEMBER, not_rated_reason=""
        )
    )
    ballot = ballots.ballot_create(
        actor=cast.secretary,
        period=round_.period,
        unit=cast.cell_a1,
        mode=BallotMode.PAPER,
        title="x",
        present=2,
        evaluations=members,
        confirmed=True,  # an earlier ballot of the round covers them
    )
    data: ballots.PaperData = {
        "counts": {"issued": 2, "returned": 2, "valid": 2},
        "votes": {str(e.pk): {"HTXSNV": 0, "HTTNV": 2, "HTNV": 0, "KHTNV": 0} for e in members},
    }
    race(
        *(
            lambda: ballots.paper_entry_save(
                actor=cast.secretary, ballot=ballot, entry_no=1, data=data
            )
            for _ in range(3)
        )
    )
    assert PaperEntry.objects.filter(ballot=ballot, entry_no=1, superseded=False).count() == 1
    ballots.paper_entry_save(actor=cast.clerk, ballot=ballot, entry_no=2, data=data)
    before = {m.pk: m.ledger.filter(stage=LedgerStage.BALLOT).count() for m in members}
    results = race(
        lambda: ballots.paper_accept(actor=cast.secretary, ballot=ballot),
        lambda: ballots.paper_accept(actor=cast.secretary, ballot=ballot),
    )
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert Tally.objects.filter(ballot=ballot).count() == len(members)
    for member in members:
        after = Evaluation.objects.get(pk=member.pk).ledger.filter(stage=LedgerStage.BALLOT).count()
        assert after == before[member.pk] + 1


def test_two_phones_voting_with_the_same_code_count_once(
    cast: Cast, sent: tuple[Round, Evaluation]
) -> None:
    round_, _ = sent
    members = list(
        Evaluation.objects.filter(
            period=round_.period, unit=cast.cell_a1, kind=SubjectKind.MEMBER, not_rated_reason=""
        )
    )
    ballot = ballots.ballot_create(
        actor=cast.secretary,
        period=round_.period,
        unit=cast.cell_a1,
        mode=BallotMode.ROOM,
        title="x",
        present=2,
        evaluations=members,
        confirmed=True,  # an earlier ballot of the round covers them
    )
    code = ballots.codes_issue(actor=cast.secretary, ballot=ballot)[0]
    choice = {str(e.pk): "HTTNV" for e in members}
    results = race(
        lambda: ballots.vote_cast(code=code, choices=choice),
        lambda: ballots.vote_cast(code=code, choices=dict.fromkeys(choice, "HTNV")),
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    tallies = ballots.room_close(actor=cast.secretary, ballot=ballot)
    assert all(t.returned == 1 for t in tallies)


@pytest.mark.parametrize("missing", [False, True], ids=["rows in place", "rows missing"])
def test_decisions_under_the_same_ancestors_at_once_all_count(cast: Cast, missing: bool) -> None:
    """Every member's result set at the same instant, each in its own transaction: none
    deadlocks or is lost, whether the ancestors' statistics rows are there (one UPDATE each)
    or must be made first (``stats_move``)."""
    round_ = make_round(cast)
    period = round_.period
    members = list(
        Evaluation.objects.filter(period=period, kind=SubjectKind.MEMBER, level="")
        .exclude(not_rated_reason__gt="")
        .values_list("pk", flat=True)
    )
    assert len(members) >= 2
    if missing:  # the root's and the organizations' rows, shared by every member
        UnitStat.objects.filter(period=period, block=SubjectKind.MEMBER, depth__lte=1).delete()

    def decide(pk: int) -> Callable[[], None]:
        def run() -> None:
            with transaction.atomic():
                evaluation = Evaluation.objects.select_for_update().get(pk=pk)
                result_set(evaluation, level="HTNV", not_rated_reason="")
                evaluation.save()

        return run

    results = race(*(decide(pk) for pk in members))
    assert results == [None] * len(members), results
    root = UnitStat.objects.get(period=period, path=cast.root.path, block=SubjectKind.MEMBER)
    assert root.htnv == len(members)
    if not missing:
        assert stats_differences(period) == []
