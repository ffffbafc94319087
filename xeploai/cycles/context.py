"""Template context: the user's unread on-screen reminders (one small query per page that
shows them)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from xeploai.cycles.models import Notice


def notices(request: HttpRequest) -> dict[str, Any]:
    """Read when a template shows them (base.html): a fragment answered to htmx (a search's
    results, a board's row) never does, and asks nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notices": SimpleLazyObject(
            lambda: list(Notice.objects.filter(user=user, read_at__isnull=True)[:5])
        )
    }
