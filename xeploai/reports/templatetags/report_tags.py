"""Filters for the report pages."""

from decimal import Decimal

from django import template

from xeploai.reports.wording import change_text

register = template.Library()


@register.filter
def change(points: Decimal | None) -> str:
    """Percentage points in words: "tăng 1,63%", "giảm 0,3%", "không thay đổi"."""
    return change_text(points) or "—"
