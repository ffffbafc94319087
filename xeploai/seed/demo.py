"""A realistic demo bloc (đảng bộ khối), built deterministically from a seed.

About 80 grassroots organizations, 280 cells under committees, 6,000 members by default, with
positions, transfers, temporary activity, new members, discipline, civil-servant ratings, the
previous year decided and the current year open. ``members`` scales it (a province-sized tree
gets a district level). Everything goes through the bulk paths: it must handle 250,000 members
in a few minutes. The tree, the members and their history are drawn in
``xeploai.seed.demo_bloc``; this module adds the accounts and the two periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from xeploai.audit.services import audit_record
from xeploai.cycles.models import Period, PeriodKind, PeriodStatus, Step, ruleset_key_for_year
from xeploai.cycles.services import period_create
from xeploai.org.counts import member_counts_rebuild
from xeploai.org.models import (
    OrgUnit,
    Person,
    PersonStatus,
    Role,
    RoleAssignment,
    UnitKind,
)
from xeploai.reviews.periods import period_open
from xeploai.reviews.stats import stats_rebuild
from xeploai.seed.demo_bloc import ROOT_CODE, BlocBuilder, evaluation_date
from xeploai.seed.demo_quarters import seed_quarters
from xeploai.seed.demo_reshape import reshape
from xeploai.seed.demo_results import (
    advance_current_round,
    decide_previous_year,
    give_previous_shortcomings,
)

DEMO_PASSWORD = "xeploai-demo"  # noqa: S105 — printed on purpose: it is the demo's login


@dataclass
class Login:
    role: str
    username: str
    unit: str


@dataclass
class DemoResult:
    created: bool
    root: OrgUnit
    logins: list[Login] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def deadlines(year: int) -> dict[str, dt.date]:
    return {
        Step.COMMENTS: dt.date(year, 11, 20),
        Step.SELF_REVIEW: dt.date(year, 11, 30),
        Step.CELL_MEETING: dt.date(year, 12, 5),
        Step.CELL_SUBMIT: dt.date(year, 12, 8),
        Step.GRASSROOTS_DECISION: dt.date(year, 12, 15),
        Step.UPPER_DECISION: dt.date(year, 12, 22),
        Step.REPORT: dt.date(year, 12, 28),
    }


def year_period(root: OrgUnit, year: int, name: str) -> Period:
    """A yearly period over ``root`` under the rule set of its year, with the demo deadlines."""
    return period_create(
        actor=None,
        name=name,
        year=year,
        kind=PeriodKind.YEAR,
        ruleset=ruleset_key_for_year(year),
        scope_root=root,
        evaluation_date=evaluation_date(year),
        deadlines=deadlines(year),
    )


def _build_accounts(root: OrgUnit, units: list[OrgUnit], on: dt.date) -> list[Login]:
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo account
    committee = next(u for u in units if u.kind == UnitKind.GRASSROOTS_COMMITTEE)
    cell = next(u for u in units if u.kind == UnitKind.CELL and u.parent_id == committee.pk)
    grassroots_cell = next(u for u in units if u.kind == UnitKind.GRASSROOTS_CELL)
    plan = [
        (Role.ADMIN, "quantri", root, "Quản trị hệ thống"),
        (Role.UPPER_BOARD, "bantochuc", root, "Ban Tổ chức Tỉnh ủy"),
        (Role.INSPECTOR, "kiemtra", root, "Ủy ban Kiểm tra Tỉnh ủy"),
        (
            Role.COMMITTEE,
            "danguy",
            committee,
            f"Đảng ủy {committee.name.removeprefix('Đảng bộ ')}",
        ),
        (Role.CLERK, "vanphong", committee, "Văn phòng Đảng ủy"),
        (Role.CELL_SECRETARY, "bithu", cell, f"Bí thư {cell.name}"),
        # a second member of the cell committee: the paper count is keyed by two accounts
        (Role.CELL_SECRETARY, "phobithu", cell, f"Phó Bí thư {cell.name}"),
        (Role.CELL_SECRETARY, "bithucoso", grassroots_cell, f"Bí thư {grassroots_cell.name}"),
    ]
    logins: list[Login] = []
    for role, username, unit, label in plan:
        user = user_model.objects.create(
            username=username,
            password=password,
            first_name=label,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
        logins.append(Login(role=str(Role(role).label), username=username, unit=unit.name))
    # Every member of the demo cell gets an account, so a whole round can be played; the
    # secretary and "dangvien" are full members admitted long ago (rated, able to vote).
    members = sorted(
        Person.objects.filter(unit=cell, status=PersonStatus.ACTIVE),
        key=lambda p: (
            p.official_date is None or p.admission_date > on.replace(year=on.year - 2),
            p.pk,
        ),
    )
    secretary = user_model.objects.get(username="bithu")
    for number, person in enumerate(members):
        if number == 0:
            user = secretary  # the secretary is a member of the cell too
        else:
            username = "dangvien" if number == 1 else f"dangvien{number:02d}"
            user = user_model.objects.create(
                username=username, password=password, first_name=person.full_name
            )
            RoleAssignment.objects.create(user=user, role=Role.MEMBER, unit=cell)
            if number == 1:
                logins.append(Login(role=str(Role.MEMBER.label), username=username, unit=cell.name))
        person.user = user
        person.save(update_fields=["user"])
    return logins


def find_logins() -> list[Login]:
    rows = (
        RoleAssignment.objects.filter(
            user__username__in=[
                "quantri",
                "bantochuc",
                "kiemtra",
                "danguy",
                "vanphong",
                "bithu",
                "phobithu",
                "bithucoso",
                "dangvien",
            ]
        )
        .select_related("user", "unit")
        .order_by("pk")
    )
    return [
        Login(role=str(Role(r.role).label), username=r.user.username, unit=r.unit.name)
        for r in rows
    ]


def seed_demo(
    *, seed: int = 2026, members: int = 6000, year: int = 2026, log: Callable[[str], None] = print
) -> DemoResult:
    """Build the demo bloc unless it exists (then change nothing and return its logins)."""
    existing = OrgUnit.objects.filter(code=ROOT_CODE).first()
    if existing is not None:
        return DemoResult(created=False, root=existing, logins=find_logins())
    builder = BlocBuilder(seed=seed, members=members, year=year, log=log)
    with transaction.atomic():
        root, units = builder.build_tree()
        log(f"  cây tổ chức: {len(units)} tổ chức")
        cells = [u for u in units if u.is_cell]
        people = builder.build_people(cells)
        log(f"  đảng viên: {len(people)}")
        counts = builder.build_history(people, cells)
        member_counts_rebuild()
        logins = _build_accounts(root, units, builder.on)
        previous = year_period(root, year - 1, f"Kiểm điểm, xếp loại năm {year - 1}")
        period_open(actor=None, period=previous)
        decided = decide_previous_year(previous, rng=builder.rng)
        stats_rebuild(previous)
        Period.objects.filter(pk=previous.pk).update(status=PeriodStatus.CLOSED)
        # the previous year was decided on the old tree; the 2025 restructure on 1 July
        counts.update(reshape(root, year))
        current = year_period(root, year, f"Kiểm điểm, xếp loại năm {year}")
        opened = period_open(actor=None, period=current)
        demo_cell = Person.objects.get(user__username="dangvien").unit_id
        give_previous_shortcomings(previous, demo_cell, rng=builder.rng)
        advance_current_round(current, demo_cell, rng=builder.rng)
        counts.update(seed_quarters(root, year, rng=builder.rng))
        counts.update(
            units=len(units), people=len(people), decided_previous=decided, opened_current=opened
        )
        audit_record(
            actor=None,
            action="seed_demo",
            object_type="demo",
            object_id=ROOT_CODE,
            unit_path=root.path,
            after={"seed": seed, "members": members, "year": year, **counts},
        )
    return DemoResult(created=True, root=root, logins=logins, counts=counts)
