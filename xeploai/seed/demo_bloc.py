"""The demo bloc's data, drawn from a seed: the tree, the members, their history (memberships,
transfers, temporary activity, positions, discipline, civil-servant ratings). ``xeploai.seed.demo``
adds the accounts and the two periods. Members and history are written as rows through the bulk
path (no model instance each): 250,000 members take a few minutes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xeploai.imports.cells import fold_clean
from xeploai.lib.bulk import allocate_ids, insert_rows
from xeploai.org.models import (
    CivilServiceRating,
    Discipline,
    DisciplineForm,
    ExcellenceGroup,
    Gender,
    Level,
    Membership,
    MembershipKind,
    OrgType,
    OrgUnit,
    Person,
    PersonStatus,
    Position,
    ResidenceExemption,
    UnitKind,
)
from xeploai.org.services import units_bulk_create
from xeploai.rules.civil import civil_scale_for
from xeploai.seed import names
from xeploai.seed.demo_reshape import old_communes

ROOT_CODE = "DEMO"
PROVINCE_CODE = "084"  # the citizen-ID prefix of the demo province


def evaluation_date(year: int) -> dt.date:
    return dt.date(year, 12, 10)


_CUMULATIVE: dict[int, tuple[list[tuple[str, int]], list[str], list[int]]] = {}


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    """One of ``pairs``' values, drawn by weight (``random.choices`` with the cumulative weights
    computed once per list: the same draw as with ``weights=``, without redoing the sums)."""
    cached = _CUMULATIVE.get(id(pairs))
    if cached is None or cached[0] is not pairs:
        cached = (pairs, [p[0] for p in pairs], list(itertools.accumulate(p[1] for p in pairs)))
        if len(_CUMULATIVE) < 64:  # the module's constant lists; a passing list is not kept
            _CUMULATIVE[id(pairs)] = cached
    return rng.choices(cached[1], cum_weights=cached[2])[0]


CIVIL_LEVELS: list[tuple[str, int]] = [
    (Level.HTXSNV, 15),
    (Level.HTTNV, 82),
    (Level.HTNV, 25),
    (Level.KHTNV, 1),
]
DISCIPLINE_FORMS: list[tuple[str, int]] = [
    (DisciplineForm.REPRIMAND, 7),
    (DisciplineForm.WARNING, 3),
]
MANAGER_TITLES = ["Trưởng phòng", "Phó Trưởng phòng", "Trưởng khoa", "Phó Giám đốc trung tâm"]
RESIDENCE_EXEMPTIONS = [ResidenceExemption.MOBILE, ResidenceExemption.FULL_TIME_STUDY]
PERSON_FIELDS = (
    "id",
    "full_name",
    "name_folded",
    "date_of_birth",
    "gender",
    "citizen_id",
    "party_card_number",
    "admission_date",
    "official_date",
    "status",
    "status_since",
    "unit",
    "is_civil_servant",
    "in_political_system",
    "residence_exemption",
)
MEMBERSHIP_FIELDS = ("id", "person", "unit", "kind", "start", "end")
POSITION_FIELDS = ("id", "person", "title", "workplace", "group", "is_head", "appointed")
DISCIPLINE_FIELDS = (
    "id",
    "person",
    "form",
    "decision_date",
    "violation_unit",
    "related_to_public_duty",
    "self_detected_remedied",
)
RATING_FIELDS = ("id", "person", "year", "level", "points", "rated_on")


@dataclass(slots=True)
class _Member:
    """What the history needs of a member just written (a model instance per member would cost
    more than writing the member)."""

    pk: int
    unit_id: int
    admission_date: dt.date
    official_date: dt.date | None
    status: str
    is_civil_servant: bool


# The lowest points of each level on Nghị định 335/2025's scale (rules/civil.py).
_BAND_FLOOR = {Level.HTXSNV: 90, Level.HTTNV: 70, Level.HTNV: 50, Level.KHTNV: 30}


def _demo_points(year: int, level: str, pk: int) -> Decimal | None:
    """KPI points within the level's band on a scale with points (from 2026), drawn from the
    member's id rather than the generator, so the rest of the demo stays as it was."""
    if not civil_scale_for(year).has_points:
        return None
    return Decimal(_BAND_FLOOR[Level(level)] * 10 + (pk * 37) % 100) / 10


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


class BlocBuilder:
    def __init__(self, *, seed: int, members: int, year: int, log: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.members = members
        self.year = year
        self.on = evaluation_date(year)
        self.log = log
        self.serial = 0

    # ---- the tree -------------------------------------------------------------------------
    def build_tree(self) -> tuple[OrgUnit, list[OrgUnit]]:
        rng = self.rng
        n_grassroots = max(4, round(80 * self.members / 6000))
        units: list[OrgUnit] = []
        parents: list[OrgUnit | None] = []

        def add(unit: OrgUnit, parent: OrgUnit | None) -> OrgUnit:
            units.append(unit)
            parents.append(parent)
            return unit

        root = add(
            OrgUnit(
                code=ROOT_CODE,
                name="Đảng bộ tỉnh (dữ liệu mẫu)",
                kind=UnitKind.UPPER,
                org_type=OrgType.PARTY_AGENCY,
                established=dt.date(2008, 3, 1),
            ),
            None,
        )
        uppers = [root]
        if n_grassroots > 120:
            n_districts = math.ceil(n_grassroots / 80)
            uppers = [
                add(
                    OrgUnit(
                        code=f"{ROOT_CODE}-K{d + 1:02d}",
                        name=f"Đảng bộ {names.DISTRICTS[d % len(names.DISTRICTS)]}"
                        + (
                            f" {d // len(names.DISTRICTS) + 1}" if d >= len(names.DISTRICTS) else ""
                        ),
                        kind=UnitKind.UPPER,
                        org_type=OrgType.PARTY_AGENCY,
                        established=dt.date(2010, 1, 1),
                    ),
                    root,
                )
                for d in range(n_districts)
            ]
        new_org_date = self.on - dt.timedelta(days=60)
        for g in range(n_grassroots):
            agency, org_type = names.AGENCIES[g % len(names.AGENCIES)]
            suffix = f" {g // len(names.AGENCIES) + 1}" if g >= len(names.AGENCIES) else ""
            upper = uppers[g % len(uppers)]
            is_committee = g == 0 or (g != 1 and rng.random() < 0.62)
            established = (
                new_org_date if g in (n_grassroots - 1, n_grassroots - 2) else dt.date(2005, 1, 1)
            )
            code = f"{upper.code}-{g + 1:04d}" if upper is not root else f"{ROOT_CODE}-{g + 1:03d}"
            org = add(
                OrgUnit(
                    code=code,
                    name=("Đảng bộ " if is_committee else "Chi bộ ") + agency + suffix,
                    kind=UnitKind.GRASSROOTS_COMMITTEE
                    if is_committee
                    else UnitKind.GRASSROOTS_CELL,
                    org_type=org_type,
                    established=established,
                ),
                upper,
            )
            if not is_committee:
                continue
            n_cells = rng.randint(3, 8) if g else 6
            departments = rng.sample(names.DEPARTMENTS, n_cells)
            with_sub = rng.random() < 0.1 and g
            sub = None
            if with_sub:
                sub = add(
                    OrgUnit(
                        code=f"{code}-BP",
                        name=f"Đảng bộ bộ phận {departments[0]}",
                        kind=UnitKind.SUB_COMMITTEE,
                        org_type=org_type,
                        established=dt.date(2012, 1, 1),
                    ),
                    org,
                )
            for c, department in enumerate(departments):
                parent = sub if sub is not None and c < 2 else org
                add(
                    OrgUnit(
                        code=f"{code}-{c + 1:02d}",
                        name=f"Chi bộ {department}",
                        kind=UnitKind.CELL,
                        org_type=org_type,
                        established=(
                            established
                            if established == new_org_date or not (g % 23 == 5 and c == 0)
                            else new_org_date
                        ),
                        has_committee=rng.random() < 0.6,
                    ),
                    parent,
                )
        # the old tree's districts and communes (seed.demo_reshape makes it today's)
        for unit, parent in old_communes(root):
            add(unit, parent)
        units_bulk_create(units, parents)
        return root, units

    # ---- people ---------------------------------------------------------------------------
    def _name(self, gender: str) -> str:
        rng = self.rng
        family = _weighted(rng, names.FAMILY)
        if gender == Gender.MALE:
            return f"{family} {rng.choice(names.MIDDLE_MALE)} {rng.choice(names.GIVEN_MALE)}"
        return f"{family} {rng.choice(names.MIDDLE_FEMALE)} {rng.choice(names.GIVEN_FEMALE)}"

    def _identifiers(self, gender: str, born: dt.date) -> tuple[str, str]:
        self.serial += 1
        century_gender = (
            ("0" if born.year < 2000 else "2")
            if gender == Gender.MALE
            else ("1" if born.year < 2000 else "3")
        )
        serial = (self.serial * 7919) % 1_000_000  # a bijection on 0..999999: never repeats
        cccd = f"{PROVINCE_CODE}{century_gender}{born.year % 100:02d}{serial:06d}"
        card = f"84{(self.serial * 7927 + 13) % 10_000_000:07d}"
        return cccd, card

    def build_people(self, cells: list[OrgUnit]) -> list[_Member]:
        rng = self.rng
        on = self.on
        active_cells = [c for c in cells if c.established is None or c.established <= on]
        weights = [rng.uniform(0.4, 1.8) for _ in active_cells]
        scale = self.members / sum(weights)
        sizes = [max(3, round(w * scale)) for w in weights]
        # Adjust so the total is exactly the number asked for.
        diff = self.members - sum(sizes)
        i = 0
        while diff:
            step = 1 if diff > 0 else -1
            if sizes[i % len(sizes)] + step >= 3:
                sizes[i % len(sizes)] += step
                diff -= step
            i += 1
        rows: list[tuple[Any, ...]] = []
        folded: dict[str, str] = {}
        for cell, size in zip(active_cells, sizes, strict=True):
            for _ in range(size):
                gender = Gender.MALE if rng.random() < 0.56 else Gender.FEMALE
                born = _random_date(rng, dt.date(1962, 1, 1), dt.date(2001, 12, 31))
                roll = rng.random()
                if roll < 0.022:  # admitted less than 6 months before the evaluation date
                    admitted = _random_date(
                        rng, on - dt.timedelta(days=170), on - dt.timedelta(days=10)
                    )
                elif roll < 0.05:  # probationary, admitted 6–12 months ago
                    admitted = _random_date(
                        rng, on - dt.timedelta(days=360), on - dt.timedelta(days=190)
                    )
                else:
                    earliest = max(born + dt.timedelta(days=365 * 19), dt.date(1985, 1, 1))
                    admitted = _random_date(
                        rng,
                        earliest,
                        max(earliest + dt.timedelta(days=30), on - dt.timedelta(days=400)),
                    )
                official = (
                    admitted + dt.timedelta(days=365)
                    if admitted + dt.timedelta(days=365) <= on
                    else None
                )
                cccd, card = self._identifiers(gender, born)
                full_name = self._name(gender)
                status_roll = rng.random()
                status = PersonStatus.ACTIVE
                if status_roll < 0.008 and born.year < 1968:
                    status = PersonStatus.EXEMPT
                elif status_roll < 0.011:
                    status = PersonStatus.SUSPENDED
                elif status_roll < 0.014:
                    status = PersonStatus.LEFT
                elif status_roll < 0.016:
                    status = PersonStatus.DECEASED
                status_since = dt.date(self.year, 3, 1) if status != PersonStatus.ACTIVE else None
                # The draws in the order the keyword arguments of Person(...) used to make them.
                civil_servant = (
                    cell.org_type in (OrgType.AGENCY, OrgType.PARTY_AGENCY, OrgType.PUBLIC_SERVICE)
                    and rng.random() < 0.92
                )
                exemption = (
                    rng.choice(RESIDENCE_EXEMPTIONS)
                    if rng.random() < 0.03
                    else ResidenceExemption.NONE
                )
                rows.append(
                    (
                        0,  # the id, set below
                        full_name,
                        fold_clean(full_name, folded),
                        born,
                        gender,
                        cccd,
                        card,
                        admitted,
                        official,
                        status,
                        status_since,
                        cell.pk,
                        civil_servant,
                        cell.org_type != OrgType.ENTERPRISE and "hưu trí" not in cell.name,
                        exemption,
                    )
                )
        ids = allocate_ids(Person, len(rows))
        rows = [(pk, *row[1:]) for pk, row in zip(ids, rows, strict=True)]
        insert_rows(Person, PERSON_FIELDS, rows, binary=True)
        return [_Member(r[0], r[11], r[7], r[8], r[9], r[12]) for r in rows]

    def build_history(self, people: list[_Member], cells: list[OrgUnit]) -> dict[str, int]:
        """Memberships (with transfers and temporary activity), positions, discipline, ratings."""
        year_start = dt.date(self.year, 1, 1)
        cells_ok = [c for c in cells if c.established is None or c.established <= year_start]
        # Rows in the order of the *_FIELDS above, the id first (set when written).
        memberships: list[tuple[Any, ...]] = []
        disciplines: list[tuple[Any, ...]] = []
        ratings: list[tuple[Any, ...]] = []
        by_cell: dict[int, list[_Member]] = {}
        for person in people:
            by_cell.setdefault(person.unit_id, []).append(person)
            # one person's draws in a fixed order: the same seed gives the same bloc
            memberships.extend(self._memberships(person, cells_ok))
            ratings.extend(self._ratings(person))
            disciplines.extend(self._disciplines(person))
        positions = self._positions(by_cell, cells)
        for model, fields, rows in (
            (Membership, MEMBERSHIP_FIELDS, memberships),
            (Position, POSITION_FIELDS, positions),
            (Discipline, DISCIPLINE_FIELDS, disciplines),
            (CivilServiceRating, RATING_FIELDS, ratings),
        ):
            ids = allocate_ids(model, len(rows))
            numbered = [(pk, *row[1:]) for pk, row in zip(ids, rows, strict=True)]
            insert_rows(model, fields, numbered, binary=True)
        return {
            "memberships": len(memberships),
            "positions": len(positions),
            "disciplines": len(disciplines),
            "civil_service_ratings": len(ratings),
        }

    def _memberships(self, person: _Member, cells_ok: list[OrgUnit]) -> list[tuple[Any, ...]]:
        """The person's memberships: a transfer this year (the old cell's row too), a long-ago
        admission elsewhere, a temporary activity in another cell."""
        rng = self.rng
        year_start = dt.date(self.year, 1, 1)
        official_kind = MembershipKind.OFFICIAL
        rows: list[tuple[Any, ...]] = []
        joined = person.admission_date
        roll = rng.random()
        if roll < 0.025 and person.admission_date < year_start - dt.timedelta(days=400):
            # transferred this year; most spent 6 months or more in the old cell
            moved = _random_date(rng, dt.date(self.year, 2, 1), dt.date(self.year, 10, 31))
            old = rng.choice(cells_ok)
            old_start = _random_date(rng, person.admission_date, moved - dt.timedelta(days=30))
            if old.pk != person.unit_id:
                rows.append(
                    (0, person.pk, old.pk, official_kind, old_start, moved - dt.timedelta(days=1))
                )
                joined = moved
        elif roll < 0.035:
            joined = max(person.admission_date, dt.date(self.year - rng.randint(1, 15), 1, 1))
        rows.append((0, person.pk, person.unit_id, official_kind, joined, None))
        if rng.random() < 0.012 and person.status == PersonStatus.ACTIVE:
            temp = rng.choice(cells_ok)
            if temp.pk != person.unit_id:
                start = _random_date(rng, dt.date(self.year, 3, 1), dt.date(self.year, 8, 31))
                end = start + dt.timedelta(days=rng.randint(90, 300))
                rows.append((0, person.pk, temp.pk, MembershipKind.TEMPORARY, start, end))
        return rows

    def _ratings(self, person: _Member) -> list[tuple[Any, ...]]:
        """A civil servant's ratings: last year's always, this year's for some."""
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        if person.is_civil_servant and person.admission_date < dt.date(self.year, 1, 1):
            for y, share in ((self.year - 1, 1.0), (self.year, 0.4)):
                if rng.random() < share:
                    level = _weighted(rng, CIVIL_LEVELS)
                    rated_on = dt.date(y, 12, 5) if y < self.year else dt.date(y, 11, 15)
                    rows.append(
                        (0, person.pk, y, level, _demo_points(y, level, person.pk), rated_on)
                    )
        return rows

    def _disciplines(self, person: _Member) -> list[tuple[Any, ...]]:
        """A few disciplined this year, a few reprimanded last year."""
        rng = self.rng
        d_roll = rng.random()
        if d_roll < 0.004:
            form = _weighted(rng, DISCIPLINE_FORMS)
            decided = _random_date(rng, dt.date(self.year, 2, 1), dt.date(self.year, 10, 31))
            public_duty = rng.random() < 0.6
            remedied = rng.random() < 0.2
            return [(0, person.pk, form, decided, person.unit_id, public_duty, remedied)]
        if d_roll < 0.007:
            decided = _random_date(
                rng, dt.date(self.year - 1, 2, 1), dt.date(self.year - 1, 10, 31)
            )
            return [(0, person.pk, DisciplineForm.REPRIMAND, decided, person.unit_id, True, False)]
        return []

    def _positions(
        self, by_cell: dict[int, list[_Member]], cells: list[OrgUnit]
    ) -> list[tuple[Any, ...]]:
        """Posts: a head and deputies per grassroots organization, managers per cell."""
        rng = self.rng
        on = self.on
        positions: list[tuple[Any, ...]] = []
        cell_by_pk = {c.pk: c for c in cells}
        orgs: dict[int, list[_Member]] = {}
        for cell_pk, members in by_cell.items():
            cell = cell_by_pk[cell_pk]
            org_key = cell.parent_id if cell.kind == UnitKind.CELL and cell.parent_id else cell.pk
            orgs.setdefault(org_key, []).extend(members)
            eligible = [p for p in members if p.status == PersonStatus.ACTIVE and p.official_date]
            for person in rng.sample(eligible, min(len(eligible), rng.randint(1, 3))):
                title = rng.choice(MANAGER_TITLES)
                appointed = _random_date(rng, dt.date(2012, 1, 1), on - dt.timedelta(days=30))
                positions.append(
                    (
                        0,
                        person.pk,
                        title,
                        cell.name.removeprefix("Chi bộ "),
                        ExcellenceGroup.MANAGER,
                        False,
                        appointed,
                    )
                )
        taken = {p[1] for p in positions}
        for members in orgs.values():
            eligible = [
                p
                for p in members
                if p.status == PersonStatus.ACTIVE and p.official_date and p.pk not in taken
            ]
            if not eligible:
                continue
            leaders = rng.sample(eligible, min(len(eligible), rng.randint(2, 3)))
            for rank, person in enumerate(leaders):
                appointed = (
                    on - dt.timedelta(days=rng.randint(40, 150))
                    if rng.random() < 0.08
                    else _random_date(rng, dt.date(2015, 1, 1), on - dt.timedelta(days=200))
                )
                positions.append(
                    (
                        0,
                        person.pk,
                        "Giám đốc" if rank == 0 else "Phó Giám đốc",
                        "",
                        ExcellenceGroup.LEADER,
                        rank == 0,
                        appointed,
                    )
                )
        return positions
