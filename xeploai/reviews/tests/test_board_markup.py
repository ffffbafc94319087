"""The decision board's speed-ups change nothing a person sees: the rule facts are read once per
page, and the rows' selects and level badges are the markup the template loops wrote."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings

from xeploai import rules
from xeploai.cycles.models import Period
from xeploai.org.models import OrgUnit
from xeploai.reviews import checks, meters, selectors
from xeploai.reviews.facts import Facts, ruleset_of, subject_id
from xeploai.reviews.forms import DecideForm
from xeploai.reviews.models import Evaluation, Stage
from xeploai.reviews.selectors import Row
from xeploai.reviews.templatetags.board import level_badge, level_options, reason_options
from xeploai.reviews.tests.old_wording import humanize
from xeploai.reviews.wording import message
from xeploai.testing import Cast, make_round


def _choices(name: str) -> Any:
    field = DecideForm.base_fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field.choices


LEVELS = _choices("level")
REASONS = _choices("not_rated_reason")


def loop_markup(cell_level: str, not_rated_reason: str) -> str:
    """What board.html wrote before: the two select loops and the level include."""
    return Template(
        '{% for value, label in levels %}<option value="{{ value }}"'
        '{% if value == cell_level %} selected{% endif %}>{{ value|default:"—" }}</option>'
        '{% endfor %}|{% for value, label in reasons %}<option value="{{ value }}"'
        "{% if not cell_level and value == reason %} selected{% endif %}>{{ label }}</option>"
        '{% endfor %}|{% include "reviews/_level.html" with level=cell_level %}'
    ).render(
        Context(
            {
                "levels": LEVELS,
                "reasons": REASONS,
                "cell_level": cell_level,
                "reason": not_rated_reason,
            }
        )
    )


@pytest.mark.parametrize(
    ("cell_level", "not_rated_reason"),
    [("", ""), ("HTXSNV", ""), ("HTTNV", ""), ("KHTNV", ""), ("", "MIEN_SINH_HOAT")],
)
def test_the_row_markup_is_the_one_the_template_loops_wrote(
    cell_level: str, not_rated_reason: str
) -> None:
    codes = tuple(value for value, _ in LEVELS)
    reasons = tuple((value, str(label)) for value, label in REASONS)
    built = (
        f"{level_options(codes, cell_level)}|"
        f"{reason_options(reasons, cell_level, not_rated_reason)}|"
        f"{level_badge(cell_level)}\n"
    )
    assert built == loop_markup(cell_level, not_rated_reason)


@pytest.mark.django_db
def test_the_board_reads_the_rule_facts_once(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    Evaluation.objects.filter(period=round_.period).update(stage=Stage.SENT, cell_level="HTTNV")
    loads = []
    real_load = Facts.load

    def counting_load(period: Period, evaluations: list[Evaluation]) -> Facts:
        loads.append(len(evaluations))
        return real_load(period, evaluations)

    monkeypatch.setattr(Facts, "load", counting_load)
    client.force_login(cast.clerk)
    page = client.get(reverse("board", args=[cast.org_a.code]))
    assert page.status_code == 200
    assert len(loads) == 1
    html = page.content.decode()
    assert '<option value="HTTNV" selected>HTTNV</option>' in html
    assert 'class="level-HTTNV"' in html


# The row loop board.html had before the rows were built by the ``board_rows`` tag.
OLD_ROW_LOOP = (
    "{% for r in rows %}{% with e=r.evaluation %}\n"
    '<tr id="e{{ e.pk }}"{% if e.not_rated_reason %} class="dim"{% endif %}>\n'
    '  {% if can_decide %}<td class="pick"{% if e.stage == "da_gui" %} data-label="Chọn để quyết định theo đề xuất"><input type="checkbox" name="ids" value="{{ e.pk }}" form="accept-form" aria-label="{{ e.subject_name }}" checked>{% else %}>{% endif %}</td>{% endif %}\n'
    '  <td class="subject"><a href="{% url \'review_detail\' e.pk %}">{{ e.subject_name }}</a>{% if e.person_id %}<br><span class="muted">{{ e.unit.name }}</span>{% endif %}</td>\n'
    '  <td data-label="Nhóm">{{ r.group_label }}</td>\n'
    '  <td data-label="Tự nhận">{% level_badge e.self_level %}</td>\n'
    '  <td data-label="Bỏ phiếu">{% level_badge e.ballot_level %}</td>\n'
    '  <td data-label="Đề xuất">{% level_badge e.cell_level %}{% if e.not_rated_reason %}<br><span class="badge warn">{{ e.get_not_rated_reason_display }}</span>{% endif %}</td>\n'
    '  <td class="wide" data-label="Mức tối đa theo quy định">{% if r.ceiling %}{% level_badge r.ceiling_level %}{% if r.needs_decision %} <span class="badge warn">{{ t_competent }}</span>{% endif %}{% if r.messages %}<ul class="why">{% for m in r.messages %}<li>{{ m }}</li>{% endfor %}</ul>{% endif %}{% else %}—{% endif %}</td>\n'
    '  <td class="wide" data-label="Quyết định">\n'
    '    {% if e.is_locked %}{% level_badge e.level %} <span class="badge ok">{{ t_locked }}</span>\n'
    '    {% elif can_decide and e.stage == "da_gui" %}{% if r.blockers %}\n      <ul class="blockers">{% for text, error in r.blockers %}<li class="{% if error %}bad{% else %}warn{% endif %}">{{ text }}</li>{% endfor %}</ul>{% endif %}\n'
    '      <form method="post" action="{% url \'decide\' e.pk %}" class="decide" hx-post="{% url \'decide\' e.pk %}" hx-target="closest tr" hx-swap="outerHTML">\n'
    '        {% csrf_token %}<input type="hidden" name="version" value="{{ e.version }}"><input type="hidden" name="next" value="{{ board_url }}#e{{ e.pk }}">\n'
    '        <select name="level" aria-label="{{ t_level }}">{% level_options level_codes e.cell_level %}</select>\n'
    '        <select name="not_rated_reason" aria-label="{{ t_reason }}">{% reason_options reason_choices e.cell_level e.not_rated_reason %}</select>\n'
    '        <input type="text" name="reason" placeholder="{{ t_placeholder }}" aria-label="{{ t_why }}">\n'
    '        <label><input type="checkbox" name="override"> {{ t_override }}</label>\n'
    '        <button type="submit" class="primary">{{ t_decide }}</button>\n'
    "      </form>\n"
    '    {% else %}<span class="muted">{{ e.get_stage_display }}</span>{% if r.blockers %}\n      <ul class="blockers">{% for text, error in r.blockers %}<li class="{% if error %}bad{% else %}warn{% endif %}">{{ text }}</li>{% endfor %}</ul>{% endif %}{% endif %}\n'
    "  </td>\n"
    "</tr>{% endwith %}\n"
    "{% endfor %}"
)

WORDS = {
    "t_level": "Mức quyết định",
    "t_reason": "Lý do chưa xếp loại",
    "t_placeholder": "Lý do (bắt buộc khi quyết định khác đề xuất hoặc khác quy tắc)",
    "t_why": "Lý do",
    "t_override": "khác gợi ý quy tắc",
    "t_decide": "Quyết định",
    "t_competent": "cấp có thẩm quyền quyết định",
    "t_locked": "đã khóa",
}


@pytest.mark.django_db
@pytest.mark.parametrize("can_decide", [True, False])
def test_the_board_rows_tag_writes_what_the_row_loop_wrote(
    cast: Cast, settings: Settings, tmp_path: Path, can_decide: bool
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    evaluations = list(Evaluation.objects.filter(period=round_.period).order_by("pk"))
    by_decider: dict[int, list[Evaluation]] = {}
    for e in evaluations:
        by_decider.setdefault(e.decider_id, []).append(e)
    decider_id = max(by_decider, key=lambda d: len(by_decider[d]))
    sent, decided, absent, *rest = by_decider[decider_id]
    Evaluation.objects.filter(pk__in=[e.pk for e in [sent, *rest]]).update(
        stage=Stage.SENT, cell_level="HTTNV", reviewed=True
    )
    Evaluation.objects.filter(pk=decided.pk).update(
        stage=Stage.DECIDED, level="HTXSNV", cell_level="HTXSNV", self_level="HTTNV"
    )
    Evaluation.objects.filter(pk=absent.pk).update(
        stage=Stage.SENT, not_rated_reason="VANG_MAT_CHUA_XL"
    )
    decider = sent.decider
    rows, _facts = selectors.board(decider, round_.period)
    for row in rows:  # what stops a decision: written on the sent and the undecided rows
        if row.evaluation.pk in (sent.pk, rest[0].pk if rest else 0):
            row.blockers = [("Thiếu nhận xét <nơi cư trú> (HD 21)", True), ("Cần lý do", False)]
    context = {
        **WORDS,
        "rows": rows,
        "can_decide": can_decide,
        "pending": [r for r in rows if r.evaluation.stage == Stage.SENT],
        "board_url": reverse("board", args=[decider.code]),
        "csrf_token": "tok<&>",
        "level_codes": tuple(value for value, _ in LEVELS),
        "reason_choices": tuple((value, str(label)) for value, label in REASONS),
    }
    before = Template("{% load board %}" + OLD_ROW_LOOP).render(Context(context))
    after = Template("{% load board %}{% board_rows rows %}").render(Context(context))
    assert 'class="badge ok"' in after
    assert 'class="dim"' in after
    assert ("<form" in after) is can_decide
    assert after == before


@pytest.mark.django_db
def board_problems_one_by_one(
    evaluations: list[Evaluation], period: Period, on: dt.date
) -> list[checks.BoardViolation]:
    """What ``board_violations`` listed when it wrote every violation's sentence in turn."""
    ruleset = ruleset_of(period)
    facts = Facts.load(period, evaluations)
    by_subject = {subject_id(e): e for e in evaluations}
    decisions = [
        facts.decision(e, level=e.level or e.cell_level)
        for e in evaluations
        if (e.level or e.cell_level) and not e.not_rated_reason
    ]
    report = rules.check_decisions(decisions, ruleset, on, year=period.year)
    grouped: dict[str, checks.BoardViolation] = {}
    for violation in report.violations:
        if violation.severity == rules.Severity.INFO:
            continue
        text = humanize(message(violation), evaluations)
        entry = grouped.setdefault(
            text, checks.BoardViolation(text, violation.severity == rules.Severity.ERROR)
        )
        evaluation = by_subject.get(violation.subject or "")
        if evaluation is not None:
            entry.subjects.append((evaluation.pk, evaluation.subject_name))
    return sorted(grouped.values(), key=lambda v: (not v.error, -len(v.subjects), v.message))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_board_lists_the_problems_it_listed_sentence_by_sentence(
    uneven_period: Period, language: str
) -> None:
    period = uneven_period
    on = dt.date(2026, 12, 20)
    deciders = set(Evaluation.objects.filter(period=period).values_list("decider", flat=True))
    shared = 0
    with translation.override(language):
        for decider in deciders:
            decider_unit = OrgUnit.objects.get(pk=decider)
            rows, facts = selectors.board(decider_unit, period)
            evaluations = [r.evaluation for r in rows]
            listed = checks.board_violations(evaluations, period, on, facts)
            assert listed == board_problems_one_by_one(evaluations, period, on)
            shared += sum(len(v.subjects) > 1 for v in listed)
    assert shared  # problems shared by several subjects, written once


@pytest.mark.django_db
def test_the_round_page_names_the_comments_still_missing(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)  # member_a1 has the residence comment, the others not
    rows = {r.evaluation.pk: r for r in selectors.round_rows(cast.cell_a1, round_.period)}
    assert rows[round_.evaluation.pk].missing_comments == []
    others = [
        r
        for r in rows.values()
        if r.evaluation.person_id and r.evaluation.pk != round_.evaluation.pk
    ]
    assert others and all(r.missing_comments == ["noi_cu_tru"] for r in others)
    Evaluation.objects.filter(pk=others[0].evaluation.pk).update(not_rated_reason="MIEN_SINH_HOAT")
    rows = {r.evaluation.pk: r for r in selectors.round_rows(cast.cell_a1, round_.period)}
    assert rows[others[0].evaluation.pk].missing_comments == []
    client.force_login(cast.secretary)
    page = client.get(reverse("round_page", args=[cast.cell_a1.code])).content.decode()
    assert page.count('<span class="badge bad">nơi cư trú</span>') == len(others) - 1


# The problem loop board.html had before the items were built by the ``board_problems`` tag.
OLD_PROBLEM_LOOP = (
    '{% for v in violations %}<li class="{% if v.error %}bad{% else %}warn{% endif %}">'
    '{{ v.message }}{% if v.subjects %}<br><span class="subjects">{% for pk, name in '
    'v.subjects|slice:":12" %}<a href="#e{{ pk }}">{{ name }}</a>{% if not forloop.last %}, '
    "{% endif %}{% endfor %}{% if v.subjects|length > 12 %} {% blocktranslate with "
    'n=v.subjects|length|add:"-12" %}và {{ n }} đối tượng khác{% endblocktranslate %}'
    "{% endif %}</span>{% endif %}</li>{% endfor %}"
)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_board_problems_tag_writes_what_the_problem_loop_wrote(language: str) -> None:
    problems = [
        checks.BoardViolation(
            f"Vấn đề <{n}> & “{n}”", n % 2 == 0, [(1000 + i, f"Đảng viên <{i}>") for i in range(n)]
        )
        for n in (0, 1, 12, 13, 30, 1300)
    ]
    context = {"violations": problems}
    with translation.override(language):
        before = Template("{% load i18n %}" + OLD_PROBLEM_LOOP).render(Context(context))
        after = Template("{% load board %}{% board_problems violations %}").render(Context(context))
    assert "&lt;13&gt;" in after and ("và 1 đối tượng khác" in after) is (language == "vi")
    assert after == before


def ceiling(row: Row) -> rules.Ceiling | str | None:
    try:
        return row.ceiling
    except rules.InvalidFacts as error:  # the fixture's scores out of range
        return error.message_en


@pytest.mark.django_db
@pytest.mark.parametrize("show", [Stage.SENT, Stage.DECIDED])
def test_the_pending_and_decided_boards_read_only_the_rows_they_need(
    uneven_period: Period, show: Stage
) -> None:
    """Filtered, the board leaves out the files neither shown nor counted, and shows and counts
    the same as from every row."""
    period = uneven_period
    on = dt.date(2026, 12, 20)

    def page(rows: list[Row], facts: Facts) -> tuple[object, ...]:
        """The rows shown, the files pending, the quota meters and the problems."""
        evaluations = [r.evaluation for r in rows]
        return (
            [(r.evaluation.pk, ceiling(r)) for r in rows if r.evaluation.stage == show],
            [r.evaluation.pk for r in rows if r.evaluation.stage == Stage.SENT],
            meters.pool_summaries(evaluations, period, facts),
            checks.board_violations(evaluations, period, on, facts),
        )

    left_out = 0
    for decider in set(Evaluation.objects.filter(period=period).values_list("decider", flat=True)):
        unit = OrgUnit.objects.get(pk=decider)
        every = selectors.board(unit, period)
        needed = selectors.board(unit, period, every_row=False)
        left_out += len(every[0]) - len(needed[0])
        assert page(*needed) == page(*every)
    assert left_out
    decided_unrated = Evaluation.objects.filter(
        period=period, stage=Stage.DECIDED, level=""
    ).exclude(not_rated_reason="")
    assert decided_unrated.exists()  # shown on the decided board though neither rated nor proposed


@pytest.mark.django_db
@pytest.mark.parametrize("every_row", [True, False])
def test_the_meters_from_the_checks_decisions_are_the_meters_built_anew(
    uneven_period: Period, every_row: bool
) -> None:
    """The board's quota meters counted from the decisions ``board_check`` built are those
    ``pool_summaries`` builds from the rows alone, on every deciding body of the round (every
    row, and the pending board's rows)."""
    period = uneven_period
    on = dt.date(2026, 12, 20)
    over = 0
    for decider in set(Evaluation.objects.filter(period=period).values_list("decider", flat=True)):
        rows, facts = selectors.board(OrgUnit.objects.get(pk=decider), period, every_row=every_row)
        evaluations = [r.evaluation for r in rows]
        check = checks.board_check(evaluations, period, on, facts, complete=every_row)
        reused = meters.pool_summaries(evaluations, period, facts, check)
        assert reused == meters.pool_summaries(evaluations, period)
        over += sum(not m.ok for m in reused)
    assert over  # HTXSNV beyond the quota somewhere: the meters differ from body to body


@pytest.mark.django_db
def test_the_board_rows_hold_the_units_period_and_body_select_related_reads(
    uneven_period: Period, django_assert_num_queries: Any
) -> None:
    """``selectors.board``'s rows carry their unit, period and deciding body as a join would
    (the same rows, nothing read again when a page asks for them), as do the round's rows."""
    period = uneven_period

    def held_by(e: Evaluation) -> tuple[object, ...]:
        """Every column of the row's unit, period and deciding body."""
        held = (e.unit, e.period, e.decider)
        return tuple(
            {f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields} for r in held
        )

    def joined(pks: list[int]) -> dict[int, tuple[object, ...]]:
        found = Evaluation.objects.filter(pk__in=pks).select_related("unit", "period", "decider")
        return {e.pk: held_by(e) for e in found}

    units = set()
    for decider in set(Evaluation.objects.filter(period=period).values_list("decider", flat=True)):
        evaluations = [
            r.evaluation for r in selectors.board_rows(OrgUnit.objects.get(pk=decider), period)
        ]
        with django_assert_num_queries(0):
            held = {e.pk: held_by(e) for e in evaluations}
        assert held == joined(list(held))
        units |= {e.unit_id for e in evaluations}
    for unit in OrgUnit.objects.filter(pk__in=units):
        evaluations = [r.evaluation for r in selectors.round_rows(unit, period)]
        with django_assert_num_queries(0):
            held = {e.pk: held_by(e) for e in evaluations}
        assert held == joined(list(held))
