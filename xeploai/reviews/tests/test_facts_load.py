"""``Facts.load`` read through plain statements (issue 19 §4) builds every subject the rules
see exactly as the ORM's reading did: the same positions, disciplines (in order), memberships,
civil-service ratings, comments and quarters, for every deciding body of an uneven round."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.utils import timezone

from xeploai.cycles.models import Period
from xeploai.org.models import (
    CivilServiceRating,
    Discipline,
    DisciplineForm,
    Membership,
    Position,
)
from xeploai.reviews.facts import _COMMENT, Facts, level_of
from xeploai.reviews.models import Comment, CommentSource, Evaluation, SubjectKind
from xeploai.reviews.quarter_results import quarter_levels

pytestmark = pytest.mark.django_db


def old_load(period: Period, evaluations: list[Evaluation]) -> Facts:
    """``Facts.load`` as it was: each table through the ORM, ordered by it."""
    facts = Facts(period=period, evaluations=evaluations)
    people = [e.person_id for e in evaluations if e.person_id]
    ids = [e.pk for e in evaluations]
    old: dict[str, dict[int, list[object]]] = defaultdict(lambda: defaultdict(list))
    for position in (
        Position.objects.filter(person_id__in=people)
        .order_by("person_id", "-appointed", "pk")
        .values_list("person_id", "group", "appointed", "ended", named=True)
    ):
        old["positions"][position.person_id].append(position)
    for discipline in (
        Discipline.objects.filter(person_id__in=people)
        .order_by("person_id", "-decision_date", "pk")
        .values_list(
            "person_id",
            "form",
            "decision_date",
            "violation_unit_id",
            "related_to_public_duty",
            "self_detected_remedied",
            named=True,
        )
    ):
        old["disciplines"][discipline.person_id].append(discipline)
    for membership in (
        Membership.objects.filter(person_id__in=people)
        .order_by("person_id", "start", "pk")
        .values_list("person_id", "kind", "start", "end", named=True)
    ):
        old["memberships"][membership.person_id].append(membership)
    for name in ("positions", "disciplines", "memberships"):
        setattr(facts, name, old[name])
    for rating in (
        CivilServiceRating.objects.filter(person_id__in=people, year=period.year)
        .order_by("person_id", "-year")
        .values_list("person_id", "level", "rated_on", named=True)
    ):
        facts.civil[rating.person_id] = rating  # type: ignore[assignment]
    if period.quarter_rules:
        facts.quarters = {
            person: tuple(level_of(level) for level in levels)
            for person, levels in quarter_levels(people, period.year).items()
        }
    for evaluation_id, source in (
        Comment.objects.filter(evaluation__in=ids).order_by().values_list("evaluation_id", "source")
    ):
        if source in _COMMENT:
            facts.comments[evaluation_id].add(_COMMENT[source])
    return facts


def _bodies(period: Period) -> list[list[Evaluation]]:
    """Every deciding body's evaluations in the period, with what ``Facts`` reads of them."""
    by_body: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in (
        Evaluation.objects.filter(period=period)
        .select_related("person", "unit", "period")
        .order_by("pk")
    ):
        by_body[evaluation.decider_id].append(evaluation)
    return list(by_body.values())


def _more_facts(period: Period) -> None:
    """Comments of every source on a few files, and disciplines on a few members — two on the
    same day, whose order is the ids' (the demo's round holds almost none of either)."""
    today = timezone.localdate()
    now = timezone.now()
    members = list(
        Evaluation.objects.filter(period=period, kind=SubjectKind.MEMBER).order_by("pk")[:40]
    )
    for n, evaluation in enumerate(members[:18]):
        source = list(CommentSource)[n % len(CommentSource)]
        Comment.objects.create(
            evaluation=evaluation, source=source, received_on=today, recorded_at=now
        )
    forms = [DisciplineForm.REPRIMAND, DisciplineForm.WARNING]
    for n, evaluation in enumerate(members[20:30]):
        assert evaluation.person_id is not None
        for k in range(1 + n % 3):
            Discipline.objects.create(
                person_id=evaluation.person_id,
                form=forms[(n + k) % 2],
                decision_date=dt.date(period.year - k % 2, 3, 1 + n),
                violation_unit_id=evaluation.unit_id if k else None,
                related_to_public_duty=bool(n % 2),
                self_detected_remedied=bool(k % 2),
            )


@pytest.mark.parametrize("quarter_rules", [False, True])
def test_the_facts_read_by_plain_statements_build_the_same_subjects(
    uneven_period: Period, quarter_rules: bool
) -> None:
    period = uneven_period
    _more_facts(period)
    period.quarter_rules = quarter_rules  # the local quarter rules read the quarters too
    seen = {"positions": 0, "disciplines": 0, "memberships": 0, "civil": 0, "comments": 0}
    quarters = 0
    for evaluations in _bodies(period):
        new, old = Facts.load(period, evaluations), old_load(period, evaluations)
        for name in seen:
            seen[name] += sum(map(len, getattr(new, name).values())) if name != "civil" else 0
        seen["civil"] += len(new.civil)
        quarters += len(new.quarters)
        assert new.quarters == old.quarters
        assert dict(new.comments) == dict(old.comments)
        assert {p: r.level for p, r in new.civil.items()} == {
            p: r.level for p, r in old.civil.items()
        }
        for evaluation in evaluations:
            assert new.subject(evaluation) == old.subject(evaluation), evaluation
    assert all(seen.values()), seen  # every kind of fact was read and compared
    assert bool(quarters) == quarter_rules


def test_a_subject_without_people_reads_nothing(uneven_period: Period) -> None:
    """An upper body's organizations have no person: no statement for the people's tables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bodies = [b for b in _bodies(uneven_period) if not any(e.person_id for e in b)]
    assert bodies
    with CaptureQueriesContext(connection) as captured:
        facts = Facts.load(uneven_period, bodies[0])
    assert len(captured) == 1  # the comments only
    assert not facts.positions and not facts.memberships
