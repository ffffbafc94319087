"""The pipeline: the bulk writes of a long import handed to one background thread on the same
connection (decision 0005), on whichever database the suite runs."""

import datetime as dt

import pytest
from django.db import connection

from xeploai.imports.pipeline import pipeline
from xeploai.lib import bulk
from xeploai.org.models import Person
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_pipeline_runs_its_pieces_in_turn_and_hands_back_their_results(cast: Cast) -> None:
    turns: list[str] = []
    with pipeline() as line:
        line.submit(turns.append, "first")
        # the test's own uncommitted rows: the same connection, the same transaction
        stored = line.submit(Person.objects.filter(pk=cast.member_a1.pk).count)
        line.submit(turns.append, "second")
    assert turns == ["first", "second"]
    assert stored.result() == 1
    assert Person.objects.filter(pk=cast.member_a1.pk).exists()  # this thread's connection again


def test_after_a_failed_piece_the_rest_are_skipped_and_the_block_raises_the_failure(
    cast: Cast,
) -> None:
    from django.db import IntegrityError, transaction

    skipped: list[int] = []
    duplicate = [
        (cast.member_a1.citizen_id, "Trùng", "trung", dt.date(2010, 1, 1), cast.cell_a1.pk)
    ]
    fields = ("citizen_id", "full_name", "name_folded", "admission_date", "unit")
    with pytest.raises(IntegrityError), transaction.atomic(), pipeline() as line:
        line.submit(bulk.insert_rows, Person, fields, duplicate)
        line.submit(skipped.append, 1)
    assert skipped == []
    assert Person.objects.filter(full_name="Trùng").count() == 0


def test_an_error_of_the_caller_leaves_the_connection_usable(cast: Cast) -> None:
    with pytest.raises(ZeroDivisionError), pipeline() as line:
        line.submit(bulk.allocate_ids, Person, 1)
        1 / 0  # noqa: B018
    assert Person.objects.filter(pk=cast.member_a1.pk).exists()


def test_rows_encoded_here_are_written_by_the_pipeline(cast: Cast) -> None:
    fields = ("id", "full_name", "name_folded", "date_of_birth", "admission_date", "unit")
    with pipeline() as line:
        ids = line.submit(bulk.allocate_ids, Person, 2).result()
        rows = [
            (pk, f"Người {pk}", f"nguoi {pk}", None, dt.date(2001, 2, 3), cast.cell_a1.pk)
            for pk in ids
        ]
        line.submit(bulk.insert_encoded, bulk.encode_rows(Person, fields, rows))
    stored = Person.objects.filter(pk__in=ids).order_by("pk")
    assert [(p.full_name, p.admission_date, p.date_of_birth, p.status) for p in stored] == [
        (f"Người {pk}", dt.date(2001, 2, 3), None, "dang_sinh_hoat") for pk in ids
    ]


def test_the_interpreter_switches_threads_more_often_only_while_a_pipeline_runs(cast: Cast) -> None:
    import sys

    before = sys.getswitchinterval()
    with pipeline(), pipeline():
        during = sys.getswitchinterval()
    assert sys.getswitchinterval() == before
    assert during == (min(before, 0.0005) if connection.vendor == "postgresql" else before)
