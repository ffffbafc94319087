"""Every rule key the engine can cite, with its sentence in Vietnamese and English.

The templates name the numbers of the explanation in braces. The clause a key comes from
depends on the rule set (``RuleSet.clauses``); the sentence does not. Every key here is
documented in ``docs/rules.md`` (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xeploai.rules.explain import Number, format_number


@dataclass(frozen=True, slots=True)
class RuleText:
    """The sentence of one rule, in both languages."""

    vi: str
    en: str


RULES: Mapping[str, RuleText] = {
    # -- eligibility (rules.md §4.6; 366.md §1.3, §6) --
    "elig.exempt": RuleText(
        "Đảng viên được miễn công tác và sinh hoạt đảng: không kiểm điểm, không xếp loại",
        "Member exempt from party work and activity: not reviewed, not rated",
    ),
    "elig.suspended": RuleText(
        "Đảng viên bị đình chỉ sinh hoạt đảng: không kiểm điểm, không xếp loại",
        "Member suspended from party activity: not reviewed, not rated",
    ),
    "elig.committee_suspended": RuleText(
        "Cấp ủy viên bị đình chỉ sinh hoạt cấp ủy vẫn kiểm điểm (thời gian trước khi đình chỉ) "
        "và xếp loại tại chi bộ",
        "Committee member suspended from committee activity is still reviewed (for the time "
        "before the suspension) and rated at the cell",
    ),
    "elig.new_member": RuleText(
        "Kết nạp ngày {admitted_on}, chưa đủ {months} tháng đến ngày đánh giá {on}: {policy_vi}",
        "Admitted on {admitted_on}, less than {months} months before the evaluation date {on}: "
        "{policy_en}",
    ),
    "elig.new_leader": RuleText(
        "Bổ nhiệm ngày {appointed_on}, chưa đủ {months} tháng đến ngày đánh giá {on}: vẫn kiểm "
        "điểm nhưng không xếp loại với tư cách cán bộ lãnh đạo, quản lý",
        "Appointed on {appointed_on}, less than {months} months before {on}: reviewed but not "
        "rated as a leader",
    ),
    "elig.new_org": RuleText(
        "Tổ chức mới thành lập ngày {established_on} (chưa đủ {months} tháng): kiểm điểm nhưng "
        "chưa xếp loại",
        "Organisation established on {established_on} (less than {months} months): reviewed, "
        "not rated",
    ),
    "elig.reorganized": RuleText(
        "Tổ chức mới chia tách, sáp nhập ngày {reorganized_on} (chưa đủ {months} tháng): kiểm "
        "điểm nhưng chưa xếp loại",
        "Organisation split or merged on {reorganized_on} (less than {months} months): "
        "reviewed, not rated",
    ),
    "elig.absent": RuleText(
        "Vắng mặt, chưa đánh giá, xếp loại: phải hoàn thành {deadline_vi}",
        "Absent, not yet rated: must be done {deadline_en}",
    ),
    "elig.absent_overdue": RuleText(
        "Vắng mặt chưa xếp loại nhưng đã quá hạn {deadline} (ngày đánh giá {on})",
        "Absent and not rated, past the deadline {deadline} (evaluation date {on})",
    ),
    "elig.rated_not_eligible": RuleText(
        "Đã xếp loại {decided} nhưng thuộc trường hợp không xếp loại ({reason_vi})",
        "Rated {decided} although the subject is not to be rated ({reason_en})",
    ),
    "elig.not_rated_without_reason": RuleText(
        "Chưa xếp loại nhưng không thuộc trường hợp được miễn xếp loại (lý do ghi: {reason})",
        "Not rated, but no case for not rating applies (reason given: {reason})",
    ),
    # -- required comments (rules.md §4.7, §5.5) --
    "comment.residence": RuleText(
        "Cần nhận xét của chi ủy, chi bộ nơi cư trú trước khi xếp loại (Quy định 213-QĐ/TW)",
        "The residence-place cell's comment is required before rating (Regulation 213-QĐ/TW)",
    ),
    "comment.residence_exempt": RuleText(
        "Không cần nhận xét nơi cư trú hằng năm: {category}",
        "No yearly residence-place comment needed: {category}",
    ),
    "comment.transfer": RuleText(
        "Chuyển công tác, đã ở đơn vị cũ {months} tháng (từ {min_months} tháng trở lên): cần "
        "nhận xét của chi bộ, cơ quan, đơn vị nơi chuyển đi",
        "Transferred after {months} months at the old unit ({min_months} or more): the old "
        "cell's or unit's comment is required",
    ),
    "comment.temporary": RuleText(
        "Sinh hoạt đảng tạm thời: cần nhận xét của chi bộ nơi sinh hoạt tạm thời gửi chi bộ "
        "nơi sinh hoạt chính thức",
        "Temporary party activity: the temporary cell's comment must reach the official cell",
    ),
    "comment.local_extra": RuleText(
        "Quy định của {issuer} yêu cầu thêm nhận xét: {comment}",
        "The rules of {issuer} also require the comment: {comment}",
    ),
    # -- criteria and scores --
    "grade.rule": RuleText(
        "Mức tiêu chí thấp nhất {min_all}, tiêu chí kết quả nhiệm vụ thấp nhất {min_task}: tối "
        "đa {level} (cần tất cả từ {need_all} và tiêu chí nhiệm vụ từ {need_task} cho {above})",
        "Lowest criterion grade {min_all}, lowest task-result grade {min_task}: at most {level} "
        "({above} needs every criterion {need_all} or above and task results {need_task})",
    ),
    "grade.none": RuleText(
        "Chưa có mức đánh giá các tiêu chí: chỉ kiểm tra các điều kiện và trường hợp bắt buộc",
        "No criterion grades given: only conditions and forcing cases are checked",
    ),
    "score.band": RuleText(
        "Tổng điểm {score}/100 (chung {common}/30, nhiệm vụ {tasks}/70): khung điểm tối đa "
        "{level} (từ {floor} điểm)",
        "Total {score}/100 (common {common}/30, tasks {tasks}/70): the score supports at most "
        "{level} ({floor} points or more)",
    ),
    "score.none": RuleText(
        "Chưa có điểm: chỉ kiểm tra các điều kiện và trường hợp bắt buộc",
        "No score given: only conditions and forcing cases are checked",
    ),
    "cond.not_checked": RuleText(
        "Chưa có số liệu, chưa kiểm tra được điều kiện: {metrics_vi}",
        "No data, conditions not checked: {metrics_en}",
    ),
    "cond.tasks_all_done": RuleText(
        "{level} cần hoàn thành 100% nhiệm vụ; thực tế {value}%",
        "{level} needs 100% of tasks completed; actual {value}%",
    ),
    "cond.tasks_exceeded": RuleText(
        "{level} cần ít nhất {threshold}% nhiệm vụ hoàn thành vượt mức; thực tế {value}%",
        "{level} needs at least {threshold}% of tasks exceeded; actual {value}%",
    ),
    "cond.tasks_on_time": RuleText(
        "{level} cần hoàn thành nhiệm vụ đúng tiến độ; {value}% chậm tiến độ",
        "{level} needs tasks completed on time; {value}% late",
    ),
    "cond.tasks_late_max": RuleText(
        "{level} chỉ cho phép tối đa {threshold}% nhiệm vụ chậm tiến độ; thực tế {value}%",
        "{level} allows at most {threshold}% of tasks late; actual {value}%",
    ),
    "cond.shortcomings_fixed": RuleText(
        "{level} cần khắc phục 100% hạn chế, khuyết điểm đã chỉ ra; thực tế {value}%",
        "{level} needs 100% of earlier shortcomings fixed; actual {value}%",
    ),
    "cond.led_unit_all_done": RuleText(
        "{level} cần đơn vị trực tiếp lãnh đạo hoàn thành 100% nhiệm vụ; thực tế {value}%",
        "{level} needs the units led to complete 100% of tasks; actual {value}%",
    ),
    "cond.led_unit_exceeded": RuleText(
        "{level} cần đơn vị trực tiếp lãnh đạo có ít nhất {threshold}% nhiệm vụ vượt mức; "
        "thực tế {value}%",
        "{level} needs at least {threshold}% of the led units' tasks exceeded; actual {value}%",
    ),
    "cond.led_unit_on_time": RuleText(
        "{level} cần đơn vị trực tiếp lãnh đạo hoàn thành đúng tiến độ; {value}% chậm",
        "{level} needs the units led to finish on time; {value}% late",
    ),
    "cond.led_unit_late_max": RuleText(
        "{level} chỉ cho phép đơn vị trực tiếp lãnh đạo chậm tiến độ tối đa {threshold}%; "
        "thực tế {value}%",
        "{level} allows the units led at most {threshold}% late; actual {value}%",
    ),
    "cond.no_discipline": RuleText(
        "{level} cần không có tổ chức trực thuộc hoặc thành viên tập thể lãnh đạo bị kỷ luật "
        "trong năm; có {value} trường hợp",
        "{level} needs no subordinate organisation and no leadership member disciplined in the "
        "year; there are {value}",
    ),
    # -- forcing "không hoàn thành nhiệm vụ" --
    "khtnv.grade_kem": RuleText(
        "Có tiêu chí xếp mức Kém ({criteria}): không hoàn thành nhiệm vụ",
        "A criterion is graded Kém ({criteria}): failure to complete tasks",
    ),
    "khtnv.score_below_50": RuleText(
        "Tổng điểm {score} < 50: không hoàn thành nhiệm vụ",
        "Total score {score} < 50: failure to complete tasks",
    ),
    "khtnv.degradation": RuleText(
        "Bị cấp có thẩm quyền kết luận suy thoái, \u201ctự diễn biến\u201d, \u201ctự chuyển "
        "hóa\u201d: không hoàn thành nhiệm vụ",
        "Concluded to show degradation, self-evolution or self-transformation: failure",
    ),
    "khtnv.prohibitions": RuleText(
        "Vi phạm những điều đảng viên không được làm (19 điều): không hoàn thành nhiệm vụ",
        "Violated the things party members must not do (19 prohibitions): failure",
    ),
    "khtnv.example_duty": RuleText(
        "Vi phạm trách nhiệm nêu gương, ảnh hưởng uy tín bản thân, cơ quan, đơn vị: không hoàn "
        "thành nhiệm vụ",
        "Violated the duty to set an example, harming the reputation of self or unit: failure",
    ),
    "khtnv.targets_below_50": RuleText(
        "Hoàn thành {value}% chỉ tiêu, nhiệm vụ (< 50%): không hoàn thành nhiệm vụ",
        "Completed {value}% of targets and tasks (< 50%): failure",
    ),
    "khtnv.collective_targets": RuleText(
        "Tập thể hoàn thành {value}% chỉ tiêu, nhiệm vụ (< 50%) và chỉ tiêu chủ yếu không đạt "
        "kế hoạch: không hoàn thành nhiệm vụ (trừ trường hợp bất khả kháng)",
        "The collective completed {value}% of targets (< 50%) and missed the main targets: "
        "failure (force majeure excepted)",
    ),
    "khtnv.leader_unit_targets": RuleText(
        "Đơn vị trực tiếp lãnh đạo hoàn thành {value}% chỉ tiêu (< 50%) và chỉ tiêu chủ yếu "
        "không đạt: không hoàn thành nhiệm vụ (trừ bất khả kháng)",
        "The unit led completed {value}% of targets (< 50%) and missed the main targets: "
        "failure (force majeure excepted)",
    ),
    "khtnv.tasks_not_done_over_50": RuleText(
        "Trên 50% nhiệm vụ trong năm không hoàn thành (hoàn thành {value}%): không hoàn thành "
        "nhiệm vụ",
        "More than 50% of the year's tasks not completed (completed {value}%): failure",
    ),
    "khtnv.collective_tasks_below_70": RuleText(
        "Tập thể hoàn thành {value}% nhiệm vụ kế hoạch (< 70%): không hoàn thành nhiệm vụ",
        "The collective completed {value}% of planned tasks (< 70%): failure",
    ),
    "khtnv.leader_unit_below_70": RuleText(
        "Đơn vị trực tiếp lãnh đạo hoàn thành {value}% nhiệm vụ (< 70%): không hoàn thành nhiệm vụ",
        "The unit led completed {value}% of planned tasks (< 70%): failure",
    ),
    "khtnv.basic_targets_missed": RuleText(
        "Không đạt 5 chỉ tiêu cơ bản về kinh tế - xã hội được giao: không hoàn thành nhiệm vụ",
        "Missed the 5 basic socio-economic targets assigned: failure",
    ),
    "khtnv.led_units_khtnv": RuleText(
        "{value}% đơn vị phụ trách xếp loại không hoàn thành nhiệm vụ (> 50%): không hoàn thành "
        "nhiệm vụ",
        "{value}% of the units in charge rated KHTNV (> 50%): failure",
    ),
    "khtnv.low_confidence": RuleText(
        "{value}% phiếu tín nhiệm thấp (> 50%): không hoàn thành nhiệm vụ",
        "{value}% low-confidence votes (> 50%): failure",
    ),
    "khtnv.corruption_disciplined": RuleText(
        "Để xảy ra tham nhũng, lãng phí, tiêu cực trong phạm vi quản lý trực tiếp và đã bị xử "
        "lý kỷ luật: không hoàn thành nhiệm vụ",
        "Corruption, waste or negativity under direct management was disciplined: failure",
    ),
    "khtnv.disunity": RuleText(
        "Bị kết luận mất đoàn kết nội bộ, sai phạm trong công tác cán bộ, bè phái, chạy chức, "
        "chạy quyền: không hoàn thành nhiệm vụ",
        "Concluded disunity, cadre-work wrongdoing, factions or buying posts: failure",
    ),
    "khtnv.degraded_member": RuleText(
        "Có thành viên bị kết luận suy thoái, \u201ctự diễn biến\u201d, \u201ctự chuyển "
        "hóa\u201d: không hoàn thành nhiệm vụ",
        "A member was concluded to show degradation: failure",
    ),
    "khtnv.discipline": RuleText(
        "Bị kỷ luật {form} ngày {decided_on} trong năm đánh giá: không hoàn thành nhiệm vụ",
        "Disciplined ({form}) on {decided_on} in the evaluation year: failure",
    ),
    "khtnv.collective_disciplined": RuleText(
        "Tập thể bị kỷ luật ({form}, {decided_on}): không hoàn thành nhiệm vụ",
        "The collective was disciplined ({form}, {decided_on}): failure",
    ),
    "khtnv.leadership_member_disciplined": RuleText(
        "Thành viên tập thể lãnh đạo bị kỷ luật {form} ngày {decided_on} (từ {min_form} trở "
        "lên): không hoàn thành nhiệm vụ",
        "A leadership member was disciplined ({form}, {decided_on}; {min_form} or above): failure",
    ),
    "khtnv.subordinate_case": RuleText(
        "Tổ chức trực thuộc có vụ việc vi phạm đã bị xử lý kỷ luật ({form}, {decided_on}): "
        "không hoàn thành nhiệm vụ",
        "A subordinate organisation had a violation that was disciplined ({form}, "
        "{decided_on}): failure",
    ),
    "khtnv.subordinates_disciplined_share": RuleText(
        "{disciplined}/{total} tổ chức trực thuộc bị kỷ luật = {value}% > {threshold}%: không "
        "hoàn thành nhiệm vụ",
        "{disciplined}/{total} subordinate organisations disciplined = {value}% > "
        "{threshold}%: failure",
    ),
    "khtnv.self_remedied": RuleText(
        "Kỷ luật {form} ngày {decided_on} nhưng đã tự phát hiện và khắc phục xong hậu quả: "
        "không tính",
        "Disciplined ({form}, {decided_on}) but self-detected and remedied: not counted",
    ),
    "khtnv.mitigation": RuleText(
        "{rule}: có tình tiết giảm nhẹ ({circumstance_words}); cấp có thẩm quyền xem xét, "
        "quyết định từng trường hợp",
        "{rule}: mitigating circumstance ({circumstance_words}); the competent level decides "
        "case by case",
    ),
    "khtnv.unrelated_to_remit": RuleText(
        "Vi phạm ({form}, {decided_on}) không liên quan chức trách, thẩm quyền của tập thể: "
        "không tính",
        "The violation ({form}, {decided_on}) is unrelated to the collective's remit: not counted",
    ),
    "khtnv.discipline_not_duty": RuleText(
        "Kỷ luật {form} ngày {decided_on} không liên quan chức trách, công vụ: cần xem xét có "
        "thuộc \u201cnhững điều đảng viên không được làm\u201d không",
        "Disciplined ({form}, {decided_on}) for something unrelated to public duty: check "
        "whether it falls under the prohibitions",
    ),
    "khtnv.discipline_counted": RuleText(
        "Vi phạm ({form}, {decided_on}) đã tính khi xếp loại năm {counted_in_year}: mỗi vi phạm "
        "chỉ tính một lần",
        "The violation ({form}, {decided_on}) was counted in {counted_in_year}: it counts once",
    ),
    "khtnv.other_unit": RuleText(
        "Vi phạm xảy ra tại {violation_unit}, tính vào xếp loại của đơn vị đó",
        "The violation happened at {violation_unit} and counts against that unit",
    ),
    "note.sick_maternity": RuleText(
        "Nghỉ ốm từ 3 tháng hoặc nghỉ thai sản: xếp loại căn cứ kết quả làm việc thực tế",
        "Sick leave of 3 months or more, or maternity: rated on the work actually done",
    ),
    # -- gaps --
    "gap.needs_decision": RuleText(
        "Quy định không xác định mức: {metric_label} {value}% (HTNV cần {op} {threshold}%) "
        "nhưng không có trường hợp buộc KHTNV. Cần cấp có thẩm quyền xem xét, quyết định",
        "The regulation gives no level: {metric_label} {value}% (HTNV needs {op} "
        "{threshold}%) yet nothing forces KHTNV. Needs a decision by the competent level",
    ),
    "gap.fallback": RuleText(
        "Quy định không xác định mức ({metric_label} {value}%, HTNV cần {op} {threshold}%); "
        "theo cài đặt, áp dụng {level}",
        "The regulation gives no level ({metric_label} {value}%, HTNV needs {op} "
        "{threshold}%); by setting, {level} applies",
    ),
    # -- caps between subjects --
    "cap.civil_service": RuleText(
        "Xếp loại cán bộ, công chức, viên chức là {cs_level}: xếp loại đảng viên tối đa {level}",
        "Civil-servant rating {cs_level}: party rating at most {level}",
    ),
    "cap.civil_service_basis": RuleText(
        "Xếp loại cán bộ, công chức, viên chức ({cs_level}) là cơ sở; xếp loại đảng viên cao "
        "hơn cần giải trình",
        "The civil-servant rating ({cs_level}) is the basis; a higher party rating needs a "
        "justification",
    ),
    "cap.quarter_khtnv": RuleText(
        "Có quý {quarters} xếp loại không hoàn thành nhiệm vụ: cả năm tối đa {level}",
        "Rated KHTNV in quarter {quarters}: the year at most {level}",
    ),
    "flag.quarter_khtnv_twice": RuleText(
        "Hai quý liên tiếp ({quarters}) không hoàn thành nhiệm vụ: xem xét, đề xuất bố trí "
        "công tác khác",
        "Two consecutive quarters ({quarters}) rated KHTNV: review of the post",
    ),
    "cap.committee_le_org": RuleText(
        "Tập thể cấp ủy không được cao hơn tổ chức ({org_level}): tối đa {level}",
        "The committee collective may not be rated above its organisation ({org_level}): "
        "at most {level}",
    ),
    "cap.head_le_collective": RuleText(
        "Người đứng đầu không được cao hơn tập thể cấp ủy ({collective_level}): tối đa {level}",
        "The head may not be rated above the committee collective ({collective_level}): "
        "at most {level}",
    ),
    "cap.head_newly_arrived": RuleText(
        "Người đứng đầu mới chuyển đến, không liên quan mức xếp loại của tập thể: không áp dụng "
        "giới hạn theo tập thể",
        "The head newly arrived, unrelated to the collective's rating: no cap by the collective",
    ),
    "facts.invalid": RuleText(
        "Dữ liệu không hợp lệ: {detail_vi}",
        "Invalid facts: {detail_en}",
    ),
    "facts.duplicate": RuleText(
        "Có {count} quyết định cho cùng đối tượng {subject_id}",
        "{count} decisions for the same subject {subject_id}",
    ),
    # -- quota --
    "quota.exceeded": RuleText(
        "{n_xs} HTXSNV > {ratio_pct}% × {base} = {allowed} (nhóm {group}): vượt tỉ lệ hoàn "
        "thành xuất sắc nhiệm vụ",
        "{n_xs} HTXSNV > {ratio_pct}% × {base} = {allowed} (group {group}): above the "
        "excellence quota",
    ),
    "quota.small_unit": RuleText(
        "Nhóm {group} có {n} (< {size}) và 100% từ HTTNV trở lên: được chọn 01 HTXSNV nếu đủ "
        "điều kiện",
        "Group {group} has {n} (< {size}), all HTTNV or above: one HTXSNV allowed if eligible",
    ),
    "quota.group_missing": RuleText(
        "Đảng viên xếp loại HTXSNV chưa được xác định nhóm (lãnh đạo đơn vị / quản lý cấp "
        "phòng / không giữ chức vụ)",
        "A member rated HTXSNV has no excellence group (leaders / department managers / no post)",
    ),
    "quota.outstanding_unavailable": RuleText(
        "Bộ quy định {ruleset} không có tỉ lệ 25% cho đơn vị xuất sắc, nổi trội: áp dụng "
        "{ratio_pct}%",
        "Rule set {ruleset} has no 25% rate for outstanding units: {ratio_pct}% applies",
    ),
    # -- ordering and preconditions (rules.md §6; 366 Art. 12.2) --
    "order.review_before_rating": RuleText(
        "Phải hoàn thành kiểm điểm mới được đánh giá, xếp loại",
        "The review must be completed before rating",
    ),
    "order.collective_before_members": RuleText(
        "Tập thể lãnh đạo {other} phải được xếp loại trước thành viên (ngày {other_on} sau "
        "ngày {on})",
        "The leadership collective {other} must be rated before its members ({other_on} is "
        "after {on})",
    ),
    "order.collective_before_head": RuleText(
        "Tập thể {other} phải được xếp loại trước người đứng đầu (ngày {other_on} sau ngày {on})",
        "The collective {other} must be rated before its head ({other_on} is after {on})",
    ),
    "order.lower_before_upper": RuleText(
        "Tổ chức cấp dưới {other} phải được xếp loại trước cấp trên (ngày {other_on} sau "
        "ngày {on})",
        "The lower-level organisation {other} must be rated before the upper one ({other_on} "
        "is after {on})",
    ),
    "order.members_before_org": RuleText(
        "Đảng viên {other} phải được xếp loại trước tổ chức đảng (ngày {other_on} sau ngày {on})",
        "Member {other} must be rated before the party organisation ({other_on} is after {on})",
    ),
    "order.committee_before_org": RuleText(
        "Tập thể cấp ủy {other} phải được xếp loại trước tổ chức đảng (ngày {other_on} sau "
        "ngày {on})",
        "The committee collective {other} must be rated before the party organisation "
        "({other_on} is after {on})",
    ),
    "order.undecided_first": RuleText(
        "Chưa thể quyết định: còn {n} đối tượng phải được xếp loại trước ({names})",
        "Cannot decide yet: {n} subjects must be rated first ({names})",
    ),
    "order.agency_before_party": RuleText(
        "Tổ chức, cơ quan, đơn vị (chính quyền, chuyên môn) phải được xếp loại trước tổ chức "
        "đảng{detail_vi}",
        "The agency or unit must be rated before the party organisation{detail_en}",
    ),
    "order.civil_service_first": RuleText(
        "Đảng viên là cán bộ, công chức, viên chức: phải có kết quả xếp loại công chức trước "
        "khi xếp loại đảng viên{detail_vi}",
        "Member who is a civil servant: the civil-servant rating must exist before the party "
        "rating{detail_en}",
    ),
    # -- the civil-service scale of the year (rules/civil.py; present.md §4) --
    "civil.no_points": RuleText(
        "Năm {year} xếp loại cán bộ, công chức, viên chức không chấm điểm: bỏ trống cột điểm",
        "Civil servants rated for {year} get no points: leave the points empty",
    ),
    "civil.points_range": RuleText(
        "Điểm {points} ngoài thang 0–100",
        "Points {points} outside the 0–100 scale",
    ),
    "civil.level_above_points": RuleText(
        "{points} điểm chỉ đạt mức {band}: không xếp loại {level}",
        "{points} points reach only {band}: cannot be rated {level}",
    ),
    "order.deadline": RuleText(
        "Quyết định ngày {decided_on}, sau thời hạn {deadline}",
        "Decided on {decided_on}, after the deadline {deadline}",
    ),
    # -- ballots (rules.md §5.3) --
    "ballot.quorum": RuleText(
        "Có mặt {present}/{full_members} đảng viên chính thức, chưa đủ {quorum}: cuộc bỏ phiếu "
        "không hợp lệ",
        "{present}/{full_members} full members present, short of {quorum}: the ballot is void",
    ),
    "ballot.count_mismatch": RuleText(
        "Số phiếu ({cast}) nhiều hơn số đảng viên chính thức có mặt ({present})",
        "More ballots ({cast}) than full members present ({present})",
    ),
    "ballot.threshold": RuleText(
        "{level}: {votes}/{valid} phiếu hợp lệ (cộng dồn từ mức cao nhất) {cmp} {threshold} "
        "số phiếu hợp lệ",
        "{level}: {votes}/{valid} valid ballots (adding from the highest level) {cmp} "
        "{threshold} of the valid ballots",
    ),
    "ballot.no_majority": RuleText(
        "Không mức nào đạt {threshold} số phiếu hợp lệ ({valid} phiếu)",
        "No level reached {threshold} of the valid ballots ({valid} ballots)",
    ),
}


METRICS: Mapping[str, tuple[str, str]] = {
    "tasks_done_pct": ("tỉ lệ nhiệm vụ hoàn thành", "share of tasks completed"),
    "tasks_exceeded_pct": ("tỉ lệ nhiệm vụ vượt mức", "share of tasks exceeded"),
    "tasks_late_pct": ("tỉ lệ nhiệm vụ chậm tiến độ", "share of tasks late"),
    "shortcomings_fixed_pct": ("tỉ lệ hạn chế đã khắc phục", "share of shortcomings fixed"),
    "led_unit_tasks_done_pct": (
        "tỉ lệ nhiệm vụ đơn vị lãnh đạo hoàn thành",
        "share of the led units' tasks completed",
    ),
    "led_unit_exceeded_pct": (
        "tỉ lệ nhiệm vụ đơn vị lãnh đạo vượt mức",
        "share of the led units' tasks exceeded",
    ),
    "led_unit_late_pct": (
        "tỉ lệ nhiệm vụ đơn vị lãnh đạo chậm",
        "share of the led units' tasks late",
    ),
    "led_units_khtnv_pct": ("tỉ lệ đơn vị phụ trách KHTNV", "share of units in charge rated KHTNV"),
    "low_confidence_pct": ("tỉ lệ phiếu tín nhiệm thấp", "share of low-confidence votes"),
    "collective_discipline_count": ("số trường hợp bị kỷ luật", "discipline cases"),
}


# The circumstances of "khtnv.mitigation" (its number ``circumstance``), in the words of its
# sentence; they name the other numbers in braces (the discipline's ``form``).
CIRCUMSTANCES: Mapping[str, RuleText] = {
    "force_majeure": RuleText("bất khả kháng", "force majeure"),
    "self_remedied": RuleText(
        "tự phát hiện, khắc phục; kỷ luật {form}", "self-detected and remedied; {form}"
    ),
}


def metric_label(metric: str, lang: str) -> str:
    """The words for a fact (``tasks_done_pct`` → "tỉ lệ nhiệm vụ hoàn thành").

    >>> metric_label("tasks_done_pct", "en"), metric_label("unknown_metric", "vi")
    ('share of tasks completed', 'unknown_metric')
    """
    labels = METRICS.get(metric)
    if labels is None:
        return metric
    return labels[0] if lang == "vi" else labels[1]


class _Numbers(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def render(
    key: str,
    numbers: Mapping[str, Number],
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
) -> str:
    """Render the sentence of rule ``key`` in ``lang`` with ``numbers`` filled in.

    When ``numbers`` has ``decided`` and ``ceiling`` (a decision above a ceiling), the
    sentence says so. ``names``: the words a reader is shown for some numbers instead of
    their code (a page's name for a quota group or a discipline form), by the number's name.

    >>> render("ballot.no_majority", {"threshold": "50%", "valid": 1200}, "vi")
    'Không mức nào đạt 50% số phiếu hợp lệ (1.200 phiếu)'
    >>> from xeploai.rules.facts import DisciplineForm
    >>> numbers = {"rule": "khtnv.discipline", "circumstance": "self_remedied",
    ...     "form": DisciplineForm.CANH_CAO}
    >>> render("khtnv.mitigation", numbers, "en").split(";")[:2]
    ['khtnv.discipline: mitigating circumstance (self-detected and remedied', ' CANH_CAO)']
    >>> render("khtnv.mitigation", numbers, "vi", names={"form": "cảnh cáo"}).split(";")[1]
    ' kỷ luật cảnh cáo)'
    """
    text = RULES.get(key)
    if text is None:
        return key
    values = _Numbers({name: format_number(value, lang) for name, value in numbers.items()})
    if names:
        values.update((name, words) for name, words in names.items() if name in numbers)
    metric = numbers.get("metric")
    if isinstance(metric, str):
        values["metric_label"] = metric_label(metric, lang)
    circumstance = CIRCUMSTANCES.get(str(numbers.get("circumstance")))
    if circumstance is not None:
        values["circumstance_words"] = (
            circumstance.vi if lang == "vi" else circumstance.en
        ).format_map(values)
    sentence = (text.vi if lang == "vi" else text.en).format_map(values)
    if "decided" in numbers and "ceiling" in numbers:
        if lang == "vi":
            sentence += f" — quyết định {values['decided']} vượt mức tối đa {values['ceiling']}"
        else:
            sentence += f" — decided {values['decided']}, above the ceiling {values['ceiling']}"
    return sentence
