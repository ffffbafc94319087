"""Small ``make_*`` helpers for tests: real rows through the real services, a fixed cast.

The cast (see ``Cast``): one bloc with two grassroots committees (A and B), each with two cells,
plus a grassroots cell; a member, a cell secretary, a clerk and a committee of A, an upper
board and an inspector at the root, an outsider with a role only in B, and an administrator.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from xeploai.org import services
from xeploai.org.models import OrgUnit, Person, Role, RoleAssignment, UnitKind

if TYPE_CHECKING:  # the apps above org are loaded lazily, inside the helpers
    from xeploai.cycles.models import Period
    from xeploai.reviews.models import Evaluation

_counter = itertools.count(1)


def make_unit(kind: str, parent: OrgUnit | None = None, **fields: Any) -> OrgUnit:
    n = next(_counter)
    fields.setdefault("code", f"U{n:05d}")
    fields.setdefault("name", f"{UnitKind(kind).label} {n}")
    return services.unit_create(actor=None, parent=parent, kind=kind, **fields)


def make_person(unit: OrgUnit, **fields: Any) -> Person:
    n = next(_counter)
    fields.setdefault("full_name", f"Nguyễn Văn Thử {n}")
    fields.setdefault("admission_date", dt.date(2010, 5, 19))
    fields.setdefault("official_date", dt.date(2011, 5, 19))
    fields.setdefault("date_of_birth", dt.date(1985, 1, 1))
    fields.setdefault("party_card_number", f"{84000000 + n}")
    fields.setdefault("citizen_id", f"{84000000000 + n:012d}")
    joined = fields.pop("joined", fields["admission_date"])
    return services.person_create(actor=None, unit=unit, joined=joined, **fields)


def make_user(
    username: str | None = None,
    *,
    role: str | None = None,
    unit: OrgUnit | None = None,
    **fields: Any,
) -> User:
    user_model = get_user_model()
    username = username or f"user{next(_counter)}"
    user = user_model.objects.create_user(username=username, password="pw-for-tests-1", **fields)
    if role is not None:
        assert unit is not None
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@dataclass
class Cast:
    root: OrgUnit
    org_a: OrgUnit
    cell_a1: OrgUnit
    cell_a2: OrgUnit
    org_b: OrgUnit
    cell_b1: OrgUnit
    grassroots_cell: OrgUnit
    member_a1: Person
    member_b1: Person
    member: User
    secretary: User
    clerk: User
    committee: User
    upper_board: User
    inspector: User
    outsider: User
    admin: User


def make_cast() -> Cast:
    root = make_unit(UnitKind.UPPER, code="ROOT", name="Đảng bộ Khối thử")
    org_a = make_unit(UnitKind.GRASSROOTS_COMMITTEE, root, code="A", name="Đảng bộ A")
    cell_a1 = make_unit(UnitKind.CELL, org_a, code="A1", name="Chi bộ A1")
    cell_a2 = make_unit(UnitKind.CELL, org_a, code="A2", name="Chi bộ A2")
    org_b = make_unit(UnitKind.GRASSROOTS_COMMITTEE, root, code="B", name="Đảng bộ B")
    cell_b1 = make_unit(UnitKind.CELL, org_b, code="B1", name="Chi bộ B1")
    grassroots_cell = make_unit(UnitKind.GRASSROOTS_CELL, root, code="C", name="Chi bộ cơ sở C")
    member = make_user("member")
    member_a1 = make_person(cell_a1, full_name="Trần Thị Lan", user=member)
    member_b1 = make_person(cell_b1, full_name="Lê Văn Bình")
    RoleAssignment.objects.create(user=member, role=Role.MEMBER, unit=cell_a1)
    return Cast(
        root=root,
        org_a=org_a,
        cell_a1=cell_a1,
        cell_a2=cell_a2,
        org_b=org_b,
        cell_b1=cell_b1,
        grassroots_cell=grassroots_cell,
        member_a1=member_a1,
        member_b1=member_b1,
        member=member,
        secretary=make_user("secretary", role=Role.CELL_SECRETARY, unit=cell_a1),
        clerk=make_user("clerk", role=Role.CLERK, unit=org_a),
        committee=make_user("committee", role=Role.COMMITTEE, unit=org_a),
        upper_board=make_user("upper", role=Role.UPPER_BOARD, unit=root),
        inspector=make_user("inspector", role=Role.INSPECTOR, unit=root),
        outsider=make_user("outsider", role=Role.CLERK, unit=org_b),
        admin=make_user("admin", is_superuser=True, is_staff=True),
    )


@dataclass
class Round:
    """An open 2026 period over the cast's bloc, with the things the round's pages act on."""

    period: Any
    evaluation: Any  # member_a1's evaluation
    cell_evaluation: Any
    comment: Any
    ballot: Any  # an open paper ballot in cell A1
    closed_ballot: Any  # a closed in-room ballot in cell A1
    notice: Any


def make_round(cast: Cast, *, closed_vote: str = "HTTNV") -> Round:
    """The 2026 round of the cast: ``closed_vote`` is the one ballot cast in the closed
    in-room ballot (blank: it proposes no level to anyone)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from xeploai.ballots import services as ballots
    from xeploai.ballots.models import BallotMode
    from xeploai.cycles.models import Notice, PeriodKind
    from xeploai.cycles.services import period_create
    from xeploai.reviews.models import Comment, CommentSource, Evaluation, SubjectKind
    from xeploai.reviews.periods import period_open

    make_person(cast.cell_a1, full_name="Phạm Văn Hai")
    period = period_create(
        actor=None,
        name="Năm 2026",
        year=2026,
        kind=PeriodKind.YEAR,
        ruleset="366-2025",
        scope_root=cast.root,
        evaluation_date=dt.date(2026, 12, 10),
    )
    period_open(actor=None, period=period)
    evaluation = Evaluation.objects.get(period=period, person=cast.member_a1)
    cell_evaluation = Evaluation.objects.get(
        period=period, kind=SubjectKind.CELL, unit=cast.cell_a1
    )
    comment = Comment(
        evaluation=evaluation,
        source=CommentSource.RESIDENCE,
        text="Tốt",
        author="Chi bộ khu phố 3",
        received_on=dt.date(2026, 11, 20),
        recorded_by=cast.secretary,
        recorded_at=timezone.now(),
    )
    comment.scan.save("nhan-xet.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    comment.save()
    members = list(
        Evaluation.objects.filter(period=period, unit=cast.cell_a1, kind=SubjectKind.MEMBER)
    )
    # two present (a small group), or the quorum — more than half — when the cell is larger
    present = max(2, ballots.full_members(cast.cell_a1) // 2 + 1)
    ballot = ballots.ballot_create(
        actor=cast.secretary,
        period=period,
        unit=cast.cell_a1,
        mode=BallotMode.PAPER,
        title="Phiếu giấy",
        present=present,
        evaluations=members,
        confirmed=True,  # the reviews are not submitted yet
    )
    closed = ballots.ballot_create(
        actor=cast.secretary,
        period=period,
        unit=cast.cell_a1,
        mode=BallotMode.ROOM,
        title="Tại chỗ",
        present=present,
        evaluations=members,
        confirmed=True,  # the paper ballot above covers the same members
    )
    codes = ballots.codes_issue(actor=cast.secretary, ballot=closed)
    ballots.vote_cast(code=codes[0], choices={str(e.pk): closed_vote for e in members})
    ballots.room_close(actor=cast.secretary, ballot=closed)
    notice = Notice.objects.create(user=cast.member, text="Nhắc", created_at=timezone.now())
    evaluation.refresh_from_db()
    return Round(period, evaluation, cell_evaluation, comment, ballot, closed, notice)


def open_year(root: OrgUnit, year: int, *, closed: bool = False) -> Period:
    """A yearly 366-2025 round of ``year`` over ``root``'s subtree, opened (every subject's
    evaluation made); ``closed`` marks it ended afterwards."""
    from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
    from xeploai.cycles.services import period_create
    from xeploai.reviews.periods import period_open

    period = period_create(
        actor=None,
        name=f"Năm {year}",
        year=year,
        kind=PeriodKind.YEAR,
        ruleset="366-2025",
        scope_root=root,
        evaluation_date=dt.date(year, 12, 10),
    )
    period_open(actor=None, period=period)
    if closed:
        Period.objects.filter(pk=period.pk).update(status=PeriodStatus.CLOSED)
    return period


def decide(evaluation: Evaluation, level: str) -> None:
    """Set ``evaluation``'s result through ``result_set`` (its statistics follow) and mark it
    decided, without the decision service's checks: for building a past year."""
    from xeploai.reviews.models import Stage
    from xeploai.reviews.stats import result_set

    result_set(evaluation, level=level, not_rated_reason="")
    evaluation.stage = Stage.DECIDED
    evaluation.save()


def tree_figures() -> dict[str, list[tuple[Any, ...]]]:
    """Every non-zero row of the three tables kept current on a change of the tree (UnitStat,
    PoolStat, MemberCount), as comparable tuples: compared before and after a full recount."""
    from xeploai.org.models import MemberCount
    from xeploai.reviews.models import BUCKET_COLUMNS, STAT_COLUMNS, PoolStat, UnitStat

    buckets = tuple(BUCKET_COLUMNS)
    return {
        "unit": sorted(
            (*key, bucket, n)
            for *key, counts in (
                (*row[:5], row[5:])
                for row in UnitStat.objects.values_list(
                    "period_id", "unit_id", "path", "depth", "block", *STAT_COLUMNS
                )
            )
            for bucket, n in zip(buckets, counts, strict=True)
            if n
        ),
        "pool": sorted(
            (*key, bucket, n)
            for *key, counts in (
                (*row[:5], row[5:])
                for row in PoolStat.objects.values_list(
                    "period_id", "decider_id", "decider_path", "block", "group", *STAT_COLUMNS
                )
            )
            for bucket, n in zip(buckets, counts, strict=True)
            if n
        ),
        "members": sorted(
            MemberCount.objects.exclude(n=0).values_list("unit_id", "path", "depth", "status", "n")
        ),
    }


def plain_unit_figures() -> list[tuple[Any, ...]]:
    """``tree_figures()["unit"]`` counted again in Python from every evaluation, one by one:
    each subject added to its bucket in its unit and every ancestor. Nothing of the pivoted
    table nor of the set-based rebuild is used: what the kept statistics must equal."""
    from collections import Counter

    from xeploai.org.models import SEGMENT, OrgUnit
    from xeploai.reviews.models import Evaluation
    from xeploai.reviews.stats import bucket_of

    units = dict(OrgUnit.objects.values_list("path", "pk"))
    counted: Counter[tuple[int, str, str, str]] = Counter()
    for period_id, block, level, reason, path in Evaluation.objects.values_list(
        "period_id", "kind", "level", "not_rated_reason", "unit__path"
    ):
        bucket = bucket_of(level, reason)
        for end in range(SEGMENT, len(path) + 1, SEGMENT):
            counted[(period_id, path[:end], block, bucket)] += 1
    return sorted(
        (period_id, units[path], path, len(path) // SEGMENT - 1, block, bucket, n)
        for (period_id, path, block, bucket), n in counted.items()
    )


def assert_figures_exact() -> None:
    """The figures kept current (``tree_figures``) equal a full recount: the unit statistics
    equal a plain count of the evaluations in Python (``plain_unit_figures``), and every
    period's statistics rebuilt and the member counts rebuilt, then compared."""
    from xeploai.cycles.models import Period
    from xeploai.org.counts import member_counts_rebuild
    from xeploai.reviews.stats import stats_rebuild

    kept = tree_figures()
    assert kept["unit"] == plain_unit_figures()
    for period in Period.objects.all():
        stats_rebuild(period)
    member_counts_rebuild()
    assert kept == tree_figures()


def rounds_problems() -> list[str]:
    """What breaks "one subject, one evaluation per year" (issue 16 §5) in the open rounds, in
    words (empty: the invariant holds):

    - no open round's scope root has ended by the round's evaluation date;
    - every evaluation of an open round is on a unit inside that round's scope;
    - no subject has two evaluations of the same year, kind and quarter (any round);
    - every subject the round's scope holds has its evaluation: ``period_open`` run again in a
      savepoint that is rolled back creates none (rounds that are open, not drafts).
    """
    from django.db import transaction
    from django.db.models import Count

    from xeploai.cycles.models import Period, PeriodStatus
    from xeploai.reviews.models import Evaluation
    from xeploai.reviews.periods import period_open

    problems: list[str] = []
    rounds = list(Period.objects.exclude(status=PeriodStatus.CLOSED).select_related("scope_root"))
    for period in rounds:
        root = period.scope_root
        if root.dissolved is not None and root.dissolved <= period.evaluation_date:
            problems.append(f"{period.name}: scope root {root.code} ended {root.dissolved}")
        outside = Evaluation.objects.filter(period=period).exclude(unit__path__startswith=root.path)
        for code in outside.values_list("unit__code", flat=True)[:3]:
            problems.append(f"{period.name}: evaluation on {code} outside {root.code}")
    key = ("period__year", "period__kind", "period__quarter")
    for who in (("person_id",), ("unit_id", "kind")):
        rows = (
            Evaluation.objects.filter(person__isnull=who[0] != "person_id")
            .values(*who, *key)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        problems.extend(f"evaluated twice: {row}" for row in rows[:3])
    for period in rounds:
        if period.status != PeriodStatus.OPEN:
            continue
        sid = transaction.savepoint()
        created = period_open(actor=None, period=period)
        transaction.savepoint_rollback(sid)
        if created:
            problems.append(f"{period.name}: {created} subjects without their evaluation")
    return problems


def assert_rounds_exact() -> None:
    """What a test of a change to the tree or the rounds ends on: issue 16 §5's invariant holds
    (``rounds_problems``) and the figures equal a full recount (``assert_figures_exact``)."""
    problems = rounds_problems()
    assert problems == [], problems
    assert_figures_exact()
