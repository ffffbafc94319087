"""Rows converted a block at a time (``parse_blocks``) are the rows ``parse_rows`` gives."""

from pathlib import Path

import pytest

from xeploai.imports.columns import SHEETS
from xeploai.imports.reading import read_table
from xeploai.imports.rows import Problems, parse_blocks, parse_rows
from xeploai.imports.tests.conftest import TODAY, Writer
from xeploai.imports.tests.test_people_import import person


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [((4,), [4, 4, 3]), ((2, 5), [2, 5, 4]), ((20,), [11]), ((1, 1, 100), [1, 1, 9])],
)
def test_blocks_follow_the_sizes_asked_the_last_repeated(
    xlsx: Writer, sizes: tuple[int, int, int] | tuple[int, int] | tuple[int], expected: list[int]
) -> None:
    rows = [person(f"Người Số {n}", f"0849{n:08d}") for n in range(11)]
    rows[6]["Ngày sinh"] = "không rõ"  # a bad cell: its problem is recorded once either way
    table = read_table(xlsx("people", rows), SHEETS["people"])
    problems, whole_problems = Problems(table), Problems(table)
    blocks = list(parse_blocks(table, problems, today=TODAY, sizes=sizes))
    whole = parse_rows(table, whole_problems, today=TODAY)
    assert [len(block) for block in blocks] == expected
    assert [(r.number, r.values) for b in blocks for r in b] == [
        (r.number, r.values) for r in whole
    ]
    assert [str(p) for p in problems.items] == [str(p) for p in whole_problems.items]
    assert len(problems.items) == 1


def test_a_sheet_read_row_by_row_equals_calamine_s_whole_sheet(tmp_path: Path) -> None:
    """``SheetRows`` converts rows as they are read; what it gives is what
    ``to_python(skip_empty_area=False)`` gives, even for a table that starts at B3."""
    import openpyxl
    import python_calamine

    path = tmp_path / "lech.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEETS["people"].name
    header = ["Họ và tên", "Số CCCD", "Ngày vào Đảng", "Mã chi bộ"]
    for offset, value in enumerate(header):
        sheet.cell(row=3, column=2 + offset, value=value)
    sheet.cell(row=4, column=2, value="Lê Văn Một")
    sheet.cell(row=4, column=3, value="084900000001")
    sheet.cell(row=5, column=5, value="A1")
    workbook.save(path)
    whole = python_calamine.CalamineWorkbook.from_path(str(path))
    expected = whole.get_sheet_by_name(sheet.title).to_python(skip_empty_area=False)
    whole.close()

    table = read_table(path, SHEETS["people"])
    assert (table.first_row, [index for index, _ in table.columns]) == (4, [1, 2, 3, 4])
    assert len(table.rows) == 2
    assert list(table.rows[0:2]) == expected[3:5]
    assert table.rows[-1] == expected[4]
