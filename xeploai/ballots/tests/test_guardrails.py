"""Issue 15 §4: what a ballot needs is said when it is created — before any code is printed —
not at the close; codes that did not print can be re-issued, the old ones void."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xeploai.audit.models import AuditEvent
from xeploai.ballots import services
from xeploai.ballots.models import Ballot, BallotCode, BallotMode
from xeploai.ballots.tests.conftest import Cell, all_reviewed, ballot
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def _form(cell: Cell, present: int, **extra: str) -> dict[str, object]:
    return {
        "period": cell.period.pk,
        "mode": BallotMode.ROOM,
        "title": "Biểu quyết 2026",
        "present": present,
        "subjects": [e.pk for e in cell.members],
        **extra,
    }


def test_a_ballot_short_of_the_quorum_is_refused_when_created(
    client: Client, cast: Cast, seventeen: Cell
) -> None:
    """3 of 17 present: refused at creation with the rule set's clause (it was created, printed
    and voted, and found void only at the close)."""
    all_reviewed(seventeen)
    with pytest.raises(ValidationError) as error:
        ballot(cast, seventeen, present=3)
    assert "Có mặt 3/17 đảng viên chính thức, chưa đủ > 50%" in error.value.messages[0]
    assert "cần ít nhất 9 người có mặt" in error.value.messages[0]
    assert "Điều lệ Đảng" in error.value.messages[0]  # the clause of the 366-2025 rule set
    client.force_login(cast.secretary)
    page = client.get(reverse("ballot_list", args=[cast.cell_a1.code])).content.decode()
    assert "Cần ít nhất 9/17 đảng viên chính thức có mặt" in page  # said before the form is sent
    response = client.post(reverse("ballot_create", args=[cast.cell_a1.code]), _form(seventeen, 3))
    assert response.status_code == 400
    assert "Có mặt 3/17 đảng viên chính thức" in response.content.decode()
    assert 'value="3"' in response.content.decode()  # what was typed is kept
    assert not Ballot.objects.exists()
    assert ballot(cast, seventeen, present=9).present == 9  # 9 of 17: more than half


def test_unsubmitted_reviews_are_warned_and_must_be_confirmed(
    client: Client, cast: Cast, seventeen: Cell
) -> None:
    client.force_login(cast.secretary)
    url = reverse("ballot_create", args=[cast.cell_a1.code])
    with pytest.raises(services.NeedsConfirmation) as warned:
        ballot(cast, seventeen, confirmed=False)
    assert warned.value.warnings[0].startswith("17 đảng viên chưa nộp bản kiểm điểm:")
    assert "và 9 đối tượng khác" in warned.value.warnings[0]  # 8 names, then how many more
    response = client.post(url, _form(seventeen, 12))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="ballot-warnings"' in page
    assert "17 đảng viên chưa nộp bản kiểm điểm" in page
    assert 'name="confirmed" value="1"' in page
    assert not Ballot.objects.exists()  # nothing created, no code printable yet
    response = client.post(url, _form(seventeen, 12, confirmed="1"))
    created = Ballot.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/ballots/{created.pk}/")
    event = AuditEvent.objects.get(action="ballot_create")
    assert event.after is not None
    assert event.after["warnings_confirmed"][0].startswith("17 đảng viên chưa nộp")
    # the ballot's page says it again next to the print button
    page = client.get(reverse("ballot_detail", args=[created.pk])).content.decode()
    assert page.index("17 đảng viên chưa nộp") < page.index("In phiếu mã")


def test_no_warning_when_every_review_is_in(cast: Cast, seventeen: Cell) -> None:
    all_reviewed(seventeen)
    assert ballot(cast, seventeen, confirmed=False).subjects.count() == 17


def test_an_accepted_ballot_of_the_same_subjects_is_warned(cast: Cast, seventeen: Cell) -> None:
    all_reviewed(seventeen)
    first = ballot(cast, seventeen, confirmed=False)
    codes = services.codes_issue(actor=cast.secretary, ballot=first)
    services.vote_cast(code=codes[0], choices={str(e.pk): "HTTNV" for e in seventeen.members})
    with pytest.raises(services.NeedsConfirmation) as open_one:
        ballot(cast, seventeen, subjects=seventeen.members[:2], confirmed=False)
    assert "vẫn đang mở" in open_one.value.warnings[0]
    services.room_close(actor=cast.secretary, ballot=first)
    with pytest.raises(services.NeedsConfirmation) as accepted:
        ballot(cast, seventeen, subjects=seventeen.members[:2], confirmed=False)
    (text,) = accepted.value.warnings
    assert "Đã có cuộc bỏ phiếu được chấp nhận “Biểu quyết 2026”" in text
    assert "cho 2 đối tượng" in text and seventeen.members[0].subject_name in text
    assert "Kết quả mới sẽ thay kết quả cũ" in text


def test_a_void_ballot_made_before_the_check_prints_no_codes(
    client: Client, cast: Cast, seventeen: Cell
) -> None:
    legacy = Ballot.objects.create(
        period=seventeen.period,
        unit=cast.cell_a1,
        mode=BallotMode.ROOM,
        title="Cũ",
        full_members=17,
        present=3,
        created_by=cast.secretary,
        created_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="chưa đủ > 50%"):
        services.codes_issue(actor=cast.secretary, ballot=legacy)
    assert not BallotCode.objects.exists()
    client.force_login(cast.secretary)
    page = client.get(reverse("ballot_detail", args=[legacy.pk])).content.decode()
    assert "Có mặt 3/17" in page and reverse("codes_print", args=[legacy.pk]) not in page


def test_codes_that_did_not_print_are_reissued_and_the_old_ones_are_void(
    client: Client, cast: Cast, seventeen: Cell
) -> None:
    all_reviewed(seventeen)
    held = ballot(cast, seventeen, present=9)
    old = services.codes_issue(actor=cast.secretary, ballot=held)
    with pytest.raises(ValidationError, match="lý do"):
        services.codes_reissue(actor=cast.secretary, ballot=held, reason="  ")
    client.force_login(cast.secretary)
    response = client.post(reverse("codes_reissue", args=[held.pk]), {"reason": "Máy in kẹt giấy"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="slip"') == 9
    assert "no-store" in response["Cache-Control"]
    assert not any(code[:5] in page and code[5:] in page for code in old)
    held.refresh_from_db()
    assert (held.codes_issued, held.codes_reissued) == (9, 1)
    assert BallotCode.objects.filter(ballot=held).count() == 9
    for code in old:  # every old code is void
        assert services.find_code(code) is None
    with pytest.raises(ValidationError, match="Mã không đúng"):
        services.vote_cast(code=old[0], choices={str(e.pk): "" for e in seventeen.members})
    event = AuditEvent.objects.get(action="codes_reissue")
    assert event.note == "Máy in kẹt giấy"
    assert event.before == {"codes": 9, "reissued": 0}
    assert event.after == {"codes": 9, "voided": 9, "reissued": 1}
    assert not any(code in str(event.after) + event.note for code in old)


def test_codes_are_not_reissued_once_someone_voted(cast: Cast, seventeen: Cell) -> None:
    all_reviewed(seventeen)
    held = ballot(cast, seventeen, present=9)
    codes = services.codes_issue(actor=cast.secretary, ballot=held)
    services.vote_cast(code=codes[3], choices={str(e.pk): "HTNV" for e in seventeen.members})
    with pytest.raises(ValidationError, match="Đã có 1 phiếu được gửi"):
        services.codes_reissue(actor=cast.secretary, ballot=held, reason="Mất phiếu")
    assert services.find_code(codes[0]) is not None  # nothing voided
    assert not AuditEvent.objects.filter(action="codes_reissue").exists()
