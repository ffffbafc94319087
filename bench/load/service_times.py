"""Each page of the load test served alone: median wall and CPU time in the Django process
(no queueing, no network), and its query count. Run by bench/bench_load.py after the load run,
on the same database, so that the load figures can be read against what one request costs.

    DATABASE_URL=… .venv/bin/python bench/load/service_times.py var/load/cast.json
    … service_times.py var/load/cast.json --only board,decide,accept --repeat 15

The two saves the load test finds slowest are timed too, each in a transaction rolled back
after the request (the database is left as it was; every repetition starts from it):

- ``clerk: decide`` — the first clerk decides a waiting file as the locust script does (the
  cell's proposal, the rules' highest level when lower, with a reason where the regulation
  leaves the case to the deciding body); repetition *i* decides the *i*-th waiting file;
- ``secretary: accept`` — a secretary accepts a paper ballot on every votable subject of the
  cell, keyed twice alike as the locust script keys it (made through the services before the
  clock starts); repetition *i* is in the *i*-th secretary's cell.

On a shared machine CPU times wander; instructions do not. With ``--callgrind``, under
valgrind, only the timed requests are counted (instrumentation is switched on around each):
valgrind's "Collected" divided by ``--repeat`` is the instructions of one request.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \
        .venv/bin/python bench/load/service_times.py cast.json --only decide --repeat 3 --callgrind
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COUNTING = False  # --callgrind: valgrind counts the instructions of the timed requests only
ORDER = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}
Prepare = Callable[[int], tuple[str, str, dict[str, str]] | None]  # user, address, form


@contextmanager
def clock() -> Iterator[list[float]]:
    """Wall and CPU seconds of the block (and, with ``--callgrind``, its instructions)."""
    spent: list[float] = []
    if COUNTING:
        _callgrind("on")
    wall, cpu = time.perf_counter(), time.process_time()
    yield spent
    spent.extend((time.perf_counter() - wall, time.process_time() - cpu))
    if COUNTING:
        _callgrind("off")


def _callgrind(state: str) -> None:
    command = ["callgrind_control", "--instr", state, str(os.getpid())]  # valgrind's own tool
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


class _Rollback(Exception):
    """Leaves the transaction of a timed save without committing it."""


def decide_post(unit_code: str, index: int) -> tuple[str, dict[str, str]] | None:
    """The address and form of a decision on the ``index``-th file waiting at the unit, chosen
    as the locust script chooses it (None when nothing waits)."""
    from django.urls import reverse

    from xeploai.org.models import OrgUnit
    from xeploai.reviews import selectors
    from xeploai.reviews.access import open_period
    from xeploai.reviews.models import Stage

    unit = OrgUnit.objects.get(code=unit_code)
    rows = selectors.board_rows(unit, open_period(unit))
    waiting = [r for r in rows if r.evaluation.stage == Stage.SENT]
    if not waiting:
        return None
    row = waiting[index % len(waiting)]
    evaluation = row.evaluation
    level = evaluation.cell_level
    ceiling = row.ceiling_level
    if level and ceiling and ORDER[ceiling] < ORDER[level]:
        level = ceiling
    data = {
        "version": str(evaluation.version),
        "level": level,
        "not_rated_reason": "" if evaluation.cell_level else evaluation.not_rated_reason,
        "next": reverse("board", args=[unit.code]) + "?show=pending",
    }
    if row.needs_decision:
        data["override"] = "on"
        data["reason"] = "Đảng ủy xem xét, quyết định theo thẩm quyền"
    return reverse("decide", args=[evaluation.pk]), data


def accept_post(cell_code: str, user: Any) -> tuple[str, dict[str, str]] | None:
    """A paper ballot on every votable subject of the cell, keyed twice alike as the locust
    script keys it; the address of its acceptance (None when the cell has nobody to vote on)."""
    from django.urls import reverse

    from xeploai.ballots import services
    from xeploai.ballots.views import _votable
    from xeploai.org.models import OrgUnit
    from xeploai.reviews.access import open_period

    unit = OrgUnit.objects.get(code=cell_code)
    period = open_period(unit)
    evaluations = _votable(unit, period)
    present = services.full_members(unit)
    if not evaluations or present < 1:
        return None
    ballot = services.ballot_create(
        actor=user,
        period=period,
        unit=unit,
        mode="giay",
        title="Biểu quyết (đo thời gian)",
        present=present,
        evaluations=evaluations,
        confirmed=True,
    )
    row = {"HTXSNV": 1, "HTTNV": present - 1, "HTNV": 0, "KHTNV": 0}
    data = {
        "counts": {"issued": present, "returned": present, "valid": present},
        "votes": {str(e.pk): dict(row) for e in evaluations},
    }
    for entry_no in (1, 2):
        services.paper_entry_save(actor=user, ballot=ballot, entry_no=entry_no, data=data)
    return reverse("paper_accept", args=[ballot.pk]), {}


def _as(
    username: str, post: tuple[str, dict[str, str]] | None
) -> tuple[str, str, dict[str, str]] | None:
    return None if post is None else (username, *post)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cast", type=Path)
    parser.add_argument("--repeat", type=int, default=9, help="timed requests per row")
    parser.add_argument("--only", default="", help="comma-separated words: rows naming one")
    parser.add_argument("--callgrind", action="store_true", help="under valgrind: see above")
    args = parser.parse_args()
    global COUNTING
    COUNTING = args.callgrind
    cast = json.loads(args.cast.read_text(encoding="utf-8"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = get_user_model().objects
    member = cast["members"][-1]  # the last of the cast: most likely never reached by the run
    secretary = cast["secretaries"][0]
    clerk = cast["clerks"][0]  # the organization with the most files waiting
    board = cast["board"][0]
    district = cast["board"][1] if len(cast["board"]) > 1 else board  # a province, a district
    plan = [
        ("member: review form", member["username"], f"/reviews/{member['evaluation']}/", {}),
        ("member: history", member["username"], "/me/", {}),
        ("secretary: round", secretary["username"], f"/units/{secretary['cell']}/round/", {}),
        ("secretary: ballots", secretary["username"], f"/units/{secretary['cell']}/ballots/", {}),
        (
            "secretary: member search (htmx)",
            secretary["username"],
            f"/people/?q=nguyen&unit={secretary['cell']}",
            {"HTTP_HX_REQUEST": "true"},
        ),
        (
            f"clerk: board (pending), {clerk['waiting']} waiting",
            clerk["username"],
            f"/units/{clerk['unit']}/board/?show=pending",
            {},
        ),
        ("board: report (root)", board["username"], f"/reports/{board['unit']}/", {}),
        ("board: drill-down (root)", board["username"], f"/reports/{board['unit']}/units/", {}),
        ("board: unit (root)", board["username"], f"/units/{board['unit']}/", {}),
        (
            "board: report (level below the root)",
            district["username"],
            f"/reports/{district['unit']}/",
            {},
        ),
        (
            "board: drill-down (level below the root)",
            district["username"],
            f"/reports/{district['unit']}/units/",
            {},
        ),
    ]
    wanted = [word for word in args.only.split(",") if word]

    def chosen(name: str) -> bool:
        return not wanted or any(word in name for word in wanted)

    def row_of(name: str, walls: list[float], cpus: list[float], queries: int, size: int) -> dict:
        return {
            "page": name,
            "wall_ms": round(1000 * statistics.median(walls), 1),
            "cpu_ms": round(1000 * statistics.median(cpus), 1),
            "queries": queries,
            "kb": size // 1024,
        }

    rows = []
    for name, username, url, headers in plan:
        if not chosen(name):
            continue
        client = Client()
        client.force_login(users.get(username=username))
        client.get(url, **headers)  # warm: templates, translations, connection
        walls, cpus = [], []
        queries = 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured, clock() as spent:
                response = client.get(url, **headers)
            walls.append(spent[0])
            cpus.append(spent[1])
            queries = len(captured.captured_queries)
            assert response.status_code == 200, (url, response.status_code)
        rows.append(row_of(name, walls, cpus, queries, len(response.content)))

    def timed_save(name: str, prepare: Prepare) -> None:
        """``args.repeat`` saves (plus one to warm up), each rolled back after it."""
        walls, cpus, queries = [], [], []
        refused = 0
        for index in range(args.repeat + 1):
            try:
                with transaction.atomic():
                    post = prepare(index)
                    if post is None:
                        return
                    username, url, data = post
                    client = Client()
                    client.force_login(users.get(username=username))
                    if index:
                        with CaptureQueriesContext(connection) as captured, clock() as spent:
                            response = client.post(url, data)
                    else:  # the first one warms up
                        response = client.post(url, data)
                    assert response.status_code == 302, (url, response.status_code)
                    if index:
                        walls.append(spent[0])
                        cpus.append(spent[1])
                        queries.append(len(captured.captured_queries))
                        page = client.get(response["Location"])
                        refused += b"msg-error" in page.content
                    raise _Rollback
            except _Rollback:
                pass
        row = row_of(name, walls, cpus, int(statistics.median(queries)), 0)
        rows.append({**row, "refused": refused})

    if chosen("clerk: decide"):
        timed_save(
            "clerk: decide",
            lambda index: _as(clerk["username"], decide_post(clerk["unit"], index)),
        )
    if chosen("secretary: accept"):
        secretaries = cast["secretaries"]

        def accept(index: int) -> tuple[str, str, dict[str, str]] | None:
            who = secretaries[index % len(secretaries)]
            return _as(
                who["username"], accept_post(who["cell"], users.get(username=who["username"]))
            )

        timed_save("secretary: accept", accept)
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
