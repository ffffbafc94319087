"""Template context: the user's unread on-screen reminders (one small query per page that
shows them: read when the template first asks, so an htmx answer — a row, a search's
results — that never shows them does not read them)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from xeploai.cycles.models import Notice


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notices": SimpleLazyObject(
            lambda: list(Notice.objects.filter(user=user, read_at__isnull=True)[:5])
        )
    }
