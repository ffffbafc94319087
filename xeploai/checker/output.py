"""Print a checker report: ``as_text`` (Vietnamese), ``as_json``, and ``main(argv) -> int``, the
``xeploai check`` command, which returns the exit code: 0 no error (warnings allowed),
1 violations, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from xeploai.checker.template import SHEET_MEMBERS, SHEET_ORGS
from xeploai.checker.workbook import EXIT_UNREADABLE, Report, check_workbook
from xeploai.lib.sheets import more_errors
from xeploai.rules import RuleError, Severity

_SEVERITY_VI = {Severity.ERROR: "LỖI", Severity.WARNING: "CẢNH BÁO", Severity.INFO: "GHI CHÚ"}


def _where(report: Report, subject: str | None, key: str, numbers: Any) -> tuple[str, int | None]:
    if subject and subject in report.rows:
        return report.rows[subject]
    group = str(numbers.get("group", ""))
    sheet = SHEET_MEMBERS if "/ DANG_VIEN /" in group or "/ CN_LDQL /" in group else SHEET_ORGS
    return sheet, None


def as_json(report: Report) -> dict[str, Any]:
    """The machine-readable form of ``report``."""
    out: dict[str, Any] = {
        "file": report.path,
        "ruleset": report.ruleset.key if report.ruleset else None,
        "evaluation_date": report.on.isoformat() if report.on else None,
        "exit_code": report.exit_code,
        "input_errors": [
            {
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "header": e.header,
                "message_vi": e.message_vi,
            }
            for e in report.errors
        ],
        "input_errors_unlisted": report.more_errors,
        "violations": [],
        "quotas": [],
    }
    if report.check is None:
        return out
    for v in report.check.violations:
        sheet, row = _where(report, v.subject, v.key, v.numbers)
        out["violations"].append({"sheet": sheet, "row": row, **v.as_dict()})
    for q in report.check.quotas:
        out["quotas"].append(
            {
                "deciding_body": q.group.deciding_body,
                "kind": q.group.kind,
                "group": q.group.group,
                "rated": q.rated,
                "HTXSNV": q.n_xs,
                "HTTNV": q.n_tt,
                "HTNV": q.n_ht,
                "KHTNV": q.n_k,
                "base": q.base,
                "ratio_pct": q.ratio_pct,
                "allowed": q.allowed,
                "small_unit": q.small_unit,
                "ok": q.ok,
            }
        )
    return out


def as_text(report: Report) -> str:
    """The human-readable (Vietnamese) form of ``report``."""
    lines = [f"Tệp: {report.path}"]
    if report.errors:
        lines.append("Không đọc được bảng tính:")
        lines.extend(f"  {error}" for error in report.errors)
        if report.more_errors:
            lines.append(f"  {more_errors(report.more_errors)}")
        return "\n".join(lines)
    assert report.check is not None and report.ruleset is not None and report.on is not None
    lines.append(
        f"Bộ quy định: {report.ruleset.key} ({report.ruleset.title_vi}); "
        f"ngày đánh giá {report.on:%d/%m/%Y}"
    )
    for v in report.check.violations:
        if v.severity is Severity.INFO:
            continue
        sheet, row = _where(report, v.subject, v.key, v.numbers)
        place = f"{sheet} dòng {row}" if row else sheet
        who = f" ({v.subject})" if v.subject else ""
        lines.append(
            f"{_SEVERITY_VI[v.severity]:9} {place}{who} [{v.key}] {v.clause}: {v.message_vi}"
        )
    lines.append("Tỉ lệ HTXSNV theo nhóm:")
    for q in report.check.quotas:
        mark = "đạt" if q.ok else "VƯỢT"
        small = ", ngoại lệ đơn vị nhỏ" if q.small_unit else ""
        lines.append(
            f"  {q.label}: xếp loại {q.rated}; HTXSNV {q.n_xs}, HTTNV {q.n_tt}, HTNV {q.n_ht}, "
            f"KHTNV {q.n_k}; tối đa {q.allowed} ({q.ratio_pct}% × {q.base}{small}) — {mark}"
        )
    errors, warnings = len(report.check.errors), len(report.check.warnings)
    lines.append(f"Kết quả: {errors} lỗi, {warnings} cảnh báo.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``xeploai check PROPOSALS.xlsx [--ruleset KEY] [--json]``: print and return the exit
    code (0 no error, 1 violations, 2 unreadable input)."""
    parser = argparse.ArgumentParser(
        prog="xeploai check", description="Kiểm tra bảng đề xuất xếp loại chất lượng (.xlsx)"
    )
    parser.add_argument("path", help="tệp .xlsx theo mẫu (xeploai template check)")
    parser.add_argument("--ruleset", help="132-2018, 124-2023 hoặc 366-2025")
    parser.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        report = check_workbook(args.path, args.ruleset)
    except RuleError as error:  # a rule set that cannot be used
        print(f"Lỗi: {error.message_vi}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        print(json.dumps(as_json(report), ensure_ascii=False, indent=2))
    else:
        print(as_text(report))
    return report.exit_code
