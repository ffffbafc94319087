"""Which official form a subject writes its review in: the rule set says (``rules.review_form``;
rules.md §1.6, 366.md §1.4); this module only maps the app's subject kinds to the engine's."""

from __future__ import annotations

from xeploai import rules
from xeploai.reviews.models import SubjectKind

_KIND = {
    SubjectKind.MEMBER: rules.SubjectKind.DANG_VIEN,
    SubjectKind.CELL: rules.SubjectKind.CHI_BO,
    SubjectKind.GRASSROOTS: rules.SubjectKind.TCCSD,
    SubjectKind.COMMITTEE: rules.SubjectKind.TT_CAP_UY,
}


def form_code_for(
    ruleset: str, *, kind: str, has_post: bool = False, in_political_system: bool = True
) -> str:
    """The key of the form (``"2A-2025"``) a subject of ``kind`` writes under rule set
    ``ruleset``; an unknown rule set key raises ``rules.RuleError`` naming the known ones."""
    subject = rules.Subject(
        "", _KIND[SubjectKind(kind)], has_post=has_post, in_political_system=in_political_system
    )
    return rules.review_form(subject, rules.get_ruleset(ruleset)).key
