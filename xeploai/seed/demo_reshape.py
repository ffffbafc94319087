"""The demo province in today's shape (issue 16 §4; ``present.md`` §1).

The demo is drawn on the **old** tree — its agencies directly under the provincial committee,
and two district committees (``DEMO-H1``, ``DEMO-H2``) each over two commune committees with
their village and street cells (chi bộ cơ sở) — and the previous year is decided on it. Then,
on 1 July of the current year, the 2025 restructure is applied through the product's own
services (``org.reorg``), so the lineage, the figures and the report's year-over-year basis
are those a real province would have:

- the four communes merge two by two into two new commune committees directly under the
  provincial committee (``unit_merge``; "mới sáp nhập" in the current round);
- the two district committees, now empty, are dissolved (``unit_dissolve``): no district level;
- the enterprises' grassroots organizations move into a new agency bloc, the "Đảng bộ Khối
  doanh nghiệp tỉnh" (``unit_move``), when the demo has some.

Simplification: the old commune committees are already cấp trên cơ sở over their village
cells (in 2024 a commune committee was itself a grassroots committee); the change the demo
shows is the end of the district level and the mergers.
"""

from __future__ import annotations

import datetime as dt

from xeploai.org.models import OrgType, OrgUnit, UnitKind
from xeploai.org.reorg import unit_dissolve, unit_merge
from xeploai.org.services import unit_create, unit_move

OLD_DISTRICTS = [("DEMO-H1", "Đảng bộ huyện Tân Sơn"), ("DEMO-H2", "Đảng bộ huyện Thanh Thủy")]
# (code, name, district index)
OLD_COMMUNES = [
    ("DEMO-X1", "Đảng bộ xã Tân Phú", 0),
    ("DEMO-X2", "Đảng bộ xã Mỹ Thuận", 0),
    ("DEMO-X3", "Đảng bộ xã Thạch Kiệt", 1),
    ("DEMO-X4", "Đảng bộ xã Xuân Lộc", 1),
]
VILLAGES = ["Khu 1", "Khu 2", "Khu 3", "Khu Đồng Tâm", "Khu Minh Tân"]
NEW_COMMUNES = [
    ("DEMO-XA01", "Đảng bộ xã Tân Sơn", ("DEMO-X1", "DEMO-X2")),
    ("DEMO-XA02", "Đảng bộ xã Thanh Thủy", ("DEMO-X3", "DEMO-X4")),
]
BLOC_CODE, BLOC_NAME = "DEMO-KDN", "Đảng bộ Khối doanh nghiệp tỉnh"


def restructure_date(year: int) -> dt.date:
    return dt.date(year, 7, 1)


def old_communes(root: OrgUnit) -> list[tuple[OrgUnit, OrgUnit]]:
    """(unit, parent) of the old tree's districts, communes and village cells, in tree order."""
    founded = dt.date(2005, 1, 1)
    rows: list[tuple[OrgUnit, OrgUnit]] = []
    districts = []
    for code, name in OLD_DISTRICTS:
        district = OrgUnit(
            code=code,
            name=name,
            kind=UnitKind.UPPER,
            org_type=OrgType.PARTY_AGENCY,
            established=founded,
        )
        rows.append((district, root))
        districts.append(district)
    for code, name, number in OLD_COMMUNES:
        commune = OrgUnit(
            code=code,
            name=name,
            kind=UnitKind.UPPER,
            org_type=OrgType.COMMUNE,
            established=founded,
        )
        rows.append((commune, districts[number]))
        for v, village in enumerate(VILLAGES[: 3 + (len(code) + number) % 3]):
            cell = OrgUnit(
                code=f"{code}-{v + 1:02d}",
                name=f"Chi bộ {village} — {name.removeprefix('Đảng bộ ')}",
                kind=UnitKind.GRASSROOTS_CELL,
                org_type=OrgType.COMMUNE,
                established=founded,
                has_committee=False,
            )
            rows.append((cell, commune))
    return rows


def reshape(root: OrgUnit, year: int) -> dict[str, int]:
    """Apply the 2025 restructure to the demo on 1 July ``year``; return what it did."""
    on = restructure_date(year)
    for code, name, olds in NEW_COMMUNES:
        new = unit_create(
            actor=None,
            parent=root,
            code=code,
            name=name,
            kind=UnitKind.UPPER,
            org_type=OrgType.COMMUNE,
            established=on,
        )
        unit_merge(
            actor=None, sources=list(OrgUnit.objects.filter(code__in=olds)), target=new, on=on
        )
    for code, _name in OLD_DISTRICTS:
        unit_dissolve(actor=None, unit=OrgUnit.objects.get(code=code), on=on)
    enterprises = list(
        OrgUnit.objects.filter(
            parent=root, org_type=OrgType.ENTERPRISE, kind__in=UnitKind.grassroots()
        )
    )
    if enterprises:
        bloc = unit_create(
            actor=None,
            parent=root,
            code=BLOC_CODE,
            name=BLOC_NAME,
            kind=UnitKind.UPPER,
            org_type=OrgType.PARTY_AGENCY,
            established=on,
        )
        for unit in enterprises:
            unit_move(actor=None, unit=unit, new_parent=bloc)
    return {
        "merged_communes": sum(len(olds) for _, _, olds in NEW_COMMUNES),
        "dissolved_districts": len(OLD_DISTRICTS),
        "moved_to_bloc": len(enterprises),
    }
