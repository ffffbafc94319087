"""Whether a subject is rated at all in a period: the rule engine's answer, from model rows.

Used when a period opens, to store the not-rated reason on each evaluation (the engine's
``eligibility`` decides; the new-member policy and the other settings live in the rule set).
"""

from __future__ import annotations

import datetime as dt

from xeploai import rules
from xeploai.org.models import OrgUnit, Person, PersonStatus

_STATUS = {
    PersonStatus.EXEMPT: rules.MemberStatus.EXEMPT,
    PersonStatus.SUSPENDED: rules.MemberStatus.SUSPENDED,
}


def member_not_rated_reason(person: Person, on: dt.date, ruleset_key: str) -> str:
    subject = rules.Subject(
        id=f"m{person.pk}",
        kind=rules.SubjectKind.DANG_VIEN,
        admitted_on=person.admission_date,
        status=_STATUS.get(PersonStatus(person.status), rules.MemberStatus.ACTIVE),
    )
    answer = rules.eligibility(subject, rules.get_ruleset(ruleset_key), on, notes=False)
    return "" if answer.rated else str(answer.reason or "")


def org_not_rated_reason(unit: OrgUnit, on: dt.date, ruleset_key: str) -> str:
    subject = rules.Subject(
        id=f"g{unit.pk}", kind=rules.SubjectKind.TCCSD, established_on=unit.established
    )
    answer = rules.eligibility(subject, rules.get_ruleset(ruleset_key), on, notes=False)
    return "" if answer.rated else str(answer.reason or "")
