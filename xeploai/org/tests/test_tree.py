"""The materialized path: right after every create and move; cycles impossible."""

import pytest
from django.core.exceptions import ValidationError

from xeploai.audit.models import AuditEvent
from xeploai.org import services
from xeploai.org.models import OrgUnit, UnitKind
from xeploai.testing import make_unit

pytestmark = pytest.mark.django_db


def assert_paths_consistent() -> None:
    """Every unit's path is its parent's path plus its own segment; depth matches."""
    for unit in OrgUnit.objects.select_related("parent"):
        parent_path = unit.parent.path if unit.parent else ""
        assert unit.path == parent_path + services.segment(unit.pk), unit.code
        assert unit.depth == unit.path.count("/") - 1


def test_it_gives_each_new_unit_its_parents_path_plus_its_own_segment() -> None:
    root = make_unit(UnitKind.UPPER)
    org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, root)
    cell = make_unit(UnitKind.CELL, org)
    assert cell.path.startswith(org.path) and org.path.startswith(root.path)
    assert cell.depth == 2
    assert_paths_consistent()


def test_moving_a_subtree_rewrites_every_path_below_it() -> None:
    root = make_unit(UnitKind.UPPER)
    district_1 = make_unit(UnitKind.UPPER, root)
    district_2 = make_unit(UnitKind.UPPER, root)
    org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, district_1)
    sub = make_unit(UnitKind.SUB_COMMITTEE, org)
    cell = make_unit(UnitKind.CELL, sub)
    services.unit_move(actor=None, unit=org, new_parent=district_2)
    assert_paths_consistent()
    cell.refresh_from_db()
    assert cell.path.startswith(district_2.path)
    assert set(OrgUnit.objects.in_subtree(district_1.path)) == {district_1}
    assert AuditEvent.objects.filter(action="unit_move", object_id=str(org.pk)).count() == 1


def test_moving_a_root_under_another_tree_shifts_depths() -> None:
    a = make_unit(UnitKind.UPPER)
    b = make_unit(UnitKind.UPPER)
    org = make_unit(UnitKind.GRASSROOTS_CELL, b)
    services.unit_move(actor=None, unit=b, new_parent=a)
    org.refresh_from_db()
    assert org.depth == 2
    assert_paths_consistent()


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_it_refuses_a_move_that_would_make_a_cycle(target: str) -> None:
    root = make_unit(UnitKind.UPPER)
    middle = make_unit(UnitKind.UPPER, root)
    bottom = make_unit(UnitKind.UPPER, middle)
    new_parent = {"itself": root, "child": middle, "grandchild": bottom}[target]
    before = list(OrgUnit.objects.values_list("pk", "path", "parent_id"))
    with pytest.raises(ValidationError) as error:
        services.unit_move(actor=None, unit=root, new_parent=new_parent)
    assert "parent" in error.value.message_dict
    assert list(OrgUnit.objects.values_list("pk", "path", "parent_id")) == before


def test_clean_also_refuses_a_parent_inside_the_subtree() -> None:
    root = make_unit(UnitKind.UPPER)
    child = make_unit(UnitKind.UPPER, root)
    root.parent = child
    with pytest.raises(ValidationError):
        root.full_clean()


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (UnitKind.CELL, UnitKind.UPPER),
        (UnitKind.CELL, None),
        (UnitKind.SUB_COMMITTEE, UnitKind.UPPER),
        (UnitKind.GRASSROOTS_COMMITTEE, UnitKind.GRASSROOTS_COMMITTEE),
        (UnitKind.UPPER, UnitKind.CELL),
    ],
)
def test_it_refuses_a_kind_that_cannot_sit_under_that_parent(
    kind: UnitKind, parent_kind: UnitKind | None
) -> None:
    parent = None
    if parent_kind == UnitKind.CELL:
        org = make_unit(UnitKind.GRASSROOTS_COMMITTEE, make_unit(UnitKind.UPPER))
        parent = make_unit(UnitKind.CELL, org)
    elif parent_kind is not None:
        grand = make_unit(UnitKind.UPPER) if parent_kind != UnitKind.UPPER else None
        parent = make_unit(parent_kind, grand) if grand else make_unit(parent_kind)
    count = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as error:
        make_unit(kind, parent)
    assert "parent" in error.value.message_dict
    assert "không thể trực thuộc" in error.value.message_dict["parent"][0]
    assert OrgUnit.objects.count() == count


def test_unit_codes_are_unique_and_validated() -> None:
    make_unit(UnitKind.UPPER, code="X1")
    with pytest.raises(ValidationError) as error:
        make_unit(UnitKind.UPPER, code="X1")
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_unit(UnitKind.UPPER, code="có dấu")
    assert "Mã chỉ gồm" in error.value.message_dict["code"][0]


def test_bulk_creation_writes_the_same_paths_as_the_service() -> None:
    root = make_unit(UnitKind.UPPER)
    org = OrgUnit(code="BULK-ORG", name="Đảng bộ", kind=UnitKind.GRASSROOTS_COMMITTEE)
    cells = [OrgUnit(code=f"BULK-{i}", name=f"Chi bộ {i}", kind=UnitKind.CELL) for i in range(3)]
    services.units_bulk_create([org, *cells], [root, org, org, org])
    assert_paths_consistent()
    assert OrgUnit.objects.in_subtree(org.path).count() == 4


def test_bulk_creation_writes_each_unit_once() -> None:
    """No insert-then-update: a dead version of every new unit slowed the statements after."""
    from django.db import connection

    root = make_unit(UnitKind.UPPER)
    org = OrgUnit(code="ONCE-ORG", name="Đảng bộ", kind=UnitKind.GRASSROOTS_COMMITTEE)
    cells = [OrgUnit(code=f"ONCE-{i}", name=f"Chi bộ {i}", kind=UnitKind.CELL) for i in range(3)]
    if connection.vendor != "postgresql":
        services.units_bulk_create([org, *cells], [root, org, org, org])
        assert_paths_consistent()
        return
    with connection.cursor() as cursor:

        def updated() -> int:
            cursor.execute(
                "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'org_orgunit'"
            )
            return int(cursor.fetchone()[0])

        before = updated()
        services.units_bulk_create([org, *cells], [root, org, org, org])
        assert updated() == before
    assert_paths_consistent()
