"""A synthetic country for the national-scale benchmarks (``xeploai gen``), from a seed.

At full size (``members=5_600_000``) the tree has today's shape (issue 16 §4; ``present.md``
§1): a national root and the 40 committees directly under the Central Committee — the 34
provinces and the 6 central committees (Đảng bộ các cơ quan Đảng Trung ương, Chính phủ, Quốc
hội, Mặt trận Tổ quốc và các đoàn thể Trung ương, Công an Trung ương, Quân ủy Trung ương);
under each province ~98 commune and ward committees (3,321 in all) and two agency blocs, under
each central committee its ministries' and agencies' committees — all of them cấp trên cơ sở,
no district level; under those ~52,000 grassroots organizations (commune committees hold
mostly village and street cells, chi bộ cơ sở; agencies mostly đảng bộ cơ sở with their cells,
a few with a đảng bộ bộ phận), ~250,000 cells and the members, with two decided years (the
previous one closed, the current one open with every subject decided) and their statistics.
Smaller ``members`` shrink every count in proportion.

Speed comes from doing as little as possible in Python:

- units and people are streamed in chunks through the bulk path (``lib.bulk.insert_rows``:
  COPY on PostgreSQL, ``executemany`` on SQLite); nothing holds millions of objects;
- memberships, posts and the evaluations of both years are ``INSERT … SELECT`` statements; their
  "random" choices are a multiplicative hash of the row id and the seed, written in portable
  integer arithmetic, so both databases produce the same rows from the same seed;
- on PostgreSQL the secondary indexes and foreign keys of the big tables are dropped before the
  load and created again after it (one sort per index instead of millions of index inserts),
  then the tables are analyzed;
- the statistics are rebuilt set-based (``reviews.stats.stats_rebuild``).

Who may be rated and why not is asked of the rule engine once per case
(``member_not_rated_reason``) and turned into SQL conditions, so the generated evaluations
follow the same rules as ``period_open``. Not generated: ballots, comments, the proposal
ledger, civil-service ratings, discipline, accounts (the demo bloc has those).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from xeploai.audit.services import audit_record
from xeploai.cycles.models import Period, PeriodStatus
from xeploai.lib.bulk import allocate_ids, drop_secondary, insert_rows, restore_secondary
from xeploai.lib.text import fold
from xeploai.org.counts import member_counts_rebuild
from xeploai.org.models import (
    SEGMENT,
    ExcellenceGroup,
    Gender,
    Membership,
    OrgType,
    OrgUnit,
    Person,
    PersonStatus,
    Position,
    UnitKind,
)
from xeploai.reviews.eligibility import member_not_rated_reason
from xeploai.reviews.formcodes import form_code_for
from xeploai.reviews.models import (
    Evaluation,
    NotRatedReason,
    PoolStat,
    Stage,
    SubjectKind,
    UnitStat,
)
from xeploai.reviews.stats import stats_rebuild
from xeploai.seed import names
from xeploai.seed.country_tree import (
    FULL_PROVINCES,
    GRASSROOTS_DEPTH,
    Plan,
    TreeBuilder,
)
from xeploai.seed.demo import year_period
from xeploai.seed.demo_bloc import evaluation_date

CHUNK = 100_000  # people per COPY / executemany call

# Levels out of 10,000 among the rated subjects (members: ≈14 / 84 / 1 / 0.25 % overall with
# ≈2 % not rated); organizations a little more spread.
MEMBER_LEVELS = ((1430, "HTXSNV"), (9870, "HTTNV"), (9974, "HTNV"), (10000, "KHTNV"))
ORG_LEVELS = ((1800, "HTXSNV"), (9500, "HTTNV"), (9950, "HTNV"), (10000, "KHTNV"))
MEMBER_ABSENT = 12  # per 10,000 rated-able members: absent, not rated
ORG_NOT_RATED = 100  # per 10,000 organization subjects: split or merged, not rated
LEADERS, MANAGERS = 30, 130  # per 1,000 members: a leading post, a department-level post


class CountryExists(Exception):
    """The database already holds units: the generator adds a country only when forced."""


@dataclass
class GenResult:
    root: OrgUnit
    periods: list[Period]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _hash(column: str, salt: int, modulus: int) -> str:
    """A portable SQL expression: ``column`` hashed with ``salt`` into ``0 … modulus - 1``.

    Multiplying by 2654435761 (≈ 2³² / φ) modulo the prime 4294967291 spreads consecutive ids
    evenly (a Weyl sequence); every intermediate value fits in 64-bit integers on both databases. ``%%`` because
    the statements take parameters.
    """
    return f"((({column}) * 2654435761 + {salt % 4294967291}) %% 4294967291 %% {modulus})"


def _levels_case(hash_sql: str, table: tuple[tuple[int, str], ...]) -> str:
    whens = " ".join(f"WHEN {hash_sql} < {bound} THEN '{level}'" for bound, level in table)
    return f"CASE {whens} END"


class _Generator(TreeBuilder):
    def __init__(
        self, *, seed: int, plan: Plan, year: int, log: Callable[[str], None], code: str
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, not secrets
        self.plan = plan
        self.year = year
        self.log = log
        self.code = code
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._clock = time.monotonic()
        # The ids this run inserted (consecutive): the set-based steps touch these rows only,
        # and hash the row's number within the run, so the result does not depend on the
        # ids the database hands out.
        self.units = (0, -1)
        self.people = (0, -1)

    def unit_number(self, alias: str) -> str:
        return f"({alias}.id - {self.units[0]})"

    def person_number(self, alias: str) -> str:
        return f"({alias}.id - {self.people[0]})"

    def unit_filter(self, alias: str) -> str:
        return f"{alias}.id BETWEEN {self.units[0]} AND {self.units[1]}"

    def person_filter(self, alias: str) -> str:
        return f"{alias}.id BETWEEN {self.people[0]} AND {self.people[1]}"

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(now - self._clock, 1)
        self._clock = now
        self.log(f"  {name}: {self.seconds[name]} s")

    # ---- people ---------------------------------------------------------------------------
    def _sizes(self, count: int) -> list[int]:
        """Members per holding unit, summing to exactly ``plan.members`` (at least 3 each when
        there are enough members)."""
        rng = self.rng
        weights = [rng.uniform(0.4, 1.8) for _ in range(count)]
        scale = self.plan.members / sum(weights)
        floor = 3 if self.plan.members >= 3 * count else 0
        sizes = [max(floor, round(w * scale)) for w in weights]
        diff = self.plan.members - sum(sizes)
        i = 0
        while diff:
            step = 1 if diff > 0 else -1
            if sizes[i % count] + step >= floor:
                sizes[i % count] += step
                diff -= step
            i += 1
        return sizes

    def _people_rows(
        self, holders: list[tuple[int, int, str]], sizes: list[int]
    ) -> Iterator[tuple[Any, ...]]:
        """One row per member (without the id), streamed."""
        rng = self.rng
        on = evaluation_date(self.year)
        epoch = dt.date(1950, 1, 1)
        days = [epoch + dt.timedelta(days=i) for i in range((on - epoch).days + 1)]
        on_index = len(days) - 1
        folded: dict[str, str] = {}
        family = [f for f, _ in names.FAMILY]
        family_weights = [w for _, w in names.FAMILY]
        cumulative = []
        total = 0
        for w in family_weights:
            total += w
            cumulative.append(total)
        # Numbers after those of the people already there (``--force``), so none repeats.
        existing = Person.objects.count()
        serial_by_province: dict[int, int] = {}
        card = 10_000_000 + existing
        random_ = rng.random

        def randrange(low: int, high: int) -> int:
            # int(random() × n): several times cheaper than Random.randrange, same spread here
            return low + int(random_() * (high - low))

        def choice(items: list[str]) -> str:
            return items[int(random_() * len(items))]

        public = (OrgType.AGENCY, OrgType.PARTY_AGENCY, OrgType.PUBLIC_SERVICE)
        born_lo = (dt.date(1955, 1, 1) - epoch).days
        born_hi = (dt.date(2004, 12, 31) - epoch).days
        for (unit_id, province, org_type), size in zip(holders, sizes, strict=True):
            civil = org_type in public
            in_system = org_type != OrgType.ENTERPRISE
            for _member in range(size):
                male = random_() < 0.56
                gender = Gender.MALE if male else Gender.FEMALE
                pick = random_() * total
                f = 0
                while cumulative[f] < pick:
                    f += 1
                if male:
                    full = f"{family[f]} {choice(names.MIDDLE_MALE)} {choice(names.GIVEN_MALE)}"
                else:
                    full = f"{family[f]} {choice(names.MIDDLE_FEMALE)} {choice(names.GIVEN_FEMALE)}"
                name_folded = folded.get(full)
                if name_folded is None:
                    name_folded = folded[full] = fold(full)
                born_i = randrange(born_lo, born_hi)
                roll = random_()
                if roll < 0.013:  # admitted in the last 6 months
                    admitted_i = on_index - randrange(10, 175)
                elif roll < 0.04:  # probationary, admitted 6–12 months ago
                    admitted_i = on_index - randrange(190, 360)
                else:
                    earliest = max(born_i + 365 * 19, (dt.date(1975, 1, 1) - epoch).days)
                    latest = max(earliest + 30, on_index - 400)
                    admitted_i = randrange(earliest, latest)
                admitted = days[admitted_i]
                official = days[admitted_i + 365] if admitted_i + 365 <= on_index else None
                status_roll = random_()
                if status_roll < 0.005:
                    status = PersonStatus.EXEMPT
                elif status_roll < 0.006:
                    status = PersonStatus.SUSPENDED
                else:
                    status = PersonStatus.ACTIVE
                born = days[born_i]
                serial = serial_by_province.get(province, existing) + 1
                serial_by_province[province] = serial
                century_gender = ("0" if born.year < 2000 else "2") if male else (
                    "1" if born.year < 2000 else "3"
                )  # fmt: skip
                cccd = (
                    f"{province + 1:03d}{century_gender}{born.year % 100:02d}"
                    f"{serial * 7919 % 1_000_000:06d}"
                )
                card += 1
                yield (
                    full,
                    name_folded,
                    born,
                    gender,
                    cccd,
                    str(card),
                    admitted,
                    official,
                    status,
                    None if status == PersonStatus.ACTIVE else dt.date(self.year, 3, 1),
                    unit_id,
                    civil and random_() < 0.92,
                    in_system,
                    "",
                )

    def build_people(self, holders: list[tuple[int, int, str]]) -> None:
        sizes = self._sizes(len(holders))
        fields = [
            "id", "full_name", "name_folded", "date_of_birth", "gender", "citizen_id",
            "party_card_number", "admission_date", "official_date", "status", "status_since",
            "unit_id", "is_civil_servant", "in_political_system", "residence_exemption",
        ]  # fmt: skip
        chunk: list[tuple[Any, ...]] = []
        written = 0

        def flush() -> None:
            nonlocal written
            ids = allocate_ids(Person, len(chunk))
            first = ids[0] if not written else self.people[0]
            if ids[-1] - first != written + len(chunk) - 1:
                raise RuntimeError("person ids must be consecutive (another writer?)")
            self.people = (first, ids[-1])
            insert_rows(Person, fields, [(i, *row) for i, row in zip(ids, chunk, strict=True)])
            written += len(chunk)
            chunk.clear()
            if written % 1_000_000 < CHUNK:
                self.log("    " + _("{n:,} đảng viên").format(n=written))

        for row in self._people_rows(holders, sizes):
            chunk.append(row)
            if len(chunk) >= CHUNK:
                flush()
        if chunk:
            flush()
        self.counts["people"] = written

    def build_memberships_and_posts(self) -> None:
        """The open official membership of every member, and posts for a few (set-based)."""
        person = Person._meta.db_table
        membership = Membership._meta.db_table
        position = Position._meta.db_table
        post = _hash(self.person_number("p"), self.seed * 31 + 7, 1000)
        mine = self.person_filter("p")
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO {membership} (person_id, unit_id, kind, start, "end") '  # noqa: S608
                f"SELECT p.id, p.unit_id, %s, p.admission_date, NULL FROM {person} p WHERE {mine}",
                ["chinh_thuc"],
            )
            self.counts["memberships"] = cursor.rowcount
            cursor.execute(
                f'INSERT INTO {position} (person_id, title, workplace, unit_id, "group", '  # noqa: S608
                "is_head, appointed, ended) "
                f"SELECT p.id, CASE WHEN {post} < {LEADERS} THEN %s ELSE %s END, '', NULL, "
                f"CASE WHEN {post} < {LEADERS} THEN %s ELSE %s END, {post} < 10, %s, NULL "
                f"FROM {person} p WHERE {mine} AND {post} < {MANAGERS} AND p.status = %s",
                [
                    "Giám đốc, Phó Giám đốc",
                    "Trưởng phòng, Phó Trưởng phòng",
                    ExcellenceGroup.LEADER,
                    ExcellenceGroup.MANAGER,
                    connection.ops.adapt_datefield_value(dt.date(2015, 1, 1)),
                    PersonStatus.ACTIVE,
                ],
            )
            self.counts["positions"] = cursor.rowcount

    # ---- evaluations ----------------------------------------------------------------------
    def _member_reason_sql(
        self, on: dt.date, ruleset: str, absent_hash: str
    ) -> tuple[str, list[Any]]:
        """The not-rated reason of a member as SQL, asked of the rule engine case by case."""
        probe = dt.date(on.year - 5, 1, 1)
        exempt = member_not_rated_reason(
            Person(status=PersonStatus.EXEMPT, admission_date=probe), on, ruleset
        )
        suspended = member_not_rated_reason(
            Person(status=PersonStatus.SUSPENDED, admission_date=probe), on, ruleset
        )
        # The last admission date that makes a "new member" (not rated): scan back from ``on``.
        new_reason = ""
        new_after = on
        for back in range(0, 400):
            admitted = on - dt.timedelta(days=back)
            reason = member_not_rated_reason(
                Person(status=PersonStatus.ACTIVE, admission_date=admitted), on, ruleset
            )
            if not reason:
                new_after = admitted
                break
            new_reason = reason
        sql = (
            "CASE WHEN p.status = %s THEN %s WHEN p.status = %s THEN %s "
            "WHEN p.admission_date > %s THEN %s "
            f"WHEN {absent_hash} < {MEMBER_ABSENT} THEN %s ELSE '' END"
        )
        params = [
            PersonStatus.EXEMPT,
            exempt,
            PersonStatus.SUSPENDED,
            suspended,
            connection.ops.adapt_datefield_value(new_after),
            new_reason,
            NotRatedReason.ABSENT,
        ]
        return sql, params

    def build_evaluations(self, period: Period, salt: int) -> int:
        """Every subject of ``period`` decided: members, cells, grassroots organizations and
        their committees (the subjects ``period_open`` would create), in three statements."""
        on = period.evaluation_date
        ruleset = period.ruleset
        evaluation = Evaluation._meta.db_table
        person = Person._meta.db_table
        unit = OrgUnit._meta.db_table
        decided_at = dt.datetime.combine(on + dt.timedelta(days=5), dt.time(9), dt.UTC)
        submitted_at = dt.datetime.combine(on - dt.timedelta(days=12), dt.time(9), dt.UTC)
        post = _hash(self.person_number("p"), self.seed * 31 + 7, 1000)
        level_hash = _hash(self.person_number("t"), self.seed * 1_000_003 + salt, 10_000)
        adapt_time = connection.ops.adapt_datetimefield_value
        adapt_date = connection.ops.adapt_datefield_value
        absent_hash = _hash(self.person_number("p"), self.seed * 7_919 + salt + 1, 10_000)
        reason_sql, reason_params = self._member_reason_sql(on, ruleset, absent_hash)
        columns = (
            'period_id, kind, person_id, unit_id, decider_id, "group", stage, reviewed, '
            "form_code, content, self_level, ballot_level, cell_level, level, "
            "not_rated_reason, returned_reason, submitted_at, decided_at, version"
        )
        forms = [
            form_code_for(ruleset, kind=SubjectKind.MEMBER, has_post=True),
            form_code_for(ruleset, kind=SubjectKind.MEMBER, has_post=False),
            form_code_for(ruleset, kind=SubjectKind.MEMBER, has_post=True, in_political_system=False),
            form_code_for(ruleset, kind=SubjectKind.MEMBER, has_post=False, in_political_system=False),
        ]  # fmt: skip
        member_levels = _levels_case(level_hash, MEMBER_LEVELS)
        total: int = 0
        with connection.cursor() as cursor:
            # Members: decided by their grassroots organization (the cell's ancestor at the
            # grassroots depth, or the chi bộ cơ sở itself).
            cursor.execute(
                f"INSERT INTO {evaluation} ({columns}) "  # noqa: S608
                "SELECT %s, %s, s.id, s.unit_id, s.decider_id, s.grp, %s, %s, s.form, '{}', "
                f"s.lvl, '', s.lvl, s.lvl, s.reason, '', %s, %s, 1 FROM ("
                "SELECT t.*, CASE WHEN t.reason = '' THEN "
                f"{member_levels} ELSE '' END AS lvl FROM ("
                f"SELECT p.id, p.unit_id, g.id AS decider_id, {reason_sql} AS reason, "
                f"CASE WHEN {post} < {LEADERS} AND p.status = %s THEN %s "
                f"WHEN {post} < {MANAGERS} AND p.status = %s THEN %s ELSE %s END AS grp, "
                f"CASE WHEN p.in_political_system THEN "
                f"(CASE WHEN {post} < {MANAGERS} AND p.status = %s THEN %s ELSE %s END) "
                f"ELSE (CASE WHEN {post} < {MANAGERS} AND p.status = %s THEN %s ELSE %s END) "
                f"END AS form "
                f"FROM {person} p JOIN {unit} c ON c.id = p.unit_id "
                f"JOIN {unit} g ON g.path = substr(c.path, 1, {(GRASSROOTS_DEPTH + 1) * SEGMENT}) "
                f"WHERE {self.person_filter('p')} AND p.admission_date <= %s "
                "AND p.status IN (%s, %s, %s)"
                ") t) s",
                [
                    period.pk,
                    SubjectKind.MEMBER,
                    Stage.DECIDED,
                    True,
                    adapt_time(submitted_at),
                    adapt_time(decided_at),
                    *reason_params,
                    PersonStatus.ACTIVE,
                    ExcellenceGroup.LEADER,
                    PersonStatus.ACTIVE,
                    ExcellenceGroup.MANAGER,
                    ExcellenceGroup.NONE,
                    PersonStatus.ACTIVE,
                    forms[0],
                    forms[1],
                    PersonStatus.ACTIVE,
                    forms[2],
                    forms[3],
                    adapt_date(on),
                    *PersonStatus.present(),
                ],
            )
            total += cursor.rowcount
            org_form = form_code_for(ruleset, kind=SubjectKind.CELL)
            org_reason_hash = _hash(self.unit_number("u"), self.seed * 104_729 + salt + 2, 10_000)
            grassroots_of = (
                f"JOIN {unit} g ON g.path = substr(u.path, 1, {(GRASSROOTS_DEPTH + 1) * SEGMENT})"
            )
            subjects: list[tuple[str, str, str, str, list[str]]] = [
                # cells: decided by their grassroots organization
                (SubjectKind.CELL, "g.id", grassroots_of, "u.kind = %s", [UnitKind.CELL]),
                # grassroots organizations and their committees: decided by the level above
                (SubjectKind.GRASSROOTS, "u.parent_id", "", "u.kind IN (%s, %s)",
                 list(UnitKind.grassroots())),
                (SubjectKind.COMMITTEE, "u.parent_id", "", "u.kind IN (%s, %s) AND u.has_committee",
                 list(UnitKind.grassroots())),
            ]  # fmt: skip
            for offset, (kind, decider, join, where, where_params) in enumerate(subjects):
                org_hash = _hash(
                    self.unit_number("t"), self.seed * 1_000_003 + salt + 10 + offset, 10_000
                )
                cursor.execute(
                    f"INSERT INTO {evaluation} ({columns}) "  # noqa: S608
                    "SELECT %s, %s, NULL, s.id, s.decider_id, %s, %s, %s, %s, '{}', "
                    "s.lvl, '', s.lvl, s.lvl, s.reason, '', %s, %s, 1 FROM ("
                    "SELECT t.*, CASE WHEN t.reason = '' THEN "
                    f"{_levels_case(org_hash, ORG_LEVELS)} ELSE '' END AS lvl FROM ("
                    f"SELECT u.id, {decider} AS decider_id, CASE WHEN "
                    f"{org_reason_hash} < {ORG_NOT_RATED} THEN %s ELSE '' END AS reason "
                    f"FROM {unit} u {join} WHERE {self.unit_filter('u')} AND {where}) t) s",
                    [
                        period.pk,
                        kind,
                        kind,
                        Stage.DECIDED,
                        True,
                        org_form,
                        adapt_time(submitted_at),
                        adapt_time(decided_at),
                        NotRatedReason.SPLIT_MERGED,
                        *where_params,
                    ],
                )
                total += cursor.rowcount
        return total

    def build_periods(self, root: OrgUnit) -> list[Period]:
        periods = []
        for year in (self.year - 1, self.year):
            periods.append(
                year_period(root, year, f"Kiểm điểm, xếp loại năm {year} (dữ liệu tổng hợp)")
            )
        return periods


# ---- PostgreSQL: load first, index afterwards -----------------------------------------------


# Their foreign keys would otherwise be checked row by row at COMMIT (deferred constraints).
BIG_MODELS = (Person, Membership, Position, Evaluation, UnitStat, PoolStat)


def generate_country(
    *,
    members: int,
    seed: int = 2026,
    provinces: int = FULL_PROVINCES,
    year: int = 2025,
    force: bool = False,
    widest: int = 0,
    log: Callable[[str], None] = lambda _: None,
) -> GenResult:
    """Build the synthetic country; refuses (``CountryExists``) when units exist, unless
    ``force`` (then the new country sits beside them under its own root code)."""
    if OrgUnit.objects.exists() and not force:
        raise CountryExists
    plan = Plan.for_members(members, provinces, widest)
    code = f"QG{seed}"
    log(
        _(
            "Kế hoạch: {provinces} tỉnh, thành phố và {central} đảng bộ trực thuộc Trung ương, "
            "{communes} đảng bộ xã, phường, {grassroots} tổ chức cơ sở, {members} đảng viên"
        ).format(
            provinces=plan.provinces,
            central=plan.central,
            communes=plan.communes,
            grassroots=plan.grassroots,
            members=plan.members,
        )
    )
    gen = _Generator(seed=seed, plan=plan, year=year, log=log, code=code)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        deferred = None
        if postgres:
            deferred = drop_secondary([m._meta.db_table for m in BIG_MODELS])
            gen.lap(_("bỏ chỉ mục tạm thời"))
        root, holders = gen.build_tree()
        gen.lap(_("cây tổ chức ({n:,} tổ chức)").format(n=gen.counts["units"]))
        gen.build_people(holders)
        del holders
        gen.lap(_("đảng viên ({n:,})").format(n=gen.counts["people"]))
        gen.build_memberships_and_posts()
        gen.lap(_("quá trình sinh hoạt, chức vụ"))
        periods = gen.build_periods(root)
        gen.counts["evaluations"] = 0
        for salt, period in enumerate(periods):
            gen.counts["evaluations"] += gen.build_evaluations(period, salt * 101)
            gen.lap(_("đánh giá năm {year}").format(year=period.year))
        for period in periods:
            stats_rebuild(period)
        gen.lap(_("bảng số liệu tổng hợp"))
        member_counts_rebuild()
        gen.lap(_("số đảng viên theo tổ chức"))
        if deferred is not None:
            restore_secondary(deferred)
            gen.lap(_("tạo lại chỉ mục, khóa ngoại"))
            with connection.cursor() as cursor:
                for model in (OrgUnit, *BIG_MODELS):
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
            gen.lap("ANALYZE")
        Period.objects.filter(pk=periods[0].pk).update(status=PeriodStatus.CLOSED)
        Period.objects.filter(pk=periods[1].pk).update(status=PeriodStatus.OPEN)
        audit_record(
            actor=None,
            action="generate_country",
            object_type="country",
            object_id=code,
            unit_path=root.path,
            after={
                "seed": seed,
                "members": members,
                "year": year,
                "widest": widest,
                **gen.counts,
                "seconds": list(gen.seconds.items()),  # pairs: JSON objects lose the order
            },
        )
    gen.lap("COMMIT")
    return GenResult(root=root, periods=periods, counts=gen.counts, seconds=gen.seconds)
