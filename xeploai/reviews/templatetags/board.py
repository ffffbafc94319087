"""The decision board's per-row markup, built in Python: the board repeats it for every waiting
file (a hundred rows or more), where template loops and includes cost most of the page. The
markup is the one the template loops wrote; each variant is built once per process."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

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
