"""English must stay complete: every Vietnamese source string has a translation."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.PACKAGE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def entries() -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr…]) pairs of the catalogue, header excluded, obsolete entries skipped."""
    result: list[tuple[str, list[str]]] = []
    msgid: str | None = None
    strings: list[str] = []
    current: str | None = None
    for line in [*CATALOGUE.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if line.startswith("msgid "):
            if msgid:
                result.append((msgid, strings))
            msgid, strings, current = line[7:-1], [], "id"
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr"):
            strings.append(line.split(" ", 1)[1][1:-1])
            current = "str"
        elif line.startswith('"') and msgid is not None:
            if current == "id":
                msgid += line[1:-1]
            elif current == "str":
                strings[-1] += line[1:-1]
    if msgid:
        result.append((msgid, strings))
    return result


def test_every_source_string_has_an_english_translation() -> None:
    missing = [msgid for msgid, strings in entries() if not all(strings)]
    assert not missing, f"untranslated: {missing[:20]} — run `make messages` and translate"


def test_translations_keep_their_placeholders() -> None:
    broken = [
        msgid
        for msgid, strings in entries()
        for text in strings[:1]
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert not broken, broken


def test_the_compiled_catalogue_is_current() -> None:
    """The committed .mo says what the .po says (run `make messages` after editing the .po)."""
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for msgid, strings in entries()
        if len(strings) == 1 and translations.gettext(_unescape(msgid)) != _unescape(strings[0])
    ]
    assert not stale, f"the .mo is out of date for: {stale[:10]}"


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)


def test_no_translation_is_a_guess_left_by_makemessages() -> None:
    """makemessages fills new strings with near matches marked fuzzy (and `#|` history lines);
    such a guess must be checked and the marks removed, never shipped."""
    import polib

    catalogue = polib.pofile(str(CATALOGUE))
    guesses = [e.msgid for e in catalogue if "fuzzy" in e.flags or e.previous_msgid]
    assert not guesses, guesses
