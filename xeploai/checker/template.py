"""The documented workbook template of the offline checker: its sheets, columns and the
instructions sheet, written with openpyxl (``xeploai template check``).

The same column specs drive the reader (:mod:`xeploai.checker.workbook`), so the template
and the checker cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

SHEET_HELP = "HuongDan"
SHEET_INFO = "ThongTin"
SHEET_MEMBERS = "DangVien"
SHEET_ORGS = "ToChuc"
DEFAULT_NAME = "mau-kiem-tra-xep-loai.xlsx"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header (row 1), the fact it fills, how the cell is read, whether it
    is required, and a sentence for the instructions sheet."""

    header: str
    field: str
    kind: str  # text, date, flag, level, grade, int, number, list, or choice:<A|B|…>
    required: bool = False
    help_vi: str = ""


LEVELS = "HTXSNV, HTTNV, HTNV, KHTNV"
GRADES = "XS, TOT, TB, KEM"
FORMS = "KHIEN_TRACH, CANH_CAO, CACH_CHUC, KHAI_TRU"
REASONS = (
    "MOI_KET_NAP_DUOI_6T, MOI_THANH_LAP, CHIA_TACH_SAP_NHAP, MOI_BO_NHIEM_DUOI_6T, "
    "MIEN_SINH_HOAT, DINH_CHI_SINH_HOAT, VANG_MAT_CHUA_XL"
)
X = "đánh dấu x nếu đúng"

COMMON_TAIL = (
    Column("% nhiệm vụ hoàn thành", "tasks_done_pct", "number", help_vi="0–100"),
    Column("% nhiệm vụ vượt mức", "tasks_exceeded_pct", "number", help_vi="0–100"),
    Column("% nhiệm vụ chậm tiến độ", "tasks_late_pct", "number", help_vi="0–100"),
    Column(
        "% hạn chế đã khắc phục",
        "shortcomings_fixed_pct",
        "number",
        help_vi="0–100; để trống nếu không có hạn chế nào được chỉ ra",
    ),
    Column("Điểm tiêu chí chung (/30)", "score_common", "number", help_vi="từ năm 2025"),
    Column("Điểm kết quả nhiệm vụ (/70)", "score_tasks", "number", help_vi="từ năm 2025"),
    Column(
        "Mức tiêu chí thấp nhất",
        "grade_all_min",
        "grade",
        help_vi=f"đến năm 2024: mức thấp nhất trong mọi tiêu chí ({GRADES})",
    ),
    Column(
        "Mức tiêu chí nhiệm vụ thấp nhất",
        "grade_task_min",
        "grade",
        help_vi=f"đến năm 2024: mức thấp nhất của tiêu chí kết quả nhiệm vụ ({GRADES})",
    ),
    Column(
        "Mức đề xuất", "level", "level", help_vi=f"{LEVELS}; để trống nếu chưa xếp loại (ghi lý do)"
    ),
    Column(
        "Lý do chưa xếp loại",
        "not_rated_reason",
        "choice:" + REASONS.replace(", ", "|"),
        help_vi=REASONS,
    ),
    Column("Chưa kiểm điểm", "not_reviewed", "flag", help_vi=X + " (chưa hoàn thành kiểm điểm)"),
    Column("Ngày kiểm điểm", "reviewed_on", "date"),
    Column("Ngày quyết định", "decided_on", "date"),
    Column(
        "Ý kiến của cấp có thẩm quyền",
        "override_reason",
        "text",
        help_vi="ghi khi cấp có thẩm quyền quyết định trường hợp quy định để ngỏ",
    ),
)

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("Mã đảng viên", "id", "text", True, "mã duy nhất"),
    Column("Họ và tên", "name", "text"),
    Column("Chi bộ", "parent_id", "text", help_vi="mã chi bộ (trùng cột Mã ở trang ToChuc)"),
    Column(
        "Cấp quyết định",
        "deciding_body",
        "text",
        True,
        "cấp ủy quyết định xếp loại; tỉ lệ HTXSNV tính theo cấp này",
    ),
    Column(
        "Nhóm",
        "excellence_group",
        "choice:LANH_DAO_DON_VI|QUAN_LY_CAP_PHONG|KHONG_CHUC_VU",
        help_vi="LANH_DAO_DON_VI, QUAN_LY_CAP_PHONG hoặc KHONG_CHUC_VU",
    ),
    Column("Giữ chức vụ lãnh đạo, quản lý", "has_post", "flag", help_vi=X),
    Column(
        "Ngoài hệ thống chính trị",
        "outside_system",
        "flag",
        help_vi=X + " (nghỉ hưu, học sinh, doanh nghiệp tư nhân…)",
    ),
    Column("Ngày kết nạp", "admitted_on", "date", help_vi="ngày/tháng/năm"),
    Column(
        "Tình trạng",
        "status",
        "choice:ACTIVE|EXEMPT|SUSPENDED",
        help_vi="để trống; EXEMPT = miễn sinh hoạt; SUSPENDED = đình chỉ sinh hoạt",
    ),
    Column("Vắng mặt", "absent", "flag", help_vi=X),
    Column("Là CBCCVC", "civil_servant", "flag", help_vi=X + " (cán bộ, công chức, viên chức)"),
    Column("Xếp loại CBCCVC", "civil_service_level", "level", help_vi=LEVELS),
    Column("Ngày xếp loại CBCCVC", "civil_service_rated_on", "date"),
    Column(
        "Số tháng ở đơn vị cũ",
        "transfer_months_at_old_unit",
        "int",
        help_vi="nếu chuyển công tác trong năm",
    ),
    Column("Sinh hoạt tạm thời", "temporary_activity", "flag", help_vi=X),
    *(
        Column(
            f"Xếp loại quý {q}",
            f"quarter_{q}",
            "level",
            help_vi=LEVELS + "; để trống: chưa có kết quả quý (kết quả quý là cơ sở xếp loại năm)",
        )
        for q in (1, 2, 3, 4)
    ),
    Column(
        "Miễn nhận xét nơi cư trú",
        "residence_exemption",
        "choice:LUC_LUONG_VU_TRANG_DOANH_TRAI|CONG_TAC_XA_LUU_DONG|HOC_TAP_TAP_TRUNG|"
        "HOC_SINH_SINH_VIEN|MIEN_SINH_HOAT_NOI_CU_TRU|SINH_HOAT_TAI_NOI_CU_TRU",
        help_vi="mã trường hợp không cần nhận xét nơi cư trú hằng năm",
    ),
    Column(
        "Nhận xét đã có",
        "comments_received",
        "list",
        help_vi="các mã, cách nhau dấu phẩy: NOI_CU_TRU, DON_VI_CU, CHI_BO_TAM_THOI",
    ),
    Column(
        "Kỷ luật trong năm",
        "discipline_form",
        "choice:KHIEN_TRACH|CANH_CAO|CACH_CHUC|KHAI_TRU",
        help_vi=FORMS,
    ),
    Column("Ngày quyết định kỷ luật", "discipline_on", "date"),
    Column("Kỷ luật không liên quan công vụ", "discipline_not_duty", "flag", help_vi=X),
    Column("Tự phát hiện, khắc phục", "self_detected_remedied", "flag", help_vi=X),
    Column("Suy thoái", "degradation", "flag", help_vi=X + " (cấp có thẩm quyền kết luận)"),
    Column("Vi phạm 19 điều", "violated_prohibitions", "flag", help_vi=X),
    Column("Vi phạm nêu gương", "violated_example_duty", "flag", help_vi=X),
    Column("Nghỉ ốm, thai sản", "sick_or_maternity", "flag", help_vi=X),
    Column("% nhiệm vụ đơn vị lãnh đạo hoàn thành", "led_unit_tasks_done_pct", "number"),
    Column("% phiếu tín nhiệm thấp", "low_confidence_pct", "number"),
    Column("% đơn vị phụ trách KHTNV", "led_units_khtnv_pct", "number"),
    Column(
        "Người đứng đầu của tập thể",
        "head_of",
        "text",
        help_vi="mã tập thể cấp ủy mà đảng viên là người đứng đầu",
    ),
    Column("Người đứng đầu mới chuyển đến", "newly_arrived_head", "flag", help_vi=X),
    *COMMON_TAIL,
)

ORG_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "id", "text", True, "mã duy nhất"),
    Column("Tên", "name", "text"),
    Column(
        "Loại",
        "kind",
        "choice:TCCSD|CHI_BO|TT_CAP_UY|TT_LDQL",
        True,
        "TCCSD, CHI_BO, TT_CAP_UY (tập thể cấp ủy) hoặc TT_LDQL",
    ),
    Column("Trực thuộc", "parent_id", "text", help_vi="mã tổ chức cấp trên (cùng trang)"),
    Column("Cấp quyết định", "deciding_body", "text", True, "cấp ủy quyết định xếp loại"),
    Column("Nhóm tương đồng", "peer_group", "text", help_vi="để trống: theo loại"),
    Column("Ngày thành lập", "established_on", "date"),
    Column("Ngày chia tách, sáp nhập", "reorganized_on", "date"),
    Column("Số tổ chức trực thuộc", "subordinate_units_total", "int"),
    Column("Số tổ chức trực thuộc bị kỷ luật", "subordinate_units_disciplined", "int"),
    Column(
        "Tập thể bị kỷ luật",
        "self_discipline_form",
        "choice:KHIEN_TRACH|CANH_CAO|CACH_CHUC|KHAI_TRU",
        help_vi=FORMS,
    ),
    Column(
        "Thành viên bị kỷ luật",
        "member_discipline_form",
        "choice:KHIEN_TRACH|CANH_CAO|CACH_CHUC|KHAI_TRU",
        help_vi=FORMS + " (thành viên tập thể lãnh đạo)",
    ),
    Column("Ngày quyết định kỷ luật", "discipline_on", "date"),
    Column("Tự phát hiện, khắc phục", "self_detected_remedied", "flag", help_vi=X),
    Column("Mất đoàn kết", "disunity", "flag", help_vi=X),
    Column("Có thành viên suy thoái", "degraded_member", "flag", help_vi=X),
    Column("Chỉ tiêu chủ yếu không đạt", "main_targets_missed", "flag", help_vi=X),
    Column("Không đạt 5 chỉ tiêu cơ bản", "basic_targets_missed", "flag", help_vi=X),
    Column("Bất khả kháng", "force_majeure", "flag", help_vi=X),
    Column("Phải có xếp loại cơ quan, đơn vị", "agency_required", "flag", help_vi=X),
    Column("Xếp loại cơ quan, đơn vị", "agency_level", "level", help_vi=LEVELS),
    *COMMON_TAIL,
)

INFO_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Năm đánh giá", "year", "ví dụ 2024"),
    ("Ngày đánh giá", "on", "ngày/tháng/năm; mốc tính 6 tháng"),
    ("Bộ quy định", "ruleset", "132-2018, 124-2023 hoặc 366-2025; để trống: theo năm"),
    (
        "Cấp ủy xuất sắc, nổi trội",
        "outstanding",
        "mã cấp quyết định, cách nhau dấu phẩy (tỉ lệ 25%, từ 2025)",
    ),
    (
        "Quy tắc kết quả quý",
        "quarter_rules",
        "x: áp dụng hướng dẫn địa phương theo HD 02-HD/BTCTW (quý KHTNV: năm không quá HTTNV)",
    ),
)

INSTRUCTIONS = (
    "MẪU KIỂM TRA BẢNG ĐỀ XUẤT XẾP LOẠI CHẤT LƯỢNG (ngoại tuyến)",
    "",
    "1. Trang ThongTin: ghi năm đánh giá, ngày đánh giá và (nếu cần) bộ quy định.",
    "2. Trang DangVien: mỗi dòng một đảng viên; trang ToChuc: mỗi dòng một tổ chức, tập thể.",
    "3. Giữ nguyên dòng tiêu đề (dòng 1). Có thể đổi thứ tự cột; cột bắt buộc có dấu *.",
    "4. Ô đánh dấu: ghi x. Ngày: định dạng ngày của Excel hoặc dd/mm/yyyy.",
    "5. Chạy: xeploai check TEN_TEP.xlsx  (thêm --json để có kết quả máy đọc được).",
    "   Mã thoát: 0 = không có lỗi; 1 = có vi phạm; 2 = tệp không đọc được.",
    "",
    "Các cột:",
)


def write_template(path: str | Path | IO[bytes]) -> str | Path | IO[bytes]:
    """Write the template workbook to ``path`` (a file name or a binary stream); return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xeploai.lib.cells import append_text_row
    from xeploai.lib.xlsxprint import print_setup

    target = path if hasattr(path, "write") else Path(path)
    wb = Workbook()
    help_ws = wb.active
    assert help_ws is not None
    help_ws.title = SHEET_HELP
    for line in INSTRUCTIONS:
        append_text_row(help_ws, [line])
    for sheet, columns in ((SHEET_MEMBERS, MEMBER_COLUMNS), (SHEET_ORGS, ORG_COLUMNS)):
        append_text_row(help_ws, [f"Trang {sheet}"])
        for column in columns:
            star = " *" if column.required else ""
            append_text_row(help_ws, ["", column.header + star, column.help_vi])
    help_ws["A1"].font = Font(bold=True)
    help_ws.column_dimensions["A"].width = 18
    help_ws.column_dimensions["B"].width = 40
    help_ws.column_dimensions["C"].width = 90
    print_setup(help_ws, columns=3, header_rows=0)

    info = wb.create_sheet(SHEET_INFO)
    for label, _field, hint in INFO_ROWS:
        append_text_row(info, [label, None, hint])
    info.column_dimensions["A"].width = 28
    info.column_dimensions["C"].width = 70
    print_setup(info, columns=3, header_rows=0)
    for sheet, columns in ((SHEET_MEMBERS, MEMBER_COLUMNS), (SHEET_ORGS, ORG_COLUMNS)):
        ws = wb.create_sheet(sheet)
        append_text_row(ws, [c.header for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        print_setup(ws, columns=len(columns), freeze="B2")
    wb.save(target)
    return target
