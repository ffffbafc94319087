"""``xeploai report``: json to stdout by default, files with --out, exit code 2 on bad input."""

import json
from pathlib import Path

import pytest

from xeploai.cli import main
from xeploai.reports.tests.factories import cast_period
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_prints_json_by_default(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    cast_period(cast)
    main(["xeploai", "report", "--unit", "A", "--period", "2026", "--as-of", "2026-12-31"])
    data = json.loads(capsys.readouterr().out)
    assert data["unit"]["code"] == "A" and data["period"]["year"] == 2026
    assert data["options"] == {"denominator": "tt_plus", "quota_base": "tt_plus"}


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF-"), ("xlsx", b"PK"), ("docx", b"PK")])
def test_it_writes_files(cast: Cast, tmp_path: Path, fmt: str, magic: bytes) -> None:
    cast_period(cast)
    out = tmp_path / f"r.{fmt}"
    main(["xeploai", "report", "--unit", "ROOT", "--period", "2026", "--format", fmt, "--out", str(out)])  # fmt: skip
    assert out.read_bytes().startswith(magic)


def test_the_denominator_option(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    cast_period(cast)
    main(["xeploai", "report", "--unit", "ROOT", "--period", "2026", "--denominator", "rated"])
    assert json.loads(capsys.readouterr().out)["options"]["denominator"] == "rated"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--unit", "KHONG-CO", "--period", "2026"], "Không tìm thấy tổ chức có mã “KHONG-CO”"),
        (["--unit", "A", "--period", "1999"], "Không có đợt đánh giá năm 1999"),
    ],
)
def test_an_unknown_unit_or_period_exits_with_2(
    cast: Cast, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    cast_period(cast)
    with pytest.raises(SystemExit) as exit_info:
        main(["xeploai", "report", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
