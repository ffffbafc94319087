"""The self-review form's repeated parts written in Python: its sections (a text and a
self-grade each, last year's shortcomings under theirs) and its task rows.

The review form is the page members ask most (issue 19 §4: a third of the December mix's
CPU), and its template spent most of its time in these two loops — looking up each field's
label, id and errors through the template engine. The tags write the loops' exact markup:
``reviews/_review_sections.html`` and ``reviews/_review_tasks.html`` are the loops as the page
had them, kept as the reference ``reviews/tests/test_review_form_tags.py`` holds the tags to
(real forms in both languages, bound with errors, hostile texts). Every value is written as
``{{ value }}`` writes it (``render_value_in_context``); the fields' widgets and error lists
are Django's own (``xeploai.lib.widgets`` renders them).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _errors(field: BoundField, context: template.Context) -> str:
    """``{{ field.errors }}``: nothing without errors (an empty list renders nothing) — most
    fields, every time a form is first shown — without building and rendering the list."""
    if not field.form.errors.get(field.name):
        return ""
    return render_value_in_context(field.errors, context)


def _label(field: BoundField, context: template.Context, css: str = "") -> str:
    """``<label for="{{ field.id_for_label }}">{{ field.label }}</label>``."""
    return (
        f'<label{css} for="{render_value_in_context(field.id_for_label, context)}">'
        f"{render_value_in_context(field.label, context)}</label>"
    )


def _section(
    context: template.Context,
    counter: int,
    section: Any,
    text: BoundField,
    grade: BoundField | None,
    previous: list[BoundField],
) -> str:
    out = [
        '\n    <fieldset class="section">\n      <legend>'
        f"{render_value_in_context(counter, context)}. "
        f"{render_value_in_context(section.label, context)}</legend>\n      "
    ]
    if section.key == "previous" and previous:
        items = "".join(
            f"<li>{_label(field, context)} {render_value_in_context(field, context)} "
            f"{_errors(field, context)}</li>"
            for field in previous
        )
        out.append(f'\n        <ul class="plainlist">{items}</ul>\n      ')
    out.append(f"\n      {render_value_in_context(text, context)} {_errors(text, context)}\n      ")
    if grade:
        out.append(
            f"{_label(grade, context)} {render_value_in_context(grade, context)} "
            f"{_errors(grade, context)}"
        )
    out.append("\n    </fieldset>\n  ")
    return "".join(out)


@register.simple_tag(takes_context=True)
def review_sections(
    context: template.Context,
    rows: list[tuple[Any, BoundField, BoundField | None]],
    previous: list[BoundField],
) -> SafeString:
    """``reviews/_review_sections.html``: a fieldset per section of the form."""
    return mark_safe(  # noqa: S308 — every value escaped as the template escapes it
        "".join(
            _section(context, counter, section, text, grade, previous)
            for counter, (section, text, grade) in enumerate(rows, start=1)
        )
    )


@register.simple_tag(takes_context=True)
def review_tasks(
    context: template.Context, tasks: list[tuple[BoundField, BoundField, BoundField]]
) -> SafeString:
    """``reviews/_review_tasks.html``: a table row per task (its name, product, result)."""
    hidden = ' class="visually-hidden"'
    rows = [
        "<tr>\n"
        f"        <td>{_label(task, context, hidden)}{render_value_in_context(task, context)}"
        f"{_errors(task, context)}</td>\n"
        f"        <td>{_label(product, context, hidden)}"
        f"{render_value_in_context(product, context)}</td>\n"
        f"        <td>{_label(result, context, hidden)}{render_value_in_context(result, context)}"
        f"{_errors(result, context)}</td>\n"
        "      </tr>"
        for task, product, result in tasks
    ]
    return mark_safe("".join(rows))  # noqa: S308 — every value escaped as the template does
