"""Template context: the unit the user's screens open on (for the navigation links)."""

from typing import Any

from django.http import HttpRequest

from xeploai.org import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unit": access.default_unit(user),
        "nav_person": getattr(user, "person", None),
    }
