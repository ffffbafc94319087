"""Rows converted a block at a time (``parse_blocks``) are the rows ``parse_rows`` gives."""

import pytest

from xeploai.imports.columns import SHEETS
from xeploai.imports.reading import read_table
from xeploai.imports.rows import Problems, parse_blocks, parse_rows
from xeploai.imports.tests.conftest import TODAY
from xeploai.imports.tests.test_people_import import person


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [((4,), [4, 4, 3]), ((2, 5), [2, 5, 4]), ((20,), [11]), ((1, 1, 100), [1, 1, 9])],
)
def test_blocks_follow_the_sizes_asked_the_last_repeated(xlsx, sizes, expected):
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
