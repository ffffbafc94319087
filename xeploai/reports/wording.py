"""The report's words: numbers, changes and the numbered block sentences of the official report.

The sentences follow seed 004 (rules.md §7): "Số đảng viên … hoàn thành tốt nhiệm vụ trở lên là
5.888 đồng chí, bằng 98,63% (giảm 0,01% so với năm 2022, trong đó …)". Counts under ten are
written with two digits ("04", as the seed does); percentages drop trailing zeros ("19,4%").
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xeploai.lib.numbers import percent, vn_decimal, vn_int, vn_percent
from xeploai.org.models import ExcellenceGroup, Level
from xeploai.reports.records import (
    Block,
    CompareWith,
    Comparison,
    Counts,
    Denominator,
    NoComparison,
    QuotaBase,
    Report,
)
from xeploai.reviews.models import NotRatedReason, SubjectKind

StrOrPromise = str | Promise


def pct(value: Decimal | None) -> str:
    """94.37 → "94,37%", 19.40 → "19,4%", None → "—"."""
    return vn_percent(value, trim=True)


def count(n: int) -> str:
    """The seed's way with counts in sentences: 4 → "04", 6102 → "6.102"."""
    return f"{n:02d}" if 0 < n < 10 else vn_int(n)


def change_text(points: Decimal | None) -> str:
    """+1.63 → "tăng 1,63%", −0.30 → "giảm 0,3%", 0 → "không thay đổi", None → ""."""
    if points is None:
        return ""
    if points > 0:
        return _("tăng {x}").format(x=pct(points))
    if points < 0:
        return _("giảm {x}").format(x=pct(-points))
    return _("không thay đổi")


def signed_points(points: Decimal | None) -> str:
    """For tables: "+1,63", "−0,3", "0"."""
    if points is None:
        return "—"
    text = vn_decimal(abs(points), trim=True)
    return ("+" if points > 0 else "−" if points < 0 else "") + text


def reason_label(code: str) -> str:
    if not code:
        return _("chưa quyết định")
    return str(NotRatedReason(code).label) if code in NotRatedReason.values else code


def group_label(code: str) -> str:
    if code in ExcellenceGroup.values:
        return str(ExcellenceGroup(code).label)
    if code in SubjectKind.values:
        return str(SubjectKind(code).label)
    return code or _("(chưa ghi nhóm)")


def level_label(code: str) -> str:
    return str(Level(code).label)


DENOMINATOR_LABELS: dict[str, StrOrPromise] = {
    Denominator.TT_PLUS: gettext_lazy("so với số hoàn thành tốt nhiệm vụ trở lên"),
    Denominator.RATED: gettext_lazy("so với tổng số được đánh giá, xếp loại"),
    Denominator.TT_ONLY: gettext_lazy("so với riêng số hoàn thành tốt nhiệm vụ"),
}
QUOTA_BASE_LABELS: dict[str, StrOrPromise] = {
    QuotaBase.TT_PLUS: gettext_lazy("HTXSNV+HTTNV"),
    QuotaBase.TT_ONLY: gettext_lazy("HTTNV"),
}
BLOCK_TITLES: dict[str, StrOrPromise] = {
    SubjectKind.COMMITTEE: gettext_lazy("Đánh giá, xếp loại chất lượng tập thể cấp ủy cơ sở"),
    SubjectKind.GRASSROOTS: gettext_lazy(
        "Đánh giá, xếp loại chất lượng tổ chức cơ sở đảng (TCCSĐ)"
    ),
    SubjectKind.CELL: gettext_lazy("Đánh giá, xếp loại chất lượng chi bộ trực thuộc đảng ủy cơ sở"),
    SubjectKind.MEMBER: gettext_lazy("Đánh giá, xếp loại chất lượng đảng viên"),
}
# What a block counts, as the sentences name it.
NOUNS: dict[str, StrOrPromise] = {
    SubjectKind.COMMITTEE: gettext_lazy("tập thể cấp ủy cơ sở"),
    SubjectKind.GRASSROOTS: gettext_lazy("TCCSĐ"),
    SubjectKind.CELL: gettext_lazy("chi bộ"),
    SubjectKind.MEMBER: gettext_lazy("đảng viên"),
}


COMPARE_LABELS: dict[str, StrOrPromise] = {
    CompareWith.PREVIOUS_QUARTER: gettext_lazy("so với quý trước"),
    CompareWith.SAME_QUARTER: gettext_lazy("so với cùng kỳ năm trước"),
}


def no_comparison_text(compared: Comparison) -> str:
    """Why a quarter's comparison shows "—" (issue 18 §3)."""
    name = compared.name
    reason = compared.reason
    if reason == NoComparison.NO_ROUND:
        return _("không có đợt đánh giá {name} bao gồm đơn vị này").format(name=name)
    if reason == NoComparison.UNDECIDED:
        return _("{name} chưa quyết định xếp loại").format(name=name)
    if reason == NoComparison.UNFOLLOWED:
        return _("kết quả {name} không theo được đến đơn vị này sau chia tách").format(name=name)
    return _("{name} không có đối tượng được xếp loại").format(name=name)


def comparison_sentence(compared: Comparison) -> str:
    """ "So với quý trước (Quý 2/2026): tỉ lệ HTTNV trở lên tăng 25%; tỉ lệ HTNV giảm 25%;
    tỉ lệ KHTNV không thay đổi." — or "—" with the reason."""
    head = _("{label} ({name})").format(label=COMPARE_LABELS[compared.with_], name=compared.name)
    head = head[:1].upper() + head[1:]
    if compared.reason is not None:
        return _("{head}: — ({reason}).").format(head=head, reason=no_comparison_text(compared))
    block = compared.block
    if not block.current.rated:
        return _("{head}: — (quý này chưa có kết quả xếp loại).").format(head=head)
    parts = [
        _("{rate} {change}").format(rate=rate, change=change_text(points) or "—")
        for rate, points in (
            (_("tỉ lệ HTTNV trở lên"), block.tt_plus_change),
            (_("tỉ lệ HTNV"), block.ht_change),
            (_("tỉ lệ KHTNV"), block.k_change),
        )
    ]
    text = _("{head}: {parts}").format(head=head, parts="; ".join(parts))
    if block.provisional:
        text += " " + _("(tạm tính)")
    return text + "."


def quota_numbers(xs: int, base: int, quota_base: QuotaBase, share: Decimal | None) -> str:
    """ "HTXSNV 13 / (HTXSNV+HTTNV) 67 = 19,4%" """
    label = QUOTA_BASE_LABELS[quota_base]
    return f"HTXSNV {vn_int(xs)} / ({label}) {vn_int(base)} = {pct(share)}"


def provisional_change_text(points: Decimal | None, provisional: bool) -> str:
    """``change_text``, marked "tạm tính" when either year still has undecided subjects."""
    text = change_text(points)
    if text and provisional:
        return _("tạm tính: {change}").format(change=text)
    return text


def decided_text(counts: Counts) -> str:
    """ "1/5.617 đã quyết định" — how much of the year the shares stand for."""
    return _("{decided}/{total} đã quyết định").format(
        decided=vn_int(counts.decided), total=vn_int(counts.total)
    )


def _with_change(
    rate: Decimal | None, points: Decimal | None, year: int | None, provisional: bool = False
) -> str:
    text = pct(rate)
    if points is not None and year is not None:
        return _("{rate} ({change} so với năm {year})").format(
            rate=text, change=provisional_change_text(points, provisional), year=year
        )
    return text


def _not_rated_clause(block: Block, noun: str, *, members: bool) -> list[str]:
    parts: list[str] = []
    counts = block.current
    for reason, n in counts.not_rated:
        label = reason_label(reason)
        label = label[:1].lower() + label[1:]
        if members:
            parts.append(
                _(
                    "số {noun} chưa được đánh giá, xếp loại chất lượng là {n} đồng chí "
                    "(do {reason}), bằng {share}"
                ).format(
                    noun=noun,
                    n=count(n),
                    reason=label,
                    share=pct(percent(n, counts.total)),
                )
            )
        else:
            parts.append(
                _("{n} {noun} do {reason} chưa đánh giá, xếp loại chất lượng").format(
                    n=count(n), noun=noun, reason=label
                )
            )
    if counts.pending:
        parts.append(
            _("{n} {noun} chưa có kết quả xếp loại (đang xét)").format(
                n=count(counts.pending), noun=noun
            )
        )
    return parts


def _quarter_clauses(block: Block, report: Report) -> str:
    return " " + " ".join(comparison_sentence(c) for c in report.comparisons(block.kind))


def block_sentence(block: Block, report: Report) -> str:
    """One numbered paragraph of the official report, without its number. Mid-round (some
    subject undecided, this year or the year compared with) the figures say "tạm tính" and how
    many of the block are decided."""
    counts = block.current
    noun = str(NOUNS[block.kind])
    members = block.kind == SubjectKind.MEMBER
    year = report.period.previous_year if block.previous is not None else None
    if report.quarter is not None:  # a quarter compares twice, in sentences of their own
        year = None
    unit_word = _(" đồng chí") if members else ""
    head = str(BLOCK_TITLES[block.kind]) + ": "
    if counts.total == 0:
        return head + _("Không có {noun} thuộc phạm vi báo cáo.").format(noun=noun)
    if members:
        intro = _(
            "Tổng số đảng viên có mặt đến thời điểm đánh giá, xếp loại chất lượng là "
            "{total} đảng viên. Trong đó, số đảng viên được đánh giá, xếp loại chất lượng "
            "là {rated} đồng chí, bằng {share}"
        ).format(
            total=vn_int(counts.total), rated=count(counts.rated), share=pct(counts.rated_share)
        )
        rest = _not_rated_clause(block, noun, members=True)
        intro = "; ".join([intro, *rest]) + "."
        result_label = _(
            "Số đảng viên được đánh giá, xếp loại chất lượng hoàn thành tốt nhiệm vụ trở lên"
        )
    else:
        if counts.not_rated or counts.pending:
            intro = _(
                "Đến cuối {when} có {total} {noun}, trong đó: {rated} {noun} "
                "đã được đánh giá, xếp loại chất lượng"
            ).format(
                when=_("quý {q} năm {year}").format(
                    q=report.quarter.quarter, year=report.period.year
                )
                if report.quarter
                else _("năm {year}").format(year=report.period.year),
                total=count(counts.total),
                noun=noun,
                rated=count(counts.rated),
            )
            intro = "; ".join([intro, *_not_rated_clause(block, noun, members=False)]) + "."
        else:
            intro = _("Có {rated} {noun} đã được đánh giá, xếp loại chất lượng.").format(
                rated=count(counts.rated), noun=noun
            )
        result_label = _("Số {noun} hoàn thành tốt nhiệm vụ trở lên").format(noun=noun)
    provisional = block.provisional
    if not counts.complete:
        intro += " " + _(
            "Số liệu tạm tính ({decided}); các tỉ lệ tính trên số đã được xếp loại."
        ).format(decided=decided_text(counts))
    if counts.rated == 0:
        return head + intro + (_quarter_clauses(block, report) if report.quarter else "")
    if counts.xs:
        xs_clause = _(
            "trong đó số {noun} hoàn thành xuất sắc nhiệm vụ là {xs}{unit}, đạt {share} {base}"
        ).format(
            noun=noun,
            xs=count(counts.xs),
            unit=unit_word,
            share=pct(counts.xs_share(report.options.denominator)),
            base=DENOMINATOR_LABELS[report.options.denominator],
        )
    else:
        xs_clause = _("trong đó không có {noun} hoàn thành xuất sắc nhiệm vụ").format(noun=noun)
    tt_text = pct(counts.tt_plus_rate)
    if block.tt_plus_change is not None and year is not None:
        tt_text = _("{rate} ({change} so với năm {year}, {xs})").format(
            rate=tt_text,
            change=provisional_change_text(block.tt_plus_change, provisional),
            year=year,
            xs=xs_clause,
        )
    else:
        tt_text = _("{rate} ({xs})").format(rate=tt_text, xs=xs_clause)
    parts = [
        _("{label} là {n}{unit}, bằng {rate}").format(
            label=result_label, n=count(counts.tt_plus), unit=unit_word, rate=tt_text
        )
    ]
    for n, rate, points, level_words in (
        (counts.ht, counts.ht_rate, block.ht_change, _("hoàn thành nhiệm vụ")),
        (counts.k, counts.k_rate, block.k_change, _("không hoàn thành nhiệm vụ")),
    ):
        if n:
            parts.append(
                _("số {noun} {level} là {n}{unit}, bằng {rate}").format(
                    noun=noun,
                    level=level_words,
                    n=count(n),
                    unit=unit_word,
                    rate=_with_change(rate, points, year, provisional),
                )
            )
        else:
            text = _("không có {noun} {level}").format(noun=noun, level=level_words)
            if points and year is not None:
                text += " " + _("({change} so với năm {year})").format(
                    change=provisional_change_text(points, provisional), year=year
                )
            parts.append(text)
    text = head + intro + " " + _("Kết quả: ") + "; ".join(parts) + "."
    return text + (_quarter_clauses(block, report) if report.quarter else "")
