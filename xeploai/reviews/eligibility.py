"""Whether a subject is rated at all in a period, mapped from the facts on file.

Decisions on eligibility belong to the rule engine (``xeploai.rules``); this module only turns
model rows into the reason code stored on the evaluation when the period opens.
"""

from __future__ import annotations

import datetime as dt

from xeploai.org.models import OrgUnit, Person, PersonStatus
from xeploai.reviews.models import NotRatedReason


def six_months_before(on: dt.date) -> dt.date:
    month = on.month - 6
    year = on.year - 1 if month <= 0 else on.year
    month = month + 12 if month <= 0 else month
    day = min(on.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def member_not_rated_reason(person: Person, on: dt.date, ruleset: str) -> str:
    if person.status == PersonStatus.EXEMPT:
        return NotRatedReason.EXEMPT
    if person.status == PersonStatus.SUSPENDED:
        return NotRatedReason.SUSPENDED
    if person.admission_date > six_months_before(on):
        return NotRatedReason.NEW_MEMBER
    return ""


def org_not_rated_reason(unit: OrgUnit, on: dt.date) -> str:
    if unit.established and unit.established > six_months_before(on):
        return NotRatedReason.NEW_ORG
    return ""
