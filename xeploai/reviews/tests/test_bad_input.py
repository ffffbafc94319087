"""Malformed input to the round's forms: a clear error naming the field, never a crash, and the
database unchanged. Text is stored composed (NFC) whatever the keyboard sent."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from xeploai.ballots import services as ballots
from xeploai.ballots.models import BallotMode, PaperEntry
from xeploai.reviews.formdefs import FORMS
from xeploai.reviews.forms import TEXT_LIMIT, ProposeForm, SelfReviewForm
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.testing import Cast, Round, make_round

pytestmark = pytest.mark.django_db

NASTY_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            '=HYPERLINK("http://x")',
            "+cmd|' /C calc'!A0",
            "Nguye\u0302\u0303n Va\u0306n",
            "Ngu\u0443\u0435n",
            "\u202egnp.exe",
            "\x00\x01",
            "A" * (TEXT_LIMIT + 1),
            "<script>alert(1)</script>",
            "",
        ]
    ),
)
NUMBERS = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.floats(allow_nan=True).map(str),
    st.sampled_from(["", "abc", "1e400", "٣", "30,5", " 27 ", "-0"]),
)
LEVEL = st.sampled_from(["", "HTXSNV", "HTTNV", "HTNV", "KHTNV", "XS", "htxsnv", "'; DROP TABLE"])

FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(code=st.sampled_from(sorted(FORMS)), text=NASTY_TEXT, number=NUMBERS, level=LEVEL)
def test_the_self_review_form_never_crashes_and_names_what_is_wrong(
    code: str, text: str, number: str, level: str
) -> None:
    definition = FORMS[code]
    data = {
        "version": "1",
        "self_level": level,
        "score_common": number,
        "score_tasks": number,
        "tasks_total": number,
        "tasks_done": number,
    }
    data.update({f"text_{s.key}": text for s in definition.sections})
    form = SelfReviewForm(data, definition=definition, previous_items=["Chậm"], civil_servant=True)
    if form.is_valid():
        content = form.content()
        for entry in content["sections"].values():
            assert entry["text"] == unicodedata.normalize("NFC", entry["text"])
            assert len(entry["text"]) <= TEXT_LIMIT and "\x00" not in entry["text"]
        if "score_common" in content:
            assert 0 <= content["score_common"] <= 30
    else:
        assert all(name in form.fields or name == "__all__" for name in form.errors)
        assert all(messages for messages in form.errors.values())


@FAST
@given(level=LEVEL, reason=st.sampled_from(["", "MOI_KET_NAP_DUOI_6T", "NOPE"]), text=NASTY_TEXT)
def test_the_proposal_form_accepts_one_level_or_one_reason(
    level: str, reason: str, text: str
) -> None:
    form = ProposeForm({"version": "3", "level": level, "not_rated_reason": reason, "reason": text})
    if form.is_valid():
        assert bool(form.cleaned_data["level"]) != bool(form.cleaned_data["not_rated_reason"])


@pytest.fixture
def round_(cast: Cast, settings: Settings, tmp_path: Path) -> Round:
    settings.MEDIA_ROOT = tmp_path
    return make_round(cast)


def test_posting_garbage_to_the_review_leaves_the_database_unchanged(
    client: Client, cast: Cast, round_: Round
) -> None:
    client.force_login(cast.member)
    url = reverse("review_submit", args=[round_.evaluation.pk])
    before = Evaluation.objects.filter(pk=round_.evaluation.pk).values().get()

    @FAST
    @given(text=NASTY_TEXT, number=NUMBERS, level=LEVEL)
    def post(text: str, number: str, level: str) -> None:
        response = client.post(
            url,
            {
                "version": str(round_.evaluation.version),
                "text_qualities": text,
                "score_common": number,
                "score_tasks": "999",
                "self_level": level,
            },
        )
        assert response.status_code == 400
        assert "score_tasks" in response.context["form"].errors

    post()
    assert Evaluation.objects.filter(pk=round_.evaluation.pk).values().get() == before


def test_garbage_in_the_paper_tally_is_refused_and_nothing_is_saved(
    client: Client, cast: Cast, round_: Round
) -> None:
    members = list(
        Evaluation.objects.filter(
            period=round_.period, unit=cast.cell_a1, kind=SubjectKind.MEMBER, not_rated_reason=""
        )
    )
    ballot = ballots.ballot_create(
        actor=cast.secretary,
        period=round_.period,
        unit=cast.cell_a1,
        mode=BallotMode.PAPER,
        title="x",
        present=2,
        evaluations=members,
        confirmed=True,  # an earlier ballot of the round covers them
    )
    client.force_login(cast.secretary)
    url = reverse("paper_entry", args=[ballot.pk, 1])

    @FAST
    @given(values=st.lists(NUMBERS, min_size=7, max_size=7))
    def post(values: list[str]) -> None:
        levels = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
        counts = ("counts-issued", "counts-returned", "counts-valid")
        data = {f"{e.pk}-{f}": v for e in members for f, v in zip(levels, values, strict=False)}
        data.update(zip(counts, values[4:], strict=True))
        response = client.post(url, data)
        if response.status_code == 302:  # a consistent tally: it was saved
            assert PaperEntry.objects.filter(ballot=ballot, entry_no=1, superseded=False).exists()
            PaperEntry.objects.filter(ballot=ballot).delete()
        else:
            assert response.status_code == 400 and response.context["errors"]
            assert not PaperEntry.objects.filter(ballot=ballot).exists()

    post()
