"""Merge, split and dissolve as operations: lineage, members, evaluations, exact figures
(issue 16 §2, §5).

Each test reorganizes a small bloc with members, a closed 2025 round (every result decided)
and an open 2026 round, then compares every ``UnitStat``, ``PoolStat`` and ``MemberCount``
row with those of a full rebuild of the same data — on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from xeploai import rules
from xeploai.audit.models import AuditEvent
from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import (
    Level,
    LineageKind,
    Membership,
    OrgUnit,
    Person,
    UnitKind,
    UnitLineage,
)
from xeploai.org.reorg import SplitPart, unit_dissolve, unit_merge, unit_split
from xeploai.org.selectors import lineage_of
from xeploai.reviews.models import (
    Evaluation,
    NotRatedReason,
    SubjectKind,
)
from xeploai.reviews.periods import period_open
from xeploai.reviews.stats import result_set
from xeploai.testing import (
    Cast,
    assert_rounds_exact,
    decide,
    make_person,
    make_unit,
    open_year,
    tree_figures,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)


@pytest.fixture
def bloc(cast: Cast) -> Cast:
    """The cast with members in every cell, a closed 2025 round all decided and an open 2026
    round where member A1 has a proposed (not decided) level."""
    for cell, n in ((cast.cell_a1, 2), (cast.cell_a2, 3), (cast.cell_b1, 1)):
        for _ in range(n):
            make_person(cell)
    old = open_year(cast.root, 2025)
    for evaluation in Evaluation.objects.filter(period=old, not_rated_reason=""):
        decide(evaluation, Level.HTTNV)
    Period.objects.filter(pk=old.pk).update(status=PeriodStatus.CLOSED)
    current = open_year(cast.root, 2026)
    evaluation = Evaluation.objects.get(period=current, person=cast.member_a1)
    result_set(evaluation, level=Level.HTNV, not_rated_reason="")
    evaluation.save()
    return cast


def assert_one_evaluation_per_subject_and_year() -> None:
    """§5: no member and no organization has two evaluations of the same year."""
    twice = (
        Evaluation.objects.filter(person__isnull=False)
        .values("person_id", "period__year")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    orgs = (
        Evaluation.objects.filter(person__isnull=True)
        .values("unit_id", "kind", "period__year")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not orgs.exists()


def _current() -> Period:
    return Period.objects.get(year=2026)


def test_merging_two_cells_into_one_hands_over_members_and_keeps_the_figures_exact(
    bloc: Cast,
) -> None:
    members = list(Person.objects.filter(unit=bloc.cell_a2).values_list("pk", flat=True))
    unit_merge(actor=None, sources=[bloc.cell_a2], target=bloc.cell_a1, on=ON)
    assert_rounds_exact()
    assert_one_evaluation_per_subject_and_year()
    a2 = OrgUnit.objects.get(pk=bloc.cell_a2.pk)
    assert a2.dissolved == ON
    assert set(Person.objects.filter(pk__in=members).values_list("unit_id", flat=True)) == {
        bloc.cell_a1.pk
    }
    # the membership history: closed the day before, opened in A1 on the date
    moved = Membership.objects.filter(person_id=members[0]).order_by("start")
    assert [(m.unit_id, m.end) for m in moved] == [
        (bloc.cell_a2.pk, ON - dt.timedelta(days=1)),
        (bloc.cell_a1.pk, None),
    ]
    # their open evaluations moved with them; the closed round keeps A2
    assert (
        Evaluation.objects.filter(
            period=_current(), person_id__in=members, unit=bloc.cell_a1
        ).count()
        == 3
    )
    assert Evaluation.objects.filter(period__year=2025, unit=bloc.cell_a2).count() == 4
    # A2 is no longer a subject of 2026; A1 is, "mới sáp nhập": reviewed, not rated
    assert not Evaluation.objects.filter(period=_current(), unit=bloc.cell_a2).exists()
    a1 = Evaluation.objects.get(period=_current(), unit=bloc.cell_a1, kind=SubjectKind.CELL)
    assert a1.not_rated_reason == NotRatedReason.SPLIT_MERGED
    link = UnitLineage.objects.get()
    assert (link.predecessor_id, link.successor_id, link.kind, link.effective) == (
        bloc.cell_a2.pk,
        bloc.cell_a1.pk,
        LineageKind.MERGE,
        ON,
    )
    assert AuditEvent.objects.filter(action="unit_merge").count() == 1


def test_merging_two_grassroots_committees_into_a_new_one_moves_their_cells(bloc: Cast) -> None:
    new = make_unit(
        UnitKind.GRASSROOTS_COMMITTEE, bloc.root, code="AB", name="Đảng bộ AB", established=ON
    )
    unit_merge(actor=None, sources=[bloc.org_a, bloc.org_b], target=new, on=ON)
    assert_rounds_exact()
    assert_one_evaluation_per_subject_and_year()
    assert set(OrgUnit.objects.filter(parent=new).values_list("code", flat=True)) == {
        "A1",
        "A2",
        "B1",
    }
    current = _current()
    # every open member evaluation is now decided by the new committee, in its pool
    assert set(
        Evaluation.objects.filter(period=current, kind=SubjectKind.MEMBER)
        .exclude(unit=bloc.grassroots_cell)
        .values_list("decider_id", flat=True)
    ) == {new.pk}
    # the new committee and its collective are subjects, not rated (mới sáp nhập)
    assert set(
        Evaluation.objects.filter(period=current, unit=new).values_list("kind", "not_rated_reason")
    ) == {
        (SubjectKind.GRASSROOTS, NotRatedReason.SPLIT_MERGED),
        (SubjectKind.COMMITTEE, NotRatedReason.SPLIT_MERGED),
    }
    assert not Evaluation.objects.filter(period=current, unit__in=[bloc.org_a, bloc.org_b]).exists()
    before, after = lineage_of(OrgUnit.objects.get(pk=new.pk))
    assert {link.predecessor.code for link in before} == {"A", "B"} and after == []


def test_splitting_a_committee_gives_out_its_cells_and_members(bloc: Cast) -> None:
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, bloc.root, code="AE", established=ON)
    west = make_unit(UnitKind.GRASSROOTS_COMMITTEE, bloc.root, code="AW", established=ON)
    unit_split(
        actor=None,
        source=bloc.org_a,
        parts=[SplitPart(east, (bloc.cell_a1,)), SplitPart(west, (bloc.cell_a2,))],
        on=ON,
    )
    assert_rounds_exact()
    assert_one_evaluation_per_subject_and_year()
    assert OrgUnit.objects.get(pk=bloc.cell_a1.pk).parent_id == east.pk
    assert OrgUnit.objects.get(pk=bloc.cell_a2.pk).parent_id == west.pk
    assert OrgUnit.objects.get(pk=bloc.org_a.pk).dissolved == ON
    assert set(UnitLineage.objects.values_list("successor__code", "kind")) == {
        ("AE", LineageKind.SPLIT),
        ("AW", LineageKind.SPLIT),
    }


def test_splitting_a_cell_gives_each_member_to_the_cell_named(bloc: Cast) -> None:
    people = list(Person.objects.filter(unit=bloc.cell_a2).order_by("pk"))
    other = make_unit(UnitKind.CELL, bloc.org_a, code="A3", established=ON)
    unit_split(
        actor=None,
        source=bloc.cell_a2,
        parts=[
            SplitPart(bloc.cell_a1, people=(people[0].pk,)),
            SplitPart(other, people=(people[1].pk, people[2].pk)),
        ],
        on=ON,
    )
    assert_rounds_exact()
    assert_one_evaluation_per_subject_and_year()
    assert Person.objects.get(pk=people[0].pk).unit_id == bloc.cell_a1.pk
    assert Person.objects.filter(unit=other).count() == 2


def test_a_split_must_give_out_every_cell_and_member(bloc: Cast) -> None:
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, bloc.root, code="AE", established=ON)
    before = tree_figures()
    with pytest.raises(ValidationError) as refused:
        unit_split(actor=None, source=bloc.org_a, parts=[SplitPart(east, (bloc.cell_a1,))], on=ON)
    assert "A2" in str(refused.value)
    assert tree_figures() == before
    assert not UnitLineage.objects.exists()


def test_part_of_a_committee_split_off_leaves_it_reorganized_too(bloc: Cast) -> None:
    east = make_unit(UnitKind.GRASSROOTS_COMMITTEE, bloc.root, code="AE", established=ON)
    unit_split(
        actor=None,
        source=bloc.org_a,
        parts=[SplitPart(east, (bloc.cell_a2,))],
        on=ON,
        source_continues=True,
    )
    assert_rounds_exact()
    org_a = OrgUnit.objects.get(pk=bloc.org_a.pk)
    assert org_a.dissolved is None and org_a.reorganized == ON
    assert (
        Evaluation.objects.get(
            period=_current(), unit=org_a, kind=SubjectKind.GRASSROOTS
        ).not_rated_reason
        == NotRatedReason.SPLIT_MERGED
    )


def test_dissolving_into_a_successor_hands_over_and_an_empty_unit_simply_ends(bloc: Cast) -> None:
    unit_dissolve(actor=None, unit=bloc.org_b, on=ON, successor=bloc.org_a)
    assert_rounds_exact()
    assert_one_evaluation_per_subject_and_year()
    assert OrgUnit.objects.get(pk=bloc.cell_b1.pk).parent_id == bloc.org_a.pk
    assert UnitLineage.objects.get().kind == LineageKind.DISSOLVE
    # a dissolution with a successor is not a merger: org A stays rated
    assert (
        Evaluation.objects.get(
            period=_current(), unit=bloc.org_a, kind=SubjectKind.GRASSROOTS
        ).not_rated_reason
        == ""
    )
    empty = make_unit(UnitKind.CELL, bloc.org_a, code="A9")
    unit_dissolve(actor=None, unit=empty, on=ON)
    assert OrgUnit.objects.get(pk=empty.pk).dissolved == ON
    assert_rounds_exact()


def test_dissolving_a_unit_with_members_and_no_successor_is_refused(bloc: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        unit_dissolve(actor=None, unit=bloc.cell_a2, on=ON)
    assert "A2" in str(refused.value) and "3 đảng viên" in str(refused.value)
    assert OrgUnit.objects.get(pk=bloc.cell_a2.pk).dissolved is None


def test_a_merge_that_would_change_who_decided_a_member_is_refused_and_writes_nothing(
    bloc: Cast,
) -> None:
    decided = Evaluation.objects.get(period=_current(), person=bloc.member_b1)
    decide(decided, Level.HTXSNV)
    before = tree_figures()
    with pytest.raises(ValidationError):
        unit_merge(actor=None, sources=[bloc.cell_b1], target=bloc.cell_a1, on=ON)
    assert tree_figures() == before
    assert OrgUnit.objects.get(pk=bloc.cell_b1.pk).dissolved is None
    assert Person.objects.get(pk=bloc.member_b1.pk).unit_id == bloc.cell_b1.pk


def test_merging_units_of_different_kinds_is_refused_in_vietnamese(bloc: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        unit_merge(actor=None, sources=[bloc.cell_a1], target=bloc.org_b, on=ON)
    assert "cùng loại" in str(refused.value)


def test_the_rules_read_the_merger_date_from_the_lineage(bloc: Cast) -> None:
    """Eligibility (QĐ 366, HD 43: "mới chia tách, sáp nhập"): less than the rule set's months
    before the evaluation date → reviewed, not rated; the facts carry the real date."""
    unit_merge(actor=None, sources=[bloc.cell_a2], target=bloc.cell_a1, on=ON)
    unit = OrgUnit.objects.get(pk=bloc.cell_a1.pk)
    assert unit.reorganized == ON
    subject = rules.Subject(id="c", kind=rules.SubjectKind.TCCSD, reorganized_on=unit.reorganized)
    ruleset = rules.get_ruleset("366-2025")
    assert not rules.eligibility(subject, ruleset, dt.date(2026, 12, 10)).rated
    assert rules.eligibility(subject, ruleset, dt.date(2027, 12, 10)).rated


def test_members_handed_into_another_rounds_scope_are_not_evaluated_twice(cast: Cast) -> None:
    """§5: two rounds of 2026, one per committee; cell A2 merges into B1. Its members keep
    their evaluation of A's round, under B1; opening B's round again creates none for them,
    and nobody falls out of a round."""
    for _ in range(3):
        make_person(cast.cell_a2)
    round_a, round_b = open_year(cast.org_a, 2026), open_year(cast.org_b, 2026)
    people = set(Person.objects.exclude(unit=cast.grassroots_cell).values_list("pk", flat=True))
    unit_merge(actor=None, sources=[cast.cell_a2], target=cast.cell_b1, on=ON)
    assert period_open(actor=None, period=round_b) == 0
    assert period_open(actor=None, period=round_a) == 0
    assert_one_evaluation_per_subject_and_year()
    evaluated = set(
        Evaluation.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    assert evaluated == people
    assert_rounds_exact()


def _queries_of_a_merge(cast: Cast, members: int) -> int:
    source = make_unit(UnitKind.CELL, cast.org_a)
    target = make_unit(UnitKind.CELL, cast.org_a)
    for _ in range(members):
        make_person(source)
    period_open(actor=None, period=_current())
    with CaptureQueriesContext(connection) as queries:
        unit_merge(actor=None, sources=[source], target=target, on=ON)
    return len(queries)


def test_a_merge_costs_the_same_queries_whatever_the_number_of_members(bloc: Cast) -> None:
    small = _queries_of_a_merge(bloc, 1)
    assert _queries_of_a_merge(bloc, 12) == small
    assert small <= 72  # 68 measured: locks, hand-over, lineage, followers, rounds, roles
    assert_rounds_exact()


def _queries_of_a_committee_merge(cast: Cast, cells: int) -> int:
    source = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root)
    target = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root)
    for _ in range(cells):
        make_person(make_unit(UnitKind.CELL, source))
    period_open(actor=None, period=_current())
    with CaptureQueriesContext(connection) as queries:
        unit_merge(actor=None, sources=[source], target=target, on=ON)
    return len(queries)


def test_a_merge_moves_the_units_below_in_the_same_queries_however_many(bloc: Cast) -> None:
    """``children_move``: one statement per table for all the units below, not one move each."""
    small = _queries_of_a_committee_merge(bloc, 1)
    assert _queries_of_a_committee_merge(bloc, 6) == small
    assert_rounds_exact()
