"""Calendar arithmetic the rules need (standard library only)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month.

    >>> add_months(dt.date(2024, 8, 31), 6)
    datetime.date(2025, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def less_than_months(start: dt.date, on: dt.date, months: int) -> bool:
    """True when fewer than ``months`` whole months separate ``start`` from ``on``
    ("chưa đủ 6 tháng tính đến thời điểm đánh giá").

    >>> less_than_months(dt.date(2024, 6, 1), dt.date(2024, 11, 30), 6)
    True
    >>> less_than_months(dt.date(2024, 6, 1), dt.date(2024, 12, 1), 6)
    False
    """
    return on < add_months(start, months)
