"""The database-specific module, on whichever database the suite runs (CI runs both)."""

import datetime as dt

import pytest
from django.db import connection

from xeploai.lib import bulk
from xeploai.lib.text import fold
from xeploai.org.models import Membership, MembershipKind, OrgUnit, Person
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def test_allocated_ids_are_fresh_and_usable(cast: Cast) -> None:
    ids = bulk.allocate_ids(Person, 3)
    last = Person.objects.order_by("-pk").first()
    assert last is not None
    assert len(set(ids)) == 3 and min(ids) > last.pk
    rows = [
        (pk, f"Người {pk}", fold(f"Người {pk}"), dt.date(2001, 2, 3), cast.cell_a1.pk) for pk in ids
    ]
    bulk.insert_rows(Person, ("id", "full_name", "name_folded", "admission_date", "unit"), rows)
    stored = Person.objects.get(pk=ids[0])
    # fields not given took their model defaults
    assert (stored.status, stored.in_political_system, stored.gender) == (
        "dang_sinh_hoat",
        True,
        "",
    )
    assert stored.admission_date == dt.date(2001, 2, 3)
    # the next ordinary insert does not collide with the ids handed out
    later = Person.objects.create(
        full_name="Sau", name_folded="sau", admission_date=dt.date(2001, 1, 1), unit=cast.cell_a1
    )
    assert later.pk > max(ids)
    assert bulk.allocate_ids(Person, 1)[0] > later.pk


def test_rows_without_a_primary_key_take_the_table_default(cast: Cast) -> None:
    before = Membership.objects.count()
    bulk.insert_rows(
        Membership,
        ("person", "unit", "kind", "start", "end"),
        [(cast.member_a1.pk, cast.cell_a2.pk, MembershipKind.TEMPORARY, dt.date(2020, 1, 1), None)],
    )
    assert Membership.objects.count() == before + 1


def test_updates_set_the_given_fields_only(cast: Cast) -> None:
    bulk.update_rows(
        Person,
        ("status", "date_of_birth"),
        [(cast.member_a1.pk, "mien_sinh_hoat", dt.date(1970, 7, 7))],
    )
    cast.member_a1.refresh_from_db()
    assert (cast.member_a1.status, cast.member_a1.date_of_birth) == (
        "mien_sinh_hoat",
        dt.date(1970, 7, 7),
    )
    assert cast.member_a1.full_name == "Trần Thị Lan"


def test_json_fields_are_written_as_json(cast: Cast) -> None:
    from xeploai.cycles.models import Period
    from xeploai.cycles.services import period_create

    period = period_create(
        actor=None,
        name="2020",
        year=2020,
        ruleset="132-2018",
        scope_root=cast.root,
        evaluation_date=dt.date(2020, 12, 10),
    )
    [pk] = bulk.allocate_ids(Evaluation, 1)
    bulk.insert_rows(
        Evaluation,
        ("id", "period", "kind", "unit", "decider"),
        [(pk, period.pk, "chi_bo", cast.cell_a1.pk, cast.org_a.pk)],
    )
    evaluation = Evaluation.objects.get(pk=pk)
    assert evaluation.content == {} and evaluation.version == 1
    assert Period.objects.count() == 1


def test_the_lock_is_taken_inside_a_transaction(cast: Cast) -> None:
    bulk.lock("xeploai-import-test")  # a no-op on SQLite, an advisory lock on PostgreSQL
    assert connection.vendor in ("sqlite", "postgresql")


def test_allocated_ids_are_consecutive_or_listed(cast: Cast) -> None:
    ids = bulk.allocate_ids(Person, 50)
    assert len(set(ids)) == 50 and ids == sorted(ids)


def test_ids_allocated_are_taken_before_they_are_written(cast: Cast) -> None:
    first = bulk.allocate_ids(Person, 3)
    second = bulk.allocate_ids(Person, 2)
    assert min(second) > max(first)
    created = Person.objects.create(
        full_name="Sau", name_folded="sau", admission_date=dt.date(2010, 1, 1), unit=cast.cell_a1
    )
    assert created.pk > max(second)


def test_share_lock_refuses_a_deleted_reference(cast: Cast) -> None:
    from django.db import IntegrityError

    from xeploai.org.models import OrgUnit

    bulk.share_lock(OrgUnit, [cast.cell_a1.pk, cast.cell_a1.pk])  # present: nothing happens
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError):
            bulk.share_lock(OrgUnit, [cast.cell_a1.pk, 10**9])


def test_checked_references_restore_the_triggers(cast: Cast) -> None:
    def role() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('session_replication_role')")
            return str(cursor.fetchone()[0])

    with bulk.checked_references() as skipped:
        if connection.vendor == "postgresql":
            assert role() == ("replica" if skipped else "origin")
        bulk.insert_rows(
            Membership,
            ("person", "unit", "kind", "start", "end"),
            [(cast.member_a1.pk, cast.cell_a2.pk, "tam_thoi", dt.date(2020, 1, 1), None)],
        )
    if connection.vendor == "postgresql":
        assert role() == "origin"


def test_a_binary_copy_stores_the_same_values(cast: Cast) -> None:
    rows = [
        (pk, f"Người {pk}", fold(f"Người {pk}"), dt.date(2001, 2, 3), cast.cell_a1.pk, True)
        for pk in bulk.allocate_ids(Person, 2)
    ]
    fields = ("id", "full_name", "name_folded", "admission_date", "unit", "is_civil_servant")
    bulk.insert_rows(Person, fields, rows, binary=True)
    stored = Person.objects.get(pk=rows[0][0])
    assert (stored.full_name, stored.admission_date, stored.is_civil_servant, stored.status) == (
        rows[0][1],
        dt.date(2001, 2, 3),
        True,
        "dang_sinh_hoat",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_an_ordinary_role_keeps_the_triggers(cast: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("the suite's role may not create a role")
        cursor.execute("CREATE ROLE xeploai_imp_plain NOSUPERUSER")  # rolled back with the test
        cursor.execute("SET LOCAL ROLE xeploai_imp_plain")
        try:
            assert bulk.may_skip_triggers() is False
            assert _deploy_warnings() == ["xeploai.W001"]  # `xeploai check --deploy` says so
        finally:
            cursor.execute("RESET ROLE")
    assert _deploy_warnings() == []  # the suite's own role may (a superuser, or granted)


def _deploy_warnings() -> list[str]:
    from django.core.checks import run_checks

    found = run_checks(include_deployment_checks=True, databases=["default"], tags=["database"])
    return [message.id for message in found if message.id and message.id.startswith("xeploai.")]


def test_the_deployment_check_is_silent_where_there_is_nothing_to_grant(cast: Cast) -> None:
    if connection.vendor == "postgresql" and not bulk.may_skip_triggers():
        assert _deploy_warnings() == ["xeploai.W001"]
    else:
        assert _deploy_warnings() == []


def test_a_copy_that_breaks_a_unique_key_raises_django_s_integrity_error(cast: Cast) -> None:
    from django.db import IntegrityError, transaction

    fields = ("citizen_id", "full_name", "name_folded", "admission_date", "unit")
    twin = (cast.member_a1.citizen_id, "Trùng", "trung", dt.date(2010, 1, 1), cast.cell_a1.pk)
    for binary in (False, True):
        with pytest.raises(IntegrityError), transaction.atomic():
            bulk.insert_rows(Person, fields, [twin], binary=binary)


def test_an_error_inside_checked_references_comes_out_as_it_was(cast: Cast) -> None:
    from django.db import IntegrityError, transaction

    fields = ("citizen_id", "full_name", "name_folded", "admission_date", "unit")
    twin = (cast.member_a1.citizen_id, "Trùng", "trung", dt.date(2010, 1, 1), cast.cell_a1.pk)
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.checked_references():
        bulk.insert_rows(Person, fields, [twin], binary=True)


def test_add_to_rows_adds_to_the_rows_of_the_keys_given_and_inserts_the_missing_ones(
    cast: Cast,
) -> None:
    from xeploai.org.models import MemberCount

    before = dict(MemberCount.objects.values_list("pk", "n"))
    counts = list(MemberCount.objects.order_by("path", "status")[:3])
    amounts = list(zip(counts, (2, -1, 0), strict=True))
    fields = ("unit", "path", "depth", "status", "n")
    changes = [(c.unit_id, c.path, c.depth, c.status, n) for c, n in amounts]
    missing = (cast.cell_a1.pk, cast.cell_a1.path, 9, "moi", 4)
    bulk.add_to_rows(MemberCount, fields, ("path", "status"), [missing, *changes])
    added = MemberCount.objects.get(path=cast.cell_a1.path, status="moi")
    expected = before | {c.pk: c.n + n for c, n in amounts} | {added.pk: 4}
    assert dict(MemberCount.objects.values_list("pk", "n")) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements of PostgreSQL")
def test_key_look_ups_are_never_prepared_statements(cast: Cast) -> None:
    """A prepared statement's generic plan cannot see how many keys are looked up: planned on an
    emptied person table it read every person and split the key list again for each."""
    threshold = connection.connection.prepare_threshold
    for _ in range(8):
        found = bulk.fetch_by_keys(Person, ("id",), "citizen_id", [cast.member_a1.citizen_id])
        bulk.share_lock(OrgUnit, [cast.cell_a1.pk])
    assert found == [(cast.member_a1.pk,)]
    assert connection.connection.prepare_threshold == threshold
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE '%%string_to_array%%' OR statement LIKE '%%FOR KEY SHARE%%'"
        )
        assert cursor.fetchone()[0] == 0


def test_ids_come_in_batches_sqlite_can_bind() -> None:
    ids = list(range(1801))
    batches = list(bulk.in_batches(ids))
    assert [len(batch) for batch in batches] == [900, 900, 1]
    assert [i for batch in batches for i in batch] == ids
    assert list(bulk.in_batches([])) == []
