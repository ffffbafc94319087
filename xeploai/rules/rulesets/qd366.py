"""``366-2025``: Quy định 366-QĐ/TW (30/8/2025) + Hướng dẫn 43-HD/BTCTW (31/10/2025),
evaluation years 2025 onward; 100-point scale. Sources: 366.md §3–§6 (S2, S3, S4, S5, W6)."""

from __future__ import annotations

from xeploai.rules.facts import Role, SubjectKind
from xeploai.rules.levels import Level
from xeploai.rules.rulesets.base import (
    ALL_ROLES,
    INDIVIDUAL_ROLES,
    CivilServiceLink,
    Condition,
    Deadline,
    DisciplineScope,
    Form,
    FormPurpose,
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
COLLECTIVE_OR_LEADER = frozenset({Role.COLLECTIVE, Role.LEADER})
MEMBERS = frozenset({Role.NON_LEADER, Role.OUTSIDE_SYSTEM})

CLAUSES = {
    "elig.exempt": "QĐ 366 Đ.5 k.2.1",
    "elig.suspended": "QĐ 366 Đ.5 k.2.1",
    "elig.new_member": "QĐ 366 Đ.5 k.2.1",
    "elig.committee_suspended": "HD 43 §7.7",
    "elig.new_leader": "[INF] như HD 01-HD/TU Kon Tum [F24]; QĐ 366 chưa quy định",
    "elig.new_org": "[INF] như HD 01-HD/TU Kon Tum [F24]; QĐ 366 chưa quy định",
    "elig.reorganized": "[INF] như HD 01-HD/TU Kon Tum [F24]; QĐ 366 chưa quy định",
    "elig.absent": "HD 43 §4 (hoàn thành trước 31/12)",
    "elig.absent_overdue": "HD 43 §4",
    "elig.rated_not_eligible": "QĐ 366 Đ.5 k.2.1",
    "elig.not_rated_without_reason": "QĐ 366 Đ.3 k.4 (được kiểm điểm thì phải xếp loại)",
    "comment.residence": "QĐ 366 Đ.17; QĐ 213-QĐ/TW Đ.3 k.4",
    "comment.residence_exempt": "HD 33-HD/BTCTW; QĐ 366 Đ.17 (trừ trường hợp đặc biệt)",
    "comment.transfer": "CV 154-CV/ĐU [S000] [INF: HD 43 §7.1–7.3 chưa xem được]",
    "comment.temporary": "HD 43 §7.6",
    "comment.local_extra": "HD 43 §7.12 (cấp trên cụ thể hóa)",
    "score.band": "QĐ 366 Đ.11 k.1–3",
    "score.none": "QĐ 366 Đ.10",
    "cond.not_checked": "QĐ 366 Đ.11",
    "cond.tasks_all_done": "QĐ 366 Đ.11 k.1–3",
    "cond.tasks_exceeded": "QĐ 366 Đ.11 k.1",
    "cond.tasks_on_time": "QĐ 366 Đ.11 k.1–2",
    "cond.tasks_late_max": "QĐ 366 Đ.11 k.3",
    "cond.shortcomings_fixed": "QĐ 366 Đ.11 k.1.4",
    "cond.led_unit_all_done": "QĐ 366 Đ.11 k.1.2, 2.2, 3.2",
    "cond.led_unit_exceeded": "QĐ 366 Đ.11 k.1.2",
    "cond.led_unit_on_time": "QĐ 366 Đ.11 k.2.2",
    "cond.led_unit_late_max": "QĐ 366 Đ.11 k.3.2",
    "cond.no_discipline": "QĐ 366 Đ.11 k.1.1",
    "khtnv.score_below_50": "QĐ 366 Đ.11 k.4",
    "khtnv.disunity": "QĐ 366 Đ.11 k.4.1",
    "khtnv.leadership_member_disciplined": "QĐ 366 Đ.11 k.4.1",
    "khtnv.degraded_member": "QĐ 366 Đ.11 k.4.1",
    "khtnv.collective_tasks_below_70": "QĐ 366 Đ.11 k.4.1",
    "khtnv.basic_targets_missed": "QĐ 366 Đ.11 k.4.1–4.2",
    "khtnv.leader_unit_below_70": "QĐ 366 Đ.11 k.4.2",
    "khtnv.led_units_khtnv": "QĐ 366 Đ.11 k.4.2",
    "khtnv.low_confidence": "QĐ 366 Đ.11 k.4.2",
    "khtnv.corruption_disciplined": "QĐ 366 Đ.11 k.4.2",
    "khtnv.degradation": "QĐ 366 Đ.11 k.4.2–4.3",
    "khtnv.discipline": "QĐ 366 Đ.11 k.4.2–4.3",
    "khtnv.prohibitions": "QĐ 366 Đ.11 k.4.3; QĐ 37-QĐ/TW",
    "khtnv.example_duty": "QĐ 366 Đ.11 k.4.3",
    "khtnv.tasks_not_done_over_50": "QĐ 366 Đ.11 k.4.3",
    "khtnv.mitigation": "QĐ 366 Đ.11 k.4 (lưu ý)",
    "khtnv.discipline_not_duty": "366.md §3.5 [I]",
    "khtnv.unrelated_to_remit": "QĐ 366 Đ.11 k.4.1 (ngoại trừ)",
    "khtnv.other_unit": "QĐ 366 Đ.11 (một số trường hợp cần lưu ý)",
    "note.sick_maternity": "HD 43 §7.5",
    "gap.needs_decision": "QĐ 366 Đ.11 k.3–4; Đ.13",
    "gap.fallback": "QĐ 366 Đ.11 k.3–4",
    "cap.civil_service_basis": "QĐ 366 Đ.3 k.4",
    "cap.committee_le_org": "CV 154-CV/ĐU [S000] (quy định địa phương)",
    "cap.head_le_collective": "CV 154-CV/ĐU [S000] (quy định địa phương)",
    "cap.head_newly_arrived": "CV 154-CV/ĐU [S000] (quy định địa phương)",
    "cap.quarter_khtnv": "QĐ 366 Đ.15 k.1; HD 02-HD/BTCTW 2026 [L] (quy định địa phương)",
    "flag.quarter_khtnv_twice": "KL 198-KL/TW; HD 02-HD/BTCTW 2026 [L] (quy định địa phương)",
    "quota.exceeded": "QĐ 366 Đ.11 k.1.5",
    "quota.small_unit": "CV 154-CV/ĐU [S000] (quy định địa phương)",
    "quota.group_missing": "QĐ 366 Đ.11 k.1.5",
    "quota.outstanding_unavailable": "QĐ 366 Đ.11 k.1.5",
    "order.review_before_rating": "QĐ 366 Đ.3 k.4; Đ.12",
    "order.collective_before_members": "QĐ 366 Đ.12 k.2.1",
    "order.collective_before_head": "QĐ 366 Đ.12 k.2.2",
    "order.members_before_org": "QĐ 366 Đ.12 k.2.3",
    "order.committee_before_org": "QĐ 366 Đ.12 k.2.3",
    "order.undecided_first": "QĐ 366 Đ.12 k.2.3",
    "order.agency_before_party": "QĐ 366 Đ.12 k.2.4",
    "order.lower_before_upper": "QĐ 366 Đ.12 k.2.5",
    "order.civil_service_first": "QĐ 366 Đ.3 k.4",
    "order.deadline": "HD 43 §4",
    "ballot.quorum": "Điều lệ Đảng; rules.md §5.3 [INF]",
    "ballot.count_mismatch": "rules.md §5.3",
    "ballot.threshold": "rules.md §5.3 [INF]",
    "ballot.no_majority": "rules.md §5.3 [INF]",
}


def _tasks(level: Level, roles: frozenset[Role], late_max: float) -> tuple[Condition, ...]:
    done = Condition("cond.tasks_all_done", level, roles, "tasks_done_pct", ">=", 100)
    if late_max == 0:
        late = Condition("cond.tasks_on_time", level, roles, "tasks_late_pct", "<=", 0)
    else:
        late = Condition("cond.tasks_late_max", level, roles, "tasks_late_pct", "<=", late_max)
    return (done, late)


def _led(level: Level, late_max: float) -> tuple[Condition, ...]:
    done = Condition("cond.led_unit_all_done", level, LEADER, "led_unit_tasks_done_pct", ">=", 100)
    if late_max == 0:
        late = Condition("cond.led_unit_on_time", level, LEADER, "led_unit_late_pct", "<=", 0)
    else:
        late = Condition(
            "cond.led_unit_late_max", level, LEADER, "led_unit_late_pct", "<=", late_max
        )
    return (done, late)


CONDITIONS = (
    *_tasks(Level.HTXSNV, ALL_ROLES, 0),
    Condition("cond.tasks_exceeded", Level.HTXSNV, ALL_ROLES, "tasks_exceeded_pct", ">=", 30),
    Condition(
        "cond.shortcomings_fixed",
        Level.HTXSNV,
        ALL_ROLES,
        "shortcomings_fixed_pct",
        ">=",
        100,
        vacuous_if_missing=True,
    ),
    Condition(
        "cond.no_discipline", Level.HTXSNV, COLLECTIVE, "collective_discipline_count", "==", 0
    ),
    *_led(Level.HTXSNV, 0),
    Condition("cond.led_unit_exceeded", Level.HTXSNV, LEADER, "led_unit_exceeded_pct", ">=", 30),
    *_tasks(Level.HTTNV, ALL_ROLES, 0),
    *_led(Level.HTTNV, 0),
    *_tasks(Level.HTNV, ALL_ROLES, 20),
    *_led(Level.HTNV, 20),
)

RULESET = RuleSet(
    key="366-2025",
    title_vi="Quy định 366-QĐ/TW và Hướng dẫn 43-HD/BTCTW",
    title_en="Regulation 366-QĐ/TW and Guidance 43-HD/BTCTW",
    documents=("366-QĐ/TW (30/8/2025)", "43-HD/BTCTW (31/10/2025)"),
    first_year=2025,
    last_year=None,
    scale=Scale.POINTS,
    subject_kinds=frozenset(SubjectKind),
    settings=Settings(
        new_member_policy=NewMemberPolicy.NOT_REVIEWED,
        quota_base=QuotaBase.TTNV_OR_ABOVE,
        quota_ratio_pct=20,
        outstanding_ratio_pct=25,
        rounding=Rounding.FLOOR,
        small_unit_exception=False,
        member_grouping=MemberGrouping.THREE_GROUPS,
        cap_head_by_collective=False,
        cap_committee_by_organization=False,
        civil_service_link=CivilServiceLink.BASIS_WARN,
        self_remedied=SelfRemediedPolicy.COMPETENT_LEVEL_DECIDES,
        discipline_scope=DisciplineScope.DUTY_RELATED,
        discipline_counted_once=False,
        individual_httnv_requires_all_tasks=True,
        absent_deadline=Deadline(12, 31),
        rating_deadline=Deadline(12, 31),
    ),
    clauses=CLAUSES,
    score_bands=((Level.HTXSNV, 90), (Level.HTTNV, 70), (Level.HTNV, 50)),
    conditions=CONDITIONS,
    triggers=(
        Trigger("khtnv.disunity", COLLECTIVE, (Test("disunity", "is"),)),
        Trigger("khtnv.degraded_member", COLLECTIVE, (Test("degraded_member", "is"),)),
        Trigger(
            "khtnv.collective_tasks_below_70",
            COLLECTIVE,
            (Test("tasks_done_pct", "<", 70),),
            mitigable_by="force_majeure",
        ),
        Trigger(
            "khtnv.basic_targets_missed",
            COLLECTIVE_OR_LEADER,
            (Test("basic_targets_missed", "is"),),
        ),
        Trigger(
            "khtnv.leader_unit_below_70",
            LEADER,
            (Test("led_unit_tasks_done_pct", "<", 70),),
            mitigable_by="force_majeure",
        ),
        Trigger("khtnv.led_units_khtnv", LEADER, (Test("led_units_khtnv_pct", ">", 50),)),
        Trigger("khtnv.low_confidence", LEADER, (Test("low_confidence_pct", ">", 50),)),
        Trigger("khtnv.corruption_disciplined", LEADER, (Test("corruption_disciplined", "is"),)),
        Trigger("khtnv.degradation", INDIVIDUAL_ROLES, (Test("degradation", "is"),)),
        Trigger("khtnv.prohibitions", INDIVIDUAL_ROLES, (Test("violated_prohibitions", "is"),)),
        Trigger("khtnv.example_duty", INDIVIDUAL_ROLES, (Test("violated_example_duty", "is"),)),
        Trigger("khtnv.tasks_not_done_over_50", MEMBERS, (Test("tasks_done_pct", "<", 50),)),
    ),
    discipline_rules=frozenset({"khtnv.discipline", "khtnv.leadership_member_disciplined"}),
    collective_member_min_form="KHIEN_TRACH",
    subordinate_share_pct=None,
    forms={
        FormPurpose.COLLECTIVE_REPORT: Form(
            FormPurpose.COLLECTIVE_REPORT,
            "01",
            "Báo cáo kiểm điểm và tự đánh giá, xếp loại tập thể",
            "Mẫu 01-HD KĐ.ĐG 2025",
        ),
        FormPurpose.REVIEW_WITH_POST: Form(
            FormPurpose.REVIEW_WITH_POST,
            "2A",
            "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân giữ chức vụ lãnh đạo, quản lý",
            "Mẫu 2A-HD KĐ.ĐG 2025",
        ),
        FormPurpose.REVIEW_NO_POST: Form(
            FormPurpose.REVIEW_NO_POST,
            "2B",
            "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân không giữ chức vụ lãnh đạo, quản lý",
            "Mẫu 2B-HD KĐ.ĐG 2025",
        ),
        FormPurpose.REVIEW_OUTSIDE_SYSTEM: Form(
            FormPurpose.REVIEW_OUTSIDE_SYSTEM,
            "2C",
            "Bản kiểm điểm của đảng viên không làm việc trong hệ thống chính trị",
            "Mẫu 2C-HD KĐ.ĐG 2025",
        ),
        FormPurpose.RE_RATING: Form(
            FormPurpose.RE_RATING, "03", "Quyết định đánh giá, xếp loại lại", "Mẫu 03-HD KĐ.ĐG 2025"
        ),
        FormPurpose.DOSSIER: Form(
            FormPurpose.DOSSIER, "04", "Danh mục hồ sơ đánh giá, xếp loại", "Mẫu 04-HD KĐ.ĐG 2025"
        ),
        FormPurpose.PERIOD_SELF_ASSESSMENT: Form(
            FormPurpose.PERIOD_SELF_ASSESSMENT,
            "05",
            "Bản tự đánh giá, xếp loại của cá nhân Quý, Năm",
            "Mẫu 05-HD KĐ.ĐG 2025",
        ),
    },
)
