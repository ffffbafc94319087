"""Populations for report tests: evaluations written directly, then ``stats_rebuild``.

``evaluate(period, kind, unit, decider, {"HTXSNV": 3, "NR:MOI_THANH_LAP": 1, ...})`` creates
that many evaluations in each bucket (people are created for members), so a test states its
numbers the way the report prints them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

from xeploai.cycles.models import Period, PeriodKind, Step, ruleset_key_for_year
from xeploai.cycles.services import period_create
from xeploai.org.models import OrgUnit, Person
from xeploai.reviews.models import NOT_RATED_PREFIX, PENDING, Evaluation, Stage, SubjectKind
from xeploai.testing import Cast

if TYPE_CHECKING:
    from xeploai.reports.models import ReportSnapshot

_serial = itertools.count(1)


def make_period(root: OrgUnit, year: int, **fields: object) -> Period:
    return period_create(
        actor=None,
        name=f"Kiểm điểm, xếp loại năm {year}",
        year=year,
        kind=PeriodKind.YEAR,
        ruleset=ruleset_key_for_year(year),
        scope_root=root,
        evaluation_date=dt.date(year, 12, 10),
        deadlines={
            Step.GRASSROOTS_DECISION: dt.date(year, 12, 15),
            Step.UPPER_DECISION: dt.date(year, 12, 22),
        },
        **fields,
    )


def make_people(cell: OrgUnit, n: int, **fields: object) -> list[Person]:
    people = []
    for _ in range(n):
        number = next(_serial)
        people.append(
            Person(
                full_name=f"Đảng viên {number}",
                name_folded=f"dang vien {number}",
                admission_date=dt.date(2000, 1, 1),
                official_date=dt.date(2001, 1, 1),
                unit=cell,
                **fields,
            )
        )
    return Person.objects.bulk_create(people, batch_size=2000)


def evaluate(
    period: Period,
    kind: str,
    unit: OrgUnit,
    decider: OrgUnit,
    buckets: dict[str, int],
    *,
    group: str = "",
    people: list[Person] | None = None,
) -> list[Evaluation]:
    """Evaluations of ``kind`` at ``unit`` with the given bucket counts (members: new people
    in ``unit`` unless ``people`` are given; organizations: one bucket of one)."""
    rows: list[Evaluation] = []
    wanted = [bucket for bucket, n in buckets.items() for _ in range(n)]
    if kind == SubjectKind.MEMBER:
        if people is None:
            people = make_people(unit, len(wanted))
        assert len(people) >= len(wanted)
    else:
        assert len(wanted) == 1, "an organization is evaluated once per period"
    for index, bucket in enumerate(wanted):
        level = "" if bucket == PENDING or bucket.startswith(NOT_RATED_PREFIX) else bucket
        reason = (
            bucket.removeprefix(NOT_RATED_PREFIX) if bucket.startswith(NOT_RATED_PREFIX) else ""
        )
        rows.append(
            Evaluation(
                period=period,
                kind=kind,
                person=people[index] if kind == SubjectKind.MEMBER and people else None,
                unit=unit,
                decider=decider,
                group=group or ("khong_chuc_vu" if kind == SubjectKind.MEMBER else kind),
                level=level,
                not_rated_reason=reason,
                stage=Stage.PENDING if bucket == PENDING else Stage.DECIDED,
            )
        )
    return Evaluation.objects.bulk_create(rows, batch_size=2000)


def cast_period(cast: Cast) -> Period:
    """The cast's 2026 period (created once), for pages that need one."""
    root = cast.root
    return Period.objects.filter(scope_root=root, year=2026).first() or make_period(root, 2026)


def cast_snapshot(cast: Cast) -> ReportSnapshot:
    from xeploai.reports.records import Options
    from xeploai.reports.services import snapshot_send

    return snapshot_send(
        actor=None,
        unit=cast.cell_a1,
        period=cast_period(cast),
        options=Options(),
        as_of=dt.date(2026, 12, 31),
    )
