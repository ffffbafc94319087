"""The code slips: each code printed with a QR code that opens ``/vote/`` with it filled in.

The QR codes are made here, offline, by segno (pure Python, BSD-3-Clause): no image service
sees a code. The code travels in the address's fragment (``/vote/#code=…``), which a browser
never sends to the server — no access log, proxy or referrer holds a code beside a time and an
address; the voting page's script copies it into the code field and drops it from the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Slip:
    code: str  # as printed: two groups of five
    url: str  # what the QR code opens
    qr: str  # the QR code as an SVG data: URI (the CSP allows data: images)


def vote_base(request: HttpRequest) -> str:
    """The address of the voting page: ``XEPLOAI_PUBLIC_URL`` when set (the address the voters'
    phones reach, which may not be the one the slips are printed from), else the request's."""
    path = reverse("vote")
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def printed(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def slip(base: str, code: str) -> Slip:
    url = f"{base}#code={printed(code)}"
    qr = segno.make(url, error="m", micro=False)
    return Slip(printed(code), url, qr.svg_data_uri(scale=4, border=2))
