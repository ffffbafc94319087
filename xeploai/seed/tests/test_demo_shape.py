"""The demo province in today's shape: the previous year decided on the old tree, the 2025
restructure applied through the services, the report comparing across it (issue 16 §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.org.counts import member_count_differences
from xeploai.org.models import LineageKind, OrgType, OrgUnit, UnitKind, UnitLineage
from xeploai.reports.compute import compute_report
from xeploai.reviews.models import Evaluation, NotRatedReason, SubjectKind
from xeploai.reviews.stats import stats_differences
from xeploai.seed.demo import seed_demo
from xeploai.seed.demo_bloc import ROOT_CODE
from xeploai.seed.demo_reshape import OLD_DISTRICTS, restructure_date

pytestmark = pytest.mark.django_db


def test_the_demo_has_no_district_level_and_compares_across_the_restructure() -> None:
    seed_demo(members=3000, log=lambda _: None)  # 40 agencies: enterprises among them
    root = OrgUnit.objects.get(code=ROOT_CODE)
    on = restructure_date(2026)
    # today: commune committees and blocs directly under the province, no district alive
    live_uppers = OrgUnit.objects.filter(kind=UnitKind.UPPER, dissolved__isnull=True)
    assert set(live_uppers.exclude(pk=root.pk).values_list("parent_id", flat=True)) == {root.pk}
    assert {c for c, _ in OLD_DISTRICTS} == set(
        OrgUnit.objects.filter(dissolved=on)
        .filter(code__startswith="DEMO-H")
        .values_list("code", flat=True)
    )
    communes = OrgUnit.objects.filter(parent=root, org_type=OrgType.COMMUNE, dissolved__isnull=True)
    assert set(communes.values_list("code", flat=True)) == {"DEMO-XA01", "DEMO-XA02"}
    assert UnitLineage.objects.filter(kind=LineageKind.MERGE).count() == 4
    assert OrgUnit.objects.filter(code="DEMO-KDN", parent=root).exists()
    previous, current = Period.objects.filter(kind=PeriodKind.YEAR).order_by("year")
    assert (previous.status, current.status) == (PeriodStatus.CLOSED, PeriodStatus.OPEN)
    # last year was decided on the old tree: the village cells by their old communes
    village = OrgUnit.objects.get(code="DEMO-X1-01")
    assert (
        Evaluation.objects.get(
            period=previous, unit=village, kind=SubjectKind.GRASSROOTS
        ).decider.code
        == "DEMO-X1"
    )
    # this year on today's: by the new commune, and the new commune's cells are subjects
    assert (
        Evaluation.objects.get(
            period=current, unit=village, kind=SubjectKind.GRASSROOTS
        ).decider.code
        == "DEMO-XA01"
    )
    assert not Evaluation.objects.filter(
        period=current, not_rated_reason=NotRatedReason.SPLIT_MERGED, unit=village
    ).exists()
    for period in (previous, current):
        assert stats_differences(period) == []
    assert member_count_differences() == []
    # the province's report compares the new commune with its two predecessors
    report = compute_report(root, current, as_of=dt.date(2026, 12, 31))
    row = next(c for c in report.children if c.unit.code == "DEMO-XA01")
    assert row.basis is not None
    assert [r.code for r in row.basis.merged] == ["DEMO-X1", "DEMO-X2"]
    members = row.block(SubjectKind.MEMBER)
    assert members.previous is not None and members.previous.total > 0
    assert report.block(SubjectKind.MEMBER).previous is not None
