"""The December crunch, replayed by locust against the real pages (run by bench/bench_load.py).

Four kinds of users, each following the pages and forms a person uses (CSRF token from the
page, the form's own fields, htmx header where the page sends one):

- members: open their self-review, save a draft twice, submit, read it back;
- cell secretaries: their cell's round, a paper ballot (create, key the tally twice, accept),
  a member search as the search box sends it (htmx);
- grassroots office clerks: the decision board, then a few decisions one at a time on waiting
  files, each sent as the board's row sends it (htmx: the answer is the row, not the page); a
  share (``LOAD_REFUSE_SHARE``, 0.25) on a file the board shows as blocked (a required comment
  missing), which the rules refuse with the clause — timed apart, "clerk: decide (refused)";
- organization-board members: the report of their unit, its drill-down, the unit's page.

Every simulated user logs in once through the login form as the first person of its role,
then works as one person after another of the cast (their ready sessions from
bench/load/accounts.py: one after the other at their desks), so that the requests reach
cells, organizations and provinces all over the country. Request names are "<role>: <page>";
the counts of successful submissions, decisions and accepted ballots go to the JSON file named
by LOAD_COUNTS (the consistency check compares them with the database).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from board import board_rows  # bench/load/board.py: locust puts this folder on sys.path
from gevent.event import Event
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from review import fill_review  # bench/load/review.py

CAST = json.loads(Path(os.environ["LOAD_CAST"]).read_text(encoding="utf-8"))
FORM = "application/x-www-form-urlencoded"
PASSWORD = "xeploai-demo"  # noqa: S105 — the demo's published password
COUNTS: dict[str, int] = {"submitted": 0, "decided": 0, "decide_refused": 0, "ballots_accepted": 0}
REFUSALS: dict[str, int] = {}  # why the rules refused a clerk's decision (first words)
LOGINS: list[float] = []  # ms, form + post: kept apart, the statistics are reset after them
_lock = threading.Lock()
EVERYONE_IN = Event()  # set when the last simulated user has logged in
_next = {role: count() for role in ("members", "secretaries", "clerks", "board")}
THINK_MIN = float(os.environ.get("LOAD_THINK_MIN", "1"))
THINK_MAX = float(os.environ.get("LOAD_THINK_MAX", "3"))
THINK = between(THINK_MIN, THINK_MAX)


def _take(role: str) -> dict[str, Any] | None:
    with _lock:
        index = next(_next[role])
    rows = CAST[role]
    if role == "members":  # each member's review is written once
        return rows[index] if index < len(rows) else None
    return rows[index % len(rows)] if rows else None


def _bump(name: str) -> None:
    with _lock:
        COUNTS[name] += 1


@events.quitting.add_listener
def _write_counts(**_: Any) -> None:
    path = os.environ.get("LOAD_COUNTS")
    if path:
        logins = sorted(LOGINS)
        summary = {
            "n": len(logins),
            "p50_ms": round(logins[len(logins) // 2]) if logins else None,
            "max_ms": round(logins[-1]) if logins else None,
        }
        Path(path).write_text(
            json.dumps({**COUNTS, "logins": summary, "refusals": REFUSALS}, ensure_ascii=False),
            encoding="utf-8",
        )


class _Forms(HTMLParser):
    """Every form of a page: its action and fields as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self.csrf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "id": a.get("id", ""), "fields": {}, "options": {}}
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if name == "csrfmiddlewaretoken":
                self.csrf = a.get("value", "")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                form["fields"][name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form["options"][name] = []
            form["fields"].setdefault(name, "")
        elif tag == "option" and self._select:
            form["options"][self._select].append(a.get("value", ""))
            if "selected" in a:
                form["fields"][self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def form_with(html: str, action_part: str) -> tuple[dict[str, Any], str]:
    parsed = forms_of(html)
    for form in parsed.forms:
        if action_part in form["action"]:
            return form, parsed.csrf
    raise LookupError(f"no form posting to …{action_part}")


class _Base(FastHttpUser):
    abstract = True
    wait_time = THINK
    role = ""
    account: dict[str, Any] | None = None

    def on_start(self) -> None:
        self.account = _take(self.role)
        if self.account is None:
            self.stop()
            return
        self.login(self.account["username"])
        # Nobody starts working before everyone is in: the window then holds no request that
        # queued behind the PBKDF2 logins.
        EVERYONE_IN.wait(timeout=600)
        # … and then not all in the same instant: each starts within one think time.
        gevent.sleep(random.uniform(0, THINK_MAX))

    def login(self, username: str) -> None:
        started = time.perf_counter()
        with self.client.get("/login/", name="login: form", catch_response=True) as page:
            _, csrf = form_with(page.text or "", "")
        with self.client.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": csrf,
                "username": username,
                "password": PASSWORD,
                "next": "",
            },
            headers={"Referer": self.host + "/login/"},
            name="login: post (PBKDF2)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {username}: {response.status_code}")
        with _lock:
            LOGINS.append(1000 * (time.perf_counter() - started))
            everyone = len(LOGINS) == self.environment.parsed_options.num_users
        if everyone:
            # The measured window starts when the last user has logged in (the logins are
            # PBKDF2 by design, ~0.6 s of CPU each, and would fill the window otherwise).
            self.environment.stats.reset_all()
            steady = os.environ.get("LOAD_STEADY")
            if steady:
                Path(steady).write_text(str(time.time()), encoding="utf-8")
            EVERYONE_IN.set()

    def next_person(self) -> bool:
        """The next person of the role sits down (their session is already open)."""
        self.account = _take(self.role)
        if self.account is None:
            return False
        self.client.cookiejar.clear()
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.account["session"]))
        return True

    def turn(self) -> bool:
        """The first task runs as the user who logged in, every later one as the next person."""
        if getattr(self, "_started", False):
            return self.next_person()
        self._started = True
        return True

    def page(self, path: str, name: str, **kwargs: Any) -> str:
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
            return response.text or ""

    def post(self, path: str, data: dict[str, Any], name: str, expect: int = 302) -> Any:
        with self.client.post(
            path,
            data=urlencode(data, doseq=True),  # checkboxes: one field per ticked box
            headers={"Referer": self.host + path, "Content-Type": FORM},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{path}: {response.status_code}")
            return response


class Member(_Base):
    role = "members"
    weight = int(os.environ.get("LOAD_W_MEMBERS", "30"))

    @task
    def round_of_one_member(self) -> None:
        if not self.turn():
            self.stop()  # the cast's members have all written their review: run shorter
            return
        assert self.account is not None
        pk = self.account["evaluation"]
        detail = f"/reviews/{pk}/"
        self.page("/", "member: home")
        self.wait()
        html = self.page("/review/", "member: my review (→ form)")
        for round_no in (1, 2):
            form, csrf = form_with(html, "/save/")
            data = fill_review(form["fields"], form["options"], round_no)
            data["csrfmiddlewaretoken"] = csrf
            self.post(f"{detail}save/", data, "member: save draft")
            self.wait()
            html = self.page(detail, "member: review form")
        form, csrf = form_with(html, "/save/")
        data = fill_review(form["fields"], form["options"], 3)
        data["csrfmiddlewaretoken"] = csrf
        response = self.post(f"{detail}submit/", data, "member: submit")
        if response.status_code == 302:
            _bump("submitted")
        self.wait()
        self.page(detail, "member: review form")
        self.page("/me/", "member: history")


def _cookie(name: str, value: str) -> Any:
    from http.cookiejar import Cookie

    return Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


class Secretary(_Base):
    role = "secretaries"
    weight = int(os.environ.get("LOAD_W_SECRETARIES", "8"))

    @task
    def paper_ballot(self) -> None:
        if not self.turn():
            return
        assert self.account is not None
        code = self.account["cell"]
        self.page(f"/units/{code}/round/", "secretary: round")
        self.wait()
        html = self.page(f"/units/{code}/ballots/", "secretary: ballots")
        form, csrf = form_with(html, "/ballots/new/")
        data = dict(form["fields"])
        data["mode"] = "giay"  # on paper, keyed twice
        data["csrfmiddlewaretoken"] = csrf
        data["confirmed"] = "1"  # the warnings before a ballot (the cell's report…), read
        response = self.post(f"/units/{code}/ballots/new/", data, "secretary: create ballot")
        match = re.search(r"/ballots/(\d+)/", response.headers.get("Location", ""))
        if not match:
            return
        ballot = match.group(1)
        present = int(data["present"])
        for entry in (1, 2):
            self.wait()
            html = self.page(f"/ballots/{ballot}/entry/{entry}/", "secretary: tally form")
            parsed = forms_of(html)  # the tally form posts to its own address
            form = next(f for f in parsed.forms if any(n.endswith("-issued") for n in f["fields"]))
            csrf = parsed.csrf
            keyed: dict[str, Any] = {"csrfmiddlewaretoken": csrf}
            for name in form["fields"]:
                if "-" not in name:
                    continue
                field = name.split("-", 1)[1]
                keyed[name] = {
                    "HTXSNV": 1,
                    "HTTNV": present - 1,
                    "issued": present,
                    "returned": present,
                    "valid": present,
                }.get(field, 0)
            self.post(f"/ballots/{ballot}/entry/{entry}/", keyed, "secretary: key tally")
        html = self.page(f"/ballots/{ballot}/", "secretary: ballot")
        csrf = forms_of(html).csrf
        self.post(f"/ballots/{ballot}/accept/", {"csrfmiddlewaretoken": csrf}, "secretary: accept")
        html = self.page(f"/ballots/{ballot}/", "secretary: ballot")
        if "msg-success" in html:
            _bump("ballots_accepted")
        self.wait()
        self.page(
            f"/people/?q={random.choice(['nguyen', 'tran thi', 'le van', 'pham'])}&unit={code}",
            "secretary: member search (htmx)",
            headers={"HX-Request": "true"},
        )


ORDER = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}


REFUSE_SHARE = float(os.environ.get("LOAD_REFUSE_SHARE", "0.25"))
DECISIONS_PER_VISIT = int(os.environ.get("LOAD_DECISIONS_PER_VISIT", "3"))


class Clerk(_Base):
    role = "clerks"
    weight = int(os.environ.get("LOAD_W_CLERKS", "8"))

    @task
    def decide_some(self) -> None:
        """Open the waiting files, decide a few from the page, one at a time as the row's form
        sends it (htmx): the cell's proposal, or the rules' highest level when that is lower
        (with a reason where the regulation leaves it to the body); now and then a file the
        board shows as blocked, which the rules refuse."""
        if not self.turn():
            return
        assert self.account is not None
        board = f"/units/{self.account['unit']}/board/"
        html = self.page(f"{board}?show=pending", "clerk: board (pending)")
        parsed = forms_of(html)
        rows = board_rows(html)
        waiting = {
            f["action"].rstrip("/").split("/")[-2]: f
            for f in parsed.forms
            if "/decide/" in f["action"]
        }
        for _ in range(DECISIONS_PER_VISIT):
            # what the board says would stop the decision now (a required comment missing)
            blocked = [pk for pk in waiting if rows.get(pk, {}).get("bad")]
            free = [pk for pk in waiting if not rows.get(pk, {}).get("bad")]
            pool = blocked if blocked and (random.random() < REFUSE_SHARE or not free) else free
            if not pool:
                return
            pk = random.choice(pool)
            self.wait()
            self.decide(board, waiting.pop(pk), rows.get(pk, {}), parsed.csrf)

    def decide(self, board: str, form: dict[str, Any], row: dict[str, Any], csrf: str) -> None:
        data = dict(form["fields"])
        level = row.get("proposal") or data.get("level", "")
        ceiling = row.get("ceiling", "")
        if level and ceiling and ORDER[ceiling] < ORDER[level]:
            level = ceiling
        data["level"] = level
        if row.get("needs_decision"):
            data["override"] = "on"
            data["reason"] = "Đảng ủy xem xét, quyết định theo thẩm quyền"
        data["csrfmiddlewaretoken"] = csrf
        # valid and refused decisions are timed apart ("clerk: decide" / "clerk: decide
        # (refused)"): the answer (the row and its notes, htmx) says which
        with self.client.post(
            form["action"],
            data=urlencode(data, doseq=True),
            headers={
                "Referer": self.host + board,
                "Content-Type": FORM,
                "HX-Request": "true",
                "HX-Current-URL": self.host + board + "?show=pending",
            },
            name="clerk: decide",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            answer = response.text or ""
            if response.status_code != 200:
                response.failure(f"{form['action']}: {response.status_code}")
                return
            refused = "msg-success" not in answer
            if refused:
                response.request_meta["name"] = "clerk: decide (refused)"
        if not refused:
            _bump("decided")
            return
        _bump("decide_refused")
        refusal = re.search(r'<li class="msg-error">[^:<]*: ([^(<]{0,60})', answer)
        with _lock:
            key = refusal.group(1).strip() if refusal else "?"
            REFUSALS[key] = REFUSALS.get(key, 0) + 1


class Board(_Base):
    role = "board"
    weight = int(os.environ.get("LOAD_W_BOARD", "4"))

    @task
    def reports(self) -> None:
        if not self.turn():
            return
        assert self.account is not None
        code = self.account["unit"]
        self.page("/reports/", "board: reports home")
        self.wait()
        self.page(f"/reports/{code}/", "board: report")
        self.wait()
        self.page(f"/reports/{code}/units/", "board: drill-down")
        self.wait()
        self.page(f"/units/{code}/", "board: unit")
