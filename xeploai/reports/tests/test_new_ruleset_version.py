"""A new rule set version needs only ``xeploai/rules/``: a throwaway version derived from
366-2025, registered for the test's duration, carries a whole round — a period opened on it,
a self-review, a proposal, a decision and the report — with no migration and no other edit."""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from xeploai import rules
from xeploai.cycles.models import Period, PeriodKind
from xeploai.cycles.services import period_create
from xeploai.reports.compute import compute_report
from xeploai.reviews import services
from xeploai.reviews.models import CommentSource, Evaluation, SubjectKind
from xeploai.reviews.periods import period_open
from xeploai.rules import RuleSet
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
ON = dt.date(2027, 12, 15)

AMENDED = rules.derive(
    rules.get_ruleset("366-2025"),
    key="366-2027",
    title_vi="Quy định 366-QĐ/TW sửa đổi năm 2027 (thử)",
    title_en="Regulation 366-QĐ/TW as amended in 2027 (trial)",
    documents=("366-QĐ/TW (sửa đổi 2027)",),
    first_year=2027,
    clauses={"cond.tasks_exceeded": "QĐ 366 (sửa đổi 2027) Đ.11 k.1"},
)


@pytest.fixture
def amended() -> Iterator[RuleSet]:
    with rules.registered(AMENDED) as ruleset:
        yield ruleset


def open_period(cast: Cast, key: str) -> Period:
    period = period_create(
        actor=None,
        name="Năm 2027",
        year=2027,
        kind=PeriodKind.YEAR,
        ruleset=key,
        scope_root=cast.root,
        evaluation_date=dt.date(2027, 12, 10),
    )
    period_open(actor=None, period=period)
    return Period.objects.get(pk=period.pk)


def fresh(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_related("unit", "decider", "period", "person").get(
        pk=evaluation.pk
    )


def test_a_registered_rule_set_version_carries_a_whole_round(
    cast: Cast, amended: RuleSet, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    assert rules.ruleset_for_year(2027) is amended
    period = open_period(cast, "366-2027")
    assert period.get_ruleset_display() == amended.title_vi
    evaluation = Evaluation.objects.get(period=period, person=cast.member_a1)
    assert evaluation.form_code == "2B-2025"  # the forms 366-2025 prescribes, inherited
    services.review_submit(
        actor=cast.member,
        evaluation=evaluation,
        content={
            "form": evaluation.form_code,
            "sections": {"qualities": {"text": "Tốt"}},
            "shortcomings": [],
            "score_common": 27,
            "score_tasks": 63,
            "tasks_total": 10,
            "tasks_done": 10,
            "tasks_exceeded": 2,
            "tasks_late": 0,
            "self_level": "HTTNV",
        },
        expected_version=evaluation.version,
    )
    services.comment_record(
        actor=cast.secretary,
        evaluation=evaluation,
        source=CommentSource.RESIDENCE,
        text="Gương mẫu nơi cư trú",
        received_on=dt.date(2027, 11, 20),
    )
    services.proposal_record(
        actor=cast.secretary,
        evaluation=fresh(evaluation),
        level="HTTNV",
        expected_version=fresh(evaluation).version,
    )
    services.file_send(actor=cast.secretary, unit=cast.cell_a1, evaluations=[evaluation])
    # above what the score supports: refused under the amended version's own clause
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            actor=cast.clerk,
            evaluation=fresh(evaluation),
            expected_version=fresh(evaluation).version,
            on=ON,
            level="HTXSNV",
            reason="Đảng ủy đánh giá cao hơn đề xuất",
        )
    assert any("sửa đổi 2027" in m for m in refused.value.messages), refused.value.messages
    services.decision_record(
        actor=cast.clerk,
        evaluation=fresh(evaluation),
        expected_version=fresh(evaluation).version,
        on=ON,
        level="HTTNV",
    )
    assert fresh(evaluation).level == "HTTNV"
    report = compute_report(cast.cell_a1, period, as_of=ON)
    assert report.block(SubjectKind.MEMBER).current.level_count("HTTNV") == 1


def test_an_unknown_rule_set_key_is_refused_when_the_period_is_created(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        open_period(cast, "366-2027")
    assert "ruleset" in refused.value.message_dict


def test_a_registered_version_leaves_when_its_block_ends(amended: RuleSet) -> None:
    choices = Period._meta.get_field("ruleset").choices
    assert choices is not None
    assert "366-2027" in [key for key, _ in choices]
    rules.unregister("366-2027")
    try:
        assert rules.ruleset_for_year(2027).key == "366-2025"
        with pytest.raises(rules.RuleError, match="366-2027"):
            rules.get_ruleset("366-2027")
    finally:
        rules.register(AMENDED)
