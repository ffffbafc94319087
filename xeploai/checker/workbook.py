"""Read a proposals workbook and check it with the rule engine.

``check_workbook(path, ruleset_key=None) -> Report`` does the work; ``xeploai.checker.output``
prints the report (text or JSON) and holds the command's ``main``. Problems in the workbook are
reported with the sheet, the Excel row number and the column letter and header — never as a
traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xeploai.checker.cells import CellError, cell_text, parse_cell, shown
from xeploai.checker.template import (
    INFO_ROWS,
    MEMBER_COLUMNS,
    ORG_COLUMNS,
    SHEET_INFO,
    SHEET_MEMBERS,
    SHEET_ORGS,
    Column,
)
from xeploai.lib.numbers import vn_int
from xeploai.lib.sheets import (
    ERRORS_LISTED,
    Limits,
    TooLarge,
    column_letter,
    inspect_xlsx,
    limits_from_settings,
    load_sheets,
)
from xeploai.rules import (
    CheckReport,
    Decision,
    Discipline,
    DisciplineForm,
    DisciplineTarget,
    ExcellenceGroup,
    MemberStatus,
    NotRatedReason,
    ResidenceExemption,
    RuleError,
    RuleSet,
    Subject,
    SubjectKind,
    check_decisions,
    get_ruleset,
    layer,
    quarter_local,
    ruleset_for_year,
)

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2
# Rows per sheet above which a workbook is refused before it is read (setting
# XEPLOAI_CHECK_MAX_ROWS when Django's settings are loaded).
DEFAULT_MAX_ROWS = 300_000
FORMULA_MESSAGE = "ô chứa công thức — hãy đổi thành giá trị (Sao chép, rồi Dán đặc biệt → Giá trị)"


def limits() -> Limits:
    """The sheet limits: ``settings.CHECK_MAX_ROWS`` rows and the ``SHEET_MAX_*`` settings if
    Django is configured, else the defaults."""
    return limits_from_settings("CHECK_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_rows() -> int:
    return limits().rows


@dataclass(frozen=True, slots=True)
class InputError:
    """A problem in the workbook itself."""

    sheet: str
    row: int | None
    column: str | None
    header: str | None
    message_vi: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", dòng {self.row}"
        if self.column is not None:
            where += f", cột {self.column}"
        if self.header:
            where += f" ({self.header})"
        return f"{where}: {self.message_vi}"


@dataclass(frozen=True, slots=True)
class Report:
    """The result of checking one workbook. ``rows`` maps each subject id to its (sheet,
    row); ``errors`` are problems reading the workbook (then ``check`` is ``None``)."""

    path: str
    ruleset: RuleSet | None
    on: dt.date | None
    check: CheckReport | None
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    errors: tuple[InputError, ...] = ()
    more_errors: int = 0  # input errors beyond the ``ERRORS_LISTED`` in ``errors``

    @property
    def exit_code(self) -> int:
        """0 no error, 1 violations, 2 unreadable input."""
        if self.errors or self.check is None:
            return EXIT_UNREADABLE
        return EXIT_OK if self.check.ok else EXIT_VIOLATIONS


HEADER_SEARCH_ROWS = 10


def _header_positions(
    header: list[str], sheet: str, row: int, columns: Sequence[Column], errors: list[InputError]
) -> dict[str, int] | None:
    """The index of each header; None (with the errors) when a required column is missing."""
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        if text:
            positions.setdefault(text, index)
    known = {c.header for c in columns}
    for index, text in enumerate(header):
        if text and text not in known:
            errors.append(
                InputError(sheet, row, column_letter(index), text[:60], "cột không có trong mẫu")
            )
    missing = [c for c in columns if c.required and c.header not in positions]
    for column in missing:
        errors.append(InputError(sheet, row, None, column.header, "thiếu cột bắt buộc"))
    return None if missing else positions


def _cell(column: Column, value: Any, formula: bool) -> tuple[Any, str | None]:
    """A cell's value, or the problem with it."""
    if formula:
        return None, FORMULA_MESSAGE
    try:
        parsed = parse_cell(column, value)
    except CellError as error:
        return None, str(error)
    if column.required and parsed in (None, ""):
        return None, "ô bắt buộc"
    return parsed, None


def _record(
    raw: list[Any],
    offset: int,
    sheet: str,
    columns: Sequence[Column],
    positions: dict[str, int],
    errors: list[InputError],
    formulas: set[tuple[int, int]],
) -> dict[str, Any] | None:
    """One row as a record; None (with the errors) when a cell is wrong."""
    record: dict[str, Any] = {}
    bad = False
    for column in columns:
        pos = positions.get(column.header)
        if pos is None:
            record[column.field] = parse_cell(column, None)
            continue
        value = raw[pos] if pos < len(raw) else None
        record[column.field], problem = _cell(column, value, (offset, pos) in formulas)
        if problem is not None:
            errors.append(InputError(sheet, offset, column_letter(pos), column.header, problem))
            bad = True
    return None if bad else record


def _read_table(
    rows: list[list[Any]],
    sheet: str,
    columns: Sequence[Column],
    errors: list[InputError],
    formulas: set[tuple[int, int]],
) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, str]]:
    """The rows of ``sheet`` without a problem, as (Excel row number, record), and the column
    letter of each field; ``rows`` start at row 1, column A. The header is the first non-empty
    row among the first ten."""
    first = next(
        (i for i, raw in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(cell_text(c) for c in raw)),
        None,
    )
    if first is None:
        errors.append(InputError(sheet, 1, None, None, "thiếu dòng tiêu đề"))
        return [], {}
    header_row = first + 1
    header = [cell_text(cell).rstrip(" *") for cell in rows[first]]
    positions = _header_positions(header, sheet, header_row, columns, errors)
    if positions is None:
        return [], {}
    letters = {
        c.field: column_letter(positions[c.header]) for c in columns if c.header in positions
    }
    out = []
    for offset, raw in enumerate(rows[first + 1 :], start=header_row + 1):
        if not any(cell_text(cell) for cell in raw if cell is not None):
            continue
        record = _record(raw, offset, sheet, columns, positions, errors, formulas)
        if record is not None:
            out.append((offset, record))
    return out, letters


_SUBJECT_FIELDS = set(Subject.__dataclass_fields__)
_ENUM_FIELDS: dict[str, Any] = {
    "excellence_group": ExcellenceGroup,
    "status": MemberStatus,
    "residence_exemption": ResidenceExemption,
}


def _subject(record: dict[str, Any], kind: SubjectKind, year: int) -> Subject:
    facts = {k: v for k, v in record.items() if k in _SUBJECT_FIELDS and v is not None}
    facts.pop("kind", None)
    disciplines = []
    when = record.get("discipline_on") or dt.date(year, 1, 1)
    remedied = bool(record.get("self_detected_remedied"))
    if record.get("discipline_form"):
        disciplines.append(
            Discipline(
                DisciplineForm(record["discipline_form"]),
                when,
                related_to_duty=not record.get("discipline_not_duty"),
                self_detected_remedied=remedied,
            )
        )
    for name, target in (
        ("self_discipline_form", DisciplineTarget.SELF),
        ("member_discipline_form", DisciplineTarget.LEADERSHIP_MEMBER),
    ):
        if record.get(name):
            disciplines.append(
                Discipline(
                    DisciplineForm(record[name]),
                    when,
                    target=target,
                    self_detected_remedied=remedied,
                )
            )
    for name, enum in _ENUM_FIELDS.items():
        if facts.get(name) is not None:
            facts[name] = enum(facts[name])
    if record.get("outside_system"):
        facts["in_political_system"] = False
    if record.get("head_of"):
        facts["collective_id"] = record["head_of"]
        facts["is_head"] = True
    facts["disciplines"] = tuple(disciplines)
    quarters = [record.get(f"quarter_{q}") for q in (1, 2, 3, 4)]
    if any(quarters):
        facts["quarter_levels"] = tuple(quarters)
    return Subject(kind=kind, **facts)


def _read_info(
    rows: list[list[Any]], errors: list[InputError], formulas: set[tuple[int, int]]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The ThongTin values by name, and the Excel row of each label found."""
    info: dict[str, Any] = {}
    where: dict[str, int] = {}
    labels = {label: (name, hint) for label, name, hint in INFO_ROWS}
    for offset, raw in enumerate(rows, start=1):
        if not raw or cell_text(raw[0]) not in labels:
            continue
        label = cell_text(raw[0])
        name, _hint = labels[label]
        where[name] = offset
        value = raw[1] if len(raw) > 1 else None
        kind = {"year": "int", "on": "date", "quarter_rules": "flag"}.get(name, "text")
        try:
            if (offset, 1) in formulas:
                raise CellError(FORMULA_MESSAGE)
            info[name] = parse_cell(Column(label, name, kind), value)
            if name == "year" and info[name] is not None and not 1900 <= info[name] <= 2100:
                raise CellError(f"năm {shown(value)} không hợp lệ — cần một năm như 2024")
        except CellError as error:
            info.pop(name, None)
            errors.append(InputError(SHEET_INFO, offset, "B", label, str(error)))
    return info, where


_NEEDED = (SHEET_INFO, SHEET_MEMBERS, SHEET_ORGS)


def _look_inside(path: Path) -> tuple[list[InputError], dict[str, set[tuple[int, int]]]]:
    """Look into the zip before anything is loaded (``xeploai.lib.sheets.inspect_xlsx``):
    sheets with more rows than the limit (counted as a stream, stopping at the limit) or cells
    beyond the limits, and the formula cells of each sheet."""
    limit = limits()
    try:
        found = inspect_xlsx(path, lambda names: [n for n in names if n in _NEEDED], limit)
    except TooLarge as error:
        return [InputError(error.sheet or path.name, None, None, None, error.message)], {}
    errors = [
        InputError(
            name,
            None,
            None,
            None,
            f"có hơn {vn_int(limit.rows)} dòng — quá giới hạn của một tệp; hãy chia "
            "thành nhiều tệp",
        )
        for name, extent in found.extents.items()
        if extent.rows > limit.rows + 1
    ]
    return errors, found.formulas


def _load_rows(path: Path) -> dict[str, list[list[Any]]]:
    """The needed sheets, each from row 1 and column A (blank rows and columns kept, so that
    row numbers and column letters are Excel's)."""
    return {name: list(rows) for name, (_height, rows) in load_sheets(path, _NEEDED).items()}


def _open_error(path: Path, error: Exception) -> str:
    try:
        head = path.read_bytes()[:8]
    except OSError:
        return f"không đọc được tệp {path}"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "tệp được bảo vệ bằng mật khẩu hoặc là định dạng .xls cũ: hãy bỏ mật khẩu và lưu "
            "lại dưới dạng .xlsx"
        )
    if not head.startswith(b"PK"):
        return "tệp không phải bảng tính .xlsx"
    return f"tệp .xlsx bị hỏng hoặc không đầy đủ ({type(error).__name__})"


class _Errors(list[InputError]):
    """The input errors of one workbook: the first ``ERRORS_LISTED`` kept, the rest counted
    (a sheet of 300,000 bad rows would otherwise print millions of lines)."""

    more = 0

    def append(self, error: InputError) -> None:
        if len(self) < ERRORS_LISTED:
            super().append(error)
        else:
            self.more += 1


def _refused(path: str | Path, errors: Sequence[InputError], **found: Any) -> Report:
    """The report of a workbook that could not be checked."""
    more = errors.more if isinstance(errors, _Errors) else 0
    found.setdefault("ruleset", None)
    found.setdefault("on", None)
    return Report(str(path), check=None, errors=tuple(errors), more_errors=more, **found)


def _open(
    source: Path,
) -> tuple[dict[str, list[list[Any]]], dict[str, Any]] | InputError | list[InputError]:
    """The needed sheets' rows and formula cells, or what stops the workbook being read."""
    if not source.is_file():
        return InputError(source.name, None, None, None, "không tìm thấy tệp")
    try:
        errors, formulas = _look_inside(source)
        if errors:
            return errors
        sheets = _load_rows(source)
    except Exception as error:  # zipfile and calamine raise many kinds; all mean "unreadable"
        return InputError(source.name, None, None, None, _open_error(source, error))
    missing = [
        InputError(required, None, None, None, "thiếu trang tính này")
        for required in _NEEDED
        if required not in sheets
    ]
    return missing or (sheets, formulas)


def _subject_rows(
    tables: dict[str, tuple[list[tuple[int, dict[str, Any]]], dict[str, str]]],
    year: int,
    errors: list[InputError],
) -> tuple[list[Decision], dict[str, tuple[str, int]]]:
    """The decisions of both tables, and the (sheet, row) of each subject."""
    decisions: list[Decision] = []
    rows: dict[str, tuple[str, int]] = {}
    for sheet, columns in ((SHEET_MEMBERS, MEMBER_COLUMNS), (SHEET_ORGS, ORG_COLUMNS)):
        records, letters = tables[sheet]
        for row, record in records:
            if not record.get("id") or not record.get("deciding_body"):
                continue
            if record["id"] in rows:
                first_sheet, first_row = rows[record["id"]]
                errors.append(
                    InputError(
                        sheet,
                        row,
                        letters["id"],
                        columns[0].header,
                        f"mã {shown(record['id'])} trùng với {first_sheet} dòng {first_row}",
                    )
                )
                continue
            decision = _decision(sheet, row, record, year, errors)
            if decision is not None:
                rows[decision.subject.id] = (sheet, row)
                decisions.append(decision)
    return decisions, rows


def _decision(
    sheet: str, row: int, record: dict[str, Any], year: int, errors: list[InputError]
) -> Decision | None:
    kind = SubjectKind.DANG_VIEN if sheet == SHEET_MEMBERS else SubjectKind(record["kind"])
    reason = record.get("not_rated_reason")
    try:
        subject = _subject(record, kind, year)
        reason_code = NotRatedReason(reason) if reason else None
    except (ValueError, TypeError) as error:
        errors.append(InputError(sheet, row, None, None, f"dữ liệu không hợp lệ: {error}"))
        return None
    return Decision(
        subject,
        record.get("level"),
        record["deciding_body"],
        not_rated_reason=reason_code,
        reviewed=not record.get("not_reviewed"),
        reviewed_on=record.get("reviewed_on"),
        decided_on=record.get("decided_on"),
        override_reason=record.get("override_reason"),
    )


def _year_missing(info_rows: dict[str, int], errors: list[InputError]) -> None:
    if not any(e.sheet == SHEET_INFO for e in errors):
        errors.append(
            InputError(
                SHEET_INFO,
                info_rows.get("year"),
                "B",
                "Năm đánh giá",
                "thiếu năm hoặc ngày đánh giá",
            )
        )


def check_workbook(path: str | Path, ruleset_key: str | None = None) -> Report:
    """Read the workbook at ``path`` and check its decisions under ``ruleset_key`` (default:
    the ThongTin sheet's rule set, else the one for its evaluation year)."""
    opened = _open(Path(path))
    if not isinstance(opened, tuple):
        return _refused(path, [opened] if isinstance(opened, InputError) else opened)
    sheets, formulas = opened
    errors = _Errors()
    info, info_rows = _read_info(sheets[SHEET_INFO], errors, formulas.get(SHEET_INFO, set()))
    # Every table is read before anything stops: all the problems of the file at once.
    tables = {
        sheet: _read_table(sheets[sheet], sheet, columns, errors, formulas.get(sheet, set()))
        for sheet, columns in ((SHEET_MEMBERS, MEMBER_COLUMNS), (SHEET_ORGS, ORG_COLUMNS))
    }
    if not errors and not any(records for records, _letters in tables.values()):
        errors.append(
            InputError(
                SHEET_MEMBERS,
                None,
                None,
                None,
                f"không có dòng dữ liệu nào — {SHEET_MEMBERS} và {SHEET_ORGS} chỉ có dòng tiêu đề",
            )
        )
    on = info.get("on")
    year = info.get("year") or (on.year if on else None)
    if year is None:
        _year_missing(info_rows, errors)
        return _refused(path, errors)
    on = on or dt.date(year, 12, 31)
    try:
        key = ruleset_key or info.get("ruleset")
        ruleset = get_ruleset(key) if key else ruleset_for_year(year)
        if info.get("quarter_rules"):
            ruleset = layer(ruleset, quarter_local(ruleset.key))
    except RuleError as error:
        row = None if ruleset_key else info_rows.get("ruleset" if key else "year")
        header = "Bộ quy định" if key else "Năm đánh giá"
        errors.append(InputError(SHEET_INFO, row, "B", header, error.message_vi))
        return _refused(path, errors, on=on)
    decisions, rows = _subject_rows(tables, year, errors)
    if errors or errors.more:
        return _refused(path, errors, ruleset=ruleset, on=on, rows=rows)
    outstanding = {
        part.strip() for part in str(info.get("outstanding") or "").split(",") if part.strip()
    }
    report = check_decisions(decisions, ruleset, on, year=year, outstanding_bodies=outstanding)
    return Report(str(path), ruleset, on, report, rows)
