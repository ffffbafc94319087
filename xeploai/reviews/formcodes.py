"""Which official form a subject writes its review in: the rule set says (``rules.review_form``;
rules.md §1.6, 366.md §1.4); this module only maps the app's subject kinds to the engine's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xeploai import rules
from xeploai.cycles.models import Period, PeriodKind
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


def period_form_code(period: Period) -> str:
    """The form every individual of a quarterly period writes (Mẫu 05, "Bản tự đánh giá, xếp
    loại của cá nhân Quý, Năm": 366.md §1.2); "" for the other periods (by subject)."""
    if period.kind != PeriodKind.QUARTER:
        return ""
    form = rules.get_ruleset(period.ruleset).forms.get(rules.FormPurpose.PERIOD_SELF_ASSESSMENT)
    if form is None:
        raise ValidationError(
            _("Quy định {ruleset} không có mẫu tự đánh giá, xếp loại hằng quý.").format(
                ruleset=period.ruleset
            )
        )
    return form.key
