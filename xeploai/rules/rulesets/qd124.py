"""``124-2023``: Quy định 124-QĐ/TW (04/10/2023) + Hướng dẫn 25-HD/BTCTW (10/11/2023),
evaluation years 2023–2024. Sources: rules.md §4 ([F01] [F02] [F06] [F07] [F08]) and the
local seed that applies it ([S000])."""

from __future__ import annotations

from xeploai.rules.facts import Role, SubjectKind
from xeploai.rules.levels import Grade, Level
from xeploai.rules.rulesets.base import (
    INDIVIDUAL_ROLES,
    CivilServiceLink,
    Condition,
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
LEADER = frozenset({Role.LEADER})

PHAM_CHAT = Criterion(
    "PHAM_CHAT",
    "Phẩm chất chính trị; đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
    "Political qualities, ethics, lifestyle, discipline, working style",
)
NHIEM_VU = Criterion(
    "NHIEM_VU",
    "Thực hiện chức trách, nhiệm vụ được giao (lượng hóa bằng sản phẩm cụ thể)",
    "Performing the assigned duties and tasks (quantified by products)",
    task_result=True,
)
KHAC_PHUC = Criterion(
    "KHAC_PHUC",
    "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra",
    "Results of fixing the shortcomings pointed out before",
)
INDIVIDUAL_FRAME = (PHAM_CHAT, NHIEM_VU, KHAC_PHUC)
LEADER_FRAME = (
    PHAM_CHAT,
    NHIEM_VU,
    Criterion(
        "LANH_DAO",
        "Kết quả lãnh đạo, chỉ đạo, quản lý, điều hành; mức độ hoàn thành nhiệm vụ của các tổ "
        "chức thuộc quyền quản lý; khả năng quy tụ, đoàn kết",
        "Results of leading and managing; completion level of the units managed; unity",
        task_result=True,
    ),
    Criterion(
        "TRACH_NHIEM",
        "Trách nhiệm; năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm",
        "Responsibility, dynamism, innovation, daring to act",
    ),
    Criterion(
        "NEU_GUONG",
        "Trách nhiệm nêu gương của bản thân và gia đình; phòng, chống tham nhũng; sự tín nhiệm",
        "Setting an example (self and family), anti-corruption, trust",
    ),
    KHAC_PHUC,
)
COLLECTIVE_FRAME = (
    Criterion(
        "NGUYEN_TAC",
        "Chấp hành nguyên tắc tổ chức, sinh hoạt đảng, nhất là tập trung dân chủ; quy chế làm việc",
        "Observing the organisational principles, democratic centralism, working rules",
    ),
    Criterion(
        "KET_QUA",
        "Kết quả thực hiện mục tiêu, chỉ tiêu, nhiệm vụ trong năm (lượng hóa bằng sản phẩm)",
        "Results of the year's goals, targets and tasks (quantified by products)",
        task_result=True,
    ),
    Criterion(
        "XAY_DUNG_DANG",
        "Xây dựng, chỉnh đốn Đảng; trách nhiệm nêu gương; phòng, chống tham nhũng; kiểm tra, "
        "giám sát, kỷ luật đảng",
        "Party building, example-setting, anti-corruption, inspection and discipline",
    ),
    Criterion(
        "TRACH_NHIEM_LD",
        "Trách nhiệm của tập thể lãnh đạo trong lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị",
        "Responsibility of the leadership collective for the political tasks",
    ),
    KHAC_PHUC,
)

GRADE_RULES = (
    GradeRule(Level.HTXSNV, min_all=Grade.TOT, min_task=Grade.XS),
    GradeRule(Level.HTTNV, min_all=Grade.TB, min_task=Grade.TOT),
    GradeRule(Level.HTNV, min_all=Grade.TB, min_task=Grade.TB),
)

CLAUSES = {
    "elig.exempt": "QĐ 124 Đ.5 k.2",
    "elig.suspended": "QĐ 124 Đ.5 k.2",
    "elig.new_member": "QĐ 124 Đ.5 k.2",
    "elig.committee_suspended": "HD 25 §1 (như HD 21 §2.1)",
    "elig.new_leader": "CV 154-CV/ĐU 2024 [S000]; HD 01-HD/TU Kon Tum 2023 [F24]",
    "elig.new_org": "HD 01-HD/TU Kon Tum 2023 [F24]; báo cáo 2023 [S004]",
    "elig.reorganized": "HD 01-HD/TU Kon Tum 2023 [F24]",
    "elig.absent": "CV 154-CV/ĐU 2024 [S000]",
    "elig.absent_overdue": "CV 154-CV/ĐU 2024 [S000]",
    "elig.rated_not_eligible": "QĐ 124 Đ.5 k.2",
    "elig.not_rated_without_reason": "QĐ 124 Đ.3 (được kiểm điểm thì phải xếp loại)",
    "comment.residence": "QĐ 213-QĐ/TW Đ.3 k.4; HD 33-HD/BTCTW",
    "comment.residence_exempt": "HD 33-HD/BTCTW",
    "comment.transfer": "CV 154-CV/ĐU 2024 [S000] (như HD 21 mục II.6)",
    "comment.temporary": "CV 154-CV/ĐU 2024 [S000]",
    "comment.local_extra": "quy định địa phương",
    "grade.rule": "QĐ 124 Đ.12 k.1–3",
    "grade.none": "QĐ 124 Đ.12",
    "cond.not_checked": "QĐ 124 Đ.12",
    "cond.tasks_all_done": "QĐ 124 Đ.12 k.1 (cá nhân)",
    "cond.tasks_exceeded": "QĐ 124 Đ.12 k.1 (cá nhân)",
    "cond.no_discipline": "QĐ 124 Đ.12 k.1 (tập thể)",
    "khtnv.grade_kem": "QĐ 124 Đ.12 k.4",
    "khtnv.collective_targets": "QĐ 124 Đ.12 k.4 (K2)",
    "khtnv.leader_unit_targets": "QĐ 124 Đ.12 k.4 (K5)",
    "khtnv.disunity": "QĐ 124 Đ.12 k.4 (K4)",
    "khtnv.degraded_member": "QĐ 124 Đ.12 k.4 (K4)",
    "khtnv.degradation": "QĐ 124 Đ.12 k.4 (K7)",
    "khtnv.prohibitions": "QĐ 124 Đ.12 k.4 (K7); QĐ 37-QĐ/TW",
    "khtnv.example_duty": "QĐ 124 Đ.12 k.4 (K7)",
    "khtnv.discipline": "QĐ 124 Đ.12 k.4.3.d (K6)",
    "khtnv.collective_disciplined": "QĐ 124 Đ.12 k.4 (K3)",
    "khtnv.leadership_member_disciplined": "QĐ 124 Đ.12 k.4.3.d (K6)",
    "khtnv.subordinate_case": "QĐ 124 Đ.12 k.4 (K1)",
    "khtnv.subordinates_disciplined_share": "QĐ 124 Đ.12 k.4 (K3)",
    "khtnv.self_remedied": "QĐ 124 Đ.12 k.2–4",
    "khtnv.other_unit": "HD 25 §4",
    "khtnv.mitigation": "quy định địa phương (chặt hơn QĐ 124 Đ.12)",
    "note.sick_maternity": "CV 154-CV/ĐU 2024 [S000]",
    "gap.needs_decision": "QĐ 124 Đ.13",
    "gap.fallback": "QĐ 124 Đ.13",
    "cap.civil_service_basis": "QĐ 124 Đ.3 (kết hợp chặt chẽ xếp loại CBCCVC)",
    "cap.committee_le_org": "CV 154-CV/ĐU 2024 [S000]",
    "cap.head_le_collective": "CV 154-CV/ĐU 2024 [S000]",
    "cap.head_newly_arrived": "CV 154-CV/ĐU 2024 [S000]",
    "quota.exceeded": "QĐ 124 Đ.12 k.1",
    "quota.small_unit": "CV 154-CV/ĐU 2024 [S000]",
    "quota.group_missing": "QĐ 124 Đ.12 k.1; báo cáo 2023 [S004]",
    "quota.outstanding_unavailable": "QĐ 124 Đ.12 k.1",
    "order.review_before_rating": "CV 154-CV/ĐU 2024 [S000]",
    "order.collective_before_members": "QĐ 124 Đ.11",
    "order.collective_before_head": "QĐ 124 Đ.11",
    "order.lower_before_upper": "QĐ 124 Đ.11",
    "order.members_before_org": "QĐ 124 Đ.11",
    "order.committee_before_org": "QĐ 124 Đ.11",
    "order.undecided_first": "QĐ 124 Đ.11",
    "order.agency_before_party": "QĐ 124 Đ.11",
    "order.civil_service_first": "QĐ 124 Đ.3; NĐ 90/2020",
    "order.deadline": "kế hoạch của cấp ủy cấp trên",
    "ballot.quorum": "Điều lệ Đảng; rules.md §5.3 [INF]",
    "ballot.count_mismatch": "rules.md §5.3",
    "ballot.threshold": "rules.md §5.3 [INF]",
    "ballot.no_majority": "rules.md §5.3 [INF]",
}

RULESET = RuleSet(
    key="124-2023",
    title_vi="Quy định 124-QĐ/TW và Hướng dẫn 25-HD/BTCTW",
    title_en="Regulation 124-QĐ/TW and Guidance 25-HD/BTCTW",
    documents=("124-QĐ/TW (04/10/2023)", "25-HD/BTCTW (10/11/2023)"),
    first_year=2023,
    last_year=2024,
    scale=Scale.GRADES,
    subject_kinds=frozenset(SubjectKind),
    settings=Settings(
        new_member_policy=NewMemberPolicy.NOT_REVIEWED,
        quota_base=QuotaBase.TTNV_OR_ABOVE,
        quota_ratio_pct=20,
        outstanding_ratio_pct=None,
        rounding=Rounding.FLOOR,
        small_unit_exception=True,
        member_grouping=MemberGrouping.THREE_GROUPS,
        cap_head_by_collective=True,
        cap_committee_by_organization=True,
        civil_service_link=CivilServiceLink.BASIS_WARN,
        self_remedied=SelfRemediedPolicy.EXEMPT,
        discipline_scope=DisciplineScope.ANY_IN_YEAR,
        discipline_counted_once=False,
    ),
    clauses=CLAUSES,
    criteria={
        Role.COLLECTIVE: COLLECTIVE_FRAME,
        Role.LEADER: LEADER_FRAME,
        Role.NON_LEADER: INDIVIDUAL_FRAME,
        Role.OUTSIDE_SYSTEM: INDIVIDUAL_FRAME,
    },
    grade_rules=GRADE_RULES,
    conditions=(
        Condition(
            "cond.tasks_all_done", Level.HTXSNV, INDIVIDUAL_ROLES, "tasks_done_pct", ">=", 100
        ),
        Condition(
            "cond.tasks_exceeded", Level.HTXSNV, INDIVIDUAL_ROLES, "tasks_exceeded_pct", ">=", 50
        ),
        Condition(
            "cond.no_discipline", Level.HTXSNV, COLLECTIVE, "collective_discipline_count", "==", 0
        ),
        Condition(
            "cond.tasks_all_done",
            Level.HTTNV,
            INDIVIDUAL_ROLES,
            "tasks_done_pct",
            ">=",
            100,
            when="individual_httnv_requires_all_tasks",
        ),
    ),
    triggers=(
        Trigger(
            "khtnv.collective_targets",
            COLLECTIVE,
            (Test("tasks_done_pct", "<", 50), Test("main_targets_missed", "is")),
            unless="force_majeure",
        ),
        Trigger(
            "khtnv.leader_unit_targets",
            LEADER,
            (Test("led_unit_tasks_done_pct", "<", 50), Test("main_targets_missed", "is")),
            unless="force_majeure",
        ),
        Trigger("khtnv.disunity", COLLECTIVE, (Test("disunity", "is"),)),
        Trigger("khtnv.degraded_member", COLLECTIVE, (Test("degraded_member", "is"),)),
        Trigger("khtnv.degradation", INDIVIDUAL_ROLES, (Test("degradation", "is"),)),
        Trigger("khtnv.prohibitions", INDIVIDUAL_ROLES, (Test("violated_prohibitions", "is"),)),
        Trigger("khtnv.example_duty", INDIVIDUAL_ROLES, (Test("violated_example_duty", "is"),)),
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
    collective_member_min_form="KHIEN_TRACH",
    subordinate_share_pct=20,
    forms={
        FormPurpose.COLLECTIVE_REPORT: Form(
            FormPurpose.COLLECTIVE_REPORT, "01", "Báo cáo kiểm điểm tập thể", "Mẫu 01-HD KĐ.ĐG 2023"
        ),
        FormPurpose.REVIEW_NO_POST: Form(
            FormPurpose.REVIEW_NO_POST,
            "02A",
            "Bản kiểm điểm cá nhân (không giữ chức vụ lãnh đạo, quản lý)",
            "Mẫu 02A-HD KĐ.ĐG 2023",
        ),
        FormPurpose.REVIEW_WITH_POST: Form(
            FormPurpose.REVIEW_WITH_POST,
            "02B",
            "Bản kiểm điểm cá nhân (giữ chức vụ lãnh đạo, quản lý)",
            "Mẫu 02B-HD KĐ.ĐG 2023",
        ),
        FormPurpose.REVIEW_OUTSIDE_SYSTEM: Form(
            FormPurpose.REVIEW_OUTSIDE_SYSTEM,
            "02A",
            "Bản kiểm điểm cá nhân (không giữ chức vụ; 2023 không có mẫu riêng)",
            "Mẫu 02A-HD KĐ.ĐG 2023",
        ),
    },
)
