"""What the rules say, in the words of the round's pages: an explanation's sentence with its
clause as a person reads it, and the names the board gives the engine's codes (quota groups,
discipline forms) — rendered from the violation's own numbers by the rules' catalog
(``rules.render``), never by rewriting a sentence already written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from xeploai import rules

# The rule sets' clauses carry the domain notes' provenance tags — [S000]…: the source page;
# [F24]: a local document; [INF…]: an inference, a configurable default (docs/rules.md). They
# are for whoever maintains the rules; the pages show the clause without them.
_PROVENANCE = re.compile(r"\s*\[(?:S\d+|F\d+|INF)[^\]]*\]")


def shown_clause(clause: str) -> str:
    """``clause`` without its provenance tags: "CV 154-CV/ĐU [S000] [INF: …]" → "CV 154-CV/ĐU"."""
    return _PROVENANCE.sub("", clause).strip()


def _with_clause(text: str, clause: str) -> str:
    shown = shown_clause(clause)
    return f"{text} ({shown})" if shown else text


def _is_english(english: bool | None) -> bool:
    return get_language() == "en" if english is None else english


def message(explanation: rules.Explanation, *, english: bool | None = None) -> str:
    """The explanation in the active language (``english``: already known, for many), with its
    clause as a person reads it (``shown_clause``)."""
    text = explanation.message_en if _is_english(english) else explanation.message_vi
    return _with_clause(text, explanation.clause)


GROUP_LABELS = {
    rules.SubjectKind.DANG_VIEN.value: gettext_lazy("Đảng viên"),
    rules.SubjectKind.CHI_BO.value: gettext_lazy("Chi bộ trực thuộc"),
    rules.SubjectKind.TCCSD.value: gettext_lazy("Tổ chức cơ sở đảng"),
    rules.SubjectKind.TT_CAP_UY.value: gettext_lazy("Tập thể cấp ủy"),
}
MEMBER_GROUP_LABELS = {
    rules.ExcellenceGroup.LANH_DAO_DON_VI.value: gettext_lazy("lãnh đạo cơ quan, đơn vị"),
    rules.ExcellenceGroup.QUAN_LY_CAP_PHONG.value: gettext_lazy("quản lý cấp phòng"),
    rules.ExcellenceGroup.KHONG_CHUC_VU.value: gettext_lazy("không giữ chức vụ"),
}
# The regulation's names of the discipline forms (the pages show them in Vietnamese).
FORM_WORDS = {
    rules.DisciplineForm.KHIEN_TRACH.value: "khiển trách",
    rules.DisciplineForm.CANH_CAO.value: "cảnh cáo",
    rules.DisciplineForm.CACH_CHUC.value: "cách chức",
    rules.DisciplineForm.KHAI_TRU.value: "khai trừ",
}


def meter_label(summary: rules.QuotaSummary) -> str:
    """A quota meter's title: the kind of subject, and the members' group where there is one
    ("Đảng viên — không giữ chức vụ")."""
    group = summary.group
    kind = str(GROUP_LABELS.get(group.kind, group.kind))
    member_group = MEMBER_GROUP_LABELS.get(group.group)
    return f"{kind} — {member_group}" if member_group else kind


def group_words(label: str) -> str:
    """A problem's name for the quota group its ``group`` number names ("u7 / DANG_VIEN /
    KHONG_CHUC_VU" → "Đảng viên — không giữ chức vụ"); a group of another kind keeps its
    code after the kind's name, a label of a kind the board does not name stays as it is."""
    group = rules.QuotaGroup.from_label(label)
    kind = GROUP_LABELS.get(group.kind) if group is not None else None
    if group is None or kind is None:
        return label
    member_group = MEMBER_GROUP_LABELS.get(group.group)
    return f"{kind} — {member_group}" if member_group else f"{kind} {group.group}"


def _names(numbers: Mapping[str, object]) -> dict[str, str]:
    """The words the board shows for the numbers that carry an engine code."""
    names: dict[str, str] = {}
    group = numbers.get("group")
    if isinstance(group, str):
        names["group"] = group_words(group)
    for name in ("form", "min_form"):
        words = FORM_WORDS.get(str(numbers.get(name)))
        if words is not None:
            names[name] = words
    return names


def violation_message(violation: rules.Explanation, *, english: bool | None = None) -> str:
    """A problem as the board and a refused decision word it: ``message``, with the quota
    groups and the discipline forms by their names."""
    lang = "en" if _is_english(english) else "vi"
    numbers = violation.numbers
    text = rules.render(violation.key, numbers, lang, names=_names(numbers))
    return _with_clause(text, violation.clause)


NAMES_IN_MESSAGE = 10


def _names_text(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:NAMES_IN_MESSAGE])
    rest = len(names) - NAMES_IN_MESSAGE
    return shown + (_(" và {n} người khác").format(n=rest) if rest > 0 else "")


def reminder_messages(reminded: Any) -> list[tuple[str, str]]:
    """(level, sentence) pairs saying whom a reminder reached and whom it could not, and why
    (``reminded``: a ``periods.Reminded``) — never a bare "reminded 0"."""
    due = reminded.due.strftime("%d/%m/%Y") if reminded.due else ""
    if reminded.due is None:
        return [("warning", _("Chưa đặt hạn nộp bản kiểm điểm: chưa ai bị coi là chậm nộp."))]
    if not reminded.late:
        return [
            (
                "info",
                _("Không có đảng viên nào chậm nộp bản kiểm điểm (hạn {due}).").format(due=due),
            )
        ]
    out: list[tuple[str, str]] = []
    if reminded.reached:
        text = _("Đã nhắc {n}/{late} đảng viên chậm nộp bản kiểm điểm (hạn {due}).").format(
            n=reminded.reached, late=reminded.late, due=due
        )
        if reminded.emailed:
            text += " " + _("Qua thông báo và thư điện tử: {names}.").format(
                names=_names_text(reminded.emailed)
            )
        if reminded.on_screen:
            text += " " + _(
                "Chỉ qua thông báo trên màn hình (tài khoản chưa có thư điện tử): {names}."
            ).format(names=_names_text(reminded.on_screen))
        out.append(("success", text))
    unreached = len(reminded.no_account) + len(reminded.inactive)
    if unreached:
        reasons = []
        if reminded.no_account:
            reasons.append(
                _("chưa có tài khoản — {names}").format(names=_names_text(reminded.no_account))
            )
        if reminded.inactive:
            reasons.append(
                _("tài khoản đang bị khóa — {names}").format(names=_names_text(reminded.inactive))
            )
        out.append(
            (
                "warning",
                _("Không nhắc được {n} đảng viên: {reasons}. Cần báo trực tiếp.").format(
                    n=unreached, reasons="; ".join(reasons)
                ),
            )
        )
    return out
