"""The decision board's per-row markup (and its list of rule problems), built in Python: the
board repeats it for every waiting file (a hundred rows or more), where template loops and
includes cost most of the page. The markup is the one the template loops wrote; each variant
is built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _option(value: str, selected: bool, label: str) -> str:
    chosen = " selected" if selected else ""
    return f'<option value="{escape(value)}"{chosen}>{escape(label)}</option>'


@lru_cache(maxsize=64)
def _level_options(codes: tuple[str, ...], selected: str) -> SafeString:
    return mark_safe("".join(_option(c, c == selected, c or "—") for c in codes))  # noqa: S308


@lru_cache(maxsize=256)
def _reason_options(choices: tuple[tuple[str, str], ...], selected: str | None) -> SafeString:
    return mark_safe("".join(_option(v, v == selected, label) for v, label in choices))  # noqa: S308


@register.simple_tag
def level_options(codes: tuple[str, ...], selected: str) -> SafeString:
    """The options of the level select: the codes themselves, "—" for none."""
    return _level_options(codes, selected)


@register.simple_tag
def reason_options(
    choices: tuple[tuple[str, str], ...], cell_level: str, not_rated_reason: str
) -> SafeString:
    """The options of the not-rated-reason select (translated labels); the current reason is
    selected only when the cell proposed no level."""
    return _reason_options(choices, None if cell_level else not_rated_reason)


@lru_cache(maxsize=16)
def _badge(level: str) -> SafeString:
    if level:
        return mark_safe(f'<span class="level-{escape(level)}">{escape(level)}</span>')  # noqa: S308
    return mark_safe('<span class="muted">—</span>')


@register.simple_tag
def level_badge(level: str) -> SafeString:
    """What ``reviews/_level.html`` shows: the level's code, or a dash."""
    return _badge(level or "")


_PK = 2_147_483_647  # a placeholder id, reversed once per page and replaced by each row's


def _url_of(name: str) -> tuple[str, str]:
    url = escape(reverse(name, args=[_PK]))
    head, tail = url.split(str(_PK))
    return head, tail


def _text(value: Any) -> str:
    """``conditional_escape``, without its lazy-string wrapper for the plain strings of a row."""
    if type(value) is str:
        return escape(value)
    return str(conditional_escape(value))


def _blockers(items: list[tuple[str, bool]]) -> str:
    """What would stop the row's decision now, above its form: refusals in red, what needs a
    reason in amber."""
    lis = "".join(
        f'<li class="{"bad" if error else "warn"}">{_text(text)}</li>' for text, error in items
    )
    return f'\n      <ul class="blockers">{lis}</ul>'


@dataclass(frozen=True)
class _FormParts:
    """What every row's decide form shares, computed once per page."""

    words: dict[str, str]
    board_url: str
    csrf: str
    codes: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...]
    action: tuple[str, str]  # the decide URL around the row's id
    end: str  # the reason, the override and the button, as first shown


def _decide_form(row: Any, form: _FormParts, refused: dict[str, Any] | None) -> str:
    """A sent row's decide form, with the decision just refused on it (why, above the form,
    and what was sent) or else what would stop its decision now."""
    e = row.evaluation
    pk = e.pk
    words = form.words
    attempt = refused if refused is not None and refused.get("pk") == pk else None
    level, reason = (
        (e.cell_level, e.not_rated_reason)
        if attempt is None
        else (attempt["level"], attempt["not_rated_reason"])
    )
    out = ""
    if attempt is not None:
        errors = "".join(f"<li>{_text(text)}</li>" for text in attempt["errors"])
        out = f'\n      <ul class="errors" role="alert">{errors}</ul>'
    elif row.blockers:
        out = _blockers(row.blockers)
    action = f"{form.action[0]}{pk}{form.action[1]}"
    out += (
        f'\n      <form method="post" action="{action}" class="decide"'
        f' hx-post="{action}" hx-target="closest tr" hx-swap="outerHTML">\n        '
        f'{form.csrf}<input type="hidden" name="version" value="{_text(e.version)}">'
        f'<input type="hidden" name="next" value="{form.board_url}#e{pk}">\n'
        f'        <select name="level" aria-label="{words["t_level"]}">'
        f"{_level_options(form.codes, level)}</select>\n"
        f'        <select name="not_rated_reason" aria-label="{words["t_reason"]}">'
        f"{reason_options(form.reasons, level, reason)}</select>\n        "
    )
    if attempt is None:
        return out + form.end
    return out + _form_words(words, attempt["reason"], attempt["override"])


@register.simple_tag(takes_context=True)
def board_rows(context: template.Context, rows: list[Any], oob: bool = False) -> SafeString:
    """Every row of the board's table, as the template's row loop wrote it (the page's
    translated words, the decide forms' options and the URLs are computed once per page);
    ``oob``: each for htmx to swap in out of band, in a ``template`` (a row cannot stand alone)."""
    can_decide = may_decide = bool(context.get("can_decide"))
    words = {
        key: _text(context.get(key, ""))
        for key in (
            "t_level",
            "t_reason",
            "t_placeholder",
            "t_why",
            "t_override",
            "t_decide",
            "t_competent",
            "t_locked",
        )
    }
    detail_head, detail_tail = _url_of("review_detail")
    form = _FormParts(
        words=words,
        board_url=_text(context.get("board_url", "")),
        csrf=str(CsrfTokenNode().render(context)),
        codes=context.get("level_codes") or (),
        reasons=context.get("reason_choices") or (),
        action=_url_of("decide"),
        end=_form_words(words),
    )
    competent = f' <span class="badge warn">{words["t_competent"]}</span>'
    locked = f' <span class="badge ok">{words["t_locked"]}</span>\n    '
    refused: dict[str, Any] | None = context.get("refused")  # the decision just refused
    # not ticked for "decide as proposed": the rules refuse their proposal (the page says why)
    blocked: frozenset[int] = context.get("blocked") or frozenset()
    group_labels: dict[str, str] = {}  # translated once per group, not once per row
    labels = _cell_labels()  # each cell's column heading: a labelled card on a phone
    out: list[str] = []
    add = out.append
    for row in rows:
        e = row.evaluation
        pk = e.pk
        name = _text(e.subject_name)
        sent = e.stage == "da_gui"
        if oob:
            add('<template><tr hx-swap-oob="true"')
        else:
            add("\n<tr")
        add(f' id="e{pk}"' + (' class="dim">\n  ' if e.not_rated_reason else ">\n  "))
        if can_decide:
            if sent:
                add(
                    f'<td class="pick" data-label="{labels["pick"]}"><input type="checkbox"'
                    f' name="ids" value="{pk}" form="accept-form"'
                    f' aria-label="{name}"{"" if pk in blocked else " checked"}></td>'
                )
            else:
                add('<td class="pick"></td>')
        add(f'\n  <td class="subject"><a href="{detail_head}{pk}{detail_tail}">{name}</a>')
        if e.person_id:
            add(f'<br><span class="muted">{_text(e.unit.name)}</span>')
        group = group_labels.get(e.group)
        if group is None:
            group = group_labels[e.group] = _text(row.group_label)
        add(f'</td>\n  <td data-label="{labels["group"]}">{group}</td>\n  <td')
        add(f' data-label="{labels["self"]}">')
        add(_badge(e.self_level or ""))
        add(f'</td>\n  <td data-label="{labels["ballot"]}">')
        add(_badge(e.ballot_level or ""))
        add(f'</td>\n  <td data-label="{labels["proposal"]}">')
        add(_badge(e.cell_level or ""))
        if e.not_rated_reason:
            add(f'<br><span class="badge warn">{_text(e.get_not_rated_reason_display())}</span>')
        add(f'</td>\n  <td class="wide" data-label="{labels["ceiling"]}">')
        ceiling = row.ceiling
        if ceiling:
            add(_badge(row.ceiling_level or ""))
            if row.needs_decision:
                add(competent)
            if row.messages:
                add('<ul class="why">')
                add("".join(f"<li>{_text(m)}</li>" for m in row.messages))
                add("</ul>")
        elif row.facts_problem:
            add(f'<p class="errors">{_text(row.facts_problem)}</p>')  # wraps, unlike a badge
        else:
            add("—")
        add(f'</td>\n  <td class="wide" data-label="{labels["decision"]}">\n    ')
        if e.is_locked:
            add(_badge(e.level or ""))
            add(locked)
        elif may_decide and sent:
            add(_decide_form(row, form, refused))
        else:
            add(f'<span class="muted">{_text(e.get_stage_display())}</span>')
            if row.blockers:
                add(_blockers(row.blockers))
        add("\n  </td>\n</tr>\n" + ("</template>" if oob else ""))
    return mark_safe("".join(out))  # noqa: S308


def _cell_labels() -> dict[str, str]:
    """The board's column headings (board.html's ``thead``), escaped, in the active language."""
    return {
        "pick": escape(gettext("Chọn để quyết định theo đề xuất")),
        "group": escape(gettext("Nhóm")),
        "self": escape(gettext("Tự nhận")),
        "ballot": escape(gettext("Bỏ phiếu")),
        "proposal": escape(gettext("Đề xuất")),
        "ceiling": escape(gettext("Mức tối đa theo quy định")),
        "decision": escape(gettext("Quyết định")),
    }


def _form_words(words: dict[str, str], reason: str = "", override: bool = False) -> str:
    """The end of a row's decide form: the reason, the override, the button (with the reason
    and the override sent, for a decision just refused)."""
    value = f' value="{_text(reason)}"' if reason else ""
    checked = " checked" if override else ""
    return (
        f'<input type="text" name="reason" placeholder="{words["t_placeholder"]}"'
        f' aria-label="{words["t_why"]}"{value}>\n'
        f'        <label><input type="checkbox" name="override"{checked}> {words["t_override"]}'
        "</label>\n"
        f'        <button type="submit" class="primary">{words["t_decide"]}</button>\n'
        "      </form>\n    "
    )


def _subject_link(
    pk: int, context: template.Context, on_page: set[int] | None, head: str, tail: str
) -> str:
    """A problem's link to a subject: its row when on this page, else its review."""
    if on_page is None or pk in on_page:
        return f"#e{render_value_in_context(pk, context)}"
    return f"{head}{pk}{tail}"


SHOWN_SUBJECTS = 12  # a problem links its first twelve subjects, then counts the others


@register.simple_tag(takes_context=True)
def board_problems(context: template.Context, problems: list[Any]) -> SafeString:
    """The items of the board's list of rule problems, as the template's loop wrote them: the
    problem, its first subjects linked to their rows, "và n đối tượng khác" for the rest."""
    on_page: set[int] | None = context.get("on_page")  # else every row is on the page
    detail_head, detail_tail = _url_of("review_detail")
    out: list[str] = []
    add = out.append
    for problem in problems:
        add(f'<li class="{"bad" if problem.error else "warn"}">{_text(problem.message)}')
        subjects = problem.subjects
        if subjects:
            add('<br><span class="subjects">')
            add(
                ", ".join(
                    f'<a href="{_subject_link(pk, context, on_page, detail_head, detail_tail)}">'
                    f"{_text(name)}</a>"
                    for pk, name in subjects[:SHOWN_SUBJECTS]
                )
            )
            if len(subjects) > SHOWN_SUBJECTS:
                n = render_value_in_context(len(subjects) - SHOWN_SUBJECTS, context)
                add(" " + gettext("và %(n)s đối tượng khác") % {"n": n})
            add("</span>")
        add("</li>")
    return mark_safe("".join(out))  # noqa: S308
