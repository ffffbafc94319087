"""The paper tally form's rows, built in Python: one per subject with an input per level (a
hundred inputs for a cell of 25), where the template's nested loop and its filters cost more
than the rest of the page. The markup is the one the loop wrote
(``ballots/tests/test_paper_count.py`` compares them, both languages, hostile names)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def paper_rows(context: template.Context, rows: list[Any], levels: tuple[str, ...]) -> SafeString:
    """``rows``: (subject, its votes keyed so far by level, whether the other keying differs)."""
    differs_title = conditional_escape(gettext("Dòng này khác lần nhập kia"))
    differs_badge = conditional_escape(gettext("khác lần nhập kia"))
    marked = f' class="mismatch" title="{differs_title}"'
    badge = f' <span class="badge bad">{differs_badge}</span>'
    escaped = [conditional_escape(level) for level in levels]
    out: list[str] = []
    add = out.append
    for subject, votes, differs in rows:
        name = conditional_escape(subject.subject_name)
        pk = render_value_in_context(subject.pk, context)
        add(f"<tr{marked if differs else ''}><td>{name}{badge if differs else ''}</td>\n")
        for level, shown in zip(levels, escaped, strict=True):
            value = votes.get(level)
            value = "" if value is None else render_value_in_context(value, context)
            add(
                f'<td data-label="{shown}"><input type="number" min="0" name="{pk}-{shown}"'
                f' value="{value}" aria-label="{name} {shown}" inputmode="numeric"></td>'
            )
        add("\n</tr>")
    return mark_safe("".join(out))  # noqa: S308
