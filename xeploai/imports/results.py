"""Import of past results: decided evaluations of earlier years, with their yearly period.

Upsert key: (year, subject) — the member, or the (subject kind, unit) of an organization. The
yearly period is found (the deepest one covering the rows' units) or created closed; every
created or changed evaluation gets one ``LedgerStage.IMPORT`` row in the proposal ledger, and
the statistics of every period touched are rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor, actor_user
from xeploai.cycles.models import Period, PeriodKind, PeriodStatus, ruleset_key_for_year
from xeploai.cycles.services import period_create
from xeploai.imports.plans import Plan, in_scope
from xeploai.imports.rows import Problems, Row, chunked
from xeploai.lib import bulk
from xeploai.lib.text import fold
from xeploai.org.models import (
    SEGMENT,
    ExcellenceGroup,
    Membership,
    MembershipKind,
    OrgUnit,
    Person,
    Position,
    UnitKind,
)
from xeploai.reviews import subjects
from xeploai.reviews.formcodes import form_code_for
from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage, SubjectKind
from xeploai.reviews.stats import stats_rebuild

NEW_FIELDS = (
    "id",
    "period",
    "kind",
    "person",
    "unit",
    "decider",
    "group",
    "stage",
    "reviewed",
    "form_code",
    "level",
    "not_rated_reason",
)
CHANGE_FIELDS = ("unit", "decider", "group", "stage", "reviewed", "level", "not_rated_reason")
LEDGER_FIELDS = ("evaluation", "stage", "level", "not_rated_reason", "reason", "actor", "at")


def evaluation_date(year: int) -> dt.date:
    return dt.date(year, 12, 10)


@dataclass
class PeriodPlan:
    year: int
    root: OrgUnit
    period: Period | None  # None: to be created
    new: list[dict[str, Any]] = field(default_factory=list)
    changes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class ResultsPlan(Plan):
    periods: list[PeriodPlan] = field(default_factory=list)
    reason: str = ""

    def apply(self, actor: Actor) -> None:
        now = timezone.now()
        user = actor_user(actor)
        user_id = user.pk if user is not None else None
        for item in self.periods:
            period = item.period
            if period is None:
                period = period_create(
                    actor=actor,
                    name=f"Kiểm điểm, xếp loại năm {item.year}",
                    year=item.year,
                    kind=PeriodKind.YEAR,
                    ruleset=ruleset_key_for_year(item.year),
                    scope_root=item.root,
                    evaluation_date=evaluation_date(item.year),
                    status=PeriodStatus.CLOSED,
                )
            ids = bulk.allocate_ids(Evaluation, len(item.new))
            ledger: list[tuple[Any, ...]] = []
            rows = []
            for pk, values in zip(ids, item.new, strict=True):
                rows.append((pk, period.pk, *(values[name] for name in NEW_FIELDS[2:])))
                ledger.append(self._ledger(pk, values, user_id, now))
            bulk.insert_rows(Evaluation, NEW_FIELDS, rows)
            bulk.update_rows(
                Evaluation,
                (*CHANGE_FIELDS, "version"),
                [
                    (pk, *(values[name] for name in CHANGE_FIELDS), values["version"])
                    for pk, values in item.changes
                ],
            )
            ledger.extend(self._ledger(pk, values, user_id, now) for pk, values in item.changes)
            bulk.insert_rows(Proposal, LEDGER_FIELDS, ledger)
            stats_rebuild(period)

    def _ledger(
        self, pk: int, values: dict[str, Any], user_id: int | None, now: dt.datetime
    ) -> tuple[Any, ...]:
        return (
            pk,
            LedgerStage.IMPORT,
            values["level"],
            values["not_rated_reason"],
            self.reason,
            user_id,
            now,
        )


def _common_path(paths: list[str]) -> str:
    first, last = min(paths), max(paths)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[: length - length % SEGMENT]


def plan(rows: list[Row], problems: Problems, *, scope: OrgUnit | None, reason: str) -> ResultsPlan:
    result = ResultsPlan(reason=reason)
    units: dict[str, OrgUnit] = {}
    for batch in chunked(sorted({row.values["unit"] for row in rows if "unit" in row.values})):
        units.update((u.code, u) for u in OrgUnit.objects.filter(code__in=batch))
    people = Members(rows, scope)
    seen: dict[tuple[Any, ...], int] = {}
    good: list[tuple[Row, OrgUnit, tuple[Any, ...] | None]] = []
    unit: OrgUnit | None
    for row in rows:
        values = row.values
        subject = values.get("subject")
        if "level" in values and "not_rated_reason" in values:
            problems.cell(
                row,
                "not_rated_reason",
                _("ghi mức xếp loại hoặc lý do chưa xếp loại, không ghi cả hai"),
            )
        elif not {"level", "not_rated_reason"} & (set(values) | row.bad):
            problems.row(row, _("cần mức xếp loại hoặc lý do chưa xếp loại"))
        unit = units.get(values.get("unit", ""))
        if "unit" in values and (unit is None or not in_scope(unit.path, scope)):
            problems.cell(
                row,
                "unit",
                _('mã tổ chức "{code}" không có trong hệ thống{scope}').format(
                    code=values["unit"], scope=_(" (trong phạm vi nhập)") if scope else ""
                ),
            )
            unit = None
        person: tuple[Any, ...] | None = None
        identified = {"citizen_id", "party_card_number"} & set(values)
        if subject == SubjectKind.MEMBER:
            person = people.find(row, problems)
            if unit is not None and not unit.is_cell:
                problems.cell(
                    row,
                    "unit",
                    _('"{code}" là {kind} — với đảng viên cần mã chi bộ nơi sinh hoạt').format(
                        code=unit.code, kind=UnitKind(unit.kind).label
                    ),
                )
        elif subject is not None:
            if identified:
                problems.cell(
                    row,
                    sorted(identified)[0],
                    _("chỉ ghi số CCCD, số thẻ với đối tượng đảng viên"),
                )
            if unit is not None and not _fits(subject, unit):
                problems.cell(
                    row,
                    "unit",
                    _('"{code}" là {kind}, không phải đối tượng "{subject}"').format(
                        code=unit.code,
                        kind=UnitKind(unit.kind).label,
                        subject=SubjectKind(subject).label,
                    ),
                )
        if row.bad or unit is None or subject is None or "year" not in values:
            continue
        key = (
            (values["year"], "person", person[0])
            if person is not None
            else (values["year"], subject, unit.pk)
        )
        if subject == SubjectKind.MEMBER and person is None:
            continue
        if key in seen:
            problems.row(
                row,
                _("kết quả năm {year} của đối tượng này trùng với dòng {other}").format(
                    year=values["year"], other=seen[key]
                ),
            )
            continue
        seen[key] = row.number
        good.append((row, unit, person))
    if problems:
        return result
    _plan_periods(result, good, problems, scope)
    return result


def _fits(subject: str, unit: OrgUnit) -> bool:
    if subject == SubjectKind.CELL:
        return unit.kind == UnitKind.CELL
    return unit.is_grassroots


class Members:
    """The members the rows name, as the importer may see them: with a scope, a member counts
    for a year only if one of their official memberships that year lies in the scope (a member
    with no membership on record: their current cell). Anyone else is answered exactly as a
    number found on nobody — the import neither confirms nor names people outside its scope."""

    def __init__(
        self, rows: list[Row], scope: OrgUnit | None, *, members_only: bool = True
    ) -> None:
        self.scope = scope
        # ("cid", number) and ("card", number) → (id, name_folded, in_political_system, cell path)
        self.found: dict[tuple[str, str], tuple[Any, ...]] = {}
        # person id → the (start, end) of their official memberships in a cell of the scope
        self.spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        self.recorded: set[int] = set()  # people with any official membership on record
        wanted = [
            row
            for row in rows
            if not members_only or row.values.get("subject") == SubjectKind.MEMBER
        ]
        ids = {row.values["citizen_id"] for row in wanted if "citizen_id" in row.values}
        cards = {
            row.values["party_card_number"] for row in wanted if "party_card_number" in row.values
        }
        for key, values in (("citizen_id__in", ids), ("party_card_number__in", cards)):
            for batch in chunked(sorted(values)):
                for pk, cid, card, folded, political, path in Person.objects.filter(
                    **{key: batch}
                ).values_list(
                    "pk",
                    "citizen_id",
                    "party_card_number",
                    "name_folded",
                    "in_political_system",
                    "unit__path",
                ):
                    record = (pk, folded, political, path)
                    if cid:
                        self.found[("cid", cid)] = record
                    if card:
                        self.found[("card", card)] = record
        if scope is not None:
            people = sorted({record[0] for record in self.found.values()})
            for batch in chunked(people):
                for person_id, path, start, end in Membership.objects.filter(
                    person_id__in=batch, kind=MembershipKind.OFFICIAL
                ).values_list("person_id", "unit__path", "start", "end"):
                    self.recorded.add(person_id)
                    if in_scope(path, scope):
                        self.spans[person_id].append((start, end))

    def get(self, key: str, number: str | None, year: int | None) -> tuple[Any, ...] | None:
        """The member with this citizen ID (``key`` "cid") or card number ("card"), if the
        importer may see them in ``year``."""
        if number is None:
            return None
        record = self.found.get((key, number))
        if record is None or self.scope is None:
            return record
        if record[0] not in self.recorded:
            return record if in_scope(record[3], self.scope) else None
        assert year is not None
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for start, end in self.spans.get(record[0], ()):
            if start <= last and (end is None or end >= first):
                return record
        return None

    def find(self, row: Row, problems: Problems) -> tuple[Any, ...] | None:
        """The member the row names, or None after saying why."""
        values = row.values
        cid, card = values.get("citizen_id"), values.get("party_card_number")
        if cid is None and card is None:
            if not {"citizen_id", "party_card_number"} & row.bad:
                problems.row(row, _("cần Số CCCD hoặc Số thẻ đảng viên của đảng viên"))
            return None
        year = values.get("year")
        if year is None and self.scope is not None:
            return None  # the year is wrong, and who is in scope depends on it: say no more
        by_cid = self.get("cid", cid, year)
        by_card = self.get("card", card, year)
        if by_cid and by_card and by_cid[0] != by_card[0]:
            problems.row(
                row,
                _(
                    'số CCCD "{cid}" và số thẻ "{card}" thuộc hai đảng viên khác nhau trong hệ '
                    "thống"
                ).format(cid=cid, card=card),
            )
            return None
        person = by_cid or by_card
        if person is None:
            key = "citizen_id" if cid else "party_card_number"
            problems.cell(row, key, self._not_found(key, values[key]))
            return None
        if "full_name" in values and fold(values["full_name"]) != person[1]:
            problems.cell(
                row,
                "full_name",
                _('họ tên "{name}" không khớp họ tên đang lưu của đảng viên có số này').format(
                    name=values["full_name"]
                ),
            )
            return None
        return person

    def _not_found(self, key: str, value: str) -> str:
        if self.scope is None:
            message = (
                _('không tìm thấy đảng viên có số CCCD "{value}" trong hệ thống')
                if key == "citizen_id"
                else _('không tìm thấy đảng viên có số thẻ "{value}" trong hệ thống')
            )
        else:
            message = (
                _('không tìm thấy đảng viên có số CCCD "{value}" trong phạm vi nhập')
                if key == "citizen_id"
                else _('không tìm thấy đảng viên có số thẻ "{value}" trong phạm vi nhập')
            )
        return message.format(value=value) + _(" — hãy nhập danh sách đảng viên trước")


def _plan_periods(
    result: ResultsPlan,
    good: list[tuple[Row, OrgUnit, tuple[Any, ...] | None]],
    problems: Problems,
    scope: OrgUnit | None,
) -> None:
    by_year: dict[int, list[tuple[Row, OrgUnit, tuple[Any, ...] | None]]] = defaultdict(list)
    for item in good:
        by_year[item[0].values["year"]].append(item)
    all_paths = {p for _, unit, _ in good for p in [*unit.ancestor_paths(), unit.path]}
    by_path: dict[str, OrgUnit] = {}
    for batch in chunked(sorted(all_paths)):
        by_path.update((u.path, u) for u in OrgUnit.objects.filter(path__in=batch))
    person_ids = sorted({person[0] for _, _, person in good if person is not None})
    positions: dict[int, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
    for batch in chunked(person_ids):
        for person_id, group, start, end in Position.objects.filter(
            person_id__in=batch
        ).values_list("person_id", "group", "appointed", "ended"):
            positions[person_id].append((group, start, end))
    for year, items in sorted(by_year.items()):
        root = scope
        if root is None:
            common = _common_path([unit.path for _, unit, _ in items])
            root = by_path.get(common)
            if root is None:
                problems.row(
                    items[0][0],
                    _(
                        "các tổ chức của năm {year} không thuộc cùng một tổ chức cấp trên — hãy "
                        "chọn phạm vi nhập (--scope)"
                    ).format(year=year),
                )
                continue
        found, period = _year_period(year, root, items, problems)
        if not found:
            continue
        period_plan = PeriodPlan(year=year, root=root, period=period)
        result.periods.append(period_plan)
        _plan_evaluations(result, period_plan, items, by_path, positions, problems, scope)
    result.details = {
        "periods_created": sum(1 for p in result.periods if p.period is None),
    }


def _year_period(
    year: int,
    root: OrgUnit,
    items: list[tuple[Row, OrgUnit, tuple[Any, ...] | None]],
    problems: Problems,
) -> tuple[bool, Period | None]:
    """The yearly period the rows of ``year`` go to — the deepest one covering ``root``, else
    one inside it that holds every row's unit, else None: one to create over ``root`` — and
    False after saying why there is none (it is open, or a new one would overlap another)."""
    yearly = Period.objects.filter(kind=PeriodKind.YEAR, quarter=0, year=year).select_related(
        "scope_root"
    )
    period = yearly.covering(root).order_by("-scope_root__depth").first()
    if period is None:
        inner = list(
            yearly.filter(scope_root__path__startswith=root.path).order_by("scope_root__path")
        )
        paths = [unit.path for _, unit, _ in items]
        period = next(
            (p for p in inner if all(path.startswith(p.scope_root.path) for path in paths)), None
        )
        if period is None and inner:
            problems.row(
                items[0][0],
                _(
                    'năm {year} đã có đợt "{name}" (phạm vi {code}) — không tạo đợt thứ hai trùng '
                    "phạm vi với đợt đó: hãy nhập riêng các dòng thuộc phạm vi của đợt đó"
                ).format(year=year, name=inner[0].name, code=inner[0].scope_root.code),
            )
            return False, None
    if period is not None and period.status != PeriodStatus.CLOSED:
        problems.row(
            items[0][0],
            _('đợt "{name}" đang diễn ra — chỉ nhập kết quả vào đợt đã kết thúc').format(
                name=period.name
            ),
        )
        return False, None
    return True, period


def _plan_evaluations(
    result: ResultsPlan,
    item: PeriodPlan,
    items: list[tuple[Row, OrgUnit, tuple[Any, ...] | None]],
    by_path: dict[str, OrgUnit],
    positions: dict[int, list[tuple[str, dt.date, dt.date | None]]],
    problems: Problems,
    scope: OrgUnit | None,
) -> None:
    ruleset = item.period.ruleset if item.period else ruleset_key_for_year(item.year)
    on = item.period.evaluation_date if item.period else evaluation_date(item.year)
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    if item.period is not None:
        columns = ("pk", "kind", "person_id", "unit_id", "unit__path", "version", *CHANGE_FIELDS)
        people = [person[0] for _, _, person in items if person is not None]
        for batch in chunked(people):
            for record in Evaluation.objects.filter(period=item.period, person_id__in=batch).values(
                *columns
            ):
                existing[("person", record["person_id"])] = record
        orgs = [unit.pk for _, unit, person in items if person is None]
        for batch in chunked(orgs):
            for record in Evaluation.objects.filter(
                period=item.period, person__isnull=True, unit_id__in=batch
            ).values(*columns):
                existing[(record["kind"], record["unit_id"])] = record
    for row, unit, person in items:
        subject = row.values["subject"]
        if person is not None:
            decider = subjects.member_decider(unit, by_path)
            group = subjects.member_group(positions.get(person[0], []), on)
            form_code = form_code_for(
                ruleset,
                kind=subject,
                has_post=group != ExcellenceGroup.NONE,
                in_political_system=person[2],
            )
            key: tuple[Any, ...] = ("person", person[0])
        else:
            decider = (
                subjects.cell_decider(unit, by_path)
                if subject == SubjectKind.CELL
                else subjects.grassroots_decider(unit, by_path)
            )
            group = subject
            form_code = form_code_for(ruleset, kind=subject)
            key = (subject, unit.pk)
        level = row.values.get("level", "")
        values = {
            "kind": subject,
            "person": person[0] if person else None,
            "unit": unit.pk,
            "decider": decider.pk,
            "group": group,
            "stage": Stage.DECIDED,
            "reviewed": bool(level),
            "form_code": form_code,
            "level": level,
            "not_rated_reason": row.values.get("not_rated_reason", ""),
        }
        old = existing.get(key)
        if old is not None and not in_scope(old["unit__path"], scope):
            # Held by a unit the importer cannot see (the member moved away that year).
            problems.row(
                row,
                _(
                    "kết quả năm {year} của đối tượng này không sửa được trong phạm vi nhập; "
                    "liên hệ cấp trên"
                ).format(year=item.year),
            )
        elif old is None:
            item.new.append(values)
            result.created += 1
        elif (
            old["kind"] == subject
            and old["stage"] == Stage.DECIDED
            and (old["unit"], old["level"], old["not_rated_reason"])
            == (unit.pk, values["level"], values["not_rated_reason"])
        ):
            result.unchanged += 1
        else:
            values["version"] = old["version"] + 1
            item.changes.append((old["pk"], values))
            result.updated += 1
