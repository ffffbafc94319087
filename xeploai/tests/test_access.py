"""Every URL × every persona: anonymous → login, outside the subtree → 404, read-only → 403.

A new view without a row in ``RULES`` fails ``test_every_url_has_an_access_rule``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from xeploai.jobs.models import Job
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

# Imports and jobs over unit A: clerk, committee, upper board and admin act; the inspector may
# read A but not import (403); the others cannot see A (404).
IMPORTERS_OF_A = {"member": 404, "secretary": 404, "outsider": 404, "inspector": 403}


def _job_of_clerk(c: Cast) -> Job:
    return Job.objects.create(
        kind="import",
        unit=c.org_a,
        unit_path=c.org_a.path,
        created_by=c.clerk,
        created_at=timezone.now(),
        status="done",
        result={"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "problem_count": 0},
    )


RULES: dict[str, Rule] = {
    "home": Rule(default=302),
    "unit_list": Rule(),
    "unit_detail": Rule(args=lambda c: [c.cell_a1.code], expect={"member": 404, "outsider": 404}),
    "person_search": Rule(),
    "person_detail": Rule(args=lambda c: [c.member_a1.pk], expect={"outsider": 404}),
    "import_home": Rule(default=302, expect={"member": 403, "secretary": 403, "inspector": 403}),
    "import_start": Rule(args=lambda c: [c.org_a.code], expect=IMPORTERS_OF_A),
    "import_upload": Rule(args=lambda c: [c.org_a.code], method="post", expect=IMPORTERS_OF_A),
    "import_template": Rule(args=lambda c: ["people"]),
    "job_list": Rule(),
    "job_detail": Rule(args=lambda c: [_job_of_clerk(c).pk], expect=IMPORTERS_OF_A),
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
