"""Vietnamese text: one normal form for storage (NFC) and one folded form for search."""

import unicodedata


def nfc(text: str) -> str:
    """Composed form (NFC): the one form stored and compared, whatever the keyboard produced."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC with runs of whitespace collapsed to one space and the ends trimmed."""
    return " ".join(nfc(text).split())


def fold(text: str) -> str:
    """Lower-case, no diacritics, "đ" as "d": "Nguyễn Văn Đức" → "nguyen van duc".

    >>> fold("  Nguyễn  Văn ĐỨC ")
    'nguyen van duc'
    """
    decomposed = unicodedata.normalize("NFD", clean_text(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")
