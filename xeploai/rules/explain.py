"""Explanations and violations: every answer of the engine says which rule, which clause,
which numbers, and why — in Vietnamese and in English.

Messages are rendered from the templates in :mod:`xeploai.rules.catalog` when they are read,
with numbers formatted the Vietnamese way in ``message_vi`` (``6.102``, ``19,4``) and the
English way in ``message_en``.

>>> e = Explanation("quota.exceeded", "HD 25 §4.1", {"n_xs": 11, "ratio_pct": 20, "base": 50,
...     "allowed": 10, "group": "KHONG_CHUC_VU"})
>>> e.message_vi
'11 HTXSNV > 20% × 50 = 10 (nhóm KHONG_CHUC_VU): vượt tỉ lệ hoàn thành xuất sắc nhiệm vụ'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from fractions import Fraction
from typing import Any

type Number = (
    int | float | Decimal | Fraction | str | bool | dt.date | Enum | tuple[Any, ...] | None
)


class Severity(StrEnum):
    """How serious a finding is.

    ERROR: the decision breaks a rule. WARNING: the decision needs a human look (a basis that is
    not a hard link, a gap the regulation leaves to the competent level). INFO: context only.
    """

    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"


def format_number(value: object, lang: str = "vi") -> str:
    """Format one number (or level, date, list) for a message in ``lang`` ("vi" or "en").

    >>> format_number(6102), format_number(6102, "en"), format_number(Decimal("19.40"))
    ('6.102', '6,102', '19,4')
    """
    vi = lang == "vi"
    if isinstance(value, bool):
        return ("có" if value else "không") if vi else ("yes" if value else "no")
    if isinstance(value, Enum):
        return str(value.name)
    if isinstance(value, int):
        text = f"{value:,}"
        return text.replace(",", ".") if vi else text
    if isinstance(value, float | Decimal | Fraction):
        rounded = Decimal(str(float(value))).quantize(Decimal("0.01"))
        text = f"{rounded:,.2f}".rstrip("0").rstrip(".")
        if vi:
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if vi else value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        return ", ".join(format_number(item, lang) for item in items)
    if value is None:
        return "—"
    return str(value)


def json_value(value: object) -> object:
    """Turn one number into something ``json.dumps`` accepts."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, float | Decimal | Fraction):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return [json_value(item) for item in value]
    return str(value)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the engine answered what it answered.

    ``key`` is a stable rule key (listed in ``docs/rules.md``), ``clause`` the regulation clause
    it comes from in the rule set used, ``numbers`` the values involved, ``subject`` the id of
    the subject concerned (if any).
    """

    key: str
    clause: str
    numbers: Mapping[str, Number] = field(default_factory=dict)
    subject: str | None = None
    severity: Severity = Severity.INFO

    @property
    def message_vi(self) -> str:
        """The sentence in Vietnamese, numbers formatted the Vietnamese way."""
        from xeploai.rules.catalog import render

        return render(self.key, self.numbers, "vi")

    @property
    def message_en(self) -> str:
        """The sentence in English."""
        from xeploai.rules.catalog import render

        return render(self.key, self.numbers, "en")

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict with both messages."""
        return {
            "key": self.key,
            "clause": self.clause,
            "severity": self.severity.value,
            "subject": self.subject,
            "numbers": {name: json_value(value) for name, value in self.numbers.items()},
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


@dataclass(frozen=True, slots=True)
class Violation(Explanation):
    """An explanation of something wrong in a set of decisions (severity ERROR or WARNING)."""

    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, str, str, str]:
        """Order-independent sort key: subject, rule key, clause, the numbers' values."""
        nums = "|".join(f"{name}={value}" for name, value in sorted(self.numbers.items()))
        return (self.subject or "", self.key, self.clause, nums)
