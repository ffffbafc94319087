"""The report's tables and findings as plain rows, shared by every file format.

Cells are ``int``, ``Decimal`` (a percentage or a change in points), ``None`` (no base) or
``str``; ``cell_text`` writes one the Vietnamese way for documents, xlsx keeps the numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from xeploai.lib.numbers import vn_int
from xeploai.reports.basis import basis_lines
from xeploai.reports.records import (
    BLOCKS,
    Block,
    Comparison,
    Counts,
    Report,
    Target,
    TargetStatus,
)
from xeploai.reports.wording import (
    COMPARE_LABELS,
    DENOMINATOR_LABELS,
    block_sentence,
    group_label,
    no_comparison_text,
    pct,
    quota_numbers,
    reason_label,
    signed_points,
)
from xeploai.reviews.models import SubjectKind

Cell = int | Decimal | str | None


# The kinds of a column whose cells are words, not figures: "text" wraps as it must, a "label"
# (a subject, a period, a state: a few words) stays on one line on a wide screen, a "note" (the
# not-rated reasons, a comparison's remark) reads as a sentence, not a word a line. The page's
# style sheet sizes the columns by these classes, not by their places in the table.
TEXT_KINDS = frozenset({"text", "label", "note"})


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "int"  # "int" | "pct" | "points", or one of ``TEXT_KINDS``

    @property
    def numeric(self) -> bool:
        return self.kind not in TEXT_KINDS


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def cell_text(value: Cell, kind: str) -> str:
    if isinstance(value, str):  # "—" or "" where a figure does not apply
        return value
    if kind == "pct":
        return pct(value if isinstance(value, Decimal) else None)
    if kind == "points":
        return signed_points(value if isinstance(value, Decimal) else None)
    if isinstance(value, int):
        return vn_int(value)
    return "" if value is None else str(value)


def not_rated_text(block: Block) -> str:
    return "; ".join(
        f"{reason_label(reason)}: {vn_int(n)}" for reason, n in block.current.not_rated
    )


def _metric_columns(report: Report) -> tuple[Column, ...]:
    return (
        Column(_("Tổng số")),
        Column(_("Được xếp loại")),
        Column(_("Tỉ lệ được xếp loại"), "pct"),
        Column(_("Chưa xếp loại"), "note"),
        Column(_("Chưa quyết định")),
        Column(_("HTTNV trở lên")),
        Column(_("Tỉ lệ HTTNV trở lên"), "pct"),
        Column(_("Tăng/giảm (điểm %)"), "points"),
        Column(_("Trong đó HTXSNV")),
        Column(
            _("Tỉ lệ HTXSNV ({base})").format(base=DENOMINATOR_LABELS[report.options.denominator]),
            "pct",
        ),
        Column(_("HTNV")),
        Column(_("Tỉ lệ HTNV"), "pct"),
        Column(_("Tăng/giảm (điểm %)"), "points"),
        Column(_("KHTNV")),
        Column(_("Tỉ lệ KHTNV"), "pct"),
        Column(_("Tăng/giảm (điểm %)"), "points"),
        Column(_("Đã quyết định/tổng số"), "label"),
        Column(_("Số liệu"), "label"),
    )


def _metric_cells(block: Block, report: Report) -> tuple[Cell, ...]:
    c = block.current
    return (
        c.total,
        c.rated,
        c.rated_share,
        not_rated_text(block),
        c.pending,
        c.tt_plus,
        c.tt_plus_rate,
        block.tt_plus_change,
        c.xs,
        c.xs_share(report.options.denominator),
        c.ht,
        c.ht_rate,
        block.ht_change,
        c.k,
        c.k_rate,
        block.k_change,
        f"{vn_int(c.decided)}/{vn_int(c.total)}",
        _("tạm tính") if block.provisional else _("chính thức"),
    )


def _summary_title(report: Report) -> str:
    quarter = report.quarter
    if quarter is not None:  # the changes of the summary are from the same quarter a year earlier
        return _("Tổng hợp kết quả {name} (tăng/giảm so với cùng kỳ năm trước: {same})").format(
            name=report.period.name, same=quarter.same_name
        )
    return _("Tổng hợp kết quả năm {year}").format(year=report.period.year) + (
        _(" (so sánh với năm {year})").format(year=report.period.previous_year)
        if report.period.previous_year
        else ""
    )


def summary_table(report: Report) -> Table:
    return Table(
        title=_summary_title(report),
        columns=(Column(_("Đối tượng"), "label"), *_metric_columns(report)),
        rows=tuple((b.label, *_metric_cells(b, report)) for b in report.blocks),
    )


def children_table(report: Report, kind: str) -> Table:
    return Table(
        title=_("{block} — theo tổ chức trực thuộc").format(block=SubjectKind(kind).label),
        columns=(Column(_("Mã"), "label"), Column(_("Tổ chức"), "text"), *_metric_columns(report)),
        rows=tuple(
            (row.unit.code, row.unit.name, *_metric_cells(row.block(kind), report))
            for row in report.children
            if row.block(kind).current.total
        ),
    )


def children_tables(report: Report) -> list[Table]:
    return [t for t in (children_table(report, kind) for kind in BLOCKS) if t.rows]


def _quarter_cells(counts: Counts, block: Block | None) -> tuple[Cell, ...]:
    """One period's figures; with ``block`` (a comparison) the changes from it to this quarter,
    "" on this quarter's own row."""
    changes: tuple[Cell, Cell, Cell] = (
        (block.tt_plus_change, block.ht_change, block.k_change) if block else ("", "", "")
    )
    return (
        counts.total,
        counts.rated,
        counts.xs,
        counts.tt,
        counts.ht,
        counts.k,
        counts.pending,
        counts.tt_plus_rate,
        changes[0],
        counts.ht_rate,
        changes[1],
        counts.k_rate,
        changes[2],
    )


def _compared_row(noun: str, compared: Comparison) -> tuple[Cell, ...]:
    label = str(COMPARE_LABELS[compared.with_])
    counts = compared.counts
    if counts is None:
        return (noun, compared.name, label, *(["—"] * 13), "—", no_comparison_text(compared))
    return (
        noun,
        compared.name,
        label,
        *_quarter_cells(counts, compared.block),
        _("tạm tính") if compared.block.provisional else _("chính thức"),
        "",
    )


def quarter_table(report: Report) -> Table:
    """A quarter report's blocks, each beside the previous quarter and the same quarter a year
    earlier, with the change in points from each ("—" and the reason where there is nothing to
    compare; "tạm tính" while either period has undecided subjects). Issue 18 §3."""
    quarter = report.quarter
    assert quarter is not None
    rows: list[tuple[Cell, ...]] = []
    for block in report.blocks:
        if not block.current.total:
            continue
        noun = block.label
        current = block.current
        rows.append(
            (
                noun,
                report.period.name,
                _("Quý này"),
                *_quarter_cells(current, None),
                _("chính thức") if current.complete else _("tạm tính"),
                "",
            )
        )
        rows += [_compared_row(noun, c) for c in report.comparisons(block.kind)]
    points = _("Tăng/giảm (điểm %)")
    return Table(
        title=_("So sánh với quý trước ({previous}) và cùng kỳ năm trước ({same})").format(
            previous=quarter.previous_name, same=quarter.same_name
        ),
        columns=(
            Column(_("Đối tượng"), "label"),
            Column(_("Kỳ"), "label"),
            Column(_("So sánh"), "label"),
            Column(_("Tổng số")),
            Column(_("Được xếp loại")),
            Column("HTXSNV"),
            Column("HTTNV"),
            Column("HTNV"),
            Column("KHTNV"),
            Column(_("Chưa quyết định")),
            Column(_("Tỉ lệ HTTNV trở lên"), "pct"),
            Column(points, "points"),
            Column(_("Tỉ lệ HTNV"), "pct"),
            Column(points, "points"),
            Column(_("Tỉ lệ KHTNV"), "pct"),
            Column(points, "points"),
            Column(_("Số liệu"), "label"),
            Column(_("Ghi chú"), "note"),
        ),
        rows=tuple(rows),
    )


def annex_tables(report: Report) -> list[Table]:
    """The annex of the documents: the summary, a quarter's comparison table, the HTXSNV
    shares by each base, then the children's tables."""
    return [
        summary_table(report),
        *([quarter_table(report)] if report.quarter is not None else []),
        alternative_shares_table(report),
        *children_tables(report),
    ]


def alternative_shares_table(report: Report) -> Table:
    from xeploai.reports.records import Denominator

    return Table(
        title=_("Tỉ lệ HTXSNV theo các cách tính"),
        columns=(
            Column(_("Đối tượng"), "label"),
            *(Column(str(DENOMINATOR_LABELS[d]), "pct") for d in Denominator),
        ),
        rows=tuple((b.label, *(b.current.xs_share(d) for d in Denominator)) for b in report.blocks),
    )


def sentences(report: Report) -> list[str]:
    """The numbered paragraphs "(1) …" of the official report."""
    return [f"({i}) {block_sentence(b, report)}" for i, b in enumerate(report.blocks, start=1)]


def _labels(label: Callable[[str], str]) -> Callable[[str], str]:
    """``label``, each code's answer kept for the rest of one call (the language is fixed)."""
    known: dict[str, str] = {}

    def cached(code: str) -> str:
        text = known.get(code)
        if text is None:
            known[code] = text = label(code)
        return text

    return cached


def finding_lines(report: Report) -> list[tuple[str, list[str]]]:
    """(heading, lines) for the inspection findings, in the order of the report."""
    base = report.options.quota_base
    # hundreds of lines for a wide unit: each label and sentence translated once per call
    block_label = _labels(lambda code: str(SubjectKind(code).label))
    group_name = _labels(group_label)
    over = _("{unit} — {block}, nhóm {group}: {numbers}, vượt 20% (tối đa {allowed})")
    quota = [
        over.format(
            unit=f.decider.name,
            block=block_label(f.block),
            group=group_name(f.group),
            numbers=quota_numbers(f.xs, f.base, base, f.share),
            allowed=vn_int(f.allowed),
        )
        for f in report.quota_findings
    ]
    single = _("{unit}: mọi đảng viên được xếp loại cùng một nhóm ({groups})")
    pooled = _("{unit}: tỉ lệ 20% tính chung, không theo từng nhóm ({groups})")
    group_part = _("{group}: {xs} HTXSNV / {rated} được xếp loại")
    groups = [
        (single if f.reason == "single_group" else pooled).format(
            unit=f.decider.name,
            groups="; ".join(
                group_part.format(group=group_name(g), xs=vn_int(xs), rated=vn_int(rated))
                for g, xs, rated in f.groups
            ),
        )
        for f in report.group_findings
    ]
    reason_name = _labels(reason_label)
    unrated_line = _("{unit} ({block}): {reason}")
    unrated = [
        unrated_line.format(
            unit=u.unit.name, block=block_label(u.block), reason=reason_name(u.reason)
        )
        for u in report.unrated_units
    ]
    progress_lines: list[str] = []
    progress = report.progress
    if progress is not None and progress.total:
        progress_lines.append(
            _("{done}/{total} tổ chức trực thuộc đã xếp loại xong ({share}).").format(
                done=vn_int(progress.done), total=vn_int(progress.total), share=pct(progress.share)
            )
        )
        for u in progress.open:
            due = progress.upper_due if u.pending_upper else progress.grassroots_due
            progress_lines.append(
                (
                    _("{unit}: còn {n} chưa xếp loại — quá hạn {due}")
                    if progress.is_overdue(u)
                    else _("{unit}: còn {n} chưa xếp loại (hạn {due})")
                ).format(
                    unit=u.unit.name,
                    n=vn_int(u.pending_lower + u.pending_upper),
                    due=due.strftime("%d/%m/%Y") if due else "—",
                )
            )
    targets = [
        _("{block}: {rate} HTTNV trở lên — {verdict}").format(
            block=SubjectKind(t.block).label, rate=pct(t.rate), verdict=target_verdict(t)
        )
        for t in report.targets
    ]
    compared = basis_lines(report)
    return [
        *([(_("Cơ sở so sánh với năm trước (sau sắp xếp tổ chức)"), compared)] if compared else []),
        (_("Chỉ tiêu trên 90% HTTNV trở lên (Nghị quyết 21-NQ/TW)"), targets),
        (_("Cấp quyết định có tỉ lệ HTXSNV vượt 20%"), quota or [_("Không có.")]),
        (_("Chưa xếp loại HTXSNV theo 03 nhóm đối tượng"), groups or [_("Không có.")]),
        (_("Tổ chức chưa được xếp loại"), unrated or [_("Không có.")]),
        (_("Tiến độ xếp loại"), progress_lines or [_("Không có tổ chức trực thuộc.")]),
    ]


def target_verdict(target: Target) -> str:
    """The target's verdict in words; mid-round, how many are decided and by when."""
    status = target.status
    if status == TargetStatus.NO_DATA:
        return _("chưa có kết quả xếp loại")
    if status == TargetStatus.PENDING:
        due = target.due.strftime("%d/%m/%Y") if target.due else "—"
        return _("tạm tính, chưa kết luận: {decided}/{total} đã quyết định (hạn {due})").format(
            decided=vn_int(target.decided), total=vn_int(target.total), due=due
        )
    verdict = (
        _("đạt chỉ tiêu trên 90%")
        if status == TargetStatus.MET
        else _("chưa đạt chỉ tiêu trên 90%")
    )
    if target.provisional:
        verdict += " " + _("(tạm tính: {decided}/{total} đã quyết định)").format(
            decided=vn_int(target.decided), total=vn_int(target.total)
        )
    return verdict


def subtitle(report: Report) -> str:
    """What the documents' "BÁO CÁO" is about."""
    if report.quarter is not None:
        return _(
            "kết quả đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên quý {q} năm {year}"
        ).format(q=report.quarter.quarter, year=report.period.year)
    return _(
        "kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {year}"
    ).format(year=report.period.year)


def opening(report: Report) -> str:
    """The documents' first paragraph, before the numbered block sentences."""
    if report.quarter is not None:
        return _(
            "Kết quả đánh giá, xếp loại chất lượng quý {q} năm {year}, so với quý trước và cùng "
            "kỳ năm trước, như sau:"
        ).format(q=report.quarter.quarter, year=report.period.year)
    return _(
        "Kết quả đánh giá, xếp loại chất lượng tập thể cấp ủy cơ sở, tổ chức đảng, "
        "đảng viên năm {year} như sau:"
    ).format(year=report.period.year)


def title(report: Report) -> str:
    if report.quarter is not None:
        return _(
            "Báo cáo kết quả đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên quý {q} năm "
            "{year}"
        ).format(q=report.quarter.quarter, year=report.period.year)
    return _(
        "Báo cáo kết quả đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {year}"
    ).format(year=report.period.year)
