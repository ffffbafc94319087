"""The measuring pass over a sheet (``xeploai.lib.sheets.scan_sheet``) against python-calamine's
own load of it, which it precedes in every import and check (issue 13 §4).

    .venv/bin/python bench/bench_scan.py [FILE.xlsx …] [--repeat 3] [--against REV]

Without files, writes (once, cached in the temp directory) two people sheets of 100,000
members × 14 columns: one by openpyxl in write-only mode (every cell ``<c r="A2"
t="inlineStr">``), one by the tests' fast writer (``imports/tests/bigfiles.py``: cells without
``r``, blanks as ``<c/>``). For each file, in the same process and interleaved, the best of
``--repeat`` runs of: ``count_rows`` (the row count alone), ``scan_sheet``, the ``scan_sheet``
of ``lib/sheets.py`` at git revision ``REV`` if given (the same file from history), and
calamine opening the workbook and reading the sheet (``to_python``). Prints a Markdown table,
the machine and its load; the goal is ``scan_sheet`` ≤ 30 % of calamine's load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(tempfile.gettempdir()) / "xeploai-bench-scan"
HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "CCCD",
    "Số thẻ",
    "Chi bộ",
    "Ngày vào",
    "Chính thức",
    "Dân tộc",
    "Tôn giáo",
    "Trình độ",
    "Chức vụ",
    "Nhóm",
    "Ghi chú",
]


def member(i: int) -> list[str]:
    return [
        f"Nguyễn Văn {i}",
        "01/02/1980",
        "Nam",
        f"{i:012d}",
        f"{i:08d}",
        "CB-001",
        "01/01/2000",
        "01/01/2001",
        "Kinh",
        "Không",
        "Đại học",
        "",
        "",
        "x",
    ]


def default_files(rows: int) -> list[Path]:
    from openpyxl import Workbook

    from xeploai.imports.tests.bigfiles import write_xlsx

    CACHE.mkdir(exist_ok=True)
    with_r = CACHE / f"openpyxl-{rows}.xlsx"
    if not with_r.exists():
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Đảng viên")
        sheet.append(HEADER)
        for i in range(rows):
            sheet.append(member(i))
        book.save(with_r)
    positional = CACHE / f"positional-{rows}.xlsx"
    if not positional.exists():
        write_xlsx(positional, {"Đảng viên": [HEADER] + [member(i) for i in range(rows)]})
    return [with_r, positional]


def sheets_at(revision: str) -> ModuleType:
    """``lib/sheets.py`` as it was at ``revision``, loaded beside the current one."""
    source = subprocess.run(  # noqa: S603 — git on our own repository
        ["git", "show", f"{revision}:xeploai/lib/sheets.py"],  # noqa: S607 — git from PATH
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"sheets_{revision.replace('/', '_')}.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location(f"sheets_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def best(repeat: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def measure(
    path: Path, repeat: int, rows: int, before: ModuleType | None
) -> tuple[int, dict[str, float]]:
    """The sheet's XML size, and the best time of each way of reading it."""
    from python_calamine import CalamineWorkbook

    from xeploai.lib import sheets

    with zipfile.ZipFile(path) as archive:
        part = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
        info = archive.getinfo(part)

        def scan(module: ModuleType = sheets) -> None:
            with path.open("rb") as stream:
                module.scan_sheet(stream, info, module.Limits(rows=rows))

        runs: dict[str, Callable[[], object]] = {
            "count_rows": lambda: sheets.count_rows(archive, part, 10**9),
            "scan_sheet": scan,
        }
        if before:
            runs["before"] = lambda: scan(before)
        runs["calamine"] = lambda: (
            CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        )
        return info.file_size, best(repeat, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--against", help="a git revision whose scan_sheet is timed too")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from xeploai.lib import sheets

    before = sheets_at(args.against) if args.against else None
    files = args.files or default_files(args.rows)
    limits = sheets.Limits(rows=10 * args.rows)
    print(f"Machine: {os.cpu_count()} cores; load average at the start {os.getloadavg()}")
    columns = ["count_rows", "scan_sheet", *(["before"] if before else []), "calamine"]
    print(f"\n| file | XML MB | {' | '.join(columns)} | scan / calamine |")
    print("|---|---:|" + "---:|" * (len(columns) + 1))
    for path in files:
        sizes, found = measure(path, args.repeat, limits.rows, before)
        cells = " | ".join(f"{found[name]:.3f} s" for name in columns)
        ratio = found["scan_sheet"] / found["calamine"]
        print(f"| {path.name} | {sizes / 1e6:.0f} | {cells} | {ratio:.0%} |")
    print(f"\nLoad average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
