"""Filters every template may use (registered as a builtin in settings.TEMPLATES)."""

from collections.abc import Sequence
from decimal import Decimal

from django import template

from xeploai.lib.numbers import vn_int, vn_percent

register = template.Library()


@register.filter
def vnint(value: int | None) -> str:
    return "" if value is None else vn_int(int(value))


@register.filter
def vnpct(value: Decimal | str | None) -> str:
    """A rate as "94,37%"; "—" when there is none — also when the template reached it through
    something absent (``b.previous.rate`` of a unit with no previous year gives "")."""
    return vn_percent(None if value == "" else value)  # type: ignore[arg-type]


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key)


@register.filter
def at(items: Sequence[object], index: int) -> object:
    """``items[index]``, "" past the end: a cell's column (``t.columns|at:forloop.counter0``)
    for its ``data-label`` on a phone."""
    try:
        return items[index]
    except (IndexError, TypeError):
        return ""
