"""Every URL × every persona: anonymous → login, outside the subtree → 404, read-only → 403.

A new view without a row in ``RULES`` fails ``test_every_url_has_an_access_rule``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Period
from xeploai.jobs.models import Job
from xeploai.reports.tests.factories import cast_snapshot
from xeploai.reviews.quarters import quarter_open
from xeploai.testing import Cast, Round, make_round

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
    args: Callable[[Cast, Round], list[Any]] = lambda c, r: []
    method: str = "get"
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

READERS_404 = {"member": 404, "outsider": 404}
CELL_ACTORS = {
    "member": 404,
    "outsider": 404,
    "clerk": 403,
    "committee": 403,
    "upper_board": 403,
    "inspector": 403,
}
DECIDERS = {"member": 403, "secretary": 403, "upper_board": 403, "inspector": 403, "outsider": 404}
GRASSROOTS_READERS = {"member": 404, "secretary": 404, "outsider": 404}
# Imports and jobs over unit A: clerk, committee, upper board and admin act; the inspector may
# read A but not import (403); the others cannot see A (404).
IMPORTERS_OF_A = {"member": 404, "secretary": 404, "outsider": 404, "inspector": 403}


def _quarter_of_a(c: Cast) -> Period:
    return quarter_open(actor=None, scope_root=c.org_a, year=2026, quarter=4)


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
    # the to-do list of each role in the open period; with nothing to do, the unit's page
    "home": Rule(expect={"inspector": 302, "admin": 302}),
    "unit_list": Rule(),
    "unit_detail": Rule(args=lambda c, r: [c.cell_a1.code], expect=READERS_404),
    # the committee over the cell's parent, the upper board and the administrator reorganize
    "unit_reorganize": Rule(
        args=lambda c, r: [c.cell_a1.code],
        default=403,
        expect={"member": 404, "outsider": 404, "committee": 200, "upper_board": 200, "admin": 200},
    ),
    "person_search": Rule(),
    "person_detail": Rule(args=lambda c, r: [c.member_a1.pk], expect={"outsider": 404}),
    # the committee over the member's cell, the upper board and the administrator transfer
    "person_transfer": Rule(
        args=lambda c, r: [c.member_a1.pk],
        default=403,
        expect={"outsider": 404, "committee": 200, "upper_board": 200, "admin": 200},
    ),
    "password_change": Rule(),  # every logged-in user, their own password
    # the round
    "my_review": Rule(default=404, expect={"member": 302}),
    "my_history": Rule(default=404, expect={"member": 200}),
    "review_detail": Rule(args=lambda c, r: [r.evaluation.pk], expect={"outsider": 404}),
    "review_score": Rule(args=lambda c, r: [r.evaluation.pk], expect={"outsider": 404}),
    "review_save": Rule(
        args=lambda c, r: [r.evaluation.pk],
        method="post",
        default=403,
        expect={"member": 400, "secretary": 400, "admin": 400, "outsider": 404},
    ),
    "review_submit": Rule(
        args=lambda c, r: [r.evaluation.pk],
        method="post",
        default=403,
        expect={"member": 400, "secretary": 400, "admin": 400, "outsider": 404},
    ),
    "review_return": Rule(
        args=lambda c, r: [r.evaluation.pk],
        method="post",
        default=403,
        expect={"secretary": 302, "admin": 302, "outsider": 404},
    ),
    "comment_add": Rule(
        args=lambda c, r: [r.evaluation.pk],
        default=200,
        expect={"member": 403, "upper_board": 403, "inspector": 403, "outsider": 404},
    ),
    "comment_scan": Rule(args=lambda c, r: [r.comment.pk], expect={"outsider": 404}),
    "propose": Rule(
        args=lambda c, r: [r.evaluation.pk],
        method="post",
        default=403,
        expect={"secretary": 302, "admin": 302, "outsider": 404},
    ),
    "decide": Rule(
        args=lambda c, r: [r.evaluation.pk], method="post", default=302, expect=DECIDERS
    ),
    "reopen": Rule(
        args=lambda c, r: [r.evaluation.pk], method="post", default=302, expect=DECIDERS
    ),
    "round_page": Rule(args=lambda c, r: [c.cell_a1.code], expect=READERS_404),
    "file_send": Rule(
        args=lambda c, r: [c.cell_a1.code],
        method="post",
        default=302,
        expect={"member": 404, "outsider": 404, "upper_board": 403, "inspector": 403},
    ),
    "propose_from_ballot": Rule(
        args=lambda c, r: [c.cell_a1.code],
        method="post",
        default=302,
        expect={
            "member": 404,
            "outsider": 404,
            "clerk": 403,
            "committee": 403,
            "upper_board": 403,
            "inspector": 403,
        },
    ),
    "board": Rule(args=lambda c, r: [c.org_a.code], expect=GRASSROOTS_READERS),
    "board_results": Rule(args=lambda c, r: [c.org_a.code, "docx"], expect=GRASSROOTS_READERS),
    "board_accept": Rule(
        args=lambda c, r: [c.org_a.code],
        method="post",
        default=302,
        expect={**GRASSROOTS_READERS, "upper_board": 403, "inspector": 403},
    ),
    "ledger_report": Rule(args=lambda c, r: [c.org_a.code], expect=GRASSROOTS_READERS),
    "progress": Rule(args=lambda c, r: [c.org_a.code], expect=GRASSROOTS_READERS),
    "quarters": Rule(args=lambda c, r: [c.org_a.code], expect=GRASSROOTS_READERS),
    "quarter_report": Rule(
        args=lambda c, r: [c.org_a.code, _quarter_of_a(c).pk], expect=GRASSROOTS_READERS
    ),
    "quarter_report_download": Rule(
        args=lambda c, r: [c.org_a.code, _quarter_of_a(c).pk, "json"], expect=GRASSROOTS_READERS
    ),
    "quarter_compare_download": Rule(
        args=lambda c, r: [c.org_a.code, _quarter_of_a(c).pk, "csv"], expect=GRASSROOTS_READERS
    ),
    "quarter_open": Rule(
        args=lambda c, r: [c.org_a.code],
        method="post",
        default=302,
        expect={**GRASSROOTS_READERS, "inspector": 403},
    ),
    "quarter_lock": Rule(
        args=lambda c, r: [c.org_a.code, _quarter_of_a(c).pk],
        method="post",
        default=302,
        expect={**GRASSROOTS_READERS, "inspector": 403},
    ),
    "quarter_reopen": Rule(
        args=lambda c, r: [c.org_a.code, _quarter_of_a(c).pk],
        method="post",
        default=302,
        expect={**GRASSROOTS_READERS, "inspector": 403},
    ),
    "remind": Rule(
        args=lambda c, r: [c.org_a.code],
        method="post",
        default=302,
        expect={**GRASSROOTS_READERS, "inspector": 403},
    ),
    "civil_ratings": Rule(args=lambda c, r: [c.cell_a1.code], expect=READERS_404),
    # the clerk and committee of A (and the admin) enter the agency's rating; the secretary,
    # the upper board and the inspector read it (403)
    "civil_rating_save": Rule(
        args=lambda c, r: [r.evaluation.pk],
        method="post",
        default=403,
        expect={"clerk": 302, "committee": 302, "admin": 302, "outsider": 404},
    ),
    "notice_read": Rule(args=lambda c, r: [r.notice.pk], method="post", default=302),
    # ballots
    "ballot_list": Rule(args=lambda c, r: [c.cell_a1.code], expect=READERS_404),
    "ballot_create": Rule(  # an empty form comes back with its errors
        args=lambda c, r: [c.cell_a1.code], method="post", default=400, expect=CELL_ACTORS
    ),
    "ballot_detail": Rule(args=lambda c, r: [r.ballot.pk], expect=READERS_404),
    "paper_entry": Rule(args=lambda c, r: [r.ballot.pk, 1], expect=CELL_ACTORS),
    "paper_accept": Rule(
        args=lambda c, r: [r.ballot.pk], method="post", default=302, expect=CELL_ACTORS
    ),
    "codes_print": Rule(
        args=lambda c, r: [r.ballot.pk], method="post", default=302, expect=CELL_ACTORS
    ),
    "codes_reissue": Rule(
        args=lambda c, r: [r.ballot.pk], method="post", default=302, expect=CELL_ACTORS
    ),
    "room_close": Rule(
        args=lambda c, r: [r.ballot.pk], method="post", default=302, expect=CELL_ACTORS
    ),
    "ballot_minutes": Rule(args=lambda c, r: [r.closed_ballot.pk], expect=READERS_404),
    "ballot_published": Rule(args=lambda c, r: [r.closed_ballot.pk], expect=READERS_404),
    "ballot_minutes_docx": Rule(args=lambda c, r: [r.closed_ballot.pk], expect=READERS_404),
    "review_docx": Rule(args=lambda c, r: [r.evaluation.pk], expect={"outsider": 404}),
    "follow_up": Rule(
        args=lambda c, r: [r.evaluation.pk],
        method="post",
        default=302,
        expect={"member": 403, "upper_board": 403, "inspector": 403, "outsider": 404},
    ),
    # reports: read by every reading role in scope; sending upward needs clerk/committee/board
    "report_home": Rule(default=302, expect={"member": 200}),
    **{
        name: Rule(args=lambda c, r: [c.cell_a1.code], expect=READERS_404)
        for name in ("report_detail", "report_compare", "report_drilldown", "snapshot_list")
    },
    "report_download": Rule(
        args=lambda c, r: [c.cell_a1.code, r.period.year, "json"], expect=READERS_404
    ),
    "report_send": Rule(
        args=lambda c, r: [c.org_a.code, r.period.year],
        method="post",
        default=302,
        expect={"inspector": 403, "secretary": 404, "outsider": 404, "member": 404},
    ),
    "snapshot_detail": Rule(args=lambda c, r: [cast_snapshot(c).pk], expect=READERS_404),
    "snapshot_download": Rule(args=lambda c, r: [cast_snapshot(c).pk, "pdf"], expect=READERS_404),
    **{
        name: Rule(args=lambda c, r: [c.cell_a1.code, r.period.year, "csv"], expect=READERS_404)
        for name in ("export_results", "export_rewards", "export_follow_ups")
    },
    "vote": Rule(expect={"anonymous": 200}),
    "vote_check": Rule(expect={"anonymous": 200}),
    "import_home": Rule(default=302, expect={"member": 403, "secretary": 403, "inspector": 403}),
    "import_start": Rule(args=lambda c, r: [c.org_a.code], expect=IMPORTERS_OF_A),
    "import_upload": Rule(args=lambda c, r: [c.org_a.code], method="post", expect=IMPORTERS_OF_A),
    "import_template": Rule(args=lambda c, r: ["people"]),
    "job_list": Rule(),
    "job_detail": Rule(args=lambda c, r: [_job_of_clerk(c).pk], expect=IMPORTERS_OF_A),
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


def test_every_url_has_an_access_rule() -> None:
    missing = _our_url_names() - set(RULES) - set(NOT_APPLICABLE)
    assert not missing, f"views without an access rule in tests/test_access.py: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_access_matrix(
    client: Client, cast: Cast, name: str, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    rule = RULES[name]
    url = reverse(name, args=rule.args(cast, round_))
    failures = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(cast, persona))
        response = getattr(client, rule.method)(url)
        if response.status_code != rule.status_for(persona):
            failures.append(f"{persona}: {response.status_code} != {rule.status_for(persona)}")
        if persona == "anonymous" and response.status_code == LOGIN:
            assert "/login/" in response["Location"]
    assert not failures, f"{name} {url}: " + "; ".join(failures)
