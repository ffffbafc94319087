from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from xeploai.lib.topbar import topbar as lib_topbar
from xeploai.org import access

register = template.Library()


@register.filter
def can_import(user: Any) -> bool:
    """Whether ``user`` may import somewhere (shows the menu entry)."""
    from xeploai.imports.views import IMPORT_ROLES

    return bool(access.scope_paths(user, IMPORT_ROLES))


@register.simple_tag(takes_context=True)
def topbar(context: Context) -> SafeString:
    """base.html's top bar (``xeploai.lib.topbar``), its import link shown by ``can_import``."""
    return lib_topbar(context, can_import)
