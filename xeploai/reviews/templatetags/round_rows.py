"""The round page's per-row markup, built in Python: the page repeats it for every subject of
the cell (its members, the cell itself), where the template's row loop with four includes of
``reviews/_level.html`` per row cost about half the page's CPU. The markup is the one the loop
wrote (``reviews/tests/test_round_markup.py`` compares them, both languages, hostile names)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from xeploai.reviews.templatetags.board import _badge, _text, _url_of

register = template.Library()

_STAGE_BADGES = {"da_quyet_dinh": "badge ok", "tra_lai": "badge warn"}


def _comment_labels() -> dict[str, str]:
    """The comments a row may still miss, by the words the loop wrote for them (active
    language, escaped); another code is written as itself."""
    return {
        "noi_cu_tru": _text(gettext("nơi cư trú")),
        "don_vi_cu": _text(gettext("đơn vị cũ")),
        "chi_bo_tam_thoi": _text(gettext("chi bộ tạm thời")),
    }


def _missing(codes: list[str], labels: dict[str, str]) -> str:
    if not codes:
        return "—"
    return "".join(f'<span class="badge bad">{labels.get(c) or _text(c)}</span> ' for c in codes)


def _blockers(items: list[tuple[str, bool]]) -> str:
    if not items:
        return "—"
    lis = "".join(
        f'<li class="{"bad" if error else "warn"}">{_text(text)}</li>' for text, error in items
    )
    return f'<ul class="blockers">{lis}</ul>'


def _level(level: str) -> str:
    """What an include of ``reviews/_level.html`` wrote: the badge and the file's newline."""
    return f"{_badge(level or '')}\n"


@register.simple_tag(takes_context=True)
def round_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """Every row of the round page's table, as its row loop wrote it (the column headings of
    the ``t_…`` words in the context, each row's cells labelled for the phone cards)."""
    words = {
        key: _text(context.get(key, ""))
        for key in (
            "t_form",
            "t_stage",
            "t_missing",
            "t_self",
            "t_ballot",
            "t_proposed",
            "t_result",
            "t_blockers",
        )
    }
    on_behalf = f' <span class="badge">{_text(gettext("nhập thay"))}</span>'
    labels = _comment_labels()
    head, tail = _url_of("review_detail")
    out: list[str] = []
    add = out.append
    for row in rows:
        e = row.evaluation
        reason = e.not_rated_reason
        add('\n<tr class="dim">\n  ' if reason else "\n<tr>\n  ")
        add(f'<td><a href="{head}{e.pk}{tail}">{_text(e.subject_name)}</a>')
        if e.on_behalf_by_id:  # the user an id names exists (PROTECT): the loop read it
            add(on_behalf)
        add(f'</td>\n  <td data-label="{words["t_form"]}">{_text(e.form_code)}</td>\n  ')
        add(
            f'<td data-label="{words["t_stage"]}"><span class="'
            f'{_STAGE_BADGES.get(e.stage, "badge")}">{_text(e.get_stage_display())}</span>'
        )
        if reason:
            add(f'<br><span class="badge warn">{_text(e.get_not_rated_reason_display())}</span>')
        add(
            f'</td>\n  <td data-label="{words["t_missing"]}">'
            f"{_missing(row.missing_comments, labels)}</td>\n"
            f'  <td data-label="{words["t_self"]}">{_level(e.self_level)}</td>\n'
            f'  <td data-label="{words["t_ballot"]}">{_level(e.ballot_level)}</td>\n'
            f'  <td data-label="{words["t_proposed"]}">{_level(e.cell_level)}</td>\n'
            f'  <td data-label="{words["t_result"]}">{_level(e.level)}</td>\n'
            f'  <td data-label="{words["t_blockers"]}">{_blockers(row.blockers)}</td>\n'
            "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308
