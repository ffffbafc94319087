"""seed-demo: deterministic from its seed, idempotent, realistic enough to exercise the rules."""

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.org.counts import member_count_differences
from xeploai.org.models import Membership, MembershipKind, OrgUnit, Person, Position, UnitKind
from xeploai.org.selectors import unit_overview
from xeploai.reviews.models import Evaluation, NotRatedReason
from xeploai.seed.demo import seed_demo
from xeploai.seed.demo_bloc import ROOT_CODE

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def fingerprint() -> tuple[Any, ...]:
    units = tuple(
        OrgUnit.objects.order_by("code").values_list("code", "name", "kind", "parent__code")
    )
    people = tuple(
        Person.objects.order_by("party_card_number").values_list(
            "party_card_number",
            "citizen_id",
            "full_name",
            "date_of_birth",
            "admission_date",
            "status",
            "unit__code",
        )
    )
    levels = tuple(
        Evaluation.objects.filter(period__year=2025)
        .order_by("kind", "unit__code", "person__party_card_number")
        .values_list("kind", "unit__code", "person__party_card_number", "level", "not_rated_reason")
    )
    return units, people, levels


def test_the_same_seed_builds_the_same_bloc() -> None:
    with pytest.raises(_Rollback), transaction.atomic():
        seed_demo(seed=7, members=400, log=lambda _: None)
        first = fingerprint()
        raise _Rollback
    seed_demo(seed=7, members=400, log=lambda _: None)
    assert fingerprint() == first
    assert Person.objects.count() == 400


def test_running_it_again_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", members=300)
    before = fingerprint(), Membership.objects.count(), Evaluation.objects.count()
    call_command("seed_demo", members=300)
    assert (fingerprint(), Membership.objects.count(), Evaluation.objects.count()) == before
    output = capsys.readouterr().out
    assert "không thay đổi" in output and "bithu" in output and "dangvien" in output


def test_the_bloc_has_what_the_round_needs() -> None:
    result = seed_demo(members=1200, log=lambda _: None)
    assert result.created and result.root.code == ROOT_CODE
    kinds = set(OrgUnit.objects.values_list("kind", flat=True))
    assert {UnitKind.GRASSROOTS_COMMITTEE, UnitKind.GRASSROOTS_CELL, UnitKind.CELL} <= kinds
    assert Membership.objects.filter(kind=MembershipKind.TEMPORARY).exists()
    assert Membership.objects.filter(end__isnull=False, kind=MembershipKind.OFFICIAL).exists()
    assert Position.objects.filter(is_head=True).exists()
    previous = Period.objects.get(year=2025)
    assert previous.status == PeriodStatus.CLOSED
    decided = Evaluation.objects.filter(period=previous).exclude(level="")
    assert decided.count() > 1000
    current = Period.objects.get(year=2026, kind="nam")
    assert current.status == PeriodStatus.OPEN
    new_members = Evaluation.objects.filter(
        period=current, not_rated_reason=NotRatedReason.NEW_MEMBER
    )
    assert new_members.exists()
    quarters = {p.quarter: p.status for p in Period.objects.filter(year=2026, kind="quy")}
    assert quarters == {1: "da_ket_thuc", 2: "da_ket_thuc", 3: "da_ket_thuc", 4: "dang_dien_ra"}
    q3 = Evaluation.objects.filter(period__kind="quy", period__quarter=3)
    assert q3.exists() and not q3.exclude(stage="da_quyet_dinh").exists()
    assert set(q3.values_list("form_code", flat=True)) == {"05-2025"}
    assert not q3.filter(group="khong_chuc_vu").exists()  # leaders and managers only


def test_it_refuses_nonsense_arguments() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--members"):
        call_command("seed_demo", members=5)
    assert not OrgUnit.objects.exists()


def test_seed_demo_builds_the_counts() -> None:
    result = seed_demo(seed=7, members=400, log=lambda _: None)
    assert member_count_differences() == []
    assert unit_overview(result.root).totals.members == 400
