"""``MemberCount`` stays equal to a recount after every change, and the unit page reads it."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from xeploai.org import services
from xeploai.org.counts import member_count_differences, member_counts_rebuild
from xeploai.org.models import MemberCount, OrgUnit, Person, PersonStatus, UnitKind
from xeploai.org.selectors import unit_overview
from xeploai.testing import Cast, make_person, make_unit

pytestmark = pytest.mark.django_db


def recount(unit: OrgUnit) -> tuple[int, int, dict[str, int]]:
    """(cells, members, by status) counted directly, as the page did before the table."""
    people = Person.objects.in_subtree(unit.path)
    by_status: dict[str, int] = {}
    for status in people.values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    cells = (
        OrgUnit.objects.in_subtree(unit.path)
        .filter(kind__in=UnitKind.cells(), dissolved__isnull=True)
        .count()
    )
    return cells, people.count(), by_status


def assert_page_matches_recount(unit: OrgUnit) -> None:
    overview = unit_overview(unit)
    for shown, counts in [(unit, overview.totals), *overview.children]:
        assert (counts.cells, counts.members, counts.by_status) == recount(shown), shown.code


def test_the_cast_is_counted(cast: Cast) -> None:
    assert member_count_differences() == []
    assert_page_matches_recount(cast.root)
    assert_page_matches_recount(cast.org_a)


def test_create_status_change_and_transfer_keep_the_counts(cast: Cast) -> None:
    person = make_person(cast.cell_a2)
    assert member_count_differences() == []
    services.person_update(actor=None, person=person, status=PersonStatus.SUSPENDED)
    assert member_count_differences() == []
    services.person_transfer(
        actor=None, person=person, to_unit=cast.cell_b1, on=dt.date(2026, 2, 1)
    )
    assert member_count_differences() == []
    services.person_update(actor=None, person=person, full_name="Nguyễn Văn Đổi Tên")
    assert member_count_differences() == []
    assert_page_matches_recount(cast.root)
    by_status = unit_overview(cast.org_b).totals.by_status
    assert by_status == {PersonStatus.ACTIVE: 1, PersonStatus.SUSPENDED: 1}


def test_units_created_dissolved_and_moved_keep_the_counts(cast: Cast) -> None:
    cell = make_unit(UnitKind.CELL, cast.org_b)
    make_person(cell)
    assert member_count_differences() == []
    services.unit_move(actor=None, unit=cast.cell_a1, new_parent=cast.org_b)
    assert member_count_differences() == []
    upper = make_unit(UnitKind.UPPER, cast.root)
    services.unit_move(actor=None, unit=cast.org_a, new_parent=upper)  # one level deeper
    assert member_count_differences() == []
    services.unit_move(actor=None, unit=upper, new_parent=None)  # a root of its own
    assert member_count_differences() == []
    services.unit_update(actor=None, unit=cast.cell_b1, dissolved=dt.date(2026, 1, 1))
    assert member_count_differences() == []
    services.unit_update(actor=None, unit=cast.cell_b1, dissolved=None)
    assert member_count_differences() == []
    assert_page_matches_recount(cast.root)
    assert_page_matches_recount(OrgUnit.objects.get(pk=cast.org_b.pk))


def test_admin_edits_and_deletes_keep_the_counts(cast: Cast) -> None:
    admin = site._registry[Person]
    request = RequestFactory().post("/")
    request.user = cast.admin
    person = Person.objects.get(pk=cast.member_b1.pk)
    person.unit, person.status = cast.cell_a2, PersonStatus.EXEMPT
    admin.save_model(request, person, form=None, change=True)
    assert member_count_differences() == []
    extra = make_person(cast.cell_a1)
    extra.memberships.all().delete()
    admin.delete_model(request, extra)
    assert member_count_differences() == []


def test_the_rebuild_finds_what_a_lost_change_broke(cast: Cast) -> None:
    MemberCount.objects.filter(path=cast.root.path).delete()
    assert member_count_differences() != []
    member_counts_rebuild()
    assert member_count_differences() == []


def test_the_overview_runs_three_queries_whatever_the_subtree(cast: Cast) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            unit_overview(cast.root)
        return len(captured)

    small = queries()
    for _ in range(3):
        org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, cast.root)
        for _ in range(3):
            cell = make_unit(UnitKind.CELL, org)
            make_person(cell)
            make_person(cell, status=PersonStatus.EXEMPT)
    assert queries() == small <= 3  # children, counts (breadcrumbs: none above the root)
    assert_page_matches_recount(cast.root)
