"""The personal (or collective) self-review as a Word file in the rule set's official form."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from reportlab.platypus import Paragraph

from xeploai.cycles.models import Period
from xeploai.lib import docx
from xeploai.lib.numbers import vn_int
from xeploai.org.issuer import body_name, issuer_of
from xeploai.org.models import OrgUnit
from xeploai.reviews.formdefs import form_def
from xeploai.reviews.models import Evaluation, NotRatedReason, Stage, SubjectKind

# Official documents are Vietnamese whatever the interface language: plain strings, not lazy ones.
_LEVELS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
_GRADES = {"XS": "Xuất sắc", "TOT": "Tốt", "TB": "Trung bình", "KEM": "Kém"}
_RESULTS = {
    "vuot_muc": "Hoàn thành vượt mức",
    "dung_han": "Hoàn thành đúng tiến độ",
    "cham": "Hoàn thành nhưng chậm tiến độ",
    "chua_xong": "Chưa hoàn thành",
}
_FIX = {
    "da_khac_phuc": "Đã khắc phục",
    "dang_khac_phuc": "Đang khắc phục",
    "chua_khac_phuc": "Chưa khắc phục",
}


MEMBER_TITLE = "Bản kiểm điểm, tự đánh giá, xếp loại chất lượng đảng viên"


def score(value: float | int | None) -> str:
    """A score the Vietnamese way: 27 → "27", 28.0 → "28,0", 27.5 → "27,5"; None → "…"."""
    if value is None:
        return "…"
    if isinstance(value, int):
        return vn_int(value)
    return f"{value:.1f}".replace(".", ",")


def _recipients(unit: OrgUnit) -> list[str]:
    superior = f"{body_name(unit.parent)} (để báo cáo)" if unit.parent is not None else ""
    return [r for r in (superior, "Lưu") if r]


def _grassroots(unit: OrgUnit) -> OrgUnit | None:
    if unit.is_grassroots:
        return unit
    return OrgUnit.objects.filter(
        path__in=unit.ancestor_paths(), kind__in=("dang_bo_co_so", "chi_bo_co_so")
    ).first()


def _self_review_docx(evaluation: Evaluation) -> bytes:
    """Mẫu 02 / 02A / 02B / 2A / 2B / 2C (or 01/03 for a collective), filled from the review.

    Official documents are written in Vietnamese whatever the interface language.
    """
    definition = form_def(evaluation.form_code)
    content = evaluation.content or {}
    unit = evaluation.unit
    grassroots = _grassroots(unit)
    document = docx.new_document()
    on = evaluation.period.evaluation_date
    code = definition.code.replace("-", "-HD KĐ.ĐG ")
    year = evaluation.period.year
    if evaluation.kind == SubjectKind.MEMBER:
        # A member's form is headed by the cell (and its grassroots committee), unnumbered.
        docx.party_header(document, issuer_of(unit, on), "", on, numbered=False)
        kind = MEMBER_TITLE if definition.scored else "Bản kiểm điểm cá nhân"
        quarter = evaluation.period.quarter
        when = f"Quý {quarter} năm {year}" if quarter else f"Năm {year}"
        docx.title(document, kind, when, f"(Mẫu {code})")
        person = evaluation.person
        assert person is not None
        docx.paragraph(document, f"Họ và tên: {person.full_name}", indent=False)
        if person.date_of_birth:
            docx.paragraph(document, f"Ngày sinh: {person.date_of_birth:%d/%m/%Y}", indent=False)
        docx.paragraph(document, f"Chi bộ: {unit.name}", indent=False)
        if grassroots is not None and grassroots != unit:
            docx.paragraph(document, f"Đảng bộ: {grassroots.name}", indent=False)
    else:
        docx.party_header(document, issuer_of(unit, on), "BC", on)
        what = "tự đánh giá, xếp loại" if definition.scored else "đánh giá"
        docx.title(
            document,
            "Báo cáo",
            f"Kiểm điểm, {what} chất lượng {evaluation.subject_name} năm {year}",
            f"(Mẫu {code})",
        )
    sections = content.get("sections", {})
    for number, section in enumerate(definition.sections, start=1):
        entry = sections.get(section.key, {})
        docx.heading(document, f"{number}. {section.label}")
        if section.key == "previous" and content.get("previous"):
            docx.table(
                document,
                ["Hạn chế, khuyết điểm đã chỉ ra", "Kết quả khắc phục"],
                [
                    [item.get("text", ""), _FIX.get(item.get("status", ""), "")]
                    for item in content["previous"]
                ],
            )
        docx.paragraph(document, entry.get("text", ""))
        if entry.get("grade"):
            docx.paragraph(
                document, f"Tự đánh giá: {_GRADES.get(entry['grade'], entry['grade'])}", italic=True
            )
    if definition.scored:
        docx.heading(document, "Tự đánh giá, xếp loại")
        common, tasks = content.get("score_common"), content.get("score_tasks")
        total = (common or 0) + (tasks or 0) if common is not None and tasks is not None else None
        docx.paragraph(document, f"1. Nhóm tiêu chí chung: {score(common)}/30")
        docx.paragraph(
            document, f"2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: {score(tasks)}/70"
        )
        docx.paragraph(document, f"Tổng điểm: {score(total)}/100")
        if content.get("tasks"):
            docx.heading(document, "Phụ lục: nhiệm vụ được giao và sản phẩm cụ thể")
            docx.table(
                document,
                ["Nhiệm vụ", "Sản phẩm, kết quả cụ thể", "Mức độ hoàn thành"],
                [
                    [t.get("task", ""), t.get("product", ""), _RESULTS.get(t.get("result", ""), "")]
                    for t in content["tasks"]
                ],
            )
        if content.get("annex"):
            docx.heading(document, "Phụ lục: sản phẩm, tiến độ, chất lượng nhiệm vụ")
            docx.paragraph(document, content["annex"])
    docx.heading(document, "Tự nhận mức xếp loại chất lượng")
    if content.get("civil_level"):
        docx.paragraph(
            document,
            f"Xếp loại cán bộ, công chức, viên chức: {_LEVELS.get(content['civil_level'], '')}",
        )
    docx.paragraph(document, f"Xếp loại đảng viên: {_LEVELS.get(evaluation.self_level, '…')}")
    if evaluation.kind == SubjectKind.MEMBER:
        assert evaluation.person is not None
        docx.signature(document, None, role="NGƯỜI TỰ KIỂM ĐIỂM", name=evaluation.person.full_name)
    else:
        docx.signature(document, issuer_of(unit, on), _recipients(unit))
    docx.heading(document, "Chi bộ đề xuất xếp loại mức chất lượng")
    docx.paragraph(document, _LEVELS.get(evaluation.cell_level, "…"))
    signed = evaluation.kind == SubjectKind.MEMBER and definition.scored
    if signed:  # the 2025 forms (Mẫu 2A, 2B, 2C): the cell signs its proposal
        docx.signature(document, issuer_of(unit, on))
    docx.heading(document, "Cấp có thẩm quyền xếp loại mức chất lượng")
    docx.paragraph(document, _LEVELS.get(evaluation.level, "…"))
    if signed and evaluation.decider_id is not None and evaluation.decider_id != unit.pk:
        docx.signature(document, issuer_of(evaluation.decider, on))  # "T/M ĐẢNG ỦY"
    return docx.to_bytes(document)


def self_review_docx(evaluation: Evaluation) -> bytes:
    """Official documents are Vietnamese whatever the interface language."""
    with translation.override("vi"):
        return _self_review_docx(evaluation)


# The committee's result document (issue 17 §2): the announcement of the levels decided.
_GROUPS = (
    (SubjectKind.COMMITTEE, "Tập thể cấp ủy"),
    (SubjectKind.GRASSROOTS, "Tổ chức cơ sở đảng"),
    (SubjectKind.CELL, "Chi bộ trực thuộc"),
    (SubjectKind.MEMBER, "Đảng viên"),
)
_ROMAN = ("I", "II", "III", "IV")
RESULTS_HEAD = ("STT", "Đối tượng", "Thuộc", "Mức xếp loại")


@dataclass(frozen=True)
class ResultGroup:
    title: str
    rows: tuple[tuple[str, str, str, str], ...]  # number, subject, where, level


def _level_text(evaluation: Evaluation) -> str:
    if evaluation.level:
        return _LEVELS.get(evaluation.level, evaluation.level)
    if evaluation.not_rated_reason:
        return f"Chưa xếp loại ({NotRatedReason(evaluation.not_rated_reason).label})"
    return "Chưa xếp loại"


def decided_results(unit: OrgUnit, period: Period) -> list[ResultGroup]:
    """The levels ``unit`` decided for ``period``, by group (one query), best level first."""
    order = {code: index for index, code in enumerate(_LEVELS)}
    evaluations = list(
        Evaluation.objects.filter(period=period, decider=unit, stage=Stage.DECIDED)
        .select_related("unit", "person")
        .order_by("unit__path", "person__full_name", "pk")
    )
    groups: list[ResultGroup] = []
    for kind, label in _GROUPS:
        chosen = sorted(
            (e for e in evaluations if e.kind == kind),
            key=lambda e: order.get(e.level, len(order)),
        )
        if not chosen:
            continue
        rows = tuple(
            (
                vn_int(number),
                e.subject_name,
                e.unit.name if e.kind == SubjectKind.MEMBER else "",
                _level_text(e),
            )
            for number, e in enumerate(chosen, start=1)
        )
        groups.append(ResultGroup(f"{_ROMAN[len(groups)]}. {label}", rows))
    return groups


def _results_intro(unit: OrgUnit, period: Period, groups: list[ResultGroup]) -> str:
    total = sum(len(g.rows) for g in groups)
    return (
        f"Căn cứ kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm "
        f"{period.year}, {body_name(unit)} thông báo kết quả xếp loại chất lượng của "
        f"{vn_int(total)} tập thể, cá nhân như sau:"
    )


def _results_recipients(unit: OrgUnit) -> list[str]:
    recipients = []
    if unit.parent is not None:
        recipients.append(f"{body_name(unit.parent)} (để báo cáo)")
    recipients += ["Các tổ chức đảng trực thuộc", "Lưu"]
    return recipients


RESULTS_SUMMARY = "kết quả xếp loại chất lượng tổ chức đảng, đảng viên năm {year}"


def _results_docx(unit: OrgUnit, period: Period, on: dt.date) -> bytes:
    groups = decided_results(unit, period)
    issuer = issuer_of(unit, on)
    document = docx.new_document()
    docx.party_header(document, issuer, "TB", on)
    docx.title(document, "Thông báo", RESULTS_SUMMARY.format(year=period.year))
    docx.paragraph(document, _results_intro(unit, period, groups))
    for group in groups:
        docx.heading(document, group.title)
        docx.table(document, RESULTS_HEAD, group.rows, numeric=(True,), size=12, smallest=10)
    if not groups:
        docx.paragraph(document, "Chưa có đối tượng nào được quyết định xếp loại.")
    docx.signature(document, issuer, _results_recipients(unit))
    return docx.to_bytes(document)


def _results_pdf(unit: OrgUnit, period: Period, on: dt.date) -> bytes:
    from xeploai.lib import pdf

    groups = decided_results(unit, period)
    issuer = issuer_of(unit, on)
    out = io.BytesIO()
    summary = RESULTS_SUMMARY.format(year=period.year)
    page = pdf.document(out, f"Thông báo {summary}")
    sheet = pdf.styles()
    story: list[Any] = [
        *pdf.party_header(issuer, "TB", on, page.width),
        *pdf.title("Thông báo", summary),
        Paragraph(pdf.text(_results_intro(unit, period, groups)), sheet["body"]),
    ]
    for group in groups:
        story.append(Paragraph(pdf.text(group.title), sheet["h"]))
        story.append(pdf.table(RESULTS_HEAD, group.rows, page.width, numeric=(True,)))
    if not groups:
        story.append(Paragraph("Chưa có đối tượng nào được quyết định xếp loại.", sheet["body"]))
    story += pdf.signature(issuer, _results_recipients(unit), page.width)
    page.build(story)
    return out.getvalue()


def results_docx(unit: OrgUnit, period: Period, on: dt.date) -> bytes:
    """The committee's announcement of the levels it decided, ready to sign (Word)."""
    with translation.override("vi"):
        return _results_docx(unit, period, on)


def results_pdf(unit: OrgUnit, period: Period, on: dt.date) -> bytes:
    """The same announcement as a PDF."""
    with translation.override("vi"):
        return _results_pdf(unit, period, on)
