"""The decision board's rows as a clerk's browser shows them, read from the page's HTML: what
the load test (``locustfile.py``) and ``bench/profile_clerk.py`` aim their decisions by.
Standard library only (the locust script imports it under gevent)."""

from __future__ import annotations

import re
from typing import Any


def board_rows(html: str) -> dict[str, dict[str, Any]]:
    """Per waiting file the clerk may decide: the cell's proposal, the rules' highest level,
    whether the regulation leaves it to the deciding body, and the refusals the board shows
    above its form (``bad``: their texts, escaped as on the page)."""
    rows = {}
    for chunk in html.split('<tr id="e')[1:]:
        pk = chunk.split('"', 1)[0]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", chunk.split("</tr>", 1)[0], re.S)
        if len(cells) < 8 or "/decide/" not in cells[7]:
            continue
        proposal = re.search(r'class="level-(\w+)"', cells[5])
        ceiling = re.search(r'class="level-(\w+)"', cells[6])
        rows[pk] = {
            "proposal": proposal.group(1) if proposal else "",
            "ceiling": ceiling.group(1) if ceiling else "",
            "needs_decision": "badge warn" in cells[6],
            "bad": re.findall(r'<li class="bad">(.*?)</li>', cells[7], re.S),
        }
    return rows
