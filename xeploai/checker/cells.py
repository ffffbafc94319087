"""How the checker reads one cell of a proposals workbook by its column's type: text, number,
yes/no, date, level, grade, list or choice — the value, or the problem with it in Vietnamese
(``CellError``), for ``checker.workbook`` to report with the sheet, row and column."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from xeploai.checker.template import Column
from xeploai.lib.text import clean_text, odd_character, visible
from xeploai.rules import Grade, Level, RuleError

OLDEST, NEWEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


class CellError(Exception):
    pass


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a useless ".0", text in NFC with its spaces collapsed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def shown(value: Any, limit: int = 40) -> str:
    """A cell's value quoted for a message, shortened when huge."""
    text = visible(cell_text(value) if isinstance(value, float) else str(value))
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


_TYPE_NAMES = {
    bool: "ô Đúng/Sai",
    dt.datetime: "ô ngày giờ",
    dt.date: "ô ngày",
    dt.time: "ô giờ (hoặc ngày trước năm 1900)",
    dt.timedelta: "ô khoảng thời gian",
}
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _not_text(value: Any) -> str | None:
    """Why a cell that should hold text or a number does not, or None."""
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return None


def _checked_text(value: Any) -> str:
    odd = _not_text(value)
    if odd:
        raise CellError(f"{odd} {shown(value)} — cần văn bản")
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(f"{shown(value)} không phải giá trị hợp lệ — cần văn bản")
    text = cell_text(value)
    found = odd_character(text)
    if found:
        position, char, invisible = found
        what = "ký tự ẩn" if invisible else "ký tự không thuộc chữ Latinh tiếng Việt"
        raise CellError(
            f"{shown(text)} chứa {what} U+{ord(char):04X} ở vị trí {position} — hãy gõ lại ô "
            "này (có thể là ký tự trông giống nhưng khác mã)"
        )
    return text


def _number(column: Column, value: Any) -> float:
    odd = _not_text(value)
    if odd:
        raise CellError(f"{odd} {shown(value)} — cần một số")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = unicodedata.normalize("NFKC", cell_text(value))
        if not _NUMBER.fullmatch(text):
            raise CellError(f"cần một số, không phải {shown(value)}")
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise CellError(f"cần một số, không phải {shown(value)}")
    if number < 0:
        raise CellError(f"số {shown(value)} không được âm")
    if column.header.startswith("%") and number > 100:
        raise CellError(f"tỉ lệ {shown(value)} vượt quá 100")
    return number


def _flag(column: Column, value: Any) -> bool:
    text = cell_text(value).lower()
    if text in {"x", "có", "co", "1", "true", "yes"} or value is True:
        return True
    if text in {"không", "khong", "0", "false", "no"} or value is False:
        return False
    raise CellError(f"giá trị {shown(value)} không hợp lệ: ghi x hoặc để trống")


def _date_text(value: str) -> dt.date:
    text = unicodedata.normalize("NFKC", cell_text(value))
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(f"ngày {shown(value)} không hợp lệ (dd/mm/yyyy)")


def _date(column: Column, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        date = value
    elif isinstance(value, str):
        date = _date_text(value)
    else:
        what = _not_text(value) or "ô số"
        raise CellError(f"{what} {shown(value)} không phải ngày (dd/mm/yyyy)")
    if not OLDEST <= date <= NEWEST:
        raise CellError(f"ngày {date:%d/%m/%Y} ngoài khoảng 1900–2100")
    return date


def _int(column: Column, value: Any) -> int:
    number = _number(column, value)
    if not number.is_integer():
        raise CellError(f"cần số nguyên, không phải {shown(value)}")
    return int(number)


def _level(column: Column, value: Any) -> Level:
    try:
        return Level.parse(_checked_text(value))
    except RuleError:
        raise CellError(
            f"mức xếp loại {shown(value)} không hợp lệ (HTXSNV, HTTNV, HTNV, KHTNV)"
        ) from None


def _grade(column: Column, value: Any) -> Grade:
    try:
        return Grade.parse(_checked_text(value))
    except RuleError:
        raise CellError(f"mức tiêu chí {shown(value)} không hợp lệ (XS, TOT, TB, KEM)") from None


def _list(column: Column, value: Any) -> frozenset[str]:
    text = _checked_text(value)
    return frozenset(part.strip().upper() for part in text.split(",") if part.strip())


def _choice(column: Column, value: Any) -> str:
    text = _checked_text(value)
    choices = column.kind.split(":", 1)[1].split("|")
    if text.upper() not in choices:
        raise CellError(
            f"giá trị {shown(value)} không hợp lệ; chọn một trong: {', '.join(choices)}"
        )
    return text.upper()


# Column kind → how a non-blank cell of it is read ("choice:A|B" kinds go to _choice).
_READERS: dict[str, Any] = {
    "text": lambda column, value: _checked_text(value),
    "flag": _flag,
    "date": _date,
    "int": _int,
    "number": _number,
    "level": _level,
    "grade": _grade,
    "list": _list,
}


def parse_cell(column: Column, value: Any) -> Any:
    """Read one cell as ``column.kind``; raises CellError with a Vietnamese message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False if column.kind == "flag" else None
    kind = column.kind
    read = _choice if kind.startswith("choice:") else _READERS.get(kind)
    if read is None:  # pragma: no cover - template bug
        raise CellError(f"kiểu cột không rõ {kind}")
    return read(column, value)
