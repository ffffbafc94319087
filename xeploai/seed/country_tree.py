"""The synthetic country's tree in today's shape (issue 16 §4; ``present.md`` §1), for
``seed.generate``: the plan of its sizes and the rows of every unit.

The national root; the 34 provinces and the 6 central committees directly under it; under each
province its commune and ward committees (3,321 in all) and two agency blocs, under each
central committee its ministries' and agencies' committees — all cấp trên cơ sở, no district
level; under those the grassroots organizations (a commune's are mostly village and street
cells, chi bộ cơ sở; an agency's mostly đảng bộ cơ sở with their cells), always at depth 3.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from xeploai.lib.bulk import allocate_ids, insert_rows
from xeploai.org.models import SEGMENT, OrgType, OrgUnit, UnitKind
from xeploai.org.services import path_for
from xeploai.seed import names

FULL_MEMBERS = 5_600_000
FULL_GRASSROOTS = 52_000
FULL_COMMUNES = 3_321  # commune-level units from 1 July 2025 (present.md §1)
FULL_PROVINCES = 34
BLOCS_PER_PROVINCE = 2  # Đảng bộ các cơ quan Đảng tỉnh, Đảng bộ Ủy ban nhân dân tỉnh
UPPERS_PER_CENTRAL = 8  # ministries' and agencies' committees under a central committee
CENTRAL_SHARE = 0.08  # of the grassroots organizations: under the central committees
COMMUNE_SHARE = 0.7  # of a province's grassroots organizations: under its communes
# đảng bộ cơ sở among the grassroots organizations (the rest chi bộ cơ sở): agencies, and
# communes (Phú Thọ: 558 of 2,166 — mostly village and street cells)
COMMITTEE_SHARE = 0.6
COMMUNE_COMMITTEE_SHARE = 0.26
CELLS_PER_COMMITTEE = (3, 16)  # uniform: mean 9.5
SUB_COMMITTEE_SHARE = 0.05  # committees with a đảng bộ bộ phận over two of their cells
GRASSROOTS_DEPTH = 3  # national root 0, province or central 1, commune or bloc 2, grassroots 3
CENTRAL = [
    "Đảng bộ các cơ quan Đảng Trung ương",
    "Đảng bộ Chính phủ",
    "Đảng bộ Quốc hội",
    "Đảng bộ Mặt trận Tổ quốc và các đoàn thể Trung ương",
    "Đảng bộ Công an Trung ương",
    "Đảng bộ Quân đội (Quân ủy Trung ương)",
]
BLOCS = ["Đảng bộ các cơ quan Đảng", "Đảng bộ Ủy ban nhân dân"]
COMMUNE_NAMES = [
    "Tân Lập", "Hòa Bình", "Thanh Sơn", "Phú Lộc", "An Thịnh", "Đông Hưng", "Quang Trung",
    "Hồng Phong", "Minh Khai", "Tân Tiến", "Vĩnh Phúc", "Phong Châu", "Hưng Đạo", "Lam Sơn",
]  # fmt: skip

PROVINCES = [
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Quảng Ngãi",
    "Gia Lai",
    "Đắk Lắk",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đồng Nai",
    "Tây Ninh",
    "Vĩnh Long",
    "Đồng Tháp",
    "An Giang",
    "Cà Mau",
    "Lào Cai",
    "Tuyên Quang",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Ninh Bình",
    "Lạng Sơn",
    "Cao Bằng",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
]


@dataclass
class Plan:
    members: int
    provinces: int
    communes: int  # commune and ward committees, in all the provinces
    central: int  # central committees
    grassroots: int
    # grassroots organizations of the first province's first agency bloc (0: its share, like
    # every bloc): Hà Nội's agency blocs have 200–300, wider than any unit of a scaled-down
    # country, and the report's cost grows with the number of children (issue 19 §2)
    widest: int = 0

    @classmethod
    def for_members(cls, members: int, provinces: int = FULL_PROVINCES, widest: int = 0) -> Plan:
        """Unit counts for ``members``: proportional to the national sizes, at least a few."""
        scale = members / FULL_MEMBERS
        grassroots = max(8, round(FULL_GRASSROOTS * scale))
        # The top levels shrink more slowly than the rest, so a small country still has several.
        n_provinces = max(2, min(provinces, round(provinces * math.sqrt(scale))))
        central = max(1, min(len(CENTRAL), round(len(CENTRAL) * math.sqrt(scale))))
        communes = max(n_provinces, round(FULL_COMMUNES * scale))
        return cls(members, n_provinces, communes, central, grassroots, widest)

    @property
    def uppers(self) -> int:
        """The cấp trên cơ sở units: the root, the top committees and the level below them."""
        return (
            1
            + self.provinces * (1 + BLOCS_PER_PROVINCE)
            + self.communes
            + self.central * (1 + UPPERS_PER_CENTRAL)
        )


def _spread(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole parts (the first ones one more)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class TreeBuilder:
    """The tree part of the generator (mixed into ``seed.generate._Generator``)."""

    rng: random.Random
    plan: Plan
    code: str
    counts: dict[str, int]
    units: tuple[int, int]

    # ---- the tree -------------------------------------------------------------------------
    def build_tree(self) -> tuple[OrgUnit, list[tuple[int, int, str]]]:
        """Insert every unit; return the root and (unit id, province number, org type) of
        each unit that holds members (cells and chi bộ cơ sở), in tree order."""
        plan = self.plan
        rows: list[tuple[Any, ...]] = []  # (code, name, kind, org_type, parent, has_committee)
        # Parents are referred to by their index in ``rows``.
        rows.append(
            (self.code, "Đảng bộ toàn quốc (dữ liệu tổng hợp)", UnitKind.UPPER,
             OrgType.PARTY_AGENCY, None, True)
        )  # fmt: skip
        holders: list[tuple[int, int, str]] = []  # (row index, province, org type)
        central = round(plan.grassroots * CENTRAL_SHARE)
        grassroots_left = plan.grassroots - central
        communes_left = plan.communes
        for p in range(plan.provinces):
            share = round(grassroots_left / (plan.provinces - p))
            grassroots_left -= share
            n_communes = round(communes_left / (plan.provinces - p))
            communes_left -= n_communes
            base = PROVINCES[p % len(PROVINCES)]
            suffix = f" ({p // len(PROVINCES) + 1})" if p >= len(PROVINCES) else ""
            province_code = f"{self.code}-P{p + 1:02d}"
            rows.append(
                (province_code, f"Đảng bộ tỉnh {base}{suffix}", UnitKind.UPPER,
                 OrgType.PARTY_AGENCY, 0, True)
            )  # fmt: skip
            province_index = len(rows) - 1
            in_communes, in_blocs = self._province_split(share, n_communes, first=p == 0)
            for c, count in enumerate(_spread(in_communes, n_communes)):
                area = COMMUNE_NAMES[c % len(COMMUNE_NAMES)]
                ward = c % 3 == 0
                rows.append(
                    (f"{province_code}-X{c + 1:03d}",
                     f"Đảng bộ {'phường' if ward else 'xã'} {area} {c + 1} — {base}{suffix}",
                     UnitKind.UPPER, OrgType.COMMUNE, province_index, True)
                )  # fmt: skip
                self._grassroots(rows, holders, len(rows) - 1, count, p, commune=True)
            for b, count in enumerate(in_blocs):
                rows.append(
                    (f"{province_code}-K{b + 1}", f"{BLOCS[b % len(BLOCS)]} tỉnh {base}{suffix}",
                     UnitKind.UPPER, OrgType.PARTY_AGENCY, province_index, True)
                )  # fmt: skip
                self._grassroots(rows, holders, len(rows) - 1, count, p, commune=False)
        for k, share in enumerate(_spread(central, plan.central)):
            central_code = f"{self.code}-TW{k + 1}"
            rows.append(
                (central_code, CENTRAL[k], UnitKind.UPPER, OrgType.PARTY_AGENCY, 0, True)
            )  # fmt: skip
            central_index = len(rows) - 1
            for u, count in enumerate(_spread(share, UPPERS_PER_CENTRAL)):
                rows.append(
                    (f"{central_code}-B{u + 1:02d}", f"Đảng ủy cơ quan {u + 1} — {CENTRAL[k]}",
                     UnitKind.UPPER, OrgType.PARTY_AGENCY, central_index, True)
                )  # fmt: skip
                self._grassroots(
                    rows, holders, len(rows) - 1, count, plan.provinces + k, commune=False
                )
        ids = allocate_ids(OrgUnit, len(rows))
        assert ids[-1] - ids[0] == len(ids) - 1, "unit ids must be consecutive"
        self.units = (ids[0], ids[-1])
        paths: list[str] = []
        out: list[tuple[Any, ...]] = []
        established = dt.date(2005, 1, 1)
        for i, (code, name, kind, org_type, parent, has_committee) in enumerate(rows):
            path = path_for(ids[i], paths[parent] if parent is not None else "")
            paths.append(path)
            out.append(
                (ids[i], code, name, kind, org_type, ids[parent] if parent is not None else None,
                 path, len(path) // SEGMENT - 1, established, None, has_committee)
            )  # fmt: skip
        insert_rows(
            OrgUnit,
            ["id", "code", "name", "kind", "org_type", "parent_id", "path", "depth",
             "established", "dissolved", "has_committee"],
            out,
        )  # fmt: skip
        self.counts["units"] = len(rows)
        self.counts["cells"] = sum(1 for r in rows if r[2] == UnitKind.CELL)
        self.counts["grassroots"] = sum(1 for r in rows if r[2] in UnitKind.grassroots())
        self.counts["provinces"] = plan.provinces
        self.counts["central"] = plan.central
        self.counts["communes"] = plan.communes
        self.counts["uppers"] = sum(1 for r in rows if r[2] == UnitKind.UPPER)
        root = OrgUnit.objects.get(pk=ids[0])
        return root, [(ids[i], p, org_type) for i, p, org_type in holders]

    def _province_split(self, share: int, communes: int, *, first: bool) -> tuple[int, list[int]]:
        """A province's ``share`` of grassroots organizations: how many under its communes,
        and how many under each of its agency blocs. With ``plan.widest`` the first province's
        first bloc has exactly that many — taken from the province's share (the country's total
        stays the plan's) as far as it goes, the rest split as usual."""
        widest = self.plan.widest if first else 0
        rest = max(0, share - widest) if widest else share
        in_communes = round(rest * COMMUNE_SHARE) if communes else 0
        if not widest:
            return in_communes, _spread(share - in_communes, BLOCS_PER_PROVINCE)
        return in_communes, [widest, *_spread(rest - in_communes, BLOCS_PER_PROVINCE - 1)]

    def _grassroots(
        self,
        rows: list[tuple[Any, ...]],
        holders: list[tuple[int, int, str]],
        parent: int,
        count: int,
        province: int,
        *,
        commune: bool,
    ) -> None:
        """``count`` grassroots organizations under ``rows[parent]`` (a commune or ward
        committee: mostly village and street cells; else agencies), with their cells."""
        rng = self.rng
        parent_code = rows[parent][0]
        org_type: str
        for g in range(count):
            if commune:
                committee = rng.random() < COMMUNE_COMMITTEE_SHARE
                agency = f"Trường học {g + 1}" if committee else f"thôn, khu phố {g + 1}"
                org_type = OrgType.PUBLIC_SERVICE if committee else OrgType.COMMUNE
            else:
                agency, org_type = names.AGENCIES[rng.randrange(len(names.AGENCIES))]
                agency = f"{agency} {g + 1}"
                committee = rng.random() < COMMITTEE_SHARE
            code = f"{parent_code}-G{g + 1:03d}"
            kind = UnitKind.GRASSROOTS_COMMITTEE if committee else UnitKind.GRASSROOTS_CELL
            prefix = "Đảng bộ" if committee else "Chi bộ"
            rows.append(
                (code, f"{prefix} {agency}", kind, org_type, parent,
                 committee or rng.random() < 0.5)
            )  # fmt: skip
            org_index = len(rows) - 1
            if not committee:
                holders.append((org_index, province, org_type))
                continue
            n_cells = rng.randint(*CELLS_PER_COMMITTEE)
            sub_index = None
            if rng.random() < SUB_COMMITTEE_SHARE:
                rows.append(
                    (f"{code}-BP", f"Đảng bộ bộ phận {agency}", UnitKind.SUB_COMMITTEE,
                     org_type, org_index, True)
                )  # fmt: skip
                sub_index = len(rows) - 1
            for c in range(n_cells):
                department = names.DEPARTMENTS[c % len(names.DEPARTMENTS)]
                cell_parent = sub_index if sub_index is not None and c < 2 else org_index
                rows.append(
                    (f"{code}-C{c + 1:02d}", f"Chi bộ {department} {c + 1}", UnitKind.CELL,
                     org_type, cell_parent, rng.random() < 0.6)
                )  # fmt: skip
                holders.append((len(rows) - 1, province, org_type))
