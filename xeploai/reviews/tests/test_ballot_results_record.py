"""``ballot_results_record``: every subject of a ballot gets its level, a version bump, a ledger
row and an audit event — written together, in a number of statements that does not grow with
the number of subjects."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.reviews import services
from xeploai.reviews.models import Evaluation, LedgerStage, SubjectKind
from xeploai.testing import Cast, make_person, make_round

pytestmark = pytest.mark.django_db
STATE = ("stage", "level", "not_rated_reason", "self_level", "ballot_level", "cell_level")


@pytest.fixture
def evaluations(cast: Cast, settings: Settings, tmp_path: Path) -> list[Evaluation]:
    settings.MEDIA_ROOT = tmp_path
    for n in range(6):
        make_person(cast.cell_a1, full_name=f"Đảng viên {n}")
    round_ = make_round(cast, closed_vote="")  # its closed ballot proposes nothing
    return list(
        Evaluation.objects.filter(
            period=round_.period, unit=cast.cell_a1, kind=SubjectKind.MEMBER
        ).order_by("pk")
    )


def test_each_subject_gets_its_level_a_ledger_row_and_an_audit_event(
    cast: Cast, evaluations: list[Evaluation]
) -> None:
    levels = ["HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV", "HTTNV"]
    chosen = evaluations[: len(levels)]
    results = {e.pk: (level, f"phiếu {e.pk}") for e, level in zip(chosen, levels, strict=True)}
    first_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert services.ballot_results_record(actor=cast.secretary, results=results) == len(results)
    events = list(
        AuditEvent.objects.filter(pk__gt=first_event, action="ballot_result_record").order_by("pk")
    )
    assert [int(event.object_id) for event in events] == sorted(results)
    for evaluation, event in zip(chosen, events, strict=True):
        stored = Evaluation.objects.get(pk=evaluation.pk)
        level, note = results[evaluation.pk]
        assert (stored.ballot_level, stored.version) == (level, evaluation.version + 1)
        row = stored.ledger.get(stage=LedgerStage.BALLOT)
        assert (row.level, row.reason, row.actor, row.override) == (
            level,
            note,
            cast.secretary,
            False,
        )
        before = {name: getattr(evaluation, name) for name in STATE}
        assert event.before == before
        assert event.after == {**before, "ballot_level": level, "version": stored.version}
        assert (event.actor, event.object_type, event.unit_path) == (
            cast.secretary,
            "reviews.evaluation",
            cast.cell_a1.path,
        )


def test_the_statements_do_not_grow_with_the_subjects(
    cast: Cast, evaluations: list[Evaluation]
) -> None:
    def statements(chosen: list[Evaluation]) -> int:
        with CaptureQueriesContext(connection) as captured:
            services.ballot_results_record(
                actor=cast.secretary, results={e.pk: ("HTTNV", "x") for e in chosen}
            )
        return len(captured.captured_queries)

    assert len(evaluations) >= 6
    assert statements(evaluations[:2]) == statements(evaluations[2:])
