"""Every URL × every persona: anonymous → login, outside the subtree → 404, read-only → 403.

A new view without a row in ``RULES`` fails ``test_every_url_has_an_access_rule``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from xeploai.reports.tests.factories import cast_period, cast_snapshot
from xeploai.testing import Cast

PERSONAS = [
    "anonymous",
    "member",
    "secretary",
    "clerk",
    "committee",
    "upper_board",
    "inspector",
    "outsider",
    "admin",
]
LOGIN = 302  # anonymous users are sent to the login page


@dataclass
class Rule:
    args: Callable[[Cast], list[Any]] = lambda c: []
    method: str = "get"
    data: Callable[[Cast], dict[str, Any]] = lambda c: {}
    expect: dict[str, int] = field(default_factory=dict)
    default: int = 200

    def status_for(self, persona: str) -> int:
        if persona == "anonymous":
            return self.expect.get("anonymous", LOGIN)
        return self.expect.get(persona, self.default)


# Names excluded from the matrix, each with its reason.
NOT_APPLICABLE = {
    "login": "the login page is public",
    "logout": "logging out is allowed to everyone",
    "set_language": "choosing a language is allowed to everyone",
}

REPORT_READERS_ONLY = {"member": 404, "outsider": 404}

RULES: dict[str, Rule] = {
    "home": Rule(default=302),
    "unit_list": Rule(),
    "unit_detail": Rule(args=lambda c: [c.cell_a1.code], expect={"member": 404, "outsider": 404}),
    "person_search": Rule(),
    "person_detail": Rule(args=lambda c: [c.member_a1.pk], expect={"outsider": 404}),
    # reports: read by every reading role in scope; sending upward needs clerk/committee/board
    "report_home": Rule(default=302, expect={"member": 200}),
    **{
        name: Rule(args=lambda c: [cast_period(c) and c.cell_a1.code], expect=REPORT_READERS_ONLY)
        for name in ("report_detail", "report_compare", "report_drilldown", "snapshot_list")
    },
    "report_download": Rule(
        args=lambda c: [c.cell_a1.code, cast_period(c).year, "json"], expect=REPORT_READERS_ONLY
    ),
    "report_send": Rule(
        args=lambda c: [c.org_a.code, cast_period(c).year],
        method="post",
        default=302,
        expect={"inspector": 403, "secretary": 404, "outsider": 404, "member": 404},
    ),
    "snapshot_detail": Rule(args=lambda c: [cast_snapshot(c).pk], expect=REPORT_READERS_ONLY),
    "snapshot_download": Rule(
        args=lambda c: [cast_snapshot(c).pk, "pdf"], expect=REPORT_READERS_ONLY
    ),
    **{
        name: Rule(
            args=lambda c: [c.cell_a1.code, cast_period(c).year, "csv"],
            expect=REPORT_READERS_ONLY,
        )
        for name in ("export_results", "export_rewards", "export_follow_ups")
    },
}


def _our_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_an_access_rule():
    missing = _our_url_names() - set(RULES) - set(NOT_APPLICABLE)
    assert not missing, f"views without an access rule in tests/test_access.py: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_access_matrix(client, cast, name):
    rule = RULES[name]
    url = reverse(name, args=rule.args(cast))
    failures = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(cast, persona))
        response = getattr(client, rule.method)(url, rule.data(cast))
        if response.status_code != rule.status_for(persona):
            failures.append(f"{persona}: {response.status_code} != {rule.status_for(persona)}")
        if persona == "anonymous" and response.status_code == LOGIN:
            assert "/login/" in response["Location"]
    assert not failures, f"{name} {url}: " + "; ".join(failures)
