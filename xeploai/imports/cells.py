"""Turn one raw cell (what calamine or the csv reader gives) into a clean value, or say why not.

Converters raise ``CellError`` with the message that follows the cell's address. They are called
once per cell of files of 100,000 rows, so each one does the least work on the common case.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from xeploai.imports.columns import (
    BOOL,
    CARD,
    CCCD,
    CHOICE,
    CODE,
    DATE,
    POINTS,
    TEXT,
    YEAR,
    Column,
)
from xeploai.imports.problems import shown
from xeploai.lib.cells import csv_unescape
from xeploai.lib.text import fold, text_refusal

Converter = Callable[[Any], Any]
OLDEST = dt.date(1900, 1, 1)
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DIGITS = re.compile(r"[0-9]+")
_TRUE = {"co", "x", "1", "true", "yes", "dung", "c"}
_FALSE = {"khong", "0", "false", "no", "sai", "k"}


class CellError(ValueError):
    pass


def _text(raw: Any) -> str:
    if type(raw) is str:
        return raw
    if type(raw) is float and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _cell_kinds() -> dict[type, str]:
    return {
        bool: _("Đúng/Sai"),
        dt.date: _("ngày"),
        dt.datetime: _("ngày giờ"),
        dt.time: _("giờ"),
        dt.timedelta: _("khoảng thời gian"),
        float: _("số"),
    }


def _typed_text(raw: Any, expected: str) -> str:
    """The text of a cell that is not a string: a finite number is read as its digits (a CSV
    file would hold the same text); a date, a time, a yes/no or a non-finite number is not text."""
    kind = type(raw)
    if kind is int or (kind is float and math.isfinite(raw)):
        return _text(raw)
    raise CellError(
        _("{value} là ô kiểu {kind} — cần {expected}").format(
            value=shown(raw), kind=_cell_kinds().get(kind, kind.__name__), expected=expected
        )
    )


def _ascii_digits(text: str) -> str:
    """Full-width digits (０８４…) are the same digits: NFKC makes them ASCII."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# Whitespace that clean_text() would change: anything but a single inner space.
_UNCLEAN_SPACE = re.compile(r"[^\S ]|  |^ | $")
_COMBINING: dict[int, None] | None = None


def _clean(text: str) -> str:
    """``lib.text.clean_text`` with fast paths: this runs on every text cell."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _UNCLEAN_SPACE.search(text):
        return " ".join(text.split())
    return text


def fold_clean(text: str, memo: dict[str, str]) -> str:
    """``lib.text.fold`` of an already clean text, memoized (names repeat a lot)."""
    folded = memo.get(text)
    if folded is None:
        global _COMBINING
        if _COMBINING is None:
            _COMBINING = {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}
        if text and max(text) > "\uffff":
            folded = fold(text)
        else:
            decomposed = unicodedata.normalize("NFD", text.lower())
            folded = decomposed.translate(_COMBINING).replace("đ", "d")
        memo[text] = folded
    return folded


def text_converter(column: Column) -> Converter:
    limit = column.max_length

    def convert(raw: Any) -> str:
        value = _clean(raw if type(raw) is str else _typed_text(raw, _("văn bản")))
        if value.startswith("'"):
            value = csv_unescape(value)  # a text our csv exports escaped: read what it stood for
        if limit and len(value) > limit:
            raise CellError(
                _("{value} dài {length} ký tự — tối đa {limit} ký tự").format(
                    value=shown(value, 40), length=len(value), limit=limit
                )
            )
        refusal = text_refusal(value, lambda text: shown(text, 40))
        if refusal is not None:
            raise CellError(refusal)
        return value

    return convert


def code_converter(column: Column) -> Converter:
    limit = column.max_length

    def convert(raw: Any) -> str:
        value = (raw if type(raw) is str else _typed_text(raw, _("mã"))).strip()
        if not _CODE.fullmatch(value) or len(value) > limit:
            raise CellError(
                _(
                    "{value} không phải mã hợp lệ — cần chữ cái không dấu, chữ số, dấu . _ -, "
                    "không khoảng trắng, tối đa {limit} ký tự"
                ).format(value=shown(value), limit=limit)
            )
        return value

    return convert


def date_converter(today: dt.date) -> Converter:
    def convert(raw: Any) -> dt.date:
        kind = type(raw)
        value: dt.date
        if kind is dt.date:
            value = raw
        elif kind is dt.datetime:
            value = raw.date()
        elif kind is dt.time:
            raise CellError(
                _(
                    "ô giờ {value} không phải ngày (Excel ghi ngày trước năm 1900 như vậy) — cần "
                    "một ngày từ năm 1900, dạng dd/mm/yyyy"
                ).format(value=shown(raw))
            )
        else:
            text = _text(raw).strip()
            match = _DATE_TEXT.match(text)
            day_month_year: tuple[str, str, str] | None = None
            if match:
                day_month_year = (match[1], match[2], match[3])
            else:
                iso = _ISO_DATE.match(text)
                if iso:
                    day_month_year = (iso[3], iso[2], iso[1])
            if day_month_year is None:
                raise CellError(
                    _("{value} không phải ngày hợp lệ — cần dạng dd/mm/yyyy").format(
                        value=shown(text)
                    )
                )
            day, month, year = (int(part) for part in day_month_year)
            try:
                value = dt.date(year, month, day)
            except ValueError:
                raise CellError(
                    _("{value} không phải ngày hợp lệ — cần dạng dd/mm/yyyy").format(
                        value=shown(text)
                    )
                ) from None
        if value > today:
            raise CellError(
                _("{value} là ngày trong tương lai — cần một ngày đến hết {today}").format(
                    value=shown(f"{value:%d/%m/%Y}"), today=f"{today:%d/%m/%Y}"
                )
            )
        if value < OLDEST:
            raise CellError(
                _("{value} quá xa — cần một ngày từ năm 1900").format(
                    value=shown(f"{value:%d/%m/%Y}")
                )
            )
        return value

    return convert


def _digits(raw: Any, *, pad_to: int = 0) -> str:
    if type(raw) in (float, int) and float(raw).is_integer() and raw >= 0:
        # Excel turned the number into a number and dropped its leading zeros.
        text = str(int(raw))
        return text.zfill(pad_to) if pad_to and pad_to - 2 <= len(text) < pad_to else text
    return _ascii_digits(_text(raw).strip()).replace(" ", "").replace(".", "")


def cccd_converter(column: Column) -> Converter:
    def convert(raw: Any) -> str:
        if type(raw) is str and len(raw) == 12 and raw.isascii() and raw.isdigit():
            return raw  # the common case: a text cell of 12 digits
        value = _digits(raw, pad_to=12)
        if len(value) != 12 or not _DIGITS.fullmatch(value):
            raise CellError(
                _("{value} không hợp lệ — số CCCD cần đúng 12 chữ số").format(value=shown(raw))
            )
        return value

    return convert


def card_converter(column: Column) -> Converter:
    def convert(raw: Any) -> str:
        if type(raw) is str and 6 <= len(raw) <= 12 and raw.isascii() and raw.isdigit():
            return raw  # the common case: a text cell of 6 to 12 digits
        value = _digits(raw)
        if not 6 <= len(value) <= 12 or not _DIGITS.fullmatch(value):
            raise CellError(
                _("{value} không hợp lệ — số thẻ đảng viên cần từ 6 đến 12 chữ số").format(
                    value=shown(raw)
                )
            )
        return value

    return convert


def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Folded code and folded label (Vietnamese and English) → code."""
    lookup: dict[str, str] = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[fold(str(label))] = value
    for value in choices.values:
        if value:
            lookup[fold(value)] = value
            lookup[fold(value.replace("_", " "))] = value
    return lookup


def choice_converter(column: Column) -> Converter:
    assert column.choices is not None
    lookup = choice_lookup(column.choices)
    with translation.override("vi"):
        allowed = " / ".join(str(label) for value, label in column.choices.choices if value)

    memo: dict[Any, str] = {}

    def convert(raw: Any) -> str:
        value = memo.get(raw)
        if value is not None:
            return value
        value = lookup.get(fold(_text(raw)))
        if value is not None:
            memo[raw] = value
        if value is None:
            raise CellError(
                _("{value} không có trong danh mục — cần một trong: {allowed}").format(
                    value=shown(raw), allowed=allowed
                )
            )
        return value

    return convert


def bool_converter(column: Column) -> Converter:
    def convert(raw: Any) -> bool:
        if type(raw) is bool:
            return raw
        if raw in ("Có", "Không"):
            return bool(raw == "Có")
        folded = fold(_text(raw))
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise CellError(_("{value} không hợp lệ — cần Có hoặc Không").format(value=shown(raw)))

    return convert


def year_converter(today: dt.date) -> Converter:
    def convert(raw: Any) -> int:
        text = _ascii_digits(_text(raw).strip())
        if len(text) != 4 or not _DIGITS.fullmatch(text) or not 2000 <= int(text) <= today.year:
            raise CellError(
                _("{value} không phải năm hợp lệ — cần một năm từ 2000 đến {year}").format(
                    value=shown(raw), year=today.year
                )
            )
        return int(text)

    return convert


_POINTS = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")
HUNDRED = Decimal(100)


def points_converter(column: Column) -> Converter:
    """Points out of 100 with at most two decimals: 86, 86.5 or 86,5 (the Vietnamese comma)."""

    def convert(raw: Any) -> Decimal:
        kind = type(raw)
        if kind is bool or kind not in (int, float, str):
            raise CellError(
                _("{value} không phải điểm — cần một số từ 0 đến 100").format(value=shown(raw))
            )
        if kind is float and not math.isfinite(raw):
            raise CellError(
                _("{value} không phải điểm — cần một số từ 0 đến 100").format(value=shown(raw))
            )
        text = _ascii_digits(_text(raw).strip()) if kind is str else repr(raw)
        if kind is float:
            text = f"{round(raw, 6):.6f}".rstrip("0").rstrip(".")
        if not _POINTS.match(text):
            raise CellError(
                _(
                    "{value} không phải điểm hợp lệ — cần một số từ 0 đến 100, tối đa hai chữ số "
                    "thập phân"
                ).format(value=shown(raw))
            )
        value = Decimal(text.replace(",", "."))
        if value > HUNDRED:
            raise CellError(
                _("{value} vượt thang điểm — cần một số từ 0 đến 100").format(value=shown(text))
            )
        return value

    return convert


def converter_for(column: Column, today: dt.date) -> Converter:
    if column.cell_type == TEXT:
        return text_converter(column)
    if column.cell_type == CODE:
        return code_converter(column)
    if column.cell_type == DATE:
        return date_converter(today)
    if column.cell_type == CCCD:
        return cccd_converter(column)
    if column.cell_type == CARD:
        return card_converter(column)
    if column.cell_type == CHOICE:
        return choice_converter(column)
    if column.cell_type == BOOL:
        return bool_converter(column)
    if column.cell_type == YEAR:
        return year_converter(today)
    if column.cell_type == POINTS:
        return points_converter(column)
    raise ValueError(f"unknown column type {column.cell_type!r}")
