"""CPU per request of the member's round in the December mix, writes included, each through
Django's whole stack as the load test sends it (``bench/load/locustfile.py``'s ``Member``):
the home page, "my review" (the redirect alone), the form never written, a draft saved twice
with the form read after each save, the review submitted, the submitted review read, the
history.

    DATABASE_URL=postgres://…/copy XEPLOAI_SECRET_KEY=… \
        .venv/bin/python bench/profile_member.py var/load/run-N/cast.json --repeat 9
    … profile_member.py cast.json --only "review form" --profile --top 40   # cProfile of those

Needs a database with the cast of ``bench/load/accounts.py`` (the file it wrote) and the
secret key the cast's sessions were made with. Each member's round runs in a transaction
rolled back after it (the database is left as it was; each repetition starts from it), over
``--members`` of the cast's members in turn. The first round of each is not counted (the
connection, the plans, the templates warm). Prints, per request type, the median CPU and wall
time and the statements, and (``--json``) the rows as JSON. Run it from two trees (``git
archive`` of the base into a folder) one after the other to compare before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from profile_clerk import Timer, _Rollback, forms_of  # noqa: E402 — the same timing, parsing
from review import fill_review  # noqa: E402 — bench/load/review.py, as the load test types it


def _options(html: str, form_action: str) -> dict[str, list[str]]:
    """The values each select of the form offers (``fill_review`` picks the first one)."""
    import re

    start = html.index(f'action="{form_action}"')
    end = html.index("</form>", start)
    options: dict[str, list[str]] = {}
    for match in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html[start:end], re.S):
        options[match.group(1)] = re.findall(r'<option value="([^"]*)"', match.group(2))
    return options


def _filled(html: str, save: str, round_no: int) -> dict[str, Any]:
    form = next(f for f in forms_of(html) if f["action"] == save)
    return fill_review(form["fields"], _options(html, save), round_no)


def member_round(timer: Timer, client: Any, member: dict[str, Any]) -> None:
    """The locust script's member: home, my review, two drafts, submit, read, history."""
    detail = f"/reviews/{member['evaluation']}/"
    save, submit = f"{detail}save/", f"{detail}submit/"
    timer("member: home", client.get, "/")
    mine = timer("member: my review (redirect)", client.get, "/review/")
    assert mine.status_code == 302 and mine["Location"] == detail, mine
    html = timer("member: review form (new)", client.get, detail).content.decode()
    for round_no in (1, 2):
        saved = timer("member: save draft", client.post, save, _filled(html, save, round_no))
        assert saved.status_code == 302, saved.status_code
        html = timer("member: review form (draft)", client.get, detail).content.decode()
        assert "msg-success" in html
    sent = timer("member: submit", client.post, submit, _filled(html, save, 3))
    assert sent.status_code == 302, sent.status_code
    html = timer("member: review form (submitted)", client.get, detail).content.decode()
    assert 'id="review-form"' not in html
    timer("member: history", client.get, "/me/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cast", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--members", type=int, default=3, help="the cast's last N members")
    parser.add_argument("--only", default="", help="comma-separated words: requests naming one")
    parser.add_argument("--profile", action="store_true", help="cProfile of the chosen requests")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--json", type=Path, help="write the rows there too")
    parser.add_argument("--label", default="", help="a column saying which tree ran")
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

    members = cast["members"][-args.members :]
    clients: dict[str, Client] = {}
    for member in members:  # one client per person, kept: the middleware loaded once
        clients[member["session"]] = Client(HTTP_HOST="127.0.0.1")
        clients[member["session"]].cookies[settings.SESSION_COOKIE_NAME] = member["session"]
    wanted = [w for w in args.only.split(",") if w]
    # CPU time, not wall time: the waits on PostgreSQL are not this process's work
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    timer = Timer(profiler, wanted)
    warm = Timer(None, ["-"])  # the first round of each person: not counted
    for index in range(args.repeat + 1):
        for member in members:
            try:
                with transaction.atomic():
                    member_round(warm if index == 0 else timer, clients[member["session"]], member)
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
        for name in timer.cpu
    ]
    print("| request | CPU ms | wall ms | statements | KB | n |\n|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['request']} | {r['cpu_ms']} | {r['wall_ms']} | {r['statements']} "
            f"| {r['kb']} | {r['n']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
