"""Which forms (mẫu) a subject uses, keyed by meaning: 2019 has one personal form (Mẫu 02);
2023 has 02A without a post and 02B with one; 2025 has 2A with a post, 2B without, 2C for
members outside the political system. The letters swap between 2023 and 2025, so code asks
for a :class:`FormPurpose`, never for a letter (rules.md §1.6, §5.2; 366.md §5.7)."""

from __future__ import annotations

from xeploai.rules.facts import ORGANISATION_KINDS, Role, Subject
from xeploai.rules.rulesets.base import Form, FormPurpose, RuleSet

_REVIEW_BY_ROLE = {
    Role.LEADER: FormPurpose.REVIEW_WITH_POST,
    Role.NON_LEADER: FormPurpose.REVIEW_NO_POST,
    Role.OUTSIDE_SYSTEM: FormPurpose.REVIEW_OUTSIDE_SYSTEM,
}


def review_purpose(subject: Subject) -> FormPurpose:
    """The meaning of the review form ``subject`` writes."""
    return _REVIEW_BY_ROLE.get(subject.role, FormPurpose.COLLECTIVE_REPORT)


def review_form(subject: Subject, ruleset: RuleSet) -> Form:
    """The form ``subject`` writes its review in under ``ruleset``: an individual's review form;
    for a collective, the per-criterion analysis sheet where the rule set has one (2019: Mẫu
    03), otherwise the collective report.

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> from xeploai.rules.facts import SubjectKind
    >>> cell = Subject("c", SubjectKind.CHI_BO)
    >>> review_form(cell, get_ruleset("132-2018")).key, review_form(cell, get_ruleset("366-2025")).key
    ('03-2019', '01-2025')
    """
    purpose = review_purpose(subject)
    if purpose is FormPurpose.COLLECTIVE_REPORT and FormPurpose.ORG_ANALYSIS in ruleset.forms:
        purpose = FormPurpose.ORG_ANALYSIS
    return ruleset.forms[purpose]


def forms_for(subject: Subject, ruleset: RuleSet) -> tuple[Form, ...]:
    """The forms ``subject`` uses under ``ruleset``: its review form first, then any
    per-criterion analysis sheet (2019) or period self-assessment (2025).

    >>> from xeploai.rules.rulesets import get_ruleset
    >>> from xeploai.rules.facts import SubjectKind
    >>> leader = Subject("x", SubjectKind.DANG_VIEN, has_post=True)
    >>> [f.code for f in forms_for(leader, get_ruleset("124-2023"))], \\
    ...     [f.code for f in forms_for(leader, get_ruleset("366-2025"))][0]
    (['02B'], '2A')
    """
    purposes = [review_purpose(subject)]
    if subject.role is Role.COLLECTIVE:
        extra = (
            FormPurpose.ORG_ANALYSIS
            if subject.kind in ORGANISATION_KINDS
            else FormPurpose.COLLECTIVE_ANALYSIS
        )
        purposes.append(extra)
    else:
        purposes.append(FormPurpose.PERIOD_SELF_ASSESSMENT)
    return tuple(ruleset.forms[p] for p in purposes if p in ruleset.forms)
