"""What a member types into the self-review form: the load test (``locustfile.py``) and
``bench/profile_member.py`` fill it alike. Standard library only (the locust script imports it
under gevent)."""

from __future__ import annotations

TEXT = (
    "Luôn giữ vững lập trường tư tưởng chính trị, chấp hành nghiêm chủ trương của Đảng, "
    "hoàn thành tốt nhiệm vụ được giao; thực hiện đúng quy định về những điều đảng viên không "
    "được làm."
)


def fill_review(
    fields: dict[str, str], options: dict[str, list[str]], round_no: int
) -> dict[str, str]:
    """The form's fields as the member sends them: every text, every grade, the scores, the
    self-proposed level (``options``: the values each select offers; the first is picked)."""
    data = dict(fields)
    for name in list(data):
        chosen = [o for o in options.get(name, []) if o]
        if name.startswith("text_"):
            data[name] = f"{TEXT} (lần {round_no})"
        elif name in ("task_0", "product_0"):
            data[name] = "Tham mưu xây dựng kế hoạch công tác năm"
        elif name == "result_0" and chosen:
            data[name] = chosen[0]
        elif name == "self_level":
            data[name] = "HTTNV"
        elif name.startswith(("grade_", "prev_", "civil_level")) and chosen:
            data[name] = chosen[0]
        elif name == "score_common":
            data[name] = "26"
        elif name == "score_tasks":
            data[name] = "62"
        elif name.startswith("tasks_"):
            data[name] = {"tasks_total": "10", "tasks_done": "10"}.get(name, "0")
    return data
