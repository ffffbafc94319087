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


def founding_dates(
    established: dt.date | None, reorganized: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """(established_on, reorganized_on) as the rules see them: a unit set up by a merger or a
    split (established on or after it) is "mới chia tách, sáp nhập", not "mới thành lập"."""
    if reorganized is not None and established is not None and established >= reorganized:
        return None, reorganized
    return established, reorganized


def org_not_rated_reason(unit: OrgUnit, on: dt.date, ruleset_key: str) -> str:
    """``unit.reorganized`` is the date of its latest merger or split, from its lineage."""
    established, reorganized = founding_dates(unit.established, unit.reorganized)
    subject = rules.Subject(
        id=f"g{unit.pk}",
        kind=rules.SubjectKind.TCCSD,
        established_on=established,
        reorganized_on=reorganized,
    )
    answer = rules.eligibility(subject, rules.get_ruleset(ruleset_key), on, notes=False)
    return "" if answer.rated else str(answer.reason or "")
