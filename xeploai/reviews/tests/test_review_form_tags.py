"""The self-review form's loops written in Python (``{% review_sections %}``, ``{% review_tasks
%}``) are byte for byte what the templates ``reviews/_review_sections.html`` and
``reviews/_review_tasks.html`` (the loops as the page had them) give: on every form definition,
unbound and bound with errors, in both languages, with hostile texts; and the whole review page
is the page the template with those loops writes. The fields, built once per process, are not
changed by the forms that share them."""

from __future__ import annotations

import datetime as dt
import re
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.cycles.services import period_create
from xeploai.reviews import selectors
from xeploai.reviews.formdefs import FORMS
from xeploai.reviews.forms import SelfReviewForm, review_form_parts
from xeploai.reviews.models import Evaluation, SubjectKind
from xeploai.reviews.periods import period_open
from xeploai.testing import Cast, make_round

ENGINE = engines["django"]
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HOSTILE = "<b>Bí thư</b> & \"đồng chí\" 'A' </textarea><script>x</script>"


def _form(code: str, data: dict[str, str] | None, *, civil: bool, quarter: int) -> SelfReviewForm:
    content = {
        "sections": {"qualities": {"text": HOSTILE, "grade": "TOT"}},
        "tasks": [{"task": HOSTILE, "product": "Sản phẩm <1>", "result": "dung_han"}],
        "score_common": 26,
        "self_level": "HTTNV",
    }
    return SelfReviewForm(
        data,
        definition=FORMS[code],
        previous_items=[HOSTILE, "Chậm nộp đảng phí"],
        civil_servant=civil,
        task_rows=6,
        quarter=quarter,
        year=2026,
        initial=SelfReviewForm.initial_from(content, 3),
    )


def _bound_with_errors(code: str) -> dict[str, str]:
    """A member's data with everything the form refuses: a task without its result, a
    product without its task, a score above its maximum, a text too long, a bad choice."""
    data = {f"text_{s.key}": HOSTILE for s in FORMS[code].sections}
    data |= {"version": "3", "task_0": HOSTILE, "product_1": HOSTILE, "result_2": "vuot_muc"}
    data |= {"score_common": "31", "score_tasks": "abc", "prev_0": "<x>", "self_level": "HTTNV"}
    data |= {"text_remedies": "x" * 20_001, "tasks_total": "1", "tasks_done": "5"}
    return data


def _by_template(name: str, parts: dict[str, Any]) -> str:
    return ENGINE.get_template(f"reviews/_review_{name}.html").render(parts)


def _by_tag(name: str, parts: dict[str, Any]) -> str:
    call = "review_sections rows previous" if name == "sections" else "review_tasks tasks"
    return ENGINE.from_string(f"{{% load review_form %}}{{% {call} %}}").render(parts)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("code", sorted(FORMS))
def test_the_tags_write_the_templates_markup(language: str, code: str) -> None:
    compared = 0
    with translation.override(language):
        for bound, civil, quarter in product((False, True), (False, True), (0, 2)):
            form = _form(
                code, _bound_with_errors(code) if bound else None, civil=civil, quarter=quarter
            )
            assert form.is_bound == bound and (not bound or form.errors)
            parts = review_form_parts(form)
            for name in ("sections", "tasks"):
                expected = _by_template(name, parts)
                assert _by_tag(name, parts) == expected, (name, bound, civil, quarter)
                compared += 1
            html = _by_tag("sections", parts) + _by_tag("tasks", parts)
            assert "<b>" not in html and "<script>" not in html  # escaped, as the template does
            if bound:
                assert 'class="errorlist' in html  # errors are written, not only skipped
    assert compared == 16


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _by_old_template(response: Any) -> str:
    """The page as the template with the loops gives it: the same context, the loops included
    back in place of the tags."""
    source = (TEMPLATES / "reviews/review_detail.html").read_text(encoding="utf-8")
    old = source.replace(
        "{% review_sections rows previous %}", '{% include "reviews/_review_sections.html" %}'
    ).replace("{% review_tasks tasks %}", '{% include "reviews/_review_tasks.html" %}')
    assert old != source and "{% review_" not in old
    context = response.context[0].flatten()  # the page's own (then base.html's, the includes')
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return ENGINE.from_string(old).render(context, request=response.wsgi_request)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_review_page_is_the_templates_page(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path, language: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    evaluation = make_round(cast).evaluation
    client.force_login(cast.member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("review_detail", args=[evaluation.pk])
    new = client.get(url)
    hostile = {
        "version": str(evaluation.version),
        **{f"text_{key}": HOSTILE for key in ("qualities", "duties", "pledge", "remedies")},
        "task_0": HOSTILE,
        "product_0": HOSTILE,
        "result_0": "dung_han",
        "score_common": "26",
        "score_tasks": "62",
        "self_level": "HTTNV",
    }
    saved = client.post(reverse("review_save", args=[evaluation.pk]), hostile)
    assert saved.status_code == 302
    draft = client.get(url)
    refused = client.post(
        reverse("review_save", args=[evaluation.pk]), _bound_with_errors("2B-2025")
    )
    assert refused.status_code == 400
    for response in (new, draft, refused):
        html = response.content.decode()
        assert 'id="review-form"' in html and html.count("<fieldset") >= 8
        assert _without_tokens(html) == _without_tokens(_by_old_template(response))
    assert "&lt;b&gt;Bí thư&lt;/b&gt;" in draft.content.decode()
    assert 'class="errorlist' in refused.content.decode()


def test_forms_sharing_their_fields_keep_their_own_data_and_language() -> None:
    """The fields are built once per definition, variant and language; each form still
    cleans its own data, and a form in English has English labels."""
    with translation.override("vi"):
        first = _form(
            "2B-2025", {"version": "1", "task_0": "A", "result_0": "cham"}, civil=False, quarter=0
        )
        second = _form("2B-2025", {"version": "2", "task_0": "B"}, civil=False, quarter=0)
        assert first.fields["task_0"] is second.fields["task_0"]  # built once
        assert first.is_valid() and not second.is_valid()
        assert first.cleaned_data["task_0"] == "A" and "result_0" in second.errors
        vietnamese = str(first["task_0"].label)
    with translation.override("en"):
        english = _form("2B-2025", None, civil=False, quarter=0)
        assert english.fields["task_0"] is not first.fields["task_0"]
        assert str(english["task_0"].label) == "Task 1" != vietnamese
    assert first.cleaned_data["tasks_total"] == 1 and first.content()["tasks"][0]["task"] == "A"


@pytest.mark.django_db
def test_last_years_shortcomings_are_asked_about_on_this_years_form(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    """Last year's listed shortcomings (read with the previous period inside one statement)
    each get their "fixed?" choice, their text escaped, and the page is the template's."""
    settings.MEDIA_ROOT = tmp_path
    last_year = period_create(
        actor=None,
        name="Năm 2025",
        year=2025,
        kind=PeriodKind.YEAR,
        ruleset="366-2025",
        scope_root=cast.root,
        evaluation_date=dt.date(2025, 12, 15),
    )
    period_open(actor=None, period=last_year)
    Evaluation.objects.filter(period=last_year, person=cast.member_a1).update(
        content={"shortcomings": [HOSTILE, {"text": "Chậm nộp đảng phí"}]}
    )
    evaluation = make_round(cast).evaluation
    assert selectors.previous_items(evaluation) == [HOSTILE, "Chậm nộp đảng phí"]
    previous = selectors.previous_evaluation(evaluation)
    assert previous is not None and previous.period == last_year
    other = Evaluation.objects.get(period=evaluation.period, person=cast.member_b1)
    assert selectors.previous_items(other) == []  # nothing listed last year
    cell = Evaluation.objects.get(
        period=evaluation.period, kind=SubjectKind.CELL, unit=cast.cell_a1
    )
    cell.content = {"sections": {"principles": {"text": "Chi bộ <đoàn kết>"}}}
    cell.save(update_fields=["content"])
    for one in (evaluation, other, cell, *Evaluation.objects.filter(period=last_year)[:3]):
        one = Evaluation.objects.select_related("period__scope_root", "unit").get(pk=one.pk)
        both = (selectors.previous_items(one), selectors.collective_content(one))
        assert selectors.self_review_reads(one) == both, one
    assert selectors.self_review_reads(evaluation)[1] == cell.content  # this year's, read
    assert selectors.self_review_reads(cell)[1] is None  # a cell reads no collective review
    client.force_login(cast.member)
    response = client.get(reverse("review_detail", args=[evaluation.pk]))
    html = response.content.decode()
    assert 'name="prev_0"' in html and 'name="prev_1"' in html and 'name="prev_2"' not in html
    assert "&lt;b&gt;Bí thư&lt;/b&gt;" in html and "Chậm nộp đảng phí" in html
    assert _without_tokens(html) == _without_tokens(_by_old_template(response))
    history = client.get(reverse("my_history")).content.decode()
    assert 0 < history.index("Năm 2026") < history.index("Năm 2025")  # the latest year first


@pytest.mark.django_db
def test_my_review_goes_to_the_open_evaluation_or_the_history(
    client: Client, cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    evaluation = make_round(cast).evaluation
    client.force_login(cast.member)
    response = client.get(reverse("my_review"))
    assert response.status_code == 302
    assert response["Location"] == reverse("review_detail", args=[evaluation.pk])
    Period.objects.filter(pk=evaluation.period_id).update(status=PeriodStatus.CLOSED)
    assert client.get(reverse("my_review"))["Location"] == reverse("my_history")
    history = client.get(reverse("my_history")).content.decode()
    assert reverse("review_detail", args=[evaluation.pk]) in history
