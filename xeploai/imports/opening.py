"""Open the data sheet of an import workbook: measured in the zip first, then loaded by calamine —
and the read-ahead that lets ``xeploai import KIND FILE`` do the loading while Django starts.

``open_xlsx`` is the one way an .xlsx import file is opened (``reading.read_table``): the zip
checked, the wanted sheet found and measured against the limits (``lib/sheets.py``
``inspect_xlsx``, the pre-scan), then loaded by python-calamine, which releases the GIL while it
parses. This module imports no model, so that the command line can call ``read_ahead`` before
Django's set-up (``xeploai/cli.py``): the pre-scan runs at once, and calamine's load runs in a
background thread while the process imports the application (about a second of a 100,000-row
import's wall clock). ``open_xlsx`` then takes the load under way if it is for the same file
(same path, size, modification time, sheet and limits); anything unusual in the read-ahead — a
refusal, an error, a changed file — leaves nothing to take, and the file is read again in full,
so that every message is the one the plain path gives.
"""

from __future__ import annotations

import threading
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from xeploai.imports.problems import WorkbookError
from xeploai.lib.numbers import vn_int
from xeploai.lib.sheets import Limits, TooLarge, inspect_xlsx, limits_from_settings, load_sheets
from xeploai.lib.text import fold

ZIP_MAGIC = b"PK\x03\x04"
# The data sheet of each kind of import file (``columns.SHEETS`` names its sheets from here).
SHEET_NAMES = {
    "units": "ToChuc",
    "people": "DangVien",
    "results": "KetQua",
    "civil": "XepLoaiCBCCVC",
    "restructure": "SapXep",
}

Loaded = dict[str, tuple[int, Iterator[list[Any]]]]
Key = tuple[Any, ...]
Ahead = tuple[str, set[tuple[int, int]], Future[Loaded]]
# The one read-ahead of this process (a command reads one file): its key and what it found.
_AHEAD: dict[Key, Ahead] = {}
_AHEAD_LOCK = threading.Lock()


def limits() -> Limits:
    return limits_from_settings("IMPORT_MAX_ROWS", 300_000)


def max_rows() -> int:
    return limits().rows


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def open_xlsx(
    path: Path, sheet_name: str, filename: str
) -> tuple[str, int, Iterator[list[Any]], set[tuple[int, int]]]:
    """The sheet of the workbook at ``path`` named like ``sheet_name``: its name in the file,
    its height from row 1, its rows (converted as they are read) and its formula cells. Raises
    ``WorkbookError`` with the sentence for the user (``filename`` is the name they gave)."""
    ahead = _take(path, sheet_name)
    if ahead is not None:
        wanted, formulas, loading = ahead
        try:
            height, rows = loading.result().get(wanted, (0, iter([])))
        except Exception:  # noqa: S110 — read again below, for the plain path's own message
            pass
        else:
            check_rows(height - 1, sheet_name, filename)
            return wanted, height, rows, formulas
    wanted, formulas = _measure(path, sheet_name, filename)
    try:
        height, rows = load_sheets(path, [wanted]).get(wanted, (0, iter([])))
    except python_calamine.PasswordError:
        raise WorkbookError(ole_message(path, filename)) from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise WorkbookError(_broken(filename)) from None
    check_rows(height - 1, sheet_name, filename)
    return wanted, height, rows, formulas


def read_ahead(path: Path, sheet_name: str) -> bool:
    """Measure the workbook at ``path`` now and start loading its sheet ``sheet_name`` in a
    background thread, for ``open_xlsx`` to take; whether it started. Callable before Django's
    set-up: whatever goes wrong (the sentences need the translations) starts nothing."""
    try:
        key = _key(path, sheet_name)
        with path.open("rb") as stream:
            if not 0 < key[0] <= max_bytes() or stream.read(4) != ZIP_MAGIC:
                return False
        wanted, formulas = _measure(path, sheet_name, path.name)
    except Exception:
        return False
    loading: Future[Loaded] = Future()

    def load() -> None:
        try:
            loading.set_result(load_sheets(path, [wanted]))
        except Exception as error:
            loading.set_exception(error)

    threading.Thread(target=load, name="xeploai-read-ahead", daemon=True).start()
    with _AHEAD_LOCK:
        _AHEAD.clear()
        _AHEAD[key] = (wanted, formulas, loading)
    return True


def _key(path: Path, sheet_name: str) -> Key:
    stat = path.stat()
    return (
        stat.st_size,  # first: read_ahead checks it
        str(path.resolve()),
        stat.st_ino,
        stat.st_mtime_ns,
        sheet_name,
        limits(),
        max_bytes(),
    )


def _take(path: Path, sheet_name: str) -> Ahead | None:
    """The read-ahead, if it is of this very file; the first file opened takes it or drops
    it."""
    with _AHEAD_LOCK:
        if not _AHEAD:
            return None
        ahead = _AHEAD.copy()
        _AHEAD.clear()
    try:
        key = _key(path, sheet_name)
    except OSError:
        return None
    return ahead.get(key)


def _broken(filename: str) -> str:
    return _("Tệp {name} bị hỏng hoặc không trọn vẹn — không đọc được như tệp .xlsx.").format(
        name=filename
    )


def _measure(path: Path, sheet_name: str, filename: str) -> tuple[str, set[tuple[int, int]]]:
    """The zip checked and the sheet measured before anything loads it: the sheet's name in
    the file and its formula cells."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise WorkbookError(
                    _("Tệp {name} không phải tệp Excel .xlsx — hãy dùng tệp mẫu.").format(
                        name=filename
                    )
                )
        # Measured in the zip, as a stream, before calamine builds the sheet's range.
        found = inspect_xlsx(
            path, lambda names: [find_sheet(sheet_name, names, filename)], limits()
        )
    except TooLarge as error:
        raise WorkbookError(too_large(error, filename)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, OSError, zlib.error):
        raise WorkbookError(_broken(filename)) from None
    wanted = next(iter(found.extents), None) or find_sheet(sheet_name, found.names, filename)
    extent = found.extents.get(wanted)
    if extent is not None:
        check_rows(extent.rows - 1, sheet_name, filename)
    return wanted, found.formulas.get(wanted, set())


def ole_message(path: Path, filename: str) -> str:
    try:
        python_calamine.CalamineWorkbook.from_path(str(path)).close()
    except python_calamine.PasswordError:
        return _(
            "Tệp {name} được đặt mật khẩu — hãy bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) "
            "rồi lưu lại dạng .xlsx."
        ).format(name=filename)
    except Exception:  # noqa: S110 — any other failure gets the generic message below
        pass
    return _(
        "Tệp {name} là định dạng Excel 97-2003 (.xls) hoặc bị hỏng — hãy lưu lại dạng .xlsx."
    ).format(name=filename)


def too_large(error: TooLarge, filename: str) -> str:
    if error.sheet:
        return _('Sheet "{sheet}" của tệp {name} {problem}.').format(
            sheet=error.sheet, name=filename, problem=error.message
        )
    return _("Tệp {name} {problem}.").format(name=filename, problem=error.message)


def find_sheet(sheet_name: str, names: list[str], filename: str) -> str:
    for name in names:
        if fold(name) == fold(sheet_name):
            return name
    raise WorkbookError(
        _('Tệp {name} không có sheet "{sheet}" (tệp có: {found}) — hãy dùng tệp mẫu.').format(
            name=filename, sheet=sheet_name, found=", ".join(f'"{n}"' for n in names) or "—"
        )
    )


def check_rows(count: int, sheet_name: str, filename: str) -> None:
    if count > max_rows():
        raise WorkbookError(
            _(
                'Sheet "{sheet}" của tệp {name} có hơn {limit} dòng, quá giới hạn một lần nhập '
                "— hãy chia thành nhiều tệp."
            ).format(sheet=sheet_name, name=filename, limit=vn_int(max_rows()))
        )
