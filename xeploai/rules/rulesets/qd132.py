"""``132-2018``: Quy định 132-QĐ/TW (08/3/2018) + Hướng dẫn 21-HD/BTCTW (18/10/2019; 16-HD in
2018), evaluation years up to 2022. Sources: rules.md §4 ([F13] [F14] [F15] [F22]) and
366.md §8 (132 Art. 12.4 [W13])."""

from __future__ import annotations

from xeploai.rules.facts import Role, SubjectKind
from xeploai.rules.levels import Grade, Level
from xeploai.rules.rulesets.base import (
    INDIVIDUAL_ROLES,
    CivilServiceLink,
    Criterion,
    DisciplineScope,
    Form,
    FormPurpose,
    GradeRule,
    MemberGrouping,
    NewMemberPolicy,
    QuotaBase,
    Rounding,
    RuleSet,
    Scale,
    SelfRemediedPolicy,
    Settings,
    Test,
    Trigger,
)

COLLECTIVE = frozenset({Role.COLLECTIVE})

INDIVIDUAL_FRAME = (
    Criterion(
        "PHAM_CHAT",
        "Tư tưởng chính trị; phẩm chất đạo đức, lối sống; tác phong, lề lối làm việc; ý thức "
        "tổ chức kỷ luật",
        "Political ideology, ethics and lifestyle, working style, discipline",
    ),
    Criterion(
        "NHIEM_VU",
        "Kết quả thực hiện chức trách, nhiệm vụ chính trị được giao",
        "Results of the political tasks and duties assigned",
        task_result=True,
    ),
    Criterion(
        "KHAC_PHUC",
        "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra",
        "Results of fixing the shortcomings pointed out",
    ),
)
# Mẫu 03-HD KĐ.ĐG 2018 rows [F20]; Mẫu 04 (leadership collectives) is truncated in the
# sources, so leadership collectives use the same frame (docs/rules.md, not encoded).
COLLECTIVE_FRAME = (
    Criterion("I1_CHINH_TRI_TU_TUONG", "Công tác chính trị tư tưởng", "Political-ideological work"),
    Criterion(
        "I2_TO_CHUC_CAN_BO", "Công tác tổ chức, cán bộ, xây dựng đảng bộ, chi bộ", "Personnel work"
    ),
    Criterion(
        "I3_LANH_DAO_CHINH_QUYEN",
        "Lãnh đạo chính quyền, Mặt trận Tổ quốc và các đoàn thể",
        "Leading the government, Front and mass organisations",
    ),
    Criterion(
        "I4_KIEM_TRA_GIAM_SAT", "Kiểm tra, giám sát và kỷ luật đảng", "Inspection and discipline"
    ),
    Criterion(
        "II1_CU_THE_HOA",
        "Cụ thể hóa nhiệm vụ chính trị thành chương trình, kế hoạch và tổ chức thực hiện",
        "Turning the political tasks into plans and carrying them out",
        task_result=True,
    ),
    Criterion(
        "II2_KET_QUA_CHI_TIEU",
        "Kết quả lãnh đạo thực hiện các chỉ tiêu kinh tế - xã hội, quốc phòng, an ninh",
        "Results on the socio-economic, defence and security targets",
        task_result=True,
    ),
    Criterion("III_KHAC_PHUC", "Kết quả khắc phục hạn chế, khuyết điểm", "Fixing shortcomings"),
)

CLAUSES = {
    "elig.exempt": "QĐ 132 Đ.5",
    "elig.suspended": "HD 21 §2.1",
    "elig.new_member": "không có trong QĐ 132/HD 21; mặc định theo CV 154-CV/ĐU [S000] [INF]",
    "elig.committee_suspended": "HD 21 §2.1",
    "elig.new_leader": "HD 01-HD/TU Kon Tum [F24] [INF cho 2018–2022]",
    "elig.new_org": "HD 01-HD/TU Kon Tum [F24] [INF cho 2018–2022]",
    "elig.reorganized": "HD 01-HD/TU Kon Tum [F24] [INF cho 2018–2022]",
    "elig.absent": "HD 21 (xếp loại trong thời gian sớm nhất) [S001]",
    "elig.absent_overdue": "kế hoạch của cấp ủy cấp trên",
    "elig.rated_not_eligible": "QĐ 132 Đ.5; HD 21 §2.1",
    "elig.not_rated_without_reason": "HD 21 §2.1",
    "comment.residence": "QĐ 213-QĐ/TW Đ.3 k.4; HD 33-HD/BTCTW",
    "comment.residence_exempt": "HD 33-HD/BTCTW",
    "comment.transfer": "HD 21 mục II.6",
    "comment.temporary": "HD 21 [INF như HD 43 §7.6]",
    "comment.local_extra": "quy định địa phương",
    "grade.rule": "HD 21 §2.3 (HTXSNV); QĐ 132 Đ.12",
    "grade.none": "QĐ 132 Đ.12",
    "cond.not_checked": "QĐ 132 Đ.12",
    "khtnv.grade_kem": "QĐ 132 Đ.12 k.4",
    "khtnv.targets_below_50": "HD 21 (đảng viên KHTNV, điểm b) [F14]",
    "khtnv.collective_targets": "QĐ 132 Đ.12 k.4; HD 21 (tập thể KHTNV) [F15]",
    "khtnv.disunity": "QĐ 132 Đ.12 k.4",
    "khtnv.degraded_member": "QĐ 132 Đ.12 k.4",
    "khtnv.degradation": "HD 21 (đảng viên KHTNV, điểm a) [F14]",
    "khtnv.discipline": "HD 21 (đảng viên KHTNV, điểm d) [F14]",
    "khtnv.discipline_counted": "HD 21 (một vi phạm chỉ tính một lần) [F14]",
    "khtnv.collective_disciplined": "QĐ 132 Đ.12 k.4; HD 21 [F15]",
    "khtnv.leadership_member_disciplined": "HD 21 (thành viên bị kỷ luật từ cảnh cáo) [F15]",
    "khtnv.subordinate_case": "QĐ 132 Đ.12 k.4",
    "khtnv.subordinates_disciplined_share": "QĐ 132 Đ.12 k.4",
    "khtnv.other_unit": "HD 21 [INF như HD 25 §4]",
    "note.sick_maternity": "CV 154-CV/ĐU [S000] [INF cho 2018–2022]",
    "gap.needs_decision": "QĐ 132",
    "gap.fallback": "QĐ 132",
    "cap.civil_service": "HD 21 §2.3 (HTXSNV), điểm c (KHTNV) [F13][F14]",
    "quota.exceeded": "HD 21 §2.3 (20% trong từng tổ chức cơ sở đảng)",
    "quota.group_missing": "HD 21 §2.3",
    "quota.outstanding_unavailable": "HD 21 §2.3",
    "order.review_before_rating": "HD 21 [S001]",
    "order.collective_before_members": "HD 21 [S001][F17]",
    "order.collective_before_head": "HD 21 [F17]",
    "order.lower_before_upper": "HD 21 [S001]",
    "order.members_before_org": "HD 21 [S001]",
    "order.committee_before_org": "HD 21 [S001]",
    "order.undecided_first": "HD 21 [S001]",
    "order.civil_service_first": "HD 21 [F17]; NĐ 90/2020",
    "order.deadline": "kế hoạch của cấp ủy cấp trên",
    "cap.committee_le_org": "quy định địa phương (không có trong QĐ 132/HD 21)",
    "cap.head_le_collective": "quy định địa phương (không có trong QĐ 132/HD 21)",
    "cap.head_newly_arrived": "quy định địa phương (không có trong QĐ 132/HD 21)",
    "ballot.quorum": "Điều lệ Đảng; rules.md §5.3 [INF]",
    "ballot.count_mismatch": "rules.md §5.3",
    "ballot.threshold": "rules.md §5.3 [INF]",
    "ballot.no_majority": "rules.md §5.3 [INF]",
}

_REVIEW_2019 = "Bản kiểm điểm cá nhân (một mẫu cho mọi đảng viên)"

RULESET = RuleSet(
    key="132-2018",
    title_vi="Quy định 132-QĐ/TW và Hướng dẫn 21-HD/BTCTW",
    title_en="Regulation 132-QĐ/TW and Guidance 21-HD/BTCTW",
    documents=("132-QĐ/TW (08/3/2018)", "16-HD/BTCTW (24/9/2018)", "21-HD/BTCTW (18/10/2019)"),
    first_year=2018,
    last_year=2022,
    scale=Scale.GRADES,
    subject_kinds=frozenset(SubjectKind),
    settings=Settings(
        new_member_policy=NewMemberPolicy.REVIEWED_NOT_RATED,
        quota_base=QuotaBase.TTNV_OR_ABOVE,
        quota_ratio_pct=20,
        rounding=Rounding.FLOOR,
        small_unit_exception=False,
        member_grouping=MemberGrouping.SINGLE,
        civil_service_link=CivilServiceLink.HARD,
        self_remedied=SelfRemediedPolicy.NOT_RECOGNISED,
        discipline_scope=DisciplineScope.ANY_IN_YEAR,
        discipline_counted_once=True,
    ),
    clauses=CLAUSES,
    criteria={
        Role.COLLECTIVE: COLLECTIVE_FRAME,
        Role.LEADER: INDIVIDUAL_FRAME,
        Role.NON_LEADER: INDIVIDUAL_FRAME,
        Role.OUTSIDE_SYSTEM: INDIVIDUAL_FRAME,
    },
    grade_rules=(
        GradeRule(Level.HTXSNV, min_all=Grade.TOT, min_task=Grade.XS),
        GradeRule(Level.HTTNV, min_all=Grade.TB, min_task=Grade.TOT),
        GradeRule(Level.HTNV, min_all=Grade.TB, min_task=Grade.TB),
    ),
    triggers=(
        Trigger("khtnv.targets_below_50", INDIVIDUAL_ROLES, (Test("tasks_done_pct", "<", 50),)),
        Trigger(
            "khtnv.collective_targets",
            COLLECTIVE,
            (Test("tasks_done_pct", "<", 50), Test("main_targets_missed", "is")),
            unless="force_majeure",
        ),
        Trigger("khtnv.disunity", COLLECTIVE, (Test("disunity", "is"),)),
        Trigger("khtnv.degraded_member", COLLECTIVE, (Test("degraded_member", "is"),)),
        Trigger("khtnv.degradation", INDIVIDUAL_ROLES, (Test("degradation", "is"),)),
    ),
    discipline_rules=frozenset(
        {
            "khtnv.discipline",
            "khtnv.collective_disciplined",
            "khtnv.leadership_member_disciplined",
            "khtnv.subordinate_case",
            "khtnv.subordinates_disciplined_share",
        }
    ),
    collective_member_min_form="CANH_CAO",
    subordinate_share_pct=20,
    forms={
        FormPurpose.COLLECTIVE_REPORT: Form(
            FormPurpose.COLLECTIVE_REPORT, "01", "Báo cáo kiểm điểm tập thể", "Mẫu 01-HD KĐ.ĐG 2019"
        ),
        FormPurpose.REVIEW_NO_POST: Form(
            FormPurpose.REVIEW_NO_POST, "02", _REVIEW_2019, "Mẫu 02-HD KĐ.ĐG 2019"
        ),
        FormPurpose.REVIEW_WITH_POST: Form(
            FormPurpose.REVIEW_WITH_POST, "02", _REVIEW_2019, "Mẫu 02-HD KĐ.ĐG 2019"
        ),
        FormPurpose.REVIEW_OUTSIDE_SYSTEM: Form(
            FormPurpose.REVIEW_OUTSIDE_SYSTEM, "02", _REVIEW_2019, "Mẫu 02-HD KĐ.ĐG 2019"
        ),
        FormPurpose.ORG_ANALYSIS: Form(
            FormPurpose.ORG_ANALYSIS,
            "03",
            "Phiếu phân tích chất lượng và đánh giá, xếp loại tổ chức đảng",
            "Mẫu 03-HD KĐ.ĐG 2019",
        ),
        FormPurpose.COLLECTIVE_ANALYSIS: Form(
            FormPurpose.COLLECTIVE_ANALYSIS,
            "04",
            "Phiếu phân tích chất lượng và đánh giá, xếp loại tập thể lãnh đạo, quản lý",
            "Mẫu 04-HD KĐ.ĐG 2019",
        ),
    },
)
