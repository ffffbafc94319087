"""CPU per request of the clerk's and the secretary's work in the December mix, writes
included, each through Django's whole stack as the load test sends it (the pages of
``bench/profile_pages.py``, and the saves: a decision from a board row over htmx, valid and
refused; a paper ballot created, keyed twice and accepted).

    DATABASE_URL=postgres://…/copy XEPLOAI_SECRET_KEY=… XEPLOAI_BALLOT_ONE_KEYER=1 \
        .venv/bin/python bench/profile_clerk.py var/load/run-N/cast.json --repeat 9
    … profile_clerk.py cast.json --only decide --profile --top 40     # cProfile of those

Needs a database with the cast of ``bench/load/accounts.py`` (the file it wrote) and the
secret key the cast's sessions were made with. Every save runs in a transaction rolled back
after its round (the database is left as it was; each repetition starts from it). Rounds go
through ``--clerks`` of the cast's clerks (the smallest, the median and the largest board by
default) and the first secretaries, one after the other.

The pages are asked with the person's session cookie (``DEBUG`` off, the test client's WSGI
handler: no network). Prints, per request type, the median CPU and wall time and the
statements, and (``--json``) the rows as JSON. Run it from two trees (``git archive`` of the
base into a folder) one after the other to compare before and after in one run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "load"))
from board import board_rows  # noqa: E402 — the load test's reading of the board

ORDER = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}
# the requests of one secretary's round in the load test, by type
SECRETARY_MIX = {
    "secretary: round": 1,
    "secretary: ballots": 1,
    "secretary: create ballot": 1,
    "secretary: tally form": 2,
    "secretary: key tally": 2,
    "secretary: ballot": 2,
    "secretary: accept": 1,
    "secretary: member search (htmx)": 1,
}
SEARCHES = ("nguyen", "tran%20thi", "le%20van", "pham")  # the locust script's member searches


class _Forms(HTMLParser):
    """Every form of a page: its action and fields as a browser would send them unchanged
    (the locust script's parser, without locust)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _refused_for_sure(row: dict[str, Any]) -> bool:
    """A blocker on the board other than the quota (the first HTXSNV over a quota is still
    accepted)."""
    return any("HTXSNV &gt;" not in text for text in row.get("bad", ()))


class _Rollback(Exception):
    pass


class Timer:
    """Times requests of the test client by name (CPU, wall, statements)."""

    def __init__(self, profiler: cProfile.Profile | None, wanted: list[str]) -> None:
        from django.db import connection

        self.connection = connection
        self.profiler = profiler
        self.wanted = wanted
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.sizes: dict[str, int] = {}

    def __call__(self, name: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        chosen = not self.wanted or any(w in name for w in self.wanted)
        count = [0]

        def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        with self.connection.execute_wrapper(counting):
            if self.profiler is not None and chosen:
                self.profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            response = call(*args, **kwargs)
            cpu = time.process_time() - cpu
            wall = time.perf_counter() - wall
            if self.profiler is not None and chosen:
                self.profiler.disable()
        if chosen:
            self.cpu[name].append(cpu)
            self.wall[name].append(wall)
            self.statements[name].append(count[0])
            self.sizes[name] = len(response.content)
        return response


def clerk_round(timer: Timer, client: Any, clerk: dict[str, Any], index: int) -> None:
    """The board's pending files, then a valid and a refused decision from its rows (htmx)."""
    board = f"/units/{clerk['unit']}/board/"
    size = clerk["waiting"]
    page = timer(f"clerk: board (pending), {size} waiting", client.get, f"{board}?show=pending")
    html = page.content.decode()
    rows = board_rows(html)
    forms = {
        f["action"].rstrip("/").split("/")[-2]: f
        for f in forms_of(html)
        if "/decide/" in f["action"]
    }
    blocked = sorted(pk for pk in forms if _refused_for_sure(rows.get(pk, {})))
    free = sorted(pk for pk in forms if pk not in blocked)
    for kind, pool in (("valid", free), ("refused", blocked)):
        if not pool:
            continue
        pk = pool[index % len(pool)]
        row, form = rows[pk], forms[pk]
        data = dict(form["fields"])
        level = row["proposal"] or data.get("level", "")
        if level and row["ceiling"] and ORDER[row["ceiling"]] < ORDER[level]:
            level = row["ceiling"]
        data["level"] = level
        if row["needs_decision"]:
            data["override"] = "on"
            data["reason"] = "Đảng ủy xem xét, quyết định theo thẩm quyền"
        answer = timer(
            f"clerk: decide ({kind}), {size} waiting",
            client.post,
            form["action"],
            data,
            HTTP_HX_REQUEST="true",
        )
        text = answer.content.decode()
        assert answer.status_code == 200, answer.status_code
        assert ("msg-success" in text) == (kind == "valid"), (kind, text[-400:])


def secretary_round(timer: Timer, client: Any, secretary: dict[str, Any], index: int) -> None:
    """The cell's round and ballots, a paper ballot created, keyed twice, accepted, its page
    read before and after, and a member search — the locust script's round, request for
    request."""
    cell = secretary["cell"]
    timer("secretary: round", client.get, f"/units/{cell}/round/")
    html = timer("secretary: ballots", client.get, f"/units/{cell}/ballots/").content.decode()
    form = next(f for f in forms_of(html) if "/ballots/new/" in f["action"])
    data = {**form["fields"], "mode": "giay", "confirmed": "1"}
    created = timer("secretary: create ballot", client.post, f"/units/{cell}/ballots/new/", data)
    match = re.search(r"/ballots/(\d+)/", created.get("Location", ""))
    if not match:
        return
    ballot = match.group(1)
    present = int(data["present"])
    for entry in (1, 2):
        address = f"/ballots/{ballot}/entry/{entry}/"
        html = timer("secretary: tally form", client.get, address).content.decode()
        tally = next(f for f in forms_of(html) if any(n.endswith("-issued") for n in f["fields"]))
        keyed = {
            name: {
                "HTXSNV": 1,
                "HTTNV": present - 1,
                "issued": present,
                "returned": present,
                "valid": present,
            }.get(name.split("-", 1)[1], 0)
            for name in tally["fields"]
            if "-" in name
        }
        timer("secretary: key tally", client.post, address, keyed)
    timer("secretary: ballot", client.get, f"/ballots/{ballot}/")
    accepted = timer("secretary: accept", client.post, f"/ballots/{ballot}/accept/", {})
    assert accepted.status_code == 302, accepted.status_code
    after = timer("secretary: ballot", client.get, f"/ballots/{ballot}/").content.decode()
    assert "msg-success" in after, after[-400:]
    timer(
        "secretary: member search (htmx)",
        client.get,
        f"/people/?q={SEARCHES[index % len(SEARCHES)]}&unit={cell}",
        HTTP_HX_REQUEST="true",
    )


def pick_clerks(cast: dict[str, Any], sizes: str) -> list[dict[str, Any]]:
    clerks = sorted(cast["clerks"], key=lambda c: (c["waiting"], c["unit"]))
    if sizes:
        wanted = [int(s) for s in sizes.split(",")]
        return [min(clerks, key=lambda c: abs(c["waiting"] - w)) for w in wanted]
    return [clerks[0], clerks[len(clerks) // 2], clerks[-1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cast", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--clerks", default="", help="board sizes, e.g. 37,136,435")
    parser.add_argument("--only", default="", help="comma-separated words: requests naming one")
    parser.add_argument("--profile", action="store_true", help="cProfile of the chosen requests")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--json", type=Path, help="write the rows there too")
    parser.add_argument("--label", default="", help="a column saying which tree ran")
    parser.add_argument(
        "--no-clerks", action="store_true", help="the secretaries' rounds only (no board)"
    )
    args = parser.parse_args()
    cast = json.loads(args.cast.read_text(encoding="utf-8"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    os.environ.setdefault("XEPLOAI_DEBUG", "0")
    os.environ.setdefault("XEPLOAI_LOG_LEVEL", "ERROR")
    os.environ.setdefault("XEPLOAI_ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    import xeploai.wsgi  # noqa: F401 — its warm-up, as gunicorn's workers have it

    clients: dict[str, Client] = {}

    def client_of(session: str) -> Client:
        """One client per person, kept: its handler loads the middleware once, as a worker."""
        client = clients.get(session)
        if client is None:
            client = clients[session] = Client(HTTP_HOST="127.0.0.1")
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        return client

    wanted = [w for w in args.only.split(",") if w]
    # CPU time, not wall time: the waits on PostgreSQL are not this process's work
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    timer = Timer(profiler, wanted)
    warm = Timer(None, ["-"])  # the first round of each person: not counted
    clerks = [] if args.no_clerks else pick_clerks(cast, args.clerks)
    secretaries = cast["secretaries"][:3]
    warmups = len(secretaries)  # each secretary's first round (and the first clerks'): not counted
    for index in range(args.repeat + warmups):
        use = warm if index < warmups else timer
        for clerk in clerks:
            try:
                with transaction.atomic():
                    clerk_round(use, client_of(clerk["session"]), clerk, index)
                    raise _Rollback
            except _Rollback:
                pass
        secretary = secretaries[index % len(secretaries)]
        try:
            with transaction.atomic():
                secretary_round(use, client_of(secretary["session"]), secretary, index)
                raise _Rollback
        except _Rollback:
            pass
    rows = [
        {
            "request": name,
            "label": args.label,
            "cpu_ms": round(1000 * statistics.median(timer.cpu[name]), 2),
            "wall_ms": round(1000 * statistics.median(timer.wall[name]), 2),
            "statements": int(statistics.median(timer.statements[name])),
            "kb": round(timer.sizes[name] / 1024, 1),
            "n": len(timer.cpu[name]),
        }
        for name in sorted(timer.cpu)
    ]
    print("| request | CPU ms | wall ms | statements | KB | n |\n|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['request']} | {r['cpu_ms']} | {r['wall_ms']} | {r['statements']} "
            f"| {r['kb']} | {r['n']} |"
        )
    mix = [
        (r["cpu_ms"], SECRETARY_MIX[r["request"]]) for r in rows if r["request"] in SECRETARY_MIX
    ]
    if mix:
        print(
            "\nthe secretary's round (the load test's requests, each type by its count in it): "
            f"{sum(c * n for c, n in mix) / sum(n for _c, n in mix):.2f} ms of CPU per request"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
