"""The cell converters of the imports."""

import pytest

from xeploai.imports.cells import _clean, fold_clean
from xeploai.lib.text import fold


@pytest.mark.parametrize(
    "text", ["Nguyễn Văn Đức", "ĐẶNG THỊ THU HƯƠNG", "Lê Ngọc Ánh", "Phạm  Hùng", "", "𝔄 Lạ"]
)
def test_the_fast_fold_equals_the_library_fold(text: str) -> None:
    assert fold_clean(_clean(text), {}) == fold(text)
