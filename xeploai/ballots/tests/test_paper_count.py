"""Issue 15 §4: the paper count — issued/returned/valid keyed once per ballot, the two keyings
by two different accounts (unless a one-person office says otherwise), the differing rows
highlighted."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from xeploai.ballots import services
from xeploai.ballots.models import Ballot, BallotMode, PaperEntry
from xeploai.ballots.tests.conftest import Cell, all_reviewed, ballot
from xeploai.reviews.models import Evaluation
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(cast: Cast, seventeen: Cell) -> Ballot:
    all_reviewed(seventeen)
    return ballot(cast, seventeen, mode=BallotMode.PAPER, present=12)


def keying(cell: Cell, *, valid: int = 11, htt: int = 8) -> services.PaperData:
    return {
        "counts": {"issued": 12, "returned": 12, "valid": valid},
        "votes": {
            str(e.pk): {"HTXSNV": 2, "HTTNV": htt, "HTNV": 1, "KHTNV": 0} for e in cell.members
        },
    }


def _post(cell: Cell, data: services.PaperData) -> dict[str, object]:
    form: dict[str, object] = {f"counts-{k}": v for k, v in data["counts"].items()}
    for key, row in data["votes"].items():
        form.update({f"{key}-{level}": n for level, n in row.items()})
    return form


def test_the_counts_are_keyed_once_per_ballot(
    client: Client, cast: Cast, seventeen: Cell, paper: Ballot
) -> None:
    client.force_login(cast.secretary)
    url = reverse("paper_entry", args=[paper.pk, 1])
    page = client.get(url).content.decode()
    assert page.count('name="counts-issued"') == 1  # not 17 times
    assert page.count('name="counts-valid"') == 1
    assert f'name="{seventeen.members[0].pk}-issued"' not in page
    assert page.count('-HTXSNV"') == 17
    response = client.post(url, _post(seventeen, keying(seventeen)))
    assert response.status_code == 302
    entry = PaperEntry.objects.get(ballot=paper)
    assert entry.data["counts"] == {"issued": 12, "returned": 12, "valid": 11}
    assert entry.data["votes"][str(seventeen.members[0].pk)]["HTTNV"] == 8


def test_a_subject_may_be_left_blank_but_not_exceed_the_valid_papers(
    cast: Cast, seventeen: Cell, paper: Ballot
) -> None:
    data = keying(seventeen)
    data["votes"][str(seventeen.members[4].pk)] = {"HTXSNV": 0, "HTTNV": 5, "HTNV": 0, "KHTNV": 0}
    services.paper_entry_save(actor=cast.secretary, ballot=paper, entry_no=1, data=data)
    data["votes"][str(seventeen.members[4].pk)]["HTNV"] = 7
    with pytest.raises(ValidationError) as error:
        services.paper_entry_save(actor=cast.secretary, ballot=paper, entry_no=1, data=data)
    (message,) = error.value.messages
    assert message.startswith(seventeen.members[4].subject_name)
    assert "(12) lớn hơn số phiếu hợp lệ (11)" in message


def test_the_two_keyings_are_by_two_different_accounts(
    client: Client, cast: Cast, seventeen: Cell, paper: Ballot
) -> None:
    services.paper_entry_save(
        actor=cast.secretary, ballot=paper, entry_no=1, data=keying(seventeen)
    )
    with pytest.raises(ValidationError, match="phải do một người khác"):
        services.paper_entry_save(
            actor=cast.secretary, ballot=paper, entry_no=2, data=keying(seventeen)
        )
    client.force_login(cast.secretary)
    response = client.post(
        reverse("paper_entry", args=[paper.pk, 2]), _post(seventeen, keying(seventeen))
    )
    assert response.status_code == 400
    assert "Lần nhập 1 do chính đồng chí nhập" in response.content.decode()
    # re-keying one's own entry is allowed; a second person keys the other
    services.paper_entry_save(
        actor=cast.secretary, ballot=paper, entry_no=1, data=keying(seventeen)
    )
    services.paper_entry_save(actor=cast.admin, ballot=paper, entry_no=2, data=keying(seventeen))
    tallies = services.paper_accept(actor=cast.secretary, ballot=paper)
    assert {t.level for t in tallies} == {"HTTNV"}  # 10 of 11 from the top: more than half
    assert {(t.issued, t.returned, t.valid) for t in tallies} == {(12, 12, 11)}
    page = client.get(reverse("ballot_minutes", args=[paper.pk])).content.decode()
    assert "Lần nhập 1 bởi" in page and "Lần nhập 2 bởi" in page


def test_a_one_person_office_may_key_both(
    cast: Cast, seventeen: Cell, paper: Ballot, settings: Settings
) -> None:
    settings.BALLOT_ONE_KEYER = True
    for entry_no in (1, 2):
        services.paper_entry_save(
            actor=cast.secretary, ballot=paper, entry_no=entry_no, data=keying(seventeen)
        )
    assert len(services.paper_accept(actor=cast.secretary, ballot=paper)) == 17


def test_keyings_saved_by_one_person_are_not_accepted_without_the_setting(
    cast: Cast, seventeen: Cell, paper: Ballot, settings: Settings
) -> None:
    settings.BALLOT_ONE_KEYER = True
    for entry_no in (1, 2):
        services.paper_entry_save(
            actor=cast.secretary, ballot=paper, entry_no=entry_no, data=keying(seventeen)
        )
    settings.BALLOT_ONE_KEYER = False
    with pytest.raises(ValidationError, match="cùng một người"):
        services.paper_accept(actor=cast.secretary, ballot=paper)


def test_the_rows_that_differ_are_highlighted(
    client: Client, cast: Cast, seventeen: Cell, paper: Ballot
) -> None:
    services.paper_entry_save(
        actor=cast.secretary, ballot=paper, entry_no=1, data=keying(seventeen)
    )
    other = keying(seventeen)
    other["counts"]["returned"] = 11
    odd = seventeen.members[5]
    other["votes"][str(odd.pk)].update(HTTNV=7)
    services.paper_entry_save(actor=cast.admin, ballot=paper, entry_no=2, data=other)
    assert services.paper_mismatches(paper) == [
        (None, "returned", 12, 11),
        (odd.pk, "HTTNV", 8, 7),
    ]
    # the pages' comparison, from the keyings and subjects they hold, is the same
    in_order = list(paper.subjects.order_by("position").values_list("evaluation_id", flat=True))
    assert in_order == [e.pk for e in seventeen.members]
    held = services.current_keyings(paper)
    assert services.paper_mismatches(paper, held, in_order) == services.paper_mismatches(paper)
    client.force_login(cast.secretary)
    detail = client.get(reverse("ballot_detail", args=[paper.pk])).content.decode()
    assert "Hai lần nhập chưa khớp ở 2 ô" in detail
    assert (
        '<tr class="mismatch"><td>Số phiếu của cuộc bỏ phiếu</td><td>Thu vào</td>'
        '<td class="num">12</td><td class="num">11</td></tr>'
    ) in detail
    assert f'<tr class="mismatch"><td>{odd.subject_name}</td><td>HTTNV</td>' in detail
    with pytest.raises(ValidationError, match="chưa khớp ở 2 ô"):
        services.paper_accept(actor=cast.secretary, ballot=paper)
    # the keying page marks which rows differ — never the other keying's values
    client.force_login(cast.admin)
    page = client.get(reverse("paper_entry", args=[paper.pk, 2])).content.decode()
    assert page.count('<tr class="mismatch"') == 1
    marked = page[page.index('<tr class="mismatch"') :]
    assert marked[: marked.index("</tr>")].count(odd.subject_name) >= 1
    assert 'class="counts mismatch"' in page
    assert f'name="{odd.pk}-HTTNV" value="7"' in page  # its own value, not entry 1's 8
    assert f'name="{odd.pk}-HTTNV" value="8"' not in page


def test_old_keyings_take_the_per_ballot_shape(cast: Cast, seventeen: Cell, paper: Ballot) -> None:
    """Migration 0002: a keying saved with the counts on every row keeps its figures."""
    old: dict[str, Any] = {
        str(e.pk): {
            "HTXSNV": 2,
            "HTTNV": 8,
            "HTNV": 1,
            "KHTNV": 0,
            "issued": 12,
            "returned": 12,
            "valid": 11,
        }
        for e in seventeen.members
    }
    entry = PaperEntry.objects.create(
        ballot=paper, entry_no=1, data=old, entered_by=cast.secretary, entered_at=paper.created_at
    )
    migration = importlib.import_module("xeploai.ballots.migrations.0002_codes_reissued")
    migration.per_ballot_counts(apps, None)
    entry.refresh_from_db()
    assert entry.data == keying(seventeen)
    assert not services.validate_paper_data(paper, entry.data)
    assert Evaluation.objects.filter(pk__in=[int(k) for k in entry.data["votes"]]).count() == 17


def _page_context(response: Any) -> dict[str, Any]:
    """The context the page's own template was rendered with (the test client records it)."""
    return dict(response.context[0].flatten())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_pages_read_the_subjects_as_values_the_evaluations_give(
    cast: Cast, seventeen: Cell, paper: Ballot, language: str
) -> None:
    """The ballots page's candidates and a ballot's subjects, read as values, are what the
    evaluations with their person and unit say (hostile names, the cell's own file)."""
    from django.utils import translation

    from xeploai.ballots import views
    from xeploai.org.models import Person

    hostile = "<b>Lê \"Văn\" & 'Tý'</b>"
    Person.objects.filter(evaluations=seventeen.members[3]).update(full_name=hostile)
    cast.cell_a1.name = hostile + " chi bộ"
    cast.cell_a1.save(update_fields=["name"])
    period = seventeen.period
    with translation.override(language):
        votable = views._votable(cast.cell_a1, period)
        assert [
            (c.pk, c.kind, c.reviewed, c.subject_name)
            for c in views._candidates(cast.cell_a1, period)
        ] == [(e.pk, e.kind, e.reviewed, e.subject_name) for e in votable]
        assert hostile in {e.subject_name for e in votable}
        assert hostile + " chi bộ" in {e.subject_name for e in votable}
        in_ballot = [
            s.evaluation
            for s in paper.subjects.select_related("evaluation__person", "evaluation__unit")
        ]
        assert services.subject_names(paper) == {e.pk: e.subject_name for e in in_ballot}


# The results loop detail.html had before it wrote the level's badge with ``level_badge``.
OLD_RESULTS_LOOP = (
    "{% load i18n %}"
    "<tbody>{% for e, t in subjects %}<tr><td>{{ e.subject_name }}</td>{% if reveal %}<td class"
    '="num" data-label="HTXSNV">{{ t.votes.HTXSNV }}</td><td class="num" data-label="HTTNV">{{ '
    't.votes.HTTNV }}</td><td class="num" data-label="HTNV">{{ t.votes.HTNV }}</td><td class="n'
    'um" data-label="KHTNV">{{ t.votes.KHTNV }}</td><td class="num" data-label="{% translate \'H'
    "ợp lệ' %}\">{{ t.valid }}</td>{% endif %}<td data-label=\"{% translate 'Mức đề xuất' %}\">{% "
    'include "reviews/_level.html" with level=t.level %}<br><span class="muted">{{ t.explanatio'
    "n }}</span></td></tr>{% endfor %}</tbody>"
)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_results_table_is_what_its_loop_wrote(
    client: Client, cast: Cast, seventeen: Cell, paper: Ballot, settings: Settings, language: str
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from xeploai.org.models import Person

    settings.BALLOT_ONE_KEYER = True
    Person.objects.filter(evaluations=seventeen.members[2]).update(full_name="<i>A & 'B'</i>")
    for entry_no in (1, 2):
        services.paper_entry_save(
            actor=cast.secretary, ballot=paper, entry_no=entry_no, data=keying(seventeen)
        )
    services.paper_accept(actor=cast.secretary, ballot=paper)
    client.force_login(cast.secretary)
    client.cookies["django_language"] = language
    response = client.get(reverse("ballot_detail", args=[paper.pk]))
    html = response.content.decode()
    start = html.index("<tbody>", html.index("ballot-results"))
    shown = html[start : html.index("</tbody>", start) + len("</tbody>")]
    with translation.override(language):
        before = Template(OLD_RESULTS_LOOP).render(Context(_page_context(response)))
    assert "&lt;i&gt;A &amp; &#x27;B&#x27;&lt;/i&gt;" in shown and 'class="level-' in shown
    assert shown == before


# The rows loop paper_entry.html had before the ``paper_rows`` tag wrote them.
OLD_PAPER_LOOP = (
    "{% load i18n %}"
    '<tbody>{% for e, row, differs in rows %}<tr{% if differs %} class="mismatch" title="{% tra'
    "nslate 'Dòng này khác lần nhập kia' %}\"{% endif %}><td>{{ e.subject_name }}{% if differs %"
    '} <span class="badge bad">{% translate "khác lần nhập kia" %}</span>{% endif %}</td>\n{% fo'
    'r l in levels %}<td data-label="{{ l }}"><input type="number" min="0" name="{{ e.pk }}-{{ '
    'l }}" value="{{ row|get_item:l|default_if_none:\'\' }}" aria-label="{{ e.subject_name }} {{ '
    'l }}" inputmode="numeric"></td>{% endfor %}\n</tr>{% endfor %}</tbody>'
)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_tally_form_rows_are_what_their_loop_wrote(
    client: Client, cast: Cast, seventeen: Cell, paper: Ballot, language: str
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from xeploai.org.models import Person

    Person.objects.filter(evaluations=seventeen.members[4]).update(full_name="<i>A & 'B\"</i>")
    services.paper_entry_save(
        actor=cast.secretary, ballot=paper, entry_no=1, data=keying(seventeen)
    )
    other = keying(seventeen)
    other["votes"][str(seventeen.members[4].pk)].update(HTTNV=7)
    del other["votes"][str(seventeen.members[6].pk)]["HTNV"]  # a level left blank
    services.paper_entry_save(actor=cast.admin, ballot=paper, entry_no=2, data=other)
    client.cookies["django_language"] = language
    compared = 0
    for user, entry_no in ((cast.secretary, 1), (cast.admin, 2)):
        client.force_login(user)
        response = client.get(reverse("paper_entry", args=[paper.pk, entry_no]))
        html = response.content.decode()
        start = html.index("<tbody>", html.index('class="data entry stack"'))
        shown = html[start : html.index("</tbody>", start) + len("</tbody>")]
        with translation.override(language):
            before = Template(OLD_PAPER_LOOP).render(Context(_page_context(response)))
        assert 'class="mismatch"' in shown and "&lt;i&gt;A &amp;" in shown
        assert shown == before
        compared += 1
    assert compared == 2
