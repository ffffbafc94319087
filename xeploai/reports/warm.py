"""What a new process does once so that its first report page costs what the next ones do.

A new PostgreSQL backend plans each statement from cold catalog caches, and psycopg prepares
a statement only once it has run ``prepare_threshold`` times on the connection (decision
0004): the first report page of a fresh worker paid both. ``warm_up`` runs the nation's
report that many times on the worker's connection — kept open for the first request
(``CONN_MAX_AGE``) — and touches the tables every page reads first (sessions, accounts,
units, periods). Read-only; ``xeploai/wsgi.py`` calls it at start-up.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from xeploai.org.models import OrgUnit
from xeploai.org.selectors import breadcrumbs
from xeploai.reports.compute import compute_report
from xeploai.reports.selectors import yearly_periods


def warm_up() -> int:
    """Run the first root unit's report of its latest year as often as the connection needs
    to prepare its statements; how many times (0: no unit or no period yet)."""
    # the statements every page's middleware runs first: its session, then its account
    import_module(settings.SESSION_ENGINE).SessionStore("-" * 32).load()
    get_user_model()._default_manager.filter(pk=0).first()
    unit = OrgUnit.objects.filter(depth=0).order_by("pk").first()
    if unit is None:
        return 0
    breadcrumbs(unit)
    periods = yearly_periods(unit)
    if not periods:
        return 0
    threshold = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
    times = 1 if threshold is None else max(1, int(threshold) + 1)
    for _ in range(times):
        compute_report(unit, periods[0], as_of=timezone.localdate())
    return times
