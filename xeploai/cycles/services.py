"""Creating evaluation periods (opening one creates evaluations: ``reviews.periods``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xeploai.audit.actor import Actor
from xeploai.audit.services import audit_record, snapshot
from xeploai.cycles.models import Deadline, Period
from xeploai.lib.bulk import lock


@transaction.atomic
def period_create(
    *, actor: Actor, deadlines: dict[str, dt.date] | None = None, **fields: Any
) -> Period:
    period = Period(**fields)
    # Two sessions creating overlapping yearly periods at once: the second waits and then sees
    # the first in full_clean() (Period.clean refuses the overlap).
    lock("xeploai-period-create")
    period.full_clean()
    period.save()
    for step, due in (deadlines or {}).items():
        deadline = Deadline(period=period, step=step, due=due)
        deadline.full_clean()
        deadline.save()
    audit_record(
        actor=actor,
        action="period_create",
        obj=period,
        unit_path=period.scope_root.path,
        after={
            **snapshot(period),
            "deadlines": {k: v.isoformat() for k, v in (deadlines or {}).items()},
        },
    )
    return period
