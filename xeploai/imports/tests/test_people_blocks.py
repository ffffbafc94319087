"""The people import converts, checks and writes a file a block at a time (``people.plan`` with
``write``; on PostgreSQL in a background thread, ``bulk.pipeline``). All or nothing still holds
when a later block goes wrong, and no member is left pointing at a cell that is gone."""

from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection

from xeploai.audit.actor import Actor
from xeploai.audit.models import AuditEvent
from xeploai.imports import people
from xeploai.imports.services import Outcome, import_file
from xeploai.imports.tests.conftest import TODAY, Writer, fingerprint
from xeploai.imports.tests.test_people_import import person
from xeploai.lib import bulk
from xeploai.org.models import Membership, OrgUnit, Person, PersonStatus, UnitKind
from xeploai.testing import Cast, make_unit

pytestmark = pytest.mark.django_db


def run(path: Path, **options: Any) -> Outcome:
    options.setdefault("today", TODAY)
    return import_file(actor=None, kind="people", path=path, **options)


def members(count: int, cell: str = "A1") -> list[dict[str, object]]:
    return [person(f"Nguyễn Văn Số {n}", f"0849{n:08d}", cell=cell) for n in range(count)]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people, "BLOCKS", (2, 3))


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many new members each write hands to the database (the real writer runs)."""
    sizes: list[int] = []
    write = people._write_new

    def counted(people_rows: bulk.Encoded, memberships: bulk.Encoded, cells: list[int]) -> None:
        sizes.append(people_rows.count)
        write(people_rows, memberships, cells)

    monkeypatch.setattr(people, "_write_new", counted)
    return sizes


def test_a_file_is_written_a_block_at_a_time(
    cast: Cast, xlsx: Writer, small_blocks: None, written: list[int]
) -> None:
    outcome = run(xlsx("people", members(12)))
    assert outcome.ok, outcome.problems
    assert (outcome.rows, outcome.created) == (12, 12)
    assert written == [2, 3, 3, 3, 1]
    new = Person.objects.filter(citizen_id__startswith="0849")
    assert new.count() == 12
    assert Membership.objects.filter(person__in=new, unit=cast.cell_a1, end=None).count() == 12


def test_a_bad_cell_in_a_later_block_leaves_nothing_written(
    cast: Cast, xlsx: Writer, small_blocks: None, written: list[int]
) -> None:
    rows = members(12)
    rows[10]["Ngày vào Đảng"] = "31/02/2010"  # Excel row 12
    before = fingerprint()
    outcome = run(xlsx("people", rows))
    assert written and sum(written) < 12  # blocks went to the database before the bad one
    assert fingerprint() == before
    assert [(p.row, p.header) for p in outcome.problems] == [(12, "Ngày vào Đảng")]
    assert "31/02/2010" in outcome.problems[0].message
    assert not AuditEvent.objects.filter(action="import_people").exists()


def test_a_duplicate_in_the_last_block_undoes_every_block_before_it(
    cast: Cast, xlsx: Writer, small_blocks: None, written: list[int]
) -> None:
    rows = [*members(11), person("Trùng Số", "084900000001")]
    before = fingerprint()
    outcome = run(xlsx("people", rows))
    assert written == [2, 3, 3, 3]
    assert fingerprint() == before
    assert [(p.row, p.header) for p in outcome.problems] == [(13, "Số CCCD")]
    assert "trùng với dòng 3" in outcome.problems[0].message


def test_a_dry_run_writes_no_block(
    cast: Cast, xlsx: Writer, small_blocks: None, written: list[int]
) -> None:
    before = fingerprint()
    outcome = run(xlsx("people", members(7)), dry_run=True)
    assert (outcome.ok, outcome.created) == (True, 7)
    assert written == []
    assert fingerprint() == before


def test_progress_is_reported_between_the_blocks_and_may_use_the_database(
    cast: Cast, xlsx: Writer, small_blocks: None
) -> None:
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total))
        Person.objects.count()  # as a job's reporter writes its row: the connection works here

    assert run(xlsx("people", members(7)), progress=progress).ok
    assert [item for item in seen if item[1] == 7 and item[0] < 7] == [(2, 7), (5, 7)]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: no other session can delete a cell meanwhile",
)
@pytest.mark.django_db(transaction=True)
def test_members_of_a_cell_deleted_after_it_was_checked_are_refused(
    cast: Cast, xlsx: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cell disappears between the look-up and the write (as if another session had deleted
    it): the import fails before COMMIT — its lock on the cells, the one a foreign-key check
    takes, finds the cell gone — and no member points at a missing cell."""
    make_unit(UnitKind.CELL, cast.org_a, code="A9", name="Chi bộ A9")
    look_up = people._look_up

    def look_up_then_delete(*keys: Any) -> people.Found:
        found = look_up(*keys)
        OrgUnit.objects.filter(code="A9").delete()
        return found

    monkeypatch.setattr(people, "_look_up", look_up_then_delete)
    with pytest.raises(IntegrityError):
        run(xlsx("people", members(3, cell="A9")))
    assert not Person.objects.filter(citizen_id__startswith="0849").exists()
    assert OrgUnit.objects.filter(code="A9").exists()  # the deletion went with the rollback


def test_a_member_created_meanwhile_with_the_same_citizen_id_fails_the_import_whole(
    cast: Cast, xlsx: Writer, small_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone adds, between the look-up and the write of a later block, a member with a citizen
    ID of that block (the unique key refuses the write): the import raises and the blocks
    written before it go with the rollback."""
    from xeploai.testing import make_person

    look_up = people._look_up
    calls = []

    def look_up_then_add(*keys: Any) -> people.Found:
        found = look_up(*keys)
        calls.append(1)
        if len(calls) == 3:  # the third block's citizen IDs were just found on nobody
            make_person(cast.cell_a2, citizen_id="084900000006", party_card_number="99999906")
        return found

    monkeypatch.setattr(people, "_look_up", look_up_then_add)
    with pytest.raises(IntegrityError):
        run(xlsx("people", members(12)))
    assert not Person.objects.filter(citizen_id__startswith="0849").exists()


@pytest.mark.parametrize("change", ["status", "transfer"])
def test_a_member_changed_by_someone_else_meanwhile_is_not_written_over(
    cast: Cast, xlsx: Writer, change: str
) -> None:
    """Someone edits or transfers a member the file updates after the import looked that member
    up (here in the import's own transaction: a change committed by another session shows up the
    same way): the import refuses that row — naming it — instead of writing over the change, and
    writes nothing."""
    from xeploai.org.services import person_transfer, person_update

    existing = cast.member_b1
    rows = [
        *members(3),
        person(
            existing.full_name,
            "",
            cell="B1",
            card=existing.party_card_number,
            **{"Tình trạng": "Miễn công tác và sinh hoạt đảng"},
        ),  # Excel row 5: an update of a member on file
    ]
    look_up = people._look_up

    def look_up_then_change(*keys: Any) -> people.Found:
        found = look_up(*keys)
        if change == "status":
            person_update(
                actor=None, person=existing, is_civil_servant=not existing.is_civil_servant
            )
        else:
            person_transfer(actor=None, person=existing, to_unit=cast.cell_a2, on=TODAY)
        return found

    before = fingerprint()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(people, "_look_up", look_up_then_change)
        outcome = run(xlsx("people", rows))
    assert [(p.row, p.header) for p in outcome.problems] == [(5, "")]
    assert "trong lúc nhập" in outcome.problems[0].message
    assert fingerprint() == before  # the change, made in the same transaction, went with it

    # Unchanged meanwhile, the same file updates the member as before.
    outcome = run(xlsx("people", rows))
    assert outcome.ok, outcome.problems
    assert (outcome.created, outcome.updated) == (3, 1)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: the import holds the whole file from its start",
)
@pytest.mark.django_db(transaction=True)
def test_the_members_to_update_stay_locked_until_the_import_commits(
    cast: Cast, xlsx: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the import has found them unchanged, another session's edit of a member it updates
    waits for the import's COMMIT (as two person services would), so nothing lands in between."""
    import threading

    from django.db import OperationalError, transaction

    from xeploai.org.services import person_update

    existing = cast.member_b1
    apply = people.PeoplePlan.apply
    seen: list[object] = []

    def edit_elsewhere() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
                person_update(actor=None, person=existing, gender="nu")
            seen.append("written")
        except OperationalError as error:
            seen.append(error)
        finally:
            connection.close()

    def apply_after_an_edit_elsewhere(plan: people.PeoplePlan, actor: Actor) -> None:
        other = threading.Thread(target=edit_elsewhere)
        other.start()
        other.join(timeout=30)
        apply(plan, actor)

    monkeypatch.setattr(people.PeoplePlan, "apply", apply_after_an_edit_elsewhere)
    row = person(
        existing.full_name,
        "",
        cell="B1",
        card=existing.party_card_number,
        **{"Tình trạng": "Miễn công tác và sinh hoạt đảng"},
    )
    outcome = run(xlsx("people", [row]))
    assert outcome.ok, outcome.problems
    assert len(seen) == 1 and isinstance(seen[0], OperationalError)
    assert "lock" in str(seen[0])
    existing.refresh_from_db()
    assert existing.status == PersonStatus.EXEMPT


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: the import holds the whole file from its start",
)
@pytest.mark.django_db(transaction=True)
def test_an_import_the_server_cancels_for_a_conflict_says_so_and_writes_nothing(
    cast: Cast, xlsx: Writer
) -> None:
    """Another session holds a member the file updates (an edit under way); this import may wait
    only 300 ms for it (lock_timeout: a deadlock the server breaks ends the same way). The
    outcome says to import again — not an unexpected error — and nothing is written."""
    import threading

    from django.db import transaction

    existing = cast.member_b1
    holding, done = threading.Event(), threading.Event()

    def hold_the_member() -> None:
        try:
            with transaction.atomic():
                Person.objects.select_for_update().get(pk=existing.pk)
                holding.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=hold_the_member)
    other.start()
    assert holding.wait(timeout=30)
    before = Person.objects.filter(citizen_id__startswith="0849").count()
    row = person(
        existing.full_name,
        "",
        cell="B1",
        card=existing.party_card_number,
        **{"Tình trạng": "Miễn công tác và sinh hoạt đảng"},
    )
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        outcome = run(xlsx("people", [*members(3), row]))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        done.set()
        other.join(timeout=30)
    assert not outcome.ok and (outcome.created, outcome.updated) == (0, 0)
    assert [p.row for p in outcome.problems] == [None]
    assert "hãy nhập lại tệp" in outcome.problems[0].message
    assert Person.objects.filter(citizen_id__startswith="0849").count() == before
    existing.refresh_from_db()
    assert existing.status != PersonStatus.EXEMPT
