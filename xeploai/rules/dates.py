"""Calendar arithmetic the rules need (standard library only)."""

from __future__ import annotations

import datetime as dt

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month.

    >>> add_months(dt.date(2024, 8, 31), 6)
    datetime.date(2025, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = _DAYS[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return dt.date(year, month, day.day if day.day <= last else last)


def less_than_months(start: dt.date, on: dt.date, months: int) -> bool:
    """True when fewer than ``months`` whole months separate ``start`` from ``on``
    ("chưa đủ 6 tháng tính đến thời điểm đánh giá").

    >>> less_than_months(dt.date(2024, 6, 1), dt.date(2024, 11, 30), 6)
    True
    >>> less_than_months(dt.date(2024, 6, 1), dt.date(2024, 12, 1), 6)
    False
    """
    return on < add_months(start, months)
