"""Where a form may send the user back: a path of this site, never another site.

Forms carry ``next`` (the page they were on) so that an action returns there. Whatever a client
posts is checked: only a path beginning with one ``/`` is followed. ``//evil.example``,
``/\\evil.example`` (browsers read both as another host), ``https://evil.example``,
``javascript:…`` and values with control or space characters (browsers drop tabs and newlines,
turning ``/\\t/evil.example`` into ``//evil.example``) are ignored, and the caller's own page is
used instead.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_local_path(value: str) -> bool:
    """True if ``value`` is a path of this site (``/units/A/?q=x#e3``), nothing else."""
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return False
    if any(unicodedata.category(character)[0] in "CZ" for character in value):
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return False
    return url_has_allowed_host_and_scheme(value, allowed_hosts=None)


def local_next(request: HttpRequest) -> str | None:
    """The ``next`` the request carries (POST, else GET) if it is a path of this site."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if is_local_path(value) else None
