"""Issue 17 §5: /vote/ shows the levels' full names and does not take a blank choice silently;
the code slips carry QR codes, made offline, that open /vote/ with the code filled in."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
import segno
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.ballots import services, slips
from xeploai.ballots.models import Ballot, BallotCode
from xeploai.ballots.tests.conftest import Cell, all_reviewed, ballot
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(cast: Cast, seventeen: Cell) -> Ballot:
    all_reviewed(seventeen)
    return ballot(cast, seventeen, present=9, subjects=seventeen.members[:3])


def test_the_ballot_shows_the_levels_full_names(
    client: Client, cast: Cast, seventeen: Cell, held: Ballot
) -> None:
    code = services.codes_issue(actor=cast.secretary, ballot=held)[0]
    page = client.post(reverse("vote"), {"code": code}).content.decode()
    for name, abbreviation in (
        ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
        ("Hoàn thành tốt nhiệm vụ", "HTTNV"),
        ("Hoàn thành nhiệm vụ", "HTNV"),
        ("Không hoàn thành nhiệm vụ", "KHTNV"),
    ):
        assert page.count(f'{name} <span class="abbr">({abbreviation})</span>') == 3


def test_a_blank_choice_asks_to_confirm_before_the_ballot_is_cast(
    client: Client, cast: Cast, seventeen: Cell, held: Ballot
) -> None:
    code = services.codes_issue(actor=cast.secretary, ballot=held)[0]
    one, two, three = seventeen.members[:3]
    partial = {"code": code, "cast": "1", f"s{one.pk}": "HTTNV"}
    response = client.post(reverse("vote"), partial)
    page = response.content.decode()
    assert "Đồng chí chưa chọn mức cho 2 đối tượng" in page
    assert two.subject_name in page and three.subject_name in page
    assert 'value="HTTNV" checked' in page  # the choice made is kept
    assert f'name="blank_seen" value="{two.pk},{three.pk}"' in page
    row = BallotCode.objects.get(code_hash=services.code_hash(code))
    assert row.choices is None  # nothing cast yet
    # confirming other blanks than those shown asks again
    again = {**partial, "cast": "blank_ok", "blank_seen": str(two.pk)}
    assert "chưa chọn mức cho 2 đối tượng" in client.post(reverse("vote"), again).content.decode()
    row.refresh_from_db()
    assert row.choices is None
    # choosing one more and confirming the one left blank casts
    final = {
        **partial,
        f"s{two.pk}": "HTNV",
        "cast": "blank_ok",
        "blank_seen": f"{two.pk},{three.pk}",
    }
    done = client.post(reverse("vote"), final).content.decode()
    assert "Đã gửi phiếu" in done
    row.refresh_from_db()
    assert row.choices == {str(one.pk): "HTTNV", str(two.pk): "HTNV", str(three.pk): ""}


def test_a_full_ballot_is_cast_at_once(
    client: Client, cast: Cast, seventeen: Cell, held: Ballot
) -> None:
    code = services.codes_issue(actor=cast.secretary, ballot=held)[0]
    data = {"code": code, "cast": "1", **{f"s{e.pk}": "HTXSNV" for e in seventeen.members[:3]}}
    assert "Đã gửi phiếu" in client.post(reverse("vote"), data).content.decode()


def test_the_slips_carry_qr_codes_that_open_vote_with_the_code(
    client: Client, cast: Cast, held: Ballot
) -> None:
    client.force_login(cast.secretary)
    response = client.post(reverse("codes_print", args=[held.pk]))
    page = response.content.decode()
    images = re.findall(r'<img class="slip-qr" src="([^"]+)"', page)
    printed = re.findall(r'<div class="slip-code">([A-Z0-9]{5}-[A-Z0-9]{5})</div>', page)
    assert len(images) == len(printed) == 9
    for image, code in zip(images, printed, strict=True):
        url = f"http://testserver/vote/#code={code}"
        expected = segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)
        assert image.replace("&#x27;", "'").replace("&amp;", "&") == expected
        svg = unquote(image.split(",", 1)[1])
        assert svg.startswith("<?xml") or svg.startswith("<svg")
        assert services.find_code(code) is not None  # the printed code votes
    assert "http://testserver/vote/" in page


def test_the_qr_address_follows_the_public_url_setting(
    client: Client, cast: Cast, held: Ballot, settings: Settings
) -> None:
    settings.PUBLIC_URL = "https://xeploai.example.vn"
    slip = slips.slip("https://xeploai.example.vn/vote/", "ABCDE23456")
    assert slip.url == "https://xeploai.example.vn/vote/#code=ABCDE-23456"
    assert slip.code == "ABCDE-23456"
    client.force_login(cast.secretary)
    page = client.post(reverse("codes_print", args=[held.pk])).content.decode()
    assert "https://xeploai.example.vn/vote/" in page and "testserver/vote" not in page


def test_the_code_in_the_address_never_reaches_the_server(client: Client) -> None:
    """The QR codes put the code after ``#``: browsers keep the fragment to themselves (no
    access log holds a code beside an address and a time); vote.js copies it into the field
    (the browser test checks it does)."""
    slip = slips.slip("http://x/vote/", "ABCDE23456")
    path, fragment = slip.url.split("#", 1)
    assert "ABCDE" not in path and fragment == "code=ABCDE-23456"
    page = client.get(reverse("vote")).content.decode()
    assert "xeploai/vote.js" in page and 'id="code"' in page
