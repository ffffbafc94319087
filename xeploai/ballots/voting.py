"""The voter's pages: no login, and nothing about the voter is stored (docs/security.md).

``/vote/`` asks for the code (filled in by the QR code on the slip), then shows one question
per subject with the levels' full names. A ballot that leaves a subject blank is not taken
silently: the page comes back naming the subjects left blank, and the voter either chooses or
confirms sending them blank (which counts for no level).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from xeploai.ballots import services
from xeploai.ballots.models import BallotCode, BallotStatus
from xeploai.org.models import Level
from xeploai.reviews.models import Evaluation

BLANK_OK = "blank_ok"


def _subjects(found: BallotCode) -> list[Evaluation]:
    return [
        s.evaluation
        for s in found.ballot.subjects.select_related(
            "evaluation__person", "evaluation__unit"
        ).order_by("position")
    ]


def _levels() -> list[tuple[str, str]]:
    """(abbreviation, full name), highest first — the order of the ballot paper."""
    names = dict(Level.choices)
    return [(level, str(names[level])) for level in services.LEVELS]


def _ballot_context(
    found: BallotCode, subjects: list[Evaluation], choices: dict[str, str]
) -> dict[str, Any]:
    return {
        "ballot": found.ballot,
        "levels": _levels(),
        "rows": [(e, choices.get(str(e.pk), "")) for e in subjects],
    }


def _cast(
    request: HttpRequest, code: str, found: BallotCode
) -> tuple[HttpResponse | None, dict[str, Any]]:
    """Cast, or come back with the blank subjects to confirm. Returns (the done page, None) or
    (None, the context of the page to show again)."""
    subjects = _subjects(found)
    choices = {str(e.pk): request.POST.get(f"s{e.pk}", "") for e in subjects}
    blank = [e for e in subjects if choices[str(e.pk)] == ""]
    # the voter confirmed exactly these blanks (not others left since)
    seen = set(request.POST.get("blank_seen", "").split(","))
    confirmed = request.POST.get("cast") == BLANK_OK and {str(e.pk) for e in blank} <= seen
    if blank and not confirmed:
        return None, {
            **_ballot_context(found, subjects, choices),
            "blank": blank,
            "blank_ids": ",".join(str(e.pk) for e in blank),
        }
    try:
        row = services.vote_cast(code=code, choices=choices)
    except ValidationError as error:
        return None, {"error": " ".join(error.messages)}
    done = render(request, "ballots/vote_done.html", {"fingerprint": row.fingerprint})
    return done, {}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    """The voter's phone: a code, then one choice per subject. No login, nothing about the
    voter is stored."""
    code = request.POST.get("code", "")
    context: dict[str, Any] = {"code": code}
    if request.method == "POST":
        found = services.find_code(code) if code else None
        if found is None or not found.ballot.is_open:
            context["error"] = _("Mã không đúng hoặc cuộc bỏ phiếu đã kết thúc.")
        elif found.choices is not None:
            context["error"] = _("Mã này đã được dùng để bỏ phiếu.")
        elif "cast" in request.POST:
            done, more = _cast(request, code, found)
            if done is not None:
                done["Cache-Control"] = "no-store"
                return done
            context.update(more)
        else:
            context.update(_ballot_context(found, _subjects(found), {}))
    response = render(request, "ballots/vote.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def vote_check(request: HttpRequest) -> HttpResponse:
    """After the close, a voter checks the ballot cast with their code."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        found = services.find_code(request.POST.get("code", ""))
        if found is None or found.ballot.status != BallotStatus.CLOSED:
            context["error"] = _("Mã không đúng hoặc cuộc bỏ phiếu chưa kết thúc.")
        else:
            names = dict(_levels())
            choices = found.choices or {}
            context.update(
                row=found,
                answers=[
                    (
                        e.subject_name,
                        choices.get(str(e.pk), ""),
                        names.get(choices.get(str(e.pk), ""), ""),
                    )
                    for e in _subjects(found)
                ],
            )
    return render(request, "ballots/vote_check.html", context)
