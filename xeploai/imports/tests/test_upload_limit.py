"""The upload limit is the documented 50 MB, and its messages say so (issue 13 §6): the
default was 50 MiB (52,428,800 bytes), which the form's message showed as "tối đa 52 MB"."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from pytest_django.fixtures import Settings

from xeploai.imports.columns import SHEETS
from xeploai.imports.forms import ImportForm
from xeploai.imports.problems import WorkbookError
from xeploai.imports.reading import read_table
from xeploai.lib.numbers import vn_megabytes

FIFTY_MB = 50 * 10**6


def test_the_default_limit_is_the_documented_50_mb(settings: Settings) -> None:
    assert settings.UPLOAD_MAX_BYTES == FIFTY_MB


def _form(size: int) -> ImportForm:
    upload = SimpleUploadedFile("dv.xlsx", b"PK\x03\x04")
    upload.size = size  # the size the upload handler counted; its bytes are not read here
    return ImportForm(
        data={"kind": "people", "mode": "dry_run"}, files=MultiValueDict({"file": [upload]})
    )


def test_the_upload_form_refuses_a_byte_over_50_mb_saying_50_mb() -> None:
    assert _form(FIFTY_MB).is_valid()
    form = _form(FIFTY_MB + 1)
    assert not form.is_valid()
    assert form.errors["file"] == ["Tệp quá lớn: tối đa 50 MB."]


def test_the_reader_refuses_a_larger_file_saying_50_mb(tmp_path: Path) -> None:
    path = tmp_path / "dv.xlsx"
    with path.open("wb") as stream:  # sparse: the size is checked before anything is read
        stream.truncate(FIFTY_MB + 600_000)
    with pytest.raises(WorkbookError, match="nặng 50,6 MB, quá giới hạn 50 MB"):
        read_table(path, SHEETS["people"])


@pytest.mark.parametrize(
    ("count", "shown"),
    [(FIFTY_MB, "50"), (52_428_800, "52,43"), (1_500_000, "1,5"), (250 * 10**6, "250")],
)
def test_megabytes_are_decimal_and_written_the_vietnamese_way(count: int, shown: str) -> None:
    assert vn_megabytes(count) == shown
