"""Import of party members: new members with their opening membership, updates, transfers.

Upsert key: the citizen ID (CCCD), else the party card number. For a member already on file a
blank cell keeps the stored value. A different cell is a transfer: the open official membership
closes the day before the transfer date and one opens in the new cell.

This is the bulk path (100,000 rows in a few seconds): rows become plain tuples and go through
``lib.bulk``, a block at a time — on PostgreSQL the server inserts the new members of one
block while Python converts and checks the next (``imports/pipeline.py``). All or nothing holds: the
writing stops at the first problem, and the service rolls back whatever blocks went before.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from xeploai.audit.actor import Actor
from xeploai.imports.cells import fold_clean
from xeploai.imports.pipeline import Pipeline, pipeline
from xeploai.imports.plans import Plan, in_scope
from xeploai.imports.reading import Table
from xeploai.imports.rows import Problems, Progress, Row, chunked, parse_blocks
from xeploai.lib import bulk
from xeploai.org.counts import member_counts_add
from xeploai.org.models import Membership, MembershipKind, OrgUnit, Person, PersonStatus, UnitKind
from xeploai.org.services import PERSON_FIELDS
from xeploai.org.tree import MembersTransferred, tree_changed

FIELDS = PERSON_FIELDS  # the same fields the person services write
DEFAULTS: dict[str, Any] = {
    "date_of_birth": None,
    "gender": "",
    "citizen_id": None,
    "party_card_number": None,
    "official_date": None,
    "status": PersonStatus.ACTIVE,
    "status_since": None,
    "is_civil_servant": False,
    "in_political_system": True,
    "residence_exemption": "",
}
DEFAULT_VALUES = tuple(DEFAULTS.get(name) for name in FIELDS)
INSERT_FIELDS = ("id", *FIELDS, "name_folded", "unit")
UPDATE_FIELDS = (*FIELDS, "name_folded", "unit")
# What a member on file is looked up as, and re-read as before an update: one tuple for both,
# so that ``lock_unchanged`` compares like with like.
LOOKED_UP = ("id", *FIELDS, "unit")
MEMBERSHIP_FIELDS = ("person", "unit", "kind", "start", "end")
ADMISSION = FIELDS.index("admission_date")
OFFICIAL = FIELDS.index("official_date")
BIRTH = FIELDS.index("date_of_birth")
NAME = FIELDS.index("full_name")
STATUS = FIELDS.index("status")
# Rows converted, checked and written at a time: small blocks first so that the server starts
# soon after the file is read, each at most twice the one before (Python checks a block in about
# half the time the server takes to write one), up to blocks whose round trips do not count.
BLOCKS = (2_000, 4_000, 8_000, 16_000, 32_000)


def _d(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


@dataclass
class PeoplePlan(Plan):
    rows: int = 0  # non-blank rows read
    updates: list[tuple[Any, ...]] = field(default_factory=list)  # (id, *UPDATE_FIELDS)
    transfers: list[tuple[int, int, int | None, dt.date]] = field(
        default_factory=list
    )  # (person id, new cell id, open membership id, on)
    # (cell id, status) → people the import brings (negative: takes away), for the member counts
    counts: Counter[tuple[int, str]] = field(default_factory=Counter)
    # person id → (the file's row, what the updates above were worked out from: *FIELDS, cell id)
    read: dict[int, tuple[int, tuple[Any, ...]]] = field(default_factory=dict)

    def apply(self, actor: Actor) -> None:
        """What ``plan(write=True)`` left: the new members are already written."""
        bulk.update_rows(Person, UPDATE_FIELDS, self.updates)
        closing = [
            (membership_id, on - dt.timedelta(days=1))
            for _, _, membership_id, on in self.transfers
            if membership_id is not None
        ]
        bulk.update_rows(Membership, ("end",), closing)
        bulk.insert_rows(
            Membership,
            MEMBERSHIP_FIELDS,
            [
                (person_id, unit_id, MembershipKind.OFFICIAL, on, None)
                for person_id, unit_id, _, on in self.transfers
            ],
        )
        member_counts_add(self.counts)
        if self.transfers:  # the evaluations not yet decided follow them (reviews.transfers)
            tree_changed(
                MembersTransferred(
                    tuple(
                        (person_id, self.read[person_id][1][-1], unit_id, on)
                        for person_id, unit_id, _, on in self.transfers
                    )
                )
            )

    def lock_unchanged(self, problems: Problems) -> None:
        """Lock the people to update until COMMIT, as the person services do, and refuse — a
        problem on the row — each one someone changed (or transferred) since its row was
        checked: the import would otherwise write over that change, and count from stale
        values."""
        if not self.read:
            return
        now = {
            record[0]: record[1:]
            for record in bulk.fetch_by_keys(Person, LOOKED_UP, "id", sorted(self.read), lock=True)
        }
        for pk, (number, before) in self.read.items():
            if now.get(pk) != before:
                problems.row(
                    number,
                    _(
                        "đảng viên này vừa được sửa hoặc chuyển sinh hoạt ở nơi khác trong lúc "
                        "nhập — hãy nhập lại tệp"
                    ),
                )


def _write_new(people: bulk.Encoded, memberships: bulk.Encoded, cells: list[int]) -> None:
    """Write new members and their opening memberships (encoded by ``plan``). They point at
    cells the plan checked (locked here as a foreign-key check would) and at one another."""
    bulk.share_lock(OrgUnit, cells)
    bulk.insert_encoded(people)
    bulk.insert_encoded(memberships)


def _cells(codes: set[str]) -> dict[str, tuple[int, str, str, dt.date | None]]:
    found: dict[str, tuple[int, str, str, dt.date | None]] = {}
    for batch in chunked(sorted(codes)):
        for code, pk, kind, path, dissolved in OrgUnit.objects.filter(code__in=batch).values_list(
            "code", "pk", "kind", "path", "dissolved"
        ):
            found[code] = (pk, kind, path, dissolved)
    return found


def _existing(
    ids: set[str], cards: set[str]
) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """People on file with one of these citizen IDs or card numbers, as value tuples:
    (id, *FIELDS, unit id, unit path)."""
    by_id: dict[str, tuple[Any, ...]] = {}
    by_card: dict[str, tuple[Any, ...]] = {}
    cid, card = 1 + FIELDS.index("citizen_id"), 1 + FIELDS.index("party_card_number")
    records = {r[0]: r for r in bulk.fetch_by_keys(Person, LOOKED_UP, "citizen_id", list(ids))}
    found_cards = {r[card] for r in records.values() if r[card]}
    # A card needs its own look-up only when the row's citizen ID did not bring it along.
    cards -= found_cards
    if cards:
        for record in bulk.fetch_by_keys(Person, LOOKED_UP, "party_card_number", list(cards)):
            records[record[0]] = record
    paths: dict[int, str] = {}
    for batch in chunked(sorted({record[-1] for record in records.values()})):
        paths.update(OrgUnit.objects.filter(pk__in=batch).values_list("pk", "path"))
    for record in records.values():
        full = (*record, paths[record[-1]])
        if full[cid]:
            by_id[full[cid]] = full
        if full[card]:
            by_card[full[card]] = full
    return by_id, by_card


def _cell_verdict(
    code: str,
    cell: tuple[int, str, str, dt.date | None] | None,
    scope: OrgUnit | None,
    today: dt.date,
) -> int | str:
    """The id of the cell ``code`` names, or the message saying why members cannot go there."""
    if cell is None or not in_scope(cell[2], scope):
        return _('mã chi bộ "{code}" không có trong hệ thống{scope}').format(
            code=code, scope=_(" (trong phạm vi nhập)") if scope else ""
        )
    if cell[1] not in UnitKind.cells():
        return _('"{code}" là {kind}, không phải chi bộ — đảng viên chỉ sinh hoạt ở chi bộ').format(
            code=code, kind=UnitKind(cell[1]).label
        )
    if cell[3] is not None and cell[3] <= today:
        return _('chi bộ "{code}" đã giải thể ngày {date}').format(code=code, date=_d(cell[3]))
    return cell[0]


Found = tuple[
    dict[str, tuple[int, str, str, dt.date | None]],
    dict[str, tuple[Any, ...]],
    dict[str, tuple[Any, ...]],
    list[int],
]


def _look_up(codes: set[str], keys: list[tuple[Any, Any]], write: bool) -> Found:
    """The cells of ``codes``, the people on file with one of these (citizen ID, card number)
    ``keys``, and — when writing — ids for the keys found on nobody (the block's new members,
    but for rows that turn out to be wrong)."""
    ids = {cid for cid, _ in keys if cid is not None}
    cards = {card for _, card in keys if card is not None}
    by_id, by_card = _existing(ids, cards)
    new = sum(1 for cid, card in keys if cid not in by_id and card not in by_card) if write else 0
    return _cells(codes), by_id, by_card, bulk.allocate_ids(Person, new)


def plan(
    table: Table,
    problems: Problems,
    *,
    scope: OrgUnit | None,
    today: dt.date,
    write: bool,
    progress: Progress | None = None,
) -> PeoplePlan:
    """Convert and check every row of ``table`` against the file and the database; with
    ``write``, also write the new members block by block, as long as no problem has been found
    (the caller rolls the transaction back when ``problems`` holds any at the end).

    The database work runs through ``pipeline``: on PostgreSQL the server inserts one block
    while the next is converted and checked here, on the other core. A block's look-ups are
    handed over before the block before it is checked, so that the server always has work.
    """
    check = _Check(problems, scope, today)
    with bulk.checked_references() if write else nullcontext(), pipeline() as line:

        def report(done: int, total: int, message: str) -> None:
            if progress is not None:  # in turn with the database work: it may write a job's row
                line.submit(progress, done, total, message)

        waiting: tuple[list[Row], Future[Found]] | None = None
        for rows in parse_blocks(table, problems, today=today, progress=report, sizes=BLOCKS):
            found = line.submit(_look_up, *check.keys(rows), write)
            if waiting is not None:
                check.block(*waiting, line if write else None)
            waiting = (rows, found)
        if waiting is not None:
            check.block(*waiting, line if write else None)
    _plan_transfers(check.result, check.pending_transfers, problems)
    if write and not problems:
        check.result.lock_unchanged(problems)
    check.result.details = {"transfers": len(check.result.transfers)}
    return check.result


class _Check:
    """The state of ``plan`` from one block to the next: what the file said so far."""

    def __init__(self, problems: Problems, scope: OrgUnit | None, today: dt.date) -> None:
        self.problems = problems
        self.scope = scope
        self.today = today
        self.result = PeoplePlan()
        self.seen_id: dict[str, int] = {}
        self.seen_card: dict[str, int] = {}
        self.seen_person: dict[int, int] = {}  # member on file → the first row that named it
        self.pending_transfers: list[tuple[Row, int, int, dt.date]] = []
        self.names: dict[str, str] = {}
        self.asked: set[str] = set()  # cell codes looked up
        self.cells: dict[str, tuple[int, str, str, dt.date | None]] = {}
        self.verdicts: dict[str, int | str] = {}  # cell code → its id, or what is wrong with it
        self.locked: set[int] = set()  # cells locked for the new members written

    def keys(self, rows: list[Row]) -> tuple[set[str], list[tuple[Any, Any]]]:
        """What to look up for ``rows``: cell codes not asked before, (citizen ID, card)."""
        codes = {row.values["cell"] for row in rows if "cell" in row.values} - self.asked
        self.asked |= codes
        keys = [(row.values.get("citizen_id"), row.values.get("party_card_number")) for row in rows]
        return codes, keys

    def block(self, rows: list[Row], found: Future[Found], line: Pipeline | None) -> None:
        """Check ``rows`` with what was ``found`` for them; hand the new members to ``line``."""
        cells, by_id, by_card, ids = found.result()
        self.cells.update(cells)
        problems = self.problems
        result = self.result
        new: list[tuple[Any, ...]] = []
        for row in rows:
            values = row.values
            known, person = self._identify(row, by_id, by_card)
            if not known:
                continue
            cell_id = self._cell_id(row)
            # map() over dict.get runs in C: this is the hottest line of a 100,000-row import.
            merged = tuple(
                map(values.get, FIELDS, DEFAULT_VALUES if person is None else person[1:-2])
            )
            admission = merged[ADMISSION]
            self._check_dates(row, merged, person is None)
            if row.bad or cell_id is None or admission is None:
                continue
            joined = values.get("joined")
            if person is None:
                new.append(
                    (
                        *merged,
                        fold_clean(str(merged[NAME]), self.names),
                        cell_id,
                        joined or admission,
                    )
                )
                result.counts[(cell_id, str(merged[STATUS]))] += 1
            else:
                self._update(row, person, merged, cell_id, joined)
        result.rows += len(rows)
        result.created += len(new)
        if line is not None and new and not problems:
            line.submit(_write_new, *self._encoded(new, ids[: len(new)]))

    def _identify(
        self, row: Row, by_id: dict[str, tuple[Any, ...]], by_card: dict[str, tuple[Any, ...]]
    ) -> tuple[bool, tuple[Any, ...] | None]:
        """Whether the row names its member well — (False, None) after saying why not — and
        the member on file it names (None: a new member)."""
        problems = self.problems
        values = row.values
        cid = values.get("citizen_id")
        card = values.get("party_card_number")
        if cid is None and card is None:
            if not {"citizen_id", "party_card_number"} & row.bad:
                problems.row(row, _("cần Số CCCD hoặc Số thẻ đảng viên để nhận ra đảng viên"))
            return False, None
        duplicate = False
        number = row.number
        if cid is not None and (first := self.seen_id.setdefault(cid, number)) != number:
            problems.cell(
                row,
                "citizen_id",
                _('số CCCD "{value}" trùng với dòng {other}').format(value=cid, other=first),
            )
            duplicate = True
        if card is not None and (first := self.seen_card.setdefault(card, number)) != number:
            problems.cell(
                row,
                "party_card_number",
                _('số thẻ "{value}" trùng với dòng {other}').format(value=card, other=first),
            )
            duplicate = True
        if duplicate:
            return False, None
        by_cid = by_id.get(cid) if cid is not None else None
        by_number = by_card.get(card) if card is not None else None
        scope = self.scope
        if scope is not None and any(
            found is not None and not in_scope(found[-1], scope) for found in (by_cid, by_number)
        ):
            # A number held by someone the importer cannot see: one answer whoever it is, and
            # the dry run gives the same (docs/security.md, "Imports stay in their scope").
            problems.row(
                row,
                _(
                    "số CCCD hoặc số thẻ đảng viên này không dùng được trong phạm vi nhập; liên hệ "
                    "cấp trên"
                ),
            )
            return False, None
        if by_cid is not None and by_number is not None and by_cid[0] != by_number[0]:
            problems.row(
                row,
                _(
                    'số CCCD "{cid}" và số thẻ "{card}" thuộc hai đảng viên khác nhau trong hệ '
                    "thống"
                ).format(cid=cid, card=card),
            )
            return False, None
        person = by_cid or by_number
        if (
            person is not None
            and (first := self.seen_person.setdefault(person[0], number)) != number
        ):
            # one row by citizen ID, another by card number: the same member twice
            problems.row(
                row,
                _(
                    "dòng {other} đã là đảng viên này (nhận ra qua số CCCD hoặc số thẻ) — "
                    "mỗi đảng viên chỉ một dòng"
                ).format(other=first),
            )
            return False, None
        return True, person

    def _cell_id(self, row: Row) -> int | None:
        """The id of the row's cell, or None (after saying why, if the row names one)."""
        code = row.values.get("cell")
        if code is None:
            return None
        verdict = self.verdicts.get(code)
        if verdict is None:
            verdict = self.verdicts[code] = _cell_verdict(
                code, self.cells.get(code), self.scope, self.today
            )
        if type(verdict) is int:
            return verdict
        self.problems.cell(row, "cell", str(verdict))
        return None

    def _check_dates(self, row: Row, merged: tuple[Any, ...], new: bool) -> None:
        """Admission after birth, official not before admission, a new member's start not
        before admission."""
        problems, values = self.problems, row.values
        admission, official, born = merged[ADMISSION], merged[OFFICIAL], merged[BIRTH]
        if admission is None:
            return
        if official is not None and official < admission:
            problems.cell(
                row,
                "official_date" if "official_date" in values else "admission_date",
                _("ngày chính thức {official} trước ngày vào Đảng {admission}").format(
                    official=_d(official), admission=_d(admission)
                ),
            )
        if born is not None and admission <= born:
            problems.cell(
                row,
                "admission_date" if "admission_date" in values else "date_of_birth",
                _("ngày vào Đảng {admission} không sau ngày sinh {born}").format(
                    admission=_d(admission), born=_d(born)
                ),
            )
        joined = values.get("joined")
        if new and joined is not None and joined < admission:
            problems.cell(
                row,
                "joined",
                _("ngày bắt đầu sinh hoạt {joined} trước ngày vào Đảng {admission}").format(
                    joined=_d(joined), admission=_d(admission)
                ),
            )

    def _update(
        self,
        row: Row,
        person: tuple[Any, ...],
        merged: tuple[Any, ...],
        cell_id: int,
        joined: dt.date | None,
    ) -> None:
        """Count a member on file as updated (and maybe transferred) or unchanged."""
        result = self.result
        transfer = cell_id != person[-2]
        if transfer:
            self.pending_transfers.append((row, person[0], cell_id, joined or self.today))
        if not transfer and merged == person[1:-2]:
            result.unchanged += 1
            return
        changed_name = merged[NAME] != person[1 + NAME]
        folded = fold_clean(str(merged[NAME]), self.names) if changed_name else None
        result.updates.append((person[0], *merged, folded, cell_id))
        result.read[person[0]] = (row.number, person[1:-1])
        result.updated += 1
        before, after = (person[-2], person[1 + STATUS]), (cell_id, str(merged[STATUS]))
        if before != after:
            result.counts[before] -= 1
            result.counts[after] += 1

    def _encoded(
        self, new: list[tuple[Any, ...]], ids: list[int]
    ) -> tuple[bulk.Encoded, bulk.Encoded, list[int]]:
        """New members — (*FIELDS, name_folded, cell id, joined) each — encoded here for the
        pipeline's thread to send, with their opening memberships and the cells to lock."""
        people = bulk.encode_rows(
            Person,
            INSERT_FIELDS,
            [(pk, *values[:-1]) for pk, values in zip(ids, new, strict=True)],
        )
        official = MembershipKind.OFFICIAL
        memberships = bulk.encode_rows(
            Membership,
            MEMBERSHIP_FIELDS,
            [
                (pk, values[-2], official, values[-1], None)
                for pk, values in zip(ids, new, strict=True)
            ],
        )
        cells = {values[-2] for values in new} - self.locked
        self.locked |= cells
        return people, memberships, sorted(cells)


def _plan_transfers(
    result: PeoplePlan,
    pending: list[tuple[Row, int, int, dt.date]],
    problems: Problems,
) -> None:
    open_memberships: dict[int, tuple[int, dt.date]] = {}
    for batch in chunked([item[1] for item in pending]):
        for pk, person_id, start in Membership.objects.filter(
            person_id__in=batch, kind=MembershipKind.OFFICIAL, end__isnull=True
        ).values_list("pk", "person_id", "start"):
            open_memberships[person_id] = (pk, start)
    for row, person_id, cell_id, on in pending:
        current = open_memberships.get(person_id)
        if current is not None and on <= current[1]:
            problems.cell(
                row,
                "joined" if "joined" in row.values else "cell",
                _(
                    "ngày chuyển sinh hoạt {on} phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại "
                    "{start}"
                ).format(on=_d(on), start=_d(current[1])),
            )
            continue
        result.transfers.append((person_id, cell_id, current[0] if current else None, on))
    # Fix the updates' name_folded placeholders (None = unchanged name: keep the stored one).
    if any(update[-2] is None for update in result.updates):
        ids = [update[0] for update in result.updates if update[-2] is None]
        stored: dict[int, str] = {}
        for batch in chunked(ids):
            stored.update(Person.objects.filter(pk__in=batch).values_list("pk", "name_folded"))
        result.updates = [
            (*update[:-2], stored[update[0]], update[-1]) if update[-2] is None else update
            for update in result.updates
        ]
