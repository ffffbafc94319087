"""Template context: the user's unread on-screen reminders (one small query per page)."""

from typing import Any

from django.http import HttpRequest

from xeploai.cycles.models import Notice


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices": list(Notice.objects.filter(user=user, read_at__isnull=True)[:5])}
