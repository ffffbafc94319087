from typing import Any

from django import template

from xeploai.org import access

register = template.Library()


@register.filter
def can_import(user: Any) -> bool:
    """Whether ``user`` may import somewhere (shows the menu entry)."""
    from xeploai.imports.views import IMPORT_ROLES

    return bool(access.scope_paths(user, IMPORT_ROLES))
