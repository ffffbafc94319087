"""The vote-count minutes (biên bản kiểm phiếu) as a Word file."""

from __future__ import annotations

from django.utils import timezone, translation

from xeploai.ballots.models import Ballot
from xeploai.lib import docx
from xeploai.lib.numbers import vn_int
from xeploai.org.issuer import issuer_of


def _minutes_docx(ballot: Ballot) -> bytes:
    document = docx.new_document()
    closed = timezone.localtime(ballot.closed_at or ballot.created_at)
    issuer = issuer_of(ballot.unit, closed.date())
    docx.party_header(document, issuer, "BB", closed.date())
    docx.title(document, "BIÊN BẢN KIỂM PHIẾU", ballot.title)
    docx.paragraph(
        document,
        f"Tổng số đảng viên chính thức: {vn_int(ballot.full_members)}; có mặt: "
        f"{vn_int(ballot.present)}. Hình thức: {ballot.get_mode_display()}.",
    )
    tallies = {t.evaluation_id: t for t in ballot.tallies.all()}
    if tallies:  # the papers issued and returned are the ballot's, said once (issue 15 §4)
        first = next(iter(tallies.values()))
        docx.paragraph(
            document,
            f"Số phiếu phát ra: {vn_int(first.issued)}; số phiếu thu vào: "
            f"{vn_int(first.returned)}.",
        )
    rows = []
    for subject in ballot.subjects.select_related(
        "evaluation__person", "evaluation__unit"
    ).order_by("position"):
        tally = tallies.get(subject.evaluation_id)
        if tally is None:
            continue
        rows.append(
            [
                subject.evaluation.subject_name,
                vn_int(tally.valid),
                *(
                    vn_int(tally.votes.get(level, 0))
                    for level in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
                ),
                tally.level or "—",
            ]
        )
    docx.table(
        document,
        [
            "Đối tượng",
            "Phiếu hợp lệ",
            "HTXSNV",
            "HTTNV",
            "HTNV",
            "KHTNV",
            "Mức đề xuất",
        ],
        rows,
        numeric=(False, *[True] * 5, False),
    )
    entries = list(ballot.entries.select_related("entered_by").order_by("entered_at"))
    if entries:
        docx.heading(document, "Nhật ký nhập kết quả")
        for entry in entries:
            docx.paragraph(
                document,
                f"Lần nhập {entry.entry_no} bởi {entry.entered_by.get_username()} lúc "
                f"{timezone.localtime(entry.entered_at):%H:%M:%S %d/%m/%Y}{' (đã nhập lại)' if entry.superseded else ''}",
            )
    if ballot.digest:
        docx.paragraph(document, f"Mã băm SHA-256 của tập phiếu đã công bố: {ballot.digest}")
    docx.signatures(document, "TRƯỞNG BAN KIỂM PHIẾU", "CÁC THÀNH VIÊN")
    return docx.to_bytes(document)


def minutes_docx(ballot: Ballot) -> bytes:
    """Official documents are Vietnamese whatever the interface language."""
    with translation.override("vi"):
        return _minutes_docx(ballot)
