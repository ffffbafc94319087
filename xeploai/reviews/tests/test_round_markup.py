"""The round page's rows, built by the ``round_rows`` tag, are the bytes its template's row loop
wrote: on the demo bloc's uneven round (every unit's page, as the view builds it), both
languages, with hostile names, returned and "entered for" files, blockers and missing comments."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit, Person
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.reviews.selectors import Row

# The row loop round.html had before its rows were built by the ``round_rows`` tag.
OLD_ROW_LOOP = (
    "{% for r in rows %}{% with e=r.evaluation %}\n"
    '<tr{% if e.not_rated_reason %} class="dim"{% endif %}>\n'
    '  <td><a href="{% url \'review_detail\' e.pk %}">{{ e.subject_name }}</a>{% if e.on_behalf_by %} <span class="badge">{% translate "nhập thay" %}</span>{% endif %}</td>\n'
    '  <td data-label="{{ t_form }}">{{ e.form_code }}</td>\n'
    '  <td data-label="{{ t_stage }}"><span class="badge{% if e.stage == \'da_quyet_dinh\' %} ok{% elif e.stage == \'tra_lai\' %} warn{% endif %}">{{ e.get_stage_display }}</span>{% if e.not_rated_reason %}<br><span class="badge warn">{{ e.get_not_rated_reason_display }}</span>{% endif %}</td>\n'
    '  <td data-label="{{ t_missing }}">{% for c in r.missing_comments %}<span class="badge bad">{% if c == "noi_cu_tru" %}{% translate "nơi cư trú" %}{% elif c == "don_vi_cu" %}{% translate "đơn vị cũ" %}{% elif c == "chi_bo_tam_thoi" %}{% translate "chi bộ tạm thời" %}{% else %}{{ c }}{% endif %}</span> {% empty %}—{% endfor %}</td>\n'
    '  <td data-label="{{ t_self }}">{% include "reviews/_level.html" with level=e.self_level %}</td>\n'
    '  <td data-label="{{ t_ballot }}">{% include "reviews/_level.html" with level=e.ballot_level %}</td>\n'
    '  <td data-label="{{ t_proposed }}">{% include "reviews/_level.html" with level=e.cell_level %}</td>\n'
    '  <td data-label="{{ t_result }}">{% include "reviews/_level.html" with level=e.level %}</td>\n'
    '  <td data-label="{{ t_blockers }}">{% if r.blockers %}<ul class="blockers">{% for text, error in r.blockers %}<li class="{% if error %}bad{% else %}warn{% endif %}">{{ text }}</li>{% endfor %}</ul>{% else %}—{% endif %}</td>\n'
    "</tr>{% endwith %}\n"
    '{% empty %}<tr><td colspan="9">{% translate "Không có đối tượng nào trong đợt này." %}</td></tr>{% endfor %}'
)

# the column headings round.html translates before its table (the loop's ``t_…`` words)
WORDS = (
    '{% translate "Mẫu" as t_form %}{% translate "Tiến độ" as t_stage %}'
    '{% translate "Nhận xét còn thiếu" as t_missing %}{% translate "Tự nhận" as t_self %}'
    '{% translate "Bỏ phiếu" as t_ballot %}{% translate "Đề xuất" as t_proposed %}'
    '{% translate "Kết quả" as t_result %}'
    '{% translate "Cần xử lý trước khi quyết định" as t_blockers %}'
)

HOSTILE = "<b>Lê \"Văn\" & 'Tý'</b>"


def old_tbody(context: dict[str, Any]) -> str:
    source = "{% load i18n %}" + WORDS + "<tbody>\n" + OLD_ROW_LOOP + "\n</tbody>"
    return Template(source).render(Context(context))


def tbody(html: str) -> str:
    start = html.index("<tbody>")
    return html[start : html.index("</tbody>", start) + len("</tbody>")]


def _make_hostile(period: Period) -> None:
    """Names with markup and quotes, a file returned, files entered on a member's behalf."""
    evaluations = Evaluation.objects.filter(period=period).order_by("pk")
    members = list(evaluations.filter(kind=SubjectKind.MEMBER)[:400:7])
    Person.objects.filter(pk__in=[e.person_id for e in members]).update(full_name=HOSTILE)
    cells = {e.unit_id for e in members}
    OrgUnit.objects.filter(pk__in=list(cells)[:3]).update(name=HOSTILE + " chi bộ")
    admin = get_user_model().objects.filter(is_superuser=True).first()
    assert admin is not None
    Evaluation.objects.filter(pk__in=[e.pk for e in members[::2]]).update(on_behalf_by=admin)
    Evaluation.objects.filter(pk__in=[e.pk for e in members[1::3]]).update(
        stage=Stage.RETURNED, level="", not_rated_reason=""
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_round_rows_tag_writes_what_the_row_loop_wrote(
    uneven_period: Period, client: Client, language: str
) -> None:
    period = uneven_period
    get_user_model().objects.create_superuser("round-admin", password="x")
    _make_hostile(period)
    client.force_login(get_user_model().objects.get(username="round-admin"))
    client.cookies["django_language"] = language
    units = OrgUnit.objects.filter(
        pk__in=Evaluation.objects.filter(period=period).values("unit_id")
    ).order_by("path")
    seen = {"dim": 0, "blockers": 0, "missing": 0, "behalf": 0, "returned": 0, "hostile": 0}
    for unit in units:
        response = client.get(reverse("round_page", args=[unit.code]), {"period": period.pk})
        assert response.status_code == 200
        page = tbody(response.content.decode())
        contexts: Any = response.context  # the templates rendered, the page's first
        context = contexts[0].flatten()
        with translation.override(language):
            assert page == old_tbody(context), unit.code
        seen["dim"] += page.count('<tr class="dim">')
        seen["blockers"] += page.count('<ul class="blockers">')
        seen["missing"] += page.count('<span class="badge bad">')
        seen["behalf"] += page.count('</a> <span class="badge">')
        seen["returned"] += page.count('<span class="badge warn">')
        seen["hostile"] += page.count("&lt;b&gt;Lê &quot;Văn&quot; &amp; &#x27;Tý&#x27;&lt;/b&gt;")
    assert all(seen.values()), seen  # every branch of the loop was compared


def _row(pk: int, **fields: Any) -> Row:
    person = Person(pk=pk, full_name=fields.pop("name", HOSTILE))
    evaluation = Evaluation(pk=pk, kind=SubjectKind.MEMBER, person=person, **fields)
    return Row(evaluation=evaluation)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_tag_writes_every_comment_and_blocker_the_loop_wrote(language: str) -> None:
    """What the demo's round may not hold: every comment kind, an unknown one, hostile blockers,
    a stage of each badge, no rows at all."""
    rows = [
        _row(1, stage=Stage.DECIDED, level="HTXSNV", form_code="02A<>"),
        _row(2, stage=Stage.RETURNED, self_level="KHTNV", not_rated_reason="MIEN_SINH_HOAT"),
        _row(
            3,
            stage=Stage.SENT,
            cell_level="HTNV",
            ballot_level="HTTNV",
            on_behalf_by=get_user_model()(pk=1),
        ),
    ]
    rows[0].missing_of = lambda: ["noi_cu_tru", "don_vi_cu", "chi_bo_tam_thoi", "<x&y>"]
    rows[1].blockers = [("Thiếu <nhận xét> & “lý do”", True), ("Cần 'lý do'", False)]
    rows[2].missing_of = lambda: ["don_vi_cu"]
    with translation.override(language):
        for shown in (rows, []):
            context = {"rows": shown}
            new = Template(
                "{% load i18n round_rows %}" + WORDS + "<tbody>\n{% round_rows rows %}"
                '{% if not rows %}<tr><td colspan="9">'
                '{% translate "Không có đối tượng nào trong đợt này." %}</td></tr>{% endif %}'
                "\n</tbody>"
            ).render(Context(context))
            assert new == old_tbody(context)


@pytest.mark.django_db
def test_the_civil_panel_takes_the_round_pages_evaluations_as_it_read_them(
    uneven_period: Period,
) -> None:
    """A cell's civil servants from the round page's rows in hand are those, in that order, with
    the same ratings, that the panel's own query read."""
    from xeploai.reviews import selectors
    from xeploai.reviews.civil import civil_rows

    period = uneven_period
    compared = 0
    units = OrgUnit.objects.filter(
        pk__in=Evaluation.objects.filter(period=period).values("unit_id")
    )
    for cell in [u for u in units if u.is_cell]:
        rows, _facts = selectors.round_page(cell, period)
        in_hand = civil_rows(cell, period, [r.evaluation for r in rows])
        read = civil_rows(cell, period)
        assert [(r.evaluation.pk, r.rating, r.declared, r.basis_note) for r in in_hand] == [
            (r.evaluation.pk, r.rating, r.declared, r.basis_note) for r in read
        ]
        assert [(r.evaluation.unit, r.evaluation.period) for r in in_hand] == [
            (r.evaluation.unit, r.evaluation.period) for r in read
        ]
        compared += len(read)
    assert compared


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_name_of_three_values_is_the_subject_name(uneven_period: Period, language: str) -> None:
    """``Evaluation.name_of`` (the ballot pages' names, read as values) says what
    ``subject_name`` says of every subject: members, cells, organizations, committees."""
    get_user_model().objects.create_superuser("names-admin", password="x")
    _make_hostile(uneven_period)
    evaluations = Evaluation.objects.filter(period=uneven_period).select_related("person", "unit")
    rows = evaluations.values_list("pk", "kind", "person__full_name", "unit__name")
    with translation.override(language):
        named = {pk: Evaluation.name_of(kind, person, unit) for pk, kind, person, unit in rows}
        assert named == {e.pk: e.subject_name for e in evaluations}
    assert {e.kind for e in evaluations} >= {SubjectKind.MEMBER, SubjectKind.COMMITTEE}
