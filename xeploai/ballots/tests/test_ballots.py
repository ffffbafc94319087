"""Secret ballots: paper double entry, in-room codes, secrecy of what is stored."""

import logging
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.audit.models import AuditEvent
from xeploai.ballots import services
from xeploai.ballots.models import Ballot, BallotCode, BallotMode, PaperEntry
from xeploai.reviews.models import Evaluation, LedgerStage, Stage, SubjectKind
from xeploai.testing import Cast, Round, make_person, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    for n in range(4):
        make_person(cast.cell_a1, full_name=f"Đảng viên {n}")
    return make_round(cast, closed_vote="")  # the closed ballot proposes nothing


def members(round_: Round) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(
            period=round_.period,
            unit=round_.evaluation.unit,
            kind=SubjectKind.MEMBER,
            not_rated_reason="",
        ).order_by("pk")
    )


def new_ballot(
    cast: Cast,
    round_: Round,
    evaluations: list[Evaluation],
    *,
    mode: BallotMode = BallotMode.PAPER,
    title: str = "Phiếu",
    present: int = 6,
) -> Ballot:
    """A ballot of the secretary's cell in this round."""
    return services.ballot_create(
        actor=cast.secretary,
        period=round_.period,
        unit=cast.cell_a1,
        mode=mode,
        title=title,
        present=present,
        evaluations=evaluations,
        confirmed=True,  # the reviews are not submitted (tests of the warnings: test_guard.py)
    )


def tally_data(
    evaluations: list[Evaluation],
    xs: int = 1,
    tt: int = 4,
    ht: int = 0,
    k: int = 0,
    issued: int = 6,
    returned: int = 6,
    valid: int = 5,
) -> services.PaperData:
    """One keying: the ballot's counts once, every subject's votes."""
    return {
        "counts": {"issued": issued, "returned": returned, "valid": valid},
        "votes": {
            str(e.pk): {"HTXSNV": xs, "HTTNV": tt, "HTNV": ht, "KHTNV": k} for e in evaluations
        },
    }


def test_paper_results_are_accepted_only_when_both_entries_agree(
    client: Client, cast: Cast, round_: Round
) -> None:
    evaluations = members(round_)
    ballot = new_ballot(cast, round_, evaluations)
    services.paper_entry_save(
        actor=cast.secretary, ballot=ballot, entry_no=1, data=tally_data(evaluations)
    )
    with pytest.raises(ValidationError, match="hai lần"):
        services.paper_accept(actor=cast.secretary, ballot=ballot)
    wrong = tally_data(evaluations)
    wrong["votes"][str(evaluations[0].pk)].update(HTXSNV=2, HTTNV=3)
    services.paper_entry_save(actor=cast.clerk, ballot=ballot, entry_no=2, data=wrong)
    mismatches = services.paper_mismatches(ballot)
    assert mismatches is not None
    assert {(m[0], m[1]) for m in mismatches} == {
        (evaluations[0].pk, "HTXSNV"),
        (evaluations[0].pk, "HTTNV"),
    }
    client.force_login(cast.secretary)  # the page names the subject, not its id
    page = client.get(reverse("ballot_detail", args=[ballot.pk])).content.decode()
    listed = page[page.index('class="data mismatches"') :]
    listed = listed[: listed.index("</table>")]
    assert f'<tr class="mismatch"><td>{evaluations[0].subject_name}</td><td>HTXSNV</td>' in listed
    assert f"#{evaluations[0].pk}" not in listed
    # Keying the second entry again starts from what it holds (2 HTXSNV), not from entry 1
    again = client.get(reverse("paper_entry", args=[ballot.pk, 2])).content.decode()
    assert f'name="{evaluations[0].pk}-HTXSNV" value="2"' in again
    first = client.get(reverse("paper_entry", args=[ballot.pk, 1])).content.decode()
    assert f'name="{evaluations[0].pk}-HTXSNV" value="2"' not in first
    with pytest.raises(ValidationError, match="chưa khớp"):
        services.paper_accept(actor=cast.secretary, ballot=ballot)
    services.paper_entry_save(
        actor=cast.clerk, ballot=ballot, entry_no=2, data=tally_data(evaluations)
    )
    tallies = services.paper_accept(actor=cast.secretary, ballot=ballot)
    assert {t.level for t in tallies} == {"HTTNV"}  # 4 of 5 valid ballots, more than half
    assert PaperEntry.objects.filter(ballot=ballot).count() == 3  # the re-keyed entry is kept
    for evaluation in evaluations:  # every subject: level, version, one ledger row, one event
        stored = Evaluation.objects.get(pk=evaluation.pk)
        assert stored.ballot_level == "HTTNV" and stored.version == evaluation.version + 1
        assert stored.ledger.filter(stage=LedgerStage.BALLOT, level="HTTNV").count() == 1
        assert "HTXSNV 1, HTTNV 4" in stored.ledger.get(stage=LedgerStage.BALLOT).reason
        assert AuditEvent.objects.filter(
            action="ballot_result_record", object_id=str(evaluation.pk)
        ).exists()


def test_accepting_a_ballot_with_a_decided_subject_writes_nothing(
    cast: Cast, round_: Round
) -> None:
    evaluations = members(round_)
    ballot = new_ballot(cast, round_, evaluations)
    for entry_no, keyer in ((1, cast.secretary), (2, cast.clerk)):
        services.paper_entry_save(
            actor=keyer, ballot=ballot, entry_no=entry_no, data=tally_data(evaluations)
        )
    Evaluation.objects.filter(pk=evaluations[-1].pk).update(stage=Stage.DECIDED)
    with pytest.raises(ValidationError, match="Đã quyết định"):
        services.paper_accept(actor=cast.secretary, ballot=ballot)
    assert (
        not Evaluation.objects.filter(pk__in=[e.pk for e in evaluations])
        .exclude(ballot_level="")
        .exists()
    )
    ballot.refresh_from_db()
    assert ballot.is_open


@pytest.mark.parametrize(
    ("counts", "votes", "message", "named"),
    [
        ({"issued": 7, "returned": 7}, {}, "lớn hơn số có mặt", False),
        ({"returned": 7}, {}, "lớn hơn số phát ra", False),
        ({"valid": 7}, {}, "lớn hơn số thu vào", False),
        ({}, {"HTNV": 1}, "lớn hơn số phiếu hợp lệ", True),
        ({}, {"HTXSNV": -1, "HTTNV": 6}, "không được âm", True),
    ],
)
def test_an_impossible_tally_is_refused_naming_the_subject(
    cast: Cast,
    round_: Round,
    counts: dict[str, int],
    votes: dict[str, int],
    message: str,
    named: bool,
) -> None:
    evaluations = members(round_)
    ballot = new_ballot(cast, round_, evaluations)
    data = tally_data(evaluations)
    data["counts"].update(counts)
    data["votes"][str(evaluations[0].pk)].update(votes)
    with pytest.raises(ValidationError) as error:
        services.paper_entry_save(actor=cast.secretary, ballot=ballot, entry_no=1, data=data)
    where = evaluations[0].subject_name if named else "Số phiếu của cuộc bỏ phiếu"
    assert any(message in m and where in m for m in error.value.messages), error.value.messages
    assert not PaperEntry.objects.filter(ballot=ballot).exists()


def test_only_full_members_present_vote(cast: Cast, round_: Round) -> None:
    with pytest.raises(ValidationError, match="chính thức"):
        new_ballot(cast, round_, members(round_), mode=BallotMode.ROOM, title="x", present=99)


def test_an_in_room_ballot_counts_codes_and_publishes_a_digest(cast: Cast, round_: Round) -> None:
    evaluations = members(round_)
    ballot = new_ballot(cast, round_, evaluations, mode=BallotMode.ROOM, title="Tại chỗ", present=5)
    codes = services.codes_issue(actor=cast.secretary, ballot=ballot)
    assert len(codes) == 5 and len(set(codes)) == 5
    with pytest.raises(ValidationError, match="một lần"):
        services.codes_issue(actor=cast.secretary, ballot=ballot)
    choices = [
        {str(e.pk): level for e in evaluations}
        for level in ("HTXSNV", "HTTNV", "HTTNV", "HTTNV", "")
    ]
    for code, choice in zip(codes, choices, strict=True):
        services.vote_cast(code=code.lower(), choices=choice)
    with pytest.raises(ValidationError, match="đã được dùng"):
        services.vote_cast(code=codes[0], choices=choices[0])
    tallies = services.room_close(actor=cast.secretary, ballot=ballot)
    ballot.refresh_from_db()
    assert {t.level for t in tallies} == {"HTTNV"}
    assert ballot.digest == services.ballot_digest(ballot) and len(ballot.digest) == 64
    with pytest.raises(ValidationError, match="kết thúc"):
        services.vote_cast(code=codes[4], choices=choices[0])


def test_nothing_stored_links_a_person_to_a_code_or_a_ballot(
    client: Client, cast: Cast, round_: Round, caplog: pytest.LogCaptureFixture
) -> None:
    """Read every table and every log line after an in-room ballot voted through the web: no
    column of the code table points to a user or a person, and no row anywhere (audit
    included) and no log line carries a code or its hash."""
    caplog.set_level(logging.DEBUG)
    evaluations = members(round_)
    ballot = new_ballot(cast, round_, evaluations, mode=BallotMode.ROOM, title="Tại chỗ", present=4)
    codes = services.codes_issue(actor=cast.secretary, ballot=ballot)
    client.force_login(cast.member)  # a logged-in member votes from their own phone
    for code in codes:
        data = {"code": code, "cast": "1", **{f"s{e.pk}": "HTTNV" for e in evaluations}}
        assert "Đã gửi phiếu" in client.post(reverse("vote"), data).content.decode()
    services.room_close(actor=cast.secretary, ballot=ballot)
    columns = {f.column for f in BallotCode._meta.get_fields() if hasattr(f, "column")}
    assert columns == {"id", "ballot_id", "code_hash", "choices"}
    hashes = set(BallotCode.objects.filter(ballot=ballot).values_list("code_hash", flat=True))
    secrets_ = {*codes, *hashes, *(h[:10].upper() for h in hashes)}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == BallotCode._meta.db_table:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from introspection
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert not any(secret in text for secret in secrets_), table
    assert not AuditEvent.objects.filter(action__in=["vote_cast"]).exists()
    assert not any(secret in caplog.text for secret in secrets_)


def test_results_stay_hidden_until_closed_and_small_groups_get_a_warning(
    client: Client, cast: Cast, round_: Round
) -> None:
    evaluations = members(round_)[:1]
    ballot = new_ballot(cast, round_, evaluations, mode=BallotMode.ROOM, title="Tại chỗ", present=4)
    codes = services.codes_issue(actor=cast.secretary, ballot=ballot)
    services.vote_cast(code=codes[0], choices={str(evaluations[0].pk): "HTXSNV"})
    client.force_login(cast.secretary)
    page = client.get(reverse("ballot_detail", args=[ballot.pk])).content.decode()
    assert "Đã bỏ phiếu: 1/4" in page and "HTXSNV</td>" not in page
    services.room_close(actor=cast.secretary, ballot=ballot)
    page = client.get(reverse("ballot_detail", args=[ballot.pk])).content.decode()
    assert "có thể làm lộ người bỏ phiếu" in page and '<th class="num">HTXSNV</th>' not in page
    revealed = client.get(
        reverse("ballot_detail", args=[ballot.pk]), {"reveal": "1"}
    ).content.decode()
    assert '<th class="num">HTXSNV</th>' in revealed


def test_voting_on_a_phone_needs_only_the_code(client: Client, cast: Cast, round_: Round) -> None:
    evaluations = members(round_)[:2]
    ballot = new_ballot(cast, round_, evaluations, mode=BallotMode.ROOM, title="Tại chỗ", present=4)
    code = services.codes_issue(actor=cast.secretary, ballot=ballot)[0]
    page = client.post(reverse("vote"), {"code": code}).content.decode()
    assert evaluations[0].subject_name in page
    data = {"code": code, "cast": "1", **{f"s{e.pk}": "HTTNV" for e in evaluations}}
    done = client.post(reverse("vote"), data)
    assert "Đã gửi phiếu" in done.content.decode() and "no-store" in done["Cache-Control"]
    again = client.post(reverse("vote"), {"code": code}).content.decode()
    assert "đã được dùng" in again
    assert client.post(reverse("vote"), {"code": "WRONGCODE1"}).status_code == 200
    assert Ballot.objects.get(pk=ballot.pk).is_open


ON_POSTGRESQL = "postgresql" in str(settings.DATABASES["default"]["ENGINE"])


def _row_versions(table: str) -> list[tuple[object, ...]]:
    """Every row of ``table`` with its row version (``xmin``) on PostgreSQL."""
    version = "xmin::text, " if ON_POSTGRESQL else ""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {version}* FROM "{table}" ORDER BY 2')  # noqa: S608 — our tables
        return list(cursor.fetchall())


def _dumped_hashes(table: str, ballot_id: int) -> list[str]:
    """The code hashes of one ballot in the order ``pg_dump`` writes them."""
    config = connection.settings_dict
    result = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "--table",
            table,
            "--host",
            config["HOST"],
            "--port",
            str(config["PORT"] or 5432),
            "--username",
            config["USER"],
            config["NAME"],
        ],
        env={**os.environ, "PGPASSWORD": config["PASSWORD"] or ""},
        capture_output=True,
        text=True,
        check=True,
    )
    copy = result.stdout[result.stdout.index(f"COPY public.{table} (") :]
    header, *lines = copy[: copy.index("\n\\.\n")].split("\n")
    columns = header[header.index("(") + 1 : header.index(")")].split(", ")
    rows = [dict(zip(columns, line.split("\t"), strict=True)) for line in lines]
    return [row["code_hash"] for row in rows if row["ballot_id"] == str(ballot_id)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRESQL, reason="xmin, ctid and pg_dump exist only on PostgreSQL")
def test_a_closed_ballot_keeps_no_order_of_its_votes_in_postgresql(
    client: Client, cast: Cast, round_: Round
) -> None:
    """Vote through the web with 12 codes in a known order, close: no row version (xmin), no
    physical place (ctid), no id and no pg_dump order of the code rows gives that order back, no
    older row version is left in the table's pages, and voting wrote nothing to the accounts."""
    for n in range(8):
        make_person(cast.cell_a1, full_name=f"Đảng viên thêm {n}")
    evaluations = members(round_)[:2]
    ballot = new_ballot(cast, round_, evaluations, mode=BallotMode.ROOM, title="Kín", present=12)
    codes = services.codes_issue(actor=cast.secretary, ballot=ballot)
    client.force_login(cast.member)  # a logged-in member votes: their session must stay untouched
    accounts = {table: _row_versions(table) for table in ("auth_user", "django_session")}
    voted = []
    for n, code in enumerate(codes):
        level = services.LEVELS[n % len(services.LEVELS)]
        data = {"code": code, "cast": "1", **{f"s{e.pk}": level for e in evaluations}}
        assert "Đã gửi phiếu" in client.post(reverse("vote"), data).content.decode()
        voted.append(services.code_hash(code))
    assert {table: _row_versions(table) for table in accounts} == accounts
    services.room_close(actor=cast.secretary, ballot=ballot)  # commits; the VACUUM follows

    table = BallotCode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text, code_hash FROM {table} WHERE ballot_id = %s ORDER BY ctid",  # noqa: S608
            [ballot.pk],
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT code_hash FROM {table} WHERE ballot_id = %s ORDER BY id",  # noqa: S608
            [ballot.pk],
        )
        by_id = [h for (h,) in cursor.fetchall()]
    assert sorted(h for _, h in rows) == sorted(voted)
    assert len({xmin for xmin, _ in rows}) == 1  # every row written by the closing transaction
    by_place = [h for _, h in rows]
    dumped = _dumped_hashes(table, ballot.pk)
    for order in (by_place, by_id, dumped):  # 12! orders: agreeing by chance is negligible
        assert order not in (voted, voted[::-1])
    # With pageinspect (a superuser's extension), look at every tuple in the table's pages,
    # dead ones included: only the closing transaction's remain once the VACUUM has run.
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'pageinspect'")
        if superuser and cursor.fetchone()[0]:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            cursor.execute(
                f"SELECT count(*) FROM generate_series(0, "  # noqa: S608 — our own table
                f"pg_relation_size('{table}') / current_setting('block_size')::int - 1) AS page, "
                f"heap_page_items(get_raw_page('{table}', page::int)) WHERE t_xmin IS NOT NULL"
            )
            versions = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert versions == cursor.fetchone()[0]  # no row version but the live rows
