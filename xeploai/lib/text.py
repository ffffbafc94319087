"""Vietnamese text: one normal form for storage (NFC) and one folded form for search."""

import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xeploai.lib.cells import formula_like


def nfc(text: str) -> str:
    """Composed form (NFC): the one form stored and compared, whatever the keyboard produced."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC with runs of whitespace collapsed to one space and the ends trimmed."""
    return " ".join(nfc(text).split())


def visible(text: str) -> str:
    """``text`` with its invisible and control characters written as escapes (a zero-width space
    as ``\\u200b``, a line break as ``\\n``), so that a message quoting a cell stays on one line
    and shows what is there."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else char.encode("unicode_escape").decode()
        for char in text
    )


def fold(text: str) -> str:
    """Lower-case, no diacritics, "đ" as "d": "Nguyễn Văn Đức" → "nguyen van duc".

    >>> fold("  Nguyễn  Văn ĐỨC ")
    'nguyen van duc'
    """
    decomposed = unicodedata.normalize("NFD", clean_text(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


# Characters nobody types on purpose in a name or a code: controls, format characters (zero-width
# spaces and joiners, direction overrides, the byte-order mark), private use, unassigned.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}
# Printable ASCII, Latin-1 (without the soft hyphen, ª, µ, º), Latin Extended-A/B and Additional (every
# Vietnamese letter), general punctuation (without the invisible ones): nothing odd, no loop.
_PLAIN = re.compile(
    "[ -~\u00a0-\u00a9\u00ab\u00ac\u00ae-\u00b4\u00b6-\u00b9\u00bb-\u024f\u1e00-\u1eff\u2010-\u2027\u2030-\u205e]*"
)


def odd_character(text: str) -> tuple[int, str, bool] | None:
    """The first character of ``text`` that does not belong in Vietnamese text, as (1-based
    position, character, invisible?): an invisible or control character, or a letter or digit
    outside the Latin alphabet and ASCII digits — a Cyrillic "а" or a full-width "１" looks the
    same as the Latin one but is another character, so two such names would never match.

    >>> odd_character("Nguyễn Văn An") is None
    True
    >>> odd_character("Ngu\\u0443\\u0435n")
    (4, 'у', False)
    """
    if _PLAIN.fullmatch(text):
        return None
    for position, char in enumerate(text, start=1):
        if char.isascii():
            if char.isprintable():
                continue
            return position, char, True
        category = unicodedata.category(char)
        if category in _INVISIBLE:
            return position, char, True
        if category[0] == "L" and not unicodedata.name(char, "").startswith("LATIN "):
            return position, char, False
        if category == "Nd":
            return position, char, False
    return None


def text_refusal(value: str, quote: Callable[[str], str]) -> str | None:
    """Why a name cannot be stored, in Vietnamese (``quote`` shows the value in the message), or
    None: it begins like a spreadsheet formula (``= + - @``), or holds a character that
    ``odd_character`` finds. The imports and the admin forms refuse the same names with it."""
    if formula_like(value):
        return _(
            '{value} bắt đầu bằng "{char}" nên bảng tính có thể hiểu là công thức — hãy '
            "bỏ ký tự này"
        ).format(value=quote(value), char=value[0])
    odd = odd_character(value)
    if odd is None:
        return None
    position, char, invisible = odd
    message = (
        _("{value} có ký tự ẩn U+{code} ở vị trí {position} — hãy xóa ký tự này")
        if invisible
        else _(
            '{value} có ký tự "{char}" (U+{code}) ở vị trí {position} không phải chữ '
            "tiếng Việt — có thể là chữ trông giống nhưng khác mã, hãy gõ lại"
        )
    )
    return message.format(value=quote(value), char=char, code=f"{ord(char):04X}", position=position)


def validate_name(value: str) -> None:
    """``text_refusal`` as a Django validator (the admin forms of units and people)."""
    refusal = text_refusal(value, lambda text: f'"{visible(text)}"')
    if refusal is not None:
        raise ValidationError(refusal, code="unsafe_name")
