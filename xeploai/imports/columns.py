"""The three import templates, column by column: the one description that the reader, the
validation, the downloadable templates and ``docs/imports.md`` all follow.

Headers are part of the file format and stay Vietnamese whatever the interface language; they
are matched without regard to case, accents or spacing ("so cccd" finds "Số CCCD").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xeploai.imports.opening import SHEET_NAMES
from xeploai.org.models import Gender, Level, OrgType, PersonStatus, ResidenceExemption, UnitKind
from xeploai.reviews.models import NotRatedReason, SubjectKind

# Cell types (see ``xeploai.imports.cells``).
TEXT = "text"
CODE = "code"
DATE = "date"
CHOICE = "choice"
CCCD = "cccd"
CARD = "card"
BOOL = "bool"
YEAR = "year"
POINTS = "points"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    cell_type: str
    help: str | Promise
    example: str
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    kind: str
    name: str  # the data sheet's name in the workbook
    title: str | Promise
    columns: tuple[Column, ...]
    notes: tuple[str | Promise, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


UNITS = Sheet(
    kind="units",
    name=SHEET_NAMES["units"],
    title=_("Danh sách tổ chức đảng"),
    columns=(
        Column(
            "code",
            "Mã tổ chức",
            CODE,
            _("Mã duy nhất của tổ chức; khóa để nhập lại (cập nhật thay vì tạo mới)."),
            "DBK-001",
            required=True,
            max_length=40,
        ),
        Column("name", "Tên tổ chức", TEXT, _("Tên đầy đủ."), "Đảng bộ Sở Tài chính", True, 255),
        Column(
            "kind",
            "Loại tổ chức",
            CHOICE,
            _("Mã hoặc tên loại tổ chức đảng."),
            "Đảng bộ cơ sở",
            required=True,
            choices=UnitKind,
        ),
        Column(
            "parent",
            "Mã tổ chức cấp trên",
            CODE,
            _(
                "Mã của tổ chức cấp trên trực tiếp: đã có trong hệ thống hoặc khai báo ở một dòng "
                "phía trên. Để trống: tổ chức gốc (tổ chức mới) hoặc giữ nguyên (tổ chức đã có)."
            ),
            "DBK",
            max_length=40,
            aliases=("Trực thuộc",),
        ),
        Column(
            "org_type",
            "Loại hình",
            CHOICE,
            _("Loại hình cơ quan, đơn vị; để trống: loại hình khác."),
            "Cơ quan hành chính nhà nước",
            choices=OrgType,
        ),
        Column("established", "Ngày thành lập", DATE, _("dd/mm/yyyy."), "01/03/2008"),
        Column(
            "dissolved",
            "Ngày giải thể",
            DATE,
            _("dd/mm/yyyy, không trước ngày thành lập."),
            "",
        ),
        Column(
            "has_committee",
            "Có cấp ủy",
            BOOL,
            _("Có / Không; để trống: Có. Chi bộ không có chi ủy thì ghi Không."),
            "Có",
        ),
    ),
    notes=(
        _("Tổ chức cấp trên phải đứng trước tổ chức cấp dưới trong tệp."),
        _(
            "Loại tổ chức phải hợp với cấp trên: đảng bộ cơ sở, chi bộ cơ sở dưới đảng bộ cấp trên "
            "cơ sở; đảng bộ bộ phận dưới đảng bộ cơ sở; chi bộ trực thuộc dưới đảng bộ cơ sở hoặc "
            "đảng bộ bộ phận."
        ),
        _("Đổi mã tổ chức cấp trên của một tổ chức đã có là chuyển tổ chức đó (cả cấp dưới)."),
    ),
)

PEOPLE = Sheet(
    kind="people",
    name=SHEET_NAMES["people"],
    title=_("Danh sách đảng viên"),
    columns=(
        Column("full_name", "Họ và tên", TEXT, _("Họ và tên đầy đủ."), "Nguyễn Thị Hoa", True, 120),
        Column("date_of_birth", "Ngày sinh", DATE, _("dd/mm/yyyy."), "15/08/1985"),
        Column("gender", "Giới tính", CHOICE, _("Nam / Nữ."), "Nữ", choices=Gender),
        Column(
            "citizen_id",
            "Số CCCD",
            CCCD,
            _(
                "Đúng 12 chữ số (định dạng ô là Văn bản để giữ số 0 ở đầu). Cần Số CCCD hoặc Số "
                "thẻ đảng viên; là khóa để nhập lại."
            ),
            "084185000123",
            aliases=("CCCD", "Số căn cước công dân", "Số căn cước"),
        ),
        Column(
            "party_card_number",
            "Số thẻ đảng viên",
            CARD,
            _("Từ 6 đến 12 chữ số; dùng làm khóa khi không có Số CCCD."),
            "84001234",
            aliases=("Số thẻ",),
        ),
        Column("admission_date", "Ngày vào Đảng", DATE, _("dd/mm/yyyy."), "19/05/2010", True),
        Column(
            "official_date",
            "Ngày chính thức",
            DATE,
            _("dd/mm/yyyy; để trống nếu là đảng viên dự bị."),
            "19/05/2011",
        ),
        Column(
            "cell",
            "Mã chi bộ",
            CODE,
            _(
                "Mã chi bộ (chi bộ trực thuộc hoặc chi bộ cơ sở) đang sinh hoạt chính thức; phải "
                "có trong hệ thống. Đổi chi bộ là chuyển sinh hoạt."
            ),
            "DBK-001-02",
            required=True,
            max_length=40,
        ),
        Column(
            "joined",
            "Ngày bắt đầu sinh hoạt",
            DATE,
            _(
                "Ngày bắt đầu sinh hoạt ở chi bộ (đảng viên mới) hoặc ngày chuyển sinh hoạt (đổi "
                "chi bộ). Để trống: ngày vào Đảng (đảng viên mới), ngày nhập tệp (chuyển)."
            ),
            "01/06/2020",
        ),
        Column(
            "status",
            "Tình trạng",
            CHOICE,
            _("Để trống: đang sinh hoạt."),
            "Đang sinh hoạt",
            choices=PersonStatus,
        ),
        Column("status_since", "Tình trạng từ ngày", DATE, _("dd/mm/yyyy."), ""),
        Column(
            "is_civil_servant",
            "Là CBCCVC",
            BOOL,
            _("Có / Không: là cán bộ, công chức, viên chức. Để trống: Không."),
            "Có",
        ),
        Column(
            "in_political_system",
            "Trong hệ thống chính trị",
            BOOL,
            _("Có / Không: làm việc trong hệ thống chính trị. Để trống: Có."),
            "Có",
        ),
        Column(
            "residence_exemption",
            "Miễn nhận xét nơi cư trú",
            CHOICE,
            _("Lý do không cần nhận xét nơi cư trú; để trống: cần nhận xét."),
            "",
            choices=ResidenceExemption,
        ),
    ),
    notes=(
        _("Mỗi đảng viên một dòng, tìm theo Số CCCD, nếu không có thì theo Số thẻ đảng viên."),
        _(
            "Với đảng viên đã có: ô để trống giữ nguyên giá trị đang lưu; cột không có trong tệp "
            "cũng giữ nguyên."
        ),
    ),
)

RESULTS = Sheet(
    kind="results",
    name=SHEET_NAMES["results"],
    title=_("Kết quả xếp loại các năm"),
    columns=(
        Column("year", "Năm", YEAR, _("Năm đánh giá, xếp loại."), "2023", required=True),
        Column(
            "subject",
            "Đối tượng",
            CHOICE,
            _("Đảng viên / Chi bộ trực thuộc / Tổ chức cơ sở đảng / Tập thể cấp ủy."),
            "Đảng viên",
            required=True,
            choices=SubjectKind,
        ),
        Column(
            "unit",
            "Mã tổ chức",
            CODE,
            _(
                "Đảng viên: mã chi bộ nơi sinh hoạt năm đó. Tổ chức: mã của chính tổ chức (với tập "
                "thể cấp ủy: mã tổ chức cơ sở đảng)."
            ),
            "DBK-001-02",
            required=True,
            max_length=40,
        ),
        Column(
            "citizen_id",
            "Số CCCD",
            CCCD,
            _("Chỉ với đảng viên: Số CCCD hoặc Số thẻ đảng viên của một đảng viên đã có."),
            "084185000123",
            aliases=("CCCD", "Số căn cước công dân", "Số căn cước"),
        ),
        Column(
            "party_card_number",
            "Số thẻ đảng viên",
            CARD,
            _("Chỉ với đảng viên, khi không có Số CCCD."),
            "",
            aliases=("Số thẻ",),
        ),
        Column(
            "full_name",
            "Họ và tên",
            TEXT,
            _("Không bắt buộc; nếu ghi thì phải khớp họ tên đang lưu (không kể dấu, hoa thường)."),
            "Nguyễn Thị Hoa",
            max_length=120,
        ),
        Column(
            "level",
            "Mức xếp loại",
            CHOICE,
            _("HTXSNV / HTTNV / HTNV / KHTNV (hoặc tên đầy đủ). Để trống nếu chưa xếp loại."),
            "HTTNV",
            choices=Level,
        ),
        Column(
            "not_rated_reason",
            "Lý do chưa xếp loại",
            CHOICE,
            _("Mã hoặc tên lý do; chỉ ghi khi không có mức xếp loại."),
            "",
            choices=NotRatedReason,
        ),
    ),
    notes=(
        _("Mỗi dòng là kết quả đã quyết định của một đối tượng trong một năm."),
        _(
            "Đợt đánh giá hằng năm được tạo nếu chưa có (trạng thái đã kết thúc, thời điểm đánh "
            "giá 10/12); đợt đang diễn ra thì không nhập được."
        ),
    ),
)

CIVIL = Sheet(
    kind="civil",
    name=SHEET_NAMES["civil"],
    title=_("Kết quả xếp loại cán bộ, công chức, viên chức (danh sách của cơ quan)"),
    columns=(
        Column("year", "Năm", YEAR, _("Năm đánh giá, xếp loại."), "2026", required=True),
        Column(
            "citizen_id",
            "Số CCCD",
            CCCD,
            _("Số CCCD hoặc Số thẻ đảng viên của một đảng viên đã có, là CBCCVC."),
            "084185000123",
            aliases=("CCCD", "Số căn cước công dân", "Số căn cước"),
        ),
        Column(
            "party_card_number",
            "Số thẻ đảng viên",
            CARD,
            _("Khi không có Số CCCD."),
            "",
            aliases=("Số thẻ",),
        ),
        Column(
            "full_name",
            "Họ và tên",
            TEXT,
            _("Không bắt buộc; nếu ghi thì phải khớp họ tên đang lưu (không kể dấu, hoa thường)."),
            "Nguyễn Thị Hoa",
            max_length=120,
        ),
        Column(
            "level",
            "Mức xếp loại",
            CHOICE,
            _("HTXSNV / HTTNV / HTNV / KHTNV (hoặc tên đầy đủ)."),
            "HTTNV",
            required=True,
            choices=Level,
            aliases=("Mức xếp loại CBCCVC", "Xếp loại"),
        ),
        Column(
            "points",
            "Điểm",
            POINTS,
            _(
                "Từ năm 2026 (Nghị định 335/2025/NĐ-CP): điểm KPI từ 0 đến 100, tối đa hai chữ số "
                "thập phân; mức xếp loại không cao hơn mức của điểm (≥ 90 HTXSNV, 70–< 90 HTTNV, "
                "50–< 70 HTNV). Các năm trước: để trống."
            ),
            "86,5",
            aliases=("Điểm KPI", "Tổng điểm"),
        ),
        Column(
            "agency",
            "Cơ quan xếp loại",
            TEXT,
            _("Cơ quan, đơn vị nơi giữ chức vụ cao nhất (366 Đ.3 k.4)."),
            "Sở Tài chính",
            max_length=255,
            aliases=("Cơ quan", "Đơn vị"),
        ),
        Column(
            "rated_on",
            "Ngày xếp loại",
            DATE,
            _("dd/mm/yyyy; trong năm xếp loại hoặc đầu năm sau."),
            "20/11/2026",
        ),
    ),
    notes=(
        _(
            "Mỗi dòng là kết quả xếp loại CBCCVC của một đảng viên trong một năm; nhập lại thì "
            "thay kết quả đã có của năm đó."
        ),
        _(
            "Đảng viên phải đã có trong hệ thống, được ghi là CBCCVC và thuộc phạm vi nhập trong "
            "năm đó."
        ),
        _(
            "Đảng viên là CBCCVC được xếp loại CBCCVC trước; xếp loại đảng viên căn cứ vào kết "
            "quả này (QĐ 366 Đ.3 k.4)."
        ),
    ),
)


class Restructure(models.TextChoices):
    """What a row of a restructure list does (``imports.restructure``, ``org.reorg``)."""

    MERGE = "sap_nhap", _("Sáp nhập")
    SPLIT = "chia_tach", _("Chia tách")
    DISSOLVE = "giai_the", _("Giải thể")
    MOVE = "chuyen", _("Chuyển trực thuộc")


RESTRUCTURE = Sheet(
    kind="restructure",
    name=SHEET_NAMES["restructure"],
    title=_("Danh sách sắp xếp tổ chức"),
    columns=(
        Column(
            "old",
            "Mã tổ chức cũ",
            CODE,
            _("Mã của tổ chức được sáp nhập, chia tách, giải thể hoặc chuyển."),
            "XA-TAN-LAP",
            required=True,
            max_length=40,
        ),
        Column(
            "new",
            "Mã tổ chức mới",
            CODE,
            _(
                "Sáp nhập: tổ chức nhận (đã có, hoặc tạo trước bằng tệp tổ chức); chia tách: một "
                "tổ chức nhận phần chia; giải thể: tổ chức nhận bàn giao (để trống nếu không có); "
                "chuyển: tổ chức cấp trên mới."
            ),
            "XA-TAN-HOA",
            max_length=40,
        ),
        Column(
            "action",
            "Hình thức",
            CHOICE,
            _("Sáp nhập / Chia tách / Giải thể / Chuyển trực thuộc."),
            "Sáp nhập",
            required=True,
            choices=Restructure,
        ),
        Column("effective", "Ngày hiệu lực", DATE, _("dd/mm/yyyy."), "01/07/2025", required=True),
        Column(
            "children",
            "Tổ chức trực thuộc chuyển theo",
            TEXT,
            _(
                "Chỉ với chia tách: mã các tổ chức trực thuộc giao cho tổ chức mới, cách nhau dấu phẩy."
            ),
            "",
            max_length=4000,
        ),
    ),
    notes=(
        _(
            "Các dòng sáp nhập cùng mã tổ chức mới và cùng ngày là một lần sáp nhập; các dòng chia "
            "tách cùng mã tổ chức cũ và cùng ngày là một lần chia tách."
        ),
        _(
            "Tổ chức mới phải có trước: nhập tệp tổ chức (có ngày thành lập) trước tệp sắp xếp. "
            "Đảng viên của chi bộ bị chia tách được giao trên màn hình, không qua tệp."
        ),
        _("Tệp có một lỗi thì không ghi gì; các thao tác chạy theo thứ tự các dòng."),
    ),
)

SHEETS: dict[str, Sheet] = {
    sheet.kind: sheet for sheet in (UNITS, PEOPLE, RESULTS, CIVIL, RESTRUCTURE)
}
