"""JSON: the payload itself (schema in docs/report-json.md)."""

from __future__ import annotations

from xeploai.reports.payload import dumps, to_payload
from xeploai.reports.records import Report


def render(report: Report) -> bytes:
    return dumps(to_payload(report)).encode("utf-8")
