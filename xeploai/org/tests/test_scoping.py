"""Every list and fetch is limited to the user's subtree."""

import pytest
from django.http import Http404

from xeploai.org import access
from xeploai.org.models import Role
from xeploai.testing import Cast, make_person, make_user

pytestmark = pytest.mark.django_db


def test_a_clerk_of_one_grassroots_organization_never_sees_anothers_people(cast: Cast) -> None:
    other = make_person(cast.cell_b1, full_name="Phạm Văn Khác")
    visible = set(access.visible_people(cast.clerk))
    assert cast.member_a1 in visible
    assert other not in visible and cast.member_b1 not in visible
    with pytest.raises(Http404):
        access.get_person(cast.clerk, other.pk)
    with pytest.raises(Http404):
        access.get_unit(cast.clerk, cast.org_b.code)


def test_scope_is_the_subtree_of_each_assignment(cast: Cast) -> None:
    assert access.scope_paths(cast.upper_board) == [cast.root.path]
    assert access.scope_paths(cast.secretary) == [cast.cell_a1.path]
    assert access.can_read_unit(cast.secretary, cast.cell_a1)
    assert not access.can_read_unit(cast.secretary, cast.cell_a2)
    assert not access.can_read_unit(cast.secretary, cast.org_a)


def test_nested_assignments_collapse_to_the_widest(cast: Cast) -> None:
    user = make_user(role=Role.CLERK, unit=cast.org_a)
    from xeploai.org.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.CELL_SECRETARY, unit=cast.cell_a1)
    assert access.scope_paths(user) == [cast.org_a.path]


def test_a_member_sees_only_their_own_record(cast: Cast) -> None:
    assert access.scope_paths(cast.member) == []
    assert access.get_person(cast.member, cast.member_a1.pk) == cast.member_a1
    other = make_person(cast.cell_a1)
    with pytest.raises(Http404):
        access.get_person(cast.member, other.pk)


def test_an_administrator_sees_everything(cast: Cast) -> None:
    assert access.scope_paths(cast.admin) == [""]
    assert access.get_unit(cast.admin, cast.org_b.code) == cast.org_b
