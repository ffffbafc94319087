"""Classification levels, per-criterion grades and not-rated reason codes.

``Level`` and ``Grade`` are ``IntEnum`` so that ``<``, ``min`` and ``max`` follow the
regulation's order: HTXSNV > HTTNV > HTNV > KHTNV and XS > TOT > TB > KEM.

>>> min(Level.HTXSNV, Level.HTNV)
<Level.HTNV: 2>
>>> Level.parse("httnv")
<Level.HTTNV: 3>
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from xeploai.rules.errors import InvalidFacts


class Level(IntEnum):
    """The four quality levels (rules.md §1.1)."""

    KHTNV = 1
    HTNV = 2
    HTTNV = 3
    HTXSNV = 4

    @property
    def label_vi(self) -> str:
        """The Vietnamese name of the level."""
        return _LEVEL_VI[self]

    @property
    def label_en(self) -> str:
        """The English name of the level."""
        return _LEVEL_EN[self]

    @classmethod
    def parse(cls, text: str) -> Level:
        """Read a level from its code (any case) or its Vietnamese name."""
        key = text.strip().upper().replace(" ", "")
        if key in cls.__members__:
            return cls[key]
        for level, label in _LEVEL_VI.items():
            if text.strip().lower() == label.lower():
                return level
        raise InvalidFacts(
            f"Mức xếp loại không hợp lệ: {text!r} (HTXSNV, HTTNV, HTNV, KHTNV)",
            f"Unknown level: {text!r} (HTXSNV, HTTNV, HTNV, KHTNV)",
        )


_LEVEL_VI = {
    Level.HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    Level.HTTNV: "Hoàn thành tốt nhiệm vụ",
    Level.HTNV: "Hoàn thành nhiệm vụ",
    Level.KHTNV: "Không hoàn thành nhiệm vụ",
}
_LEVEL_EN = {
    Level.HTXSNV: "Excellent completion of tasks",
    Level.HTTNV: "Good completion of tasks",
    Level.HTNV: "Completion of tasks",
    Level.KHTNV: "Failure to complete tasks",
}


def at_least(level: Level | None, floor: Level) -> bool:
    """True when ``level`` is rated and not below ``floor`` ("X trở lên")."""
    return level is not None and level >= floor


class Grade(IntEnum):
    """The per-criterion achievement scale of 132 and 124 (rules.md §1.2)."""

    KEM = 1
    TB = 2
    TOT = 3
    XS = 4

    @property
    def label_vi(self) -> str:
        """The Vietnamese name of the grade."""
        return {Grade.XS: "Xuất sắc", Grade.TOT: "Tốt", Grade.TB: "Trung bình", Grade.KEM: "Kém"}[
            self
        ]

    @classmethod
    def parse(cls, text: str) -> Grade:
        """Read a grade from its code (XS/TOT/TB/KEM) or its Vietnamese name."""
        raw = text.strip()
        key = raw.upper()
        if key in cls.__members__:
            return cls[key]
        for grade in cls:
            if raw.lower() == grade.label_vi.lower():
                return grade
        raise InvalidFacts(
            f"Mức tiêu chí không hợp lệ: {text!r} (XS, TOT, TB, KEM)",
            f"Unknown criterion grade: {text!r} (XS, TOT, TB, KEM)",
        )


class NotRatedReason(StrEnum):
    """Why a subject is not rated (rules.md §4.6, §7.3)."""

    MOI_KET_NAP_DUOI_6T = "MOI_KET_NAP_DUOI_6T"
    MOI_THANH_LAP = "MOI_THANH_LAP"
    CHIA_TACH_SAP_NHAP = "CHIA_TACH_SAP_NHAP"
    MOI_BO_NHIEM_DUOI_6T = "MOI_BO_NHIEM_DUOI_6T"
    MIEN_SINH_HOAT = "MIEN_SINH_HOAT"
    DINH_CHI_SINH_HOAT = "DINH_CHI_SINH_HOAT"
    VANG_MAT_CHUA_XL = "VANG_MAT_CHUA_XL"

    @property
    def label_vi(self) -> str:
        """The Vietnamese wording used in reports."""
        return _REASON_VI[self]

    @property
    def label_en(self) -> str:
        """The English wording."""
        return _REASON_EN[self]


_REASON_VI = {
    NotRatedReason.MOI_KET_NAP_DUOI_6T: "mới kết nạp dưới 06 tháng",
    NotRatedReason.MOI_THANH_LAP: "mới thành lập",
    NotRatedReason.CHIA_TACH_SAP_NHAP: "mới chia tách, sáp nhập",
    NotRatedReason.MOI_BO_NHIEM_DUOI_6T: "mới bổ nhiệm chưa đủ 06 tháng",
    NotRatedReason.MIEN_SINH_HOAT: "được miễn công tác và sinh hoạt đảng",
    NotRatedReason.DINH_CHI_SINH_HOAT: "bị đình chỉ sinh hoạt đảng",
    NotRatedReason.VANG_MAT_CHUA_XL: "vắng mặt, chưa đánh giá, xếp loại",
}
_REASON_EN = {
    NotRatedReason.MOI_KET_NAP_DUOI_6T: "admitted less than 6 months ago",
    NotRatedReason.MOI_THANH_LAP: "newly established",
    NotRatedReason.CHIA_TACH_SAP_NHAP: "newly split or merged",
    NotRatedReason.MOI_BO_NHIEM_DUOI_6T: "appointed less than 6 months ago",
    NotRatedReason.MIEN_SINH_HOAT: "exempt from party work and activity",
    NotRatedReason.DINH_CHI_SINH_HOAT: "suspended from party activity",
    NotRatedReason.VANG_MAT_CHUA_XL: "absent, not yet rated",
}
