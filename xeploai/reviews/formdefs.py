"""The official self-review forms as data: sections, which carry a self-grade, scoring blocks.

Keys are stable (they are the keys of ``Evaluation.content``); labels are the forms' wording.
Key forms by meaning, not by letter: 02A (2023) is *without* a post, 2A (2025) *with* one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: Any  # a lazy translation
    graded: bool = False  # carries a self-grade XS/TOT/TB/KEM (132/124 forms)
    task_results: bool = False  # a "results of assigned tasks" criterion (needs XS for HTXSNV)


@dataclass(frozen=True)
class FormDef:
    code: str
    title: Any  # a lazy translation
    sections: tuple[Section, ...]
    scored: bool = False  # 366: common /30 + tasks /70
    collective: bool = False

    @property
    def graded_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.graded)


QUALITIES = Section(
    "qualities",
    _(
        "Về tư tưởng chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong,"
        " lề lối làm việc"
    ),
    graded=True,
)
DUTIES = Section(
    "duties", _("Về thực hiện chức trách, nhiệm vụ được giao"), graded=True, task_results=True
)
LEADING = Section(
    "leading",
    _(
        "Kết quả lãnh đạo, chỉ đạo, quản lý, điều hành; mức độ hoàn thành nhiệm vụ của các tổ chức"
        " thuộc quyền quản lý; khả năng quy tụ, đoàn kết"
    ),
    graded=True,
    task_results=True,
)
RESPONSIBILITY = Section(
    "responsibility",
    _(
        "Trách nhiệm trong công việc; năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu"
        " trách nhiệm; xử lý những vấn đề khó"
    ),
    graded=True,
)
EXAMPLE = Section(
    "example",
    _(
        "Trách nhiệm nêu gương của bản thân và gia đình; phòng, chống tham nhũng, lãng phí,"
        " tiêu cực; sự tín nhiệm"
    ),
    graded=True,
)
PLEDGE = Section("pledge", _("Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm"))
SHORTCOMINGS = Section(
    "shortcomings", _("Những hạn chế, khuyết điểm (mỗi ý một dòng) và nguyên nhân")
)
PREVIOUS = Section(
    "previous",
    _(
        "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc chỉ ra"
    ),
    graded=True,
)
SUGGESTED = Section("suggested", _("Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"))
COLLECTIVE_SHARE = Section(
    "collective_share",
    _("Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)"),
)
REMEDIES = Section("remedies", _("Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"))

_PERSONAL_TAIL = (SHORTCOMINGS, PREVIOUS, SUGGESTED, COLLECTIVE_SHARE, REMEDIES)

COLLECTIVE_SECTIONS = (
    Section(
        "principles",
        _(
            "Việc thực hiện các nguyên tắc tổ chức của Đảng, nhất là nguyên tắc tập trung dân chủ; quy chế làm việc"
        ),
        graded=True,
    ),
    Section(
        "targets",
        _("Kết quả thực hiện mục tiêu, chỉ tiêu, nhiệm vụ trong nghị quyết và kế hoạch năm"),
        graded=True,
        task_results=True,
    ),
    Section(
        "party_building",
        _(
            "Công tác xây dựng, chỉnh đốn Đảng; kiểm tra, giám sát, kỷ luật đảng; phòng, chống tham nhũng, tiêu cực"
        ),
        graded=True,
    ),
    Section(
        "leadership",
        _("Trách nhiệm của tập thể lãnh đạo trong lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị"),
        graded=True,
    ),
    Section("shortcomings", _("Hạn chế, khuyết điểm (mỗi ý một dòng) và nguyên nhân")),
    Section(
        "previous", _("Kết quả khắc phục những hạn chế, khuyết điểm đã được chỉ ra"), graded=True
    ),
    Section("suggested", _("Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)")),
    Section("responsibility", _("Trách nhiệm của tập thể và cá nhân")),
    Section("remedies", _("Phương hướng, biện pháp khắc phục")),
)

FORMS: dict[str, FormDef] = {
    "02-2019": FormDef(
        "02-2019",
        _("Bản kiểm điểm cá nhân (Mẫu 02-HD KĐ.ĐG 2019)"),
        (QUALITIES, DUTIES, PLEDGE, *_PERSONAL_TAIL),
    ),
    "02A-2023": FormDef(
        "02A-2023",
        _("Bản kiểm điểm cá nhân — không giữ chức vụ lãnh đạo, quản lý (Mẫu 02A-HD KĐ.ĐG 2023)"),
        (QUALITIES, DUTIES, PLEDGE, *_PERSONAL_TAIL),
    ),
    "02B-2023": FormDef(
        "02B-2023",
        _("Bản kiểm điểm cá nhân — giữ chức vụ lãnh đạo, quản lý (Mẫu 02B-HD KĐ.ĐG 2023)"),
        (QUALITIES, DUTIES, LEADING, RESPONSIBILITY, EXAMPLE, PLEDGE, *_PERSONAL_TAIL),
    ),
    "2A-2025": FormDef(
        "2A-2025",
        _(
            "Bản kiểm điểm, tự đánh giá, xếp loại — cá nhân giữ chức vụ lãnh đạo, quản lý (Mẫu 2A-HD KĐ.ĐG 2025)"
        ),
        (QUALITIES, DUTIES, LEADING, RESPONSIBILITY, EXAMPLE, PLEDGE, *_PERSONAL_TAIL),
        scored=True,
    ),
    "2B-2025": FormDef(
        "2B-2025",
        _(
            "Bản kiểm điểm, tự đánh giá, xếp loại — cá nhân không giữ chức vụ lãnh đạo, quản lý (Mẫu 2B-HD KĐ.ĐG 2025)"
        ),
        (QUALITIES, DUTIES, PLEDGE, *_PERSONAL_TAIL),
        scored=True,
    ),
    "2C-2025": FormDef(
        "2C-2025",
        _(
            "Bản kiểm điểm, tự đánh giá, xếp loại — đảng viên không làm việc trong hệ thống chính trị (Mẫu 2C-HD KĐ.ĐG 2025)"
        ),
        (QUALITIES, DUTIES, PLEDGE, *_PERSONAL_TAIL),
        scored=True,
    ),
    "05-2025": FormDef(
        "05-2025",
        _("Bản tự đánh giá, xếp loại của cá nhân Quý, Năm (Mẫu 05-HD KĐ.ĐG 2025)"),
        (
            Section(
                "common",
                _(
                    "Nhóm tiêu chí chung: tư tưởng chính trị; phẩm chất đạo đức, lối sống; ý thức"
                    " tổ chức kỷ luật; tác phong, lề lối làm việc"
                ),
            ),
            Section(
                "quarter_tasks",
                _("Kết quả thực hiện nhiệm vụ, sản phẩm cụ thể trong kỳ đánh giá"),
                task_results=True,
            ),
            SHORTCOMINGS,
            REMEDIES,
        ),
        scored=True,
    ),
    "03-2019": FormDef(
        "03-2019",
        _("Phiếu phân tích chất lượng, đánh giá, xếp loại tổ chức đảng (Mẫu 03-HD KĐ.ĐG 2019)"),
        COLLECTIVE_SECTIONS,
        collective=True,
    ),
    "01-2023": FormDef(
        "01-2023",
        _("Báo cáo kiểm điểm tập thể (Mẫu 01-HD KĐ.ĐG 2023)"),
        COLLECTIVE_SECTIONS,
        collective=True,
    ),
    "01-2025": FormDef(
        "01-2025",
        _("Báo cáo kiểm điểm, tự đánh giá, xếp loại tập thể (Mẫu 01-HD KĐ.ĐG 2025)"),
        COLLECTIVE_SECTIONS,
        scored=True,
        collective=True,
    ),
}


def form_def(code: str) -> FormDef:
    return FORMS.get(code) or FORMS["2B-2025"]
