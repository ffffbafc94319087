"""Which official form a subject writes its review in (rules.md §1.6, 366.md §1.4)."""

from __future__ import annotations

from xeploai.reviews.models import SubjectKind


def form_code_for(
    ruleset: str, *, kind: str, has_post: bool = False, in_political_system: bool = True
) -> str:
    """2019: Mẫu 02; 2023: 02A without a post / 02B with one; 2025: 2A with / 2B without /
    2C outside the political system. Collectives: Mẫu 01 (and 03/04 analysis sheets before 2023).
    """
    if kind != SubjectKind.MEMBER:
        return {"132-2018": "03-2019", "124-2023": "01-2023"}.get(ruleset, "01-2025")
    if ruleset == "132-2018":
        return "02-2019"
    if ruleset == "124-2023":
        return "02B-2023" if has_post else "02A-2023"
    if not in_political_system:
        return "2C-2025"
    return "2A-2025" if has_post else "2B-2025"
