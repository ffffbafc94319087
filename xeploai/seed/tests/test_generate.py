"""The synthetic country of ``xeploai gen``: counts, distributions, determinism, refusal."""

from collections import Counter
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.models import OrgUnit, Person, UnitKind
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.stats import stats_differences
from xeploai.seed.country_tree import Plan
from xeploai.seed.generate import CountryExists, generate_country
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db

MEMBERS = 20_000


def fingerprint() -> tuple[list[tuple[Any, ...]], Counter[tuple[Any, ...]]]:
    """What a run produced, independent of the ids the database handed out."""
    units = sorted(OrgUnit.objects.values_list("code", "name", "kind", "parent__code"))
    results = Counter(
        Evaluation.objects.values_list(
            "period__year", "kind", "person__citizen_id", "unit__code", "level", "not_rated_reason"
        )
    )
    return units, results


def generated_and_undone(seed: int) -> tuple[list[tuple[str, ...]], Counter[tuple[str, ...]]]:
    with transaction.atomic():
        generate_country(members=3000, seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_plan_scales_the_country_down_in_proportion() -> None:
    full = Plan.for_members(5_600_000)
    assert (full.provinces, full.central, full.grassroots) == (34, 6, 52_000)
    assert full.communes == 3_321  # issue 16 §4: the two-level tree, no district level
    assert full.provinces + full.central == 40  # directly under the Central Committee
    small = Plan.for_members(60_000)
    assert small.grassroots == 557
    assert 2 <= small.provinces < 34 and small.communes == 36


def test_a_small_country_has_every_level_and_decided_years() -> None:
    result = generate_country(members=MEMBERS, seed=5)
    assert Person.objects.count() == MEMBERS
    kinds = Counter(OrgUnit.objects.values_list("kind", flat=True))
    # the root, the provinces and central committees, then communes and blocs: no district
    plan = Plan.for_members(MEMBERS)
    assert kinds[UnitKind.UPPER] == plan.uppers == result.counts["uppers"]
    depths = Counter(
        OrgUnit.objects.filter(kind__in=UnitKind.grassroots()).values_list("depth", flat=True)
    )
    assert set(depths) == {3}
    communes = OrgUnit.objects.filter(kind=UnitKind.UPPER, org_type="xa_phuong")
    assert communes.count() == plan.communes
    assert set(communes.values_list("depth", flat=True)) == {2}
    assert kinds[UnitKind.CELL] > kinds[UnitKind.GRASSROOTS_COMMITTEE] * 3
    assert kinds[UnitKind.GRASSROOTS_CELL] > 0
    assert not Person.objects.exclude(unit__kind__in=UnitKind.cells()).exists()
    previous, current = Period.objects.order_by("year")
    assert (previous.status, current.status) == (PeriodStatus.CLOSED, PeriodStatus.OPEN)
    assert not Evaluation.objects.exclude(stage=Stage.DECIDED).exists()
    # the organization subjects of each year: every cell, grassroots organization, committee
    grassroots = OrgUnit.objects.filter(kind__in=UnitKind.grassroots())
    for period in (previous, current):
        orgs = Counter(
            Evaluation.objects.filter(period=period, person=None).values_list("kind", flat=True)
        )
        assert orgs[SubjectKind.CELL] == kinds[UnitKind.CELL]
        assert orgs[SubjectKind.GRASSROOTS] == grassroots.count()
        assert orgs[SubjectKind.COMMITTEE] == grassroots.filter(has_committee=True).count()
        assert stats_differences(period) == []


def test_member_results_follow_the_national_distribution() -> None:
    generate_country(members=MEMBERS, seed=6)
    current = Period.objects.order_by("year").last()
    members = Evaluation.objects.filter(period=current, kind=SubjectKind.MEMBER)
    total = members.count()
    assert total > MEMBERS * 0.97
    buckets = Counter(level or "NR" for level in members.values_list("level", flat=True).iterator())
    share = {bucket: 100 * n / total for bucket, n in buckets.items()}
    assert 12.5 <= share["HTXSNV"] <= 15.5
    assert 82 <= share["HTTNV"] <= 86
    assert 0.6 <= share["HTNV"] <= 1.5
    assert 0.1 <= share["KHTNV"] <= 0.5
    assert 1.2 <= share["NR"] <= 3.0
    # the deciding body of a member is the grassroots organization above the cell
    sample = members.select_related("unit", "decider").first()
    assert sample is not None
    assert sample.decider.kind in UnitKind.grassroots()
    assert sample.unit.path.startswith(sample.decider.path)


def test_the_same_seed_gives_the_same_country_and_another_seed_another() -> None:
    first = generated_and_undone(11)
    again = generated_and_undone(11)
    other = generated_and_undone(12)
    assert first == again
    assert first[1] != other[1]


def test_it_refuses_a_database_that_already_holds_units(cast: Cast) -> None:
    with pytest.raises(CountryExists):
        generate_country(members=1000, seed=1)
    with pytest.raises(CommandError, match="đã có tổ chức đảng"):
        call_command("gen", members=1000, seed=1)
    assert not OrgUnit.objects.filter(code__startswith="QG").exists()
    call_command("gen", members=1000, seed=1, force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert OrgUnit.objects.filter(code="QG1").exists()


def test_widest_gives_the_first_bloc_that_many_grassroots_organizations() -> None:
    """``--widest``: one unit as wide as Hà Nội's agency blocs, the country's total unchanged."""
    plan = Plan.for_members(MEMBERS)
    call_command("gen", members=MEMBERS, seed=3, widest=60, stdout=open("/dev/null", "w"))  # noqa: SIM115
    bloc = OrgUnit.objects.get(code="QG3-P01-K1")
    assert OrgUnit.objects.filter(parent=bloc).count() == 60
    wider = OrgUnit.objects.filter(parent__depth__lte=2).exclude(parent=bloc)
    assert Counter(wider.values_list("parent", flat=True)).most_common(1)[0][1] < 60
    assert OrgUnit.objects.filter(kind__in=UnitKind.grassroots()).count() == plan.grassroots
    assert Person.objects.count() == MEMBERS
    current = Period.objects.order_by("year").last()
    assert current is not None and stats_differences(current) == []
    with pytest.raises(CommandError, match="--widest"):
        call_command("gen", members=3000, seed=4, widest=-1, force=True)
