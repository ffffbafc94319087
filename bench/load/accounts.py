"""The load test's cast: accounts and sessions, spread over the country (run by bench_load.py).

    DATABASE_URL=postgres://…/xeploai_load_<pid> XEPLOAI_SECRET_KEY=… \
        .venv/bin/python bench/load/accounts.py --out var/load/cast.json --members 600 …

Works on the demo bloc (``seed-demo``, part-way through its round) and on the generated
country (``xeploai gen``: every subject of the open year already decided, no accounts). In the
open yearly period of the widest scope it picks, in a fixed pseudo-random order of the units
(a multiplicative hash of their ids, so the cast lands all over the country, not in one bloc):

- grassroots office clerks (``load_c…``) of ``--clerks`` grassroots organizations with files
  waiting for their decision; where the round has none waiting (the generated country), the
  decided files of an organization's members and cells are put back to "sent to the deciding
  level", the cell's proposal kept — the whole organization waiting, as in December;
- cell secretaries (``load_s…``) of ``--secretaries`` cells where every rated member has
  submitted (they run paper ballots); where none is, a cell's member and cell files are put
  back to "submitted", the self-proposal being the level they had;
- members (``load_m…``, role MEMBER on their cell, linked to their person record) whose
  self-review is not started, one per cell first; where too few are, a decided member file is
  put back to "not started";
- organization-board members (``load_b…``) on the root, on every unit under it and on
  ``--boards`` units of the next level.

Putting files back ("rewinding") is a fixture, done the way the demo bloc and ``xeploai gen``
build their round (bulk updates, the self- and cell-proposal rows of the ledger) with the
statistics moved by the same functions the services use (``stats_add``, ``pools_add``): the
consistency check after the run compares them with a full recount. It happens only in the
run's own copy of the database.

The comments the rules require before a decision (residence, previous unit, temporary cell)
are recorded through the service for the clerks' waiting files, except every
``--comment-gap``-th one: those files carry a blocker on the board, and a decision on them is
refused with the rule's clause (the locust script tries a share of them: refused decisions,
timed apart).

Every account gets a ready session, as if its person had logged in earlier that day, so that
the run measures the round and not thousands of PBKDF2 logins (every simulated user still logs
in once through the real form at the start, then works as one person after another of its
role). Accounts share the demo's password hash (``xeploai-demo``): nothing is hashed here.
Everything is written in one transaction; the JSON file tells the locust script who is who.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--secretaries", type=int, default=80)
    parser.add_argument("--clerks", type=int, default=60)
    parser.add_argument("--boards", type=int, default=40, help="units of the second level")
    parser.add_argument("--comment-gap", type=int, default=6)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        cast = Cast(args).build()
    cast["setup_seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(cast, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"cast: {len(cast['members'])} members, {len(cast['secretaries'])} secretaries, "
        f"{len(cast['clerks'])} clerks, {len(cast['board'])} board; rewound "
        f"{json.dumps(cast['rewound'])}, {cast['comments_recorded']} comments, "
        f"{cast['blocked_files']} files left without a required comment; "
        f"{cast['setup_seconds']} s"
    )


class Cast:
    """Who is who in the run, and the round state they need (see the module's docstring)."""

    def __init__(self, args: argparse.Namespace) -> None:
        from django.contrib.auth import get_user_model

        from xeploai.cycles.models import Period, PeriodKind, PeriodStatus

        self.args = args
        self.users = get_user_model()
        self.period = (
            Period.objects.filter(status=PeriodStatus.OPEN, kind=PeriodKind.YEAR)
            .select_related("scope_root")
            .order_by("scope_root__depth", "-year", "pk")
            .first()
        )
        if self.period is None:
            raise SystemExit("no open yearly period: nothing to load-test")
        self.root = self.period.scope_root
        demo = self.users.objects.filter(username="bantochuc").first()
        if demo is None:  # the generated country has no accounts: the demo's hash, made once
            from django.contrib.auth.hashers import make_password

            self.password = make_password("xeploai-demo")
        else:
            self.password = demo.password
        self.rewound: Counter[str] = Counter()

    # ---- accounts ------------------------------------------------------------------------
    def accounts(self, rows: list[tuple[str, str, int, str]]) -> list[dict[str, Any]]:
        """Users (``username``, role on ``unit_id``, first name) with a role each and a ready
        session each (in bulk: thousands of them)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        from xeploai.org.models import RoleAssignment

        users = self.users.objects.bulk_create(
            [
                self.users(username=name, password=self.password, first_name=label)
                for name, _role, _unit, label in rows
            ],
            batch_size=2_000,
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, unit_id=unit)
                for user, (_name, role, unit, _label) in zip(users, rows, strict=True)
            ],
            batch_size=2_000,
        )
        store = SessionStore()
        expires = timezone.now() + dt.timedelta(hours=12)
        sessions = []
        out = []
        for user in users:
            key = store._get_new_session_key()
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "xeploai.lib.auth.ThrottledModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(session_key=key, session_data=store.encode(data), expire_date=expires)
            )
            out.append({"username": user.username, "user_id": user.pk, "session": key})
        Session.objects.bulk_create(sessions, batch_size=2_000)
        return out

    # ---- the units, spread --------------------------------------------------------------
    def spread(self, kinds: tuple[str, ...], exclude_under: list[str]) -> list[tuple[int, str]]:
        """(id, path) of the units of ``kinds`` in the scope, in the fixed pseudo-random order,
        leaving out those under any of ``exclude_under``."""
        from django.db.models import BigIntegerField, F, Value

        from xeploai.org.models import OrgUnit

        big = BigIntegerField()
        rows = (
            OrgUnit.objects.filter(path__startswith=self.root.path, kind__in=kinds)
            # big-integer constants: as plain ints Django binds them as int4, which overflow
            .annotate(spread=(F("id") * Value(2654435761, big)) % Value(4294967291, big))
            .order_by("spread", "pk")
            .values_list("pk", "path")
        )
        return [(pk, path) for pk, path in rows if not path.startswith(tuple(exclude_under))]

    # ---- putting files back -------------------------------------------------------------
    def rewind(self, ids: list[int], stage: str) -> None:
        """Put these decided files back to ``stage`` (PENDING, SUBMITTED or SENT), moving their
        statistics from their level's bucket to "pending" and writing the ledger rows a round
        that reached ``stage`` has."""
        from django.db.models import F
        from django.utils import timezone

        from xeploai.reviews.models import PENDING, Evaluation, LedgerStage, Proposal, Stage
        from xeploai.reviews.stats import bucket_of, pools_add, stats_add

        if not ids:
            return
        rows = list(
            Evaluation.objects.filter(pk__in=ids, stage=Stage.DECIDED, not_rated_reason="")
            .select_related("unit", "decider")
            .only(
                "pk",
                "kind",
                "group",
                "level",
                "not_rated_reason",
                "cell_level",
                "self_level",
                "period_id",
                "decider_id",
                "decider__path",
                "unit__path",
            )
        )
        units: Counter[tuple[int, str, str, str]] = Counter()
        pools: Counter[tuple[int, int, str, str, str]] = Counter()
        paths: dict[int, str] = {}
        ledger: list[Proposal] = []
        now = timezone.now()
        for e in rows:
            old = bucket_of(e.level, e.not_rated_reason)
            path = e.unit.path
            for prefix in _prefixes(path):
                units[(e.period_id, prefix, e.kind, old)] -= 1
                units[(e.period_id, prefix, e.kind, PENDING)] += 1
            pools[(e.period_id, e.decider_id, e.kind, e.group, old)] -= 1
            pools[(e.period_id, e.decider_id, e.kind, e.group, PENDING)] += 1
            paths[e.decider_id] = e.decider.path
            if stage != Stage.PENDING:
                ledger.append(
                    Proposal(evaluation_id=e.pk, stage=LedgerStage.SELF, level=e.level, at=now)
                )
            if stage == Stage.SENT:
                ledger.append(
                    Proposal(evaluation_id=e.pk, stage=LedgerStage.CELL, level=e.level, at=now)
                )
        fields: dict[str, Any] = {
            "stage": stage,
            "level": "",
            "decided_at": None,
            "decided_by": None,
            "version": F("version") + 1,
        }
        if stage == Stage.PENDING:
            fields.update(
                reviewed=False,
                content={},
                self_level="",
                ballot_level="",
                cell_level="",
                submitted_at=None,
            )
        elif stage == Stage.SUBMITTED:
            fields.update(self_level=F("level"), ballot_level="", cell_level="")
        else:  # SENT: the cell proposed what was decided
            fields.update(self_level=F("level"), cell_level=F("level"))
        pks = [e.pk for e in rows]
        for start in range(0, len(pks), 10_000):
            # the F("level") above reads the level before this UPDATE clears it
            Evaluation.objects.filter(pk__in=pks[start : start + 10_000]).update(**fields)
        stats_add(units)
        pools_add(pools, paths)
        Proposal.objects.bulk_create(ledger, batch_size=5_000)
        self.rewound[stage] += len(rows)

    # ---- the four roles -----------------------------------------------------------------
    def clerks(self) -> list[dict[str, Any]]:
        from xeploai.org.models import OrgUnit, Role, UnitKind
        from xeploai.reviews.models import Evaluation, Stage, SubjectKind

        evaluations = Evaluation.objects.filter(period=self.period)
        waiting = Counter(evaluations.filter(stage=Stage.SENT).values_list("decider_id", flat=True))
        chosen = [unit for unit, n in waiting.most_common() if n >= 5][: self.args.clerks]
        for unit_id, _path in self.spread(UnitKind.grassroots(), []):
            if len(chosen) >= self.args.clerks:
                break
            if unit_id in chosen:
                continue
            ids = list(
                evaluations.filter(
                    decider_id=unit_id,
                    kind__in=(SubjectKind.MEMBER, SubjectKind.CELL),
                    stage=Stage.DECIDED,
                    not_rated_reason="",
                ).values_list("pk", flat=True)
            )
            if len(ids) < 5:
                continue
            self.rewind(ids, Stage.SENT)
            chosen.append(unit_id)
        units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=chosen)}
        self.clerk_paths = [units[pk].path for pk in chosen]
        self.comments(chosen)
        counts = Counter(
            evaluations.filter(stage=Stage.SENT, decider_id__in=chosen).values_list(
                "decider_id", flat=True
            )
        )
        made = self.accounts(
            [(f"load_c{n:03d}", Role.CLERK, pk, "Văn phòng đảng ủy") for n, pk in enumerate(chosen)]
        )
        return [
            {**row, "unit": units[pk].code, "waiting": counts[pk]}
            for row, pk in zip(made, chosen, strict=True)
        ]

    def comments(self, deciders: list[int]) -> None:
        """The comments the rules require before the decision of the clerks' waiting files,
        written as the secretaries would have recorded them (in bulk, a fixture like the
        round itself: ``comment_record`` one by one took 40 ms each) — except every
        ``--comment-gap``-th file's (its decision is refused for want of it)."""
        from django.utils import timezone

        from xeploai import rules
        from xeploai.reviews.facts import Facts, ruleset_of
        from xeploai.reviews.models import Comment, CommentSource, Evaluation, Stage

        sources = {
            rules.CommentKind.NOI_CU_TRU: CommentSource.RESIDENCE,
            rules.CommentKind.CHI_BO_TAM_THOI: CommentSource.TEMPORARY_CELL,
            rules.CommentKind.DON_VI_CU: CommentSource.PREVIOUS_UNIT,
        }
        recorder = self.users.objects.create(
            username="load_fixture", password=self.password, first_name="Dữ liệu kiểm thử tải"
        )
        ruleset = ruleset_of(self.period)
        files = list(
            Evaluation.objects.filter(period=self.period, decider_id__in=deciders, stage=Stage.SENT)
            .select_related("person", "unit", "decider", "period")
            .order_by("pk")
        )
        facts = Facts.load(self.period, files)
        now = timezone.now()
        written: list[Comment] = []
        blocked = needing = 0
        for evaluation in files:
            subject = facts.subject(evaluation)
            missing = [
                kind
                for kind in rules.required_comments(subject, ruleset)
                if kind not in subject.comments_received
            ]
            if not missing:
                continue
            needing += 1
            if self.args.comment_gap and needing % self.args.comment_gap == 0:
                blocked += 1
                continue
            written += [
                Comment(
                    evaluation_id=evaluation.pk,
                    source=sources[kind],
                    text="Không có biểu hiện vi phạm (dữ liệu kiểm thử tải)",
                    received_on=self.period.evaluation_date,
                    recorded_by=recorder,
                    recorded_at=now,
                )
                for kind in missing
            ]
        Comment.objects.bulk_create(written, batch_size=5_000)
        self.comments_recorded, self.blocked_files = len(written), blocked

    def secretaries(self) -> list[dict[str, Any]]:
        from django.db.models import Count, F, Q

        from xeploai.org.models import OrgUnit, Role, UnitKind
        from xeploai.reviews.models import Evaluation, Stage, SubjectKind

        evaluations = Evaluation.objects.filter(period=self.period, not_rated_reason="")
        members = evaluations.filter(kind=SubjectKind.MEMBER)
        # cells where every rated member has submitted (the demo bloc has some)
        ready = list(
            members.values("unit_id")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(stage=Stage.SUBMITTED)))
            .filter(done=F("n"), n__gte=4)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)[: self.args.secretaries]
        )
        chosen = list(ready)
        cells = [pk for pk, _path in self.spread(UnitKind.cells(), self.clerk_paths)]
        for start in range(0, len(cells), 500):
            if len(chosen) >= self.args.secretaries:
                break
            batch = cells[start : start + 500]
            stages: dict[int, Counter[str]] = {}
            for unit_id, stage, n in (
                members.filter(unit_id__in=batch)
                .values_list("unit_id", "stage")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                stages.setdefault(unit_id, Counter())[stage] = n
            for cell_id in batch:
                counts = stages.get(cell_id, Counter())
                if len(chosen) >= self.args.secretaries:
                    break
                if cell_id in chosen or not 4 <= counts[Stage.DECIDED] <= 30 or len(counts) > 1:
                    continue
                ids = list(
                    evaluations.filter(unit_id=cell_id, stage=Stage.DECIDED)
                    .exclude(kind=SubjectKind.COMMITTEE)
                    .values_list("pk", flat=True)
                )
                self.rewind(ids, Stage.SUBMITTED)
                chosen.append(cell_id)
        self.secretary_cells = set(chosen)
        codes = dict(OrgUnit.objects.filter(pk__in=chosen).values_list("pk", "code"))
        made = self.accounts(
            [(f"load_s{n:03d}", Role.CELL_SECRETARY, pk, "Bí thư") for n, pk in enumerate(chosen)]
        )
        return [{**row, "cell": codes[pk]} for row, pk in zip(made, chosen, strict=True)]

    def members(self) -> list[dict[str, Any]]:
        from xeploai.org.models import Person, Role, UnitKind
        from xeploai.reviews.models import Evaluation, Stage, SubjectKind

        wanted = self.args.members
        rated = Evaluation.objects.filter(
            period=self.period,
            kind=SubjectKind.MEMBER,
            not_rated_reason="",
            person__user__isnull=True,
        ).exclude(unit_id__in=self.secretary_cells)
        pending = [
            (pk, unit_id)
            for pk, unit_id, path in rated.filter(stage=Stage.PENDING)
            .order_by("unit_id", "pk")
            .values_list("pk", "unit_id", "unit__path")
            if not path.startswith(tuple(self.clerk_paths))
        ]
        # spread over as many cells as possible: the first pending member of each cell, then
        # the second, …
        by_cell: dict[int, list[int]] = {}
        for pk, unit_id in pending:
            by_cell.setdefault(unit_id, []).append(pk)
        picked: list[int] = []
        rank = 0
        while len(picked) < wanted and any(len(v) > rank for v in by_cell.values()):
            picked.extend(v[rank] for v in by_cell.values() if len(v) > rank)
            rank += 1
        picked = picked[:wanted]
        if len(picked) < wanted:  # decided files put back, one per cell in the spread order
            cells = [
                pk
                for pk, _path in self.spread(UnitKind.cells(), self.clerk_paths)
                if pk not in self.secretary_cells and pk not in by_cell
            ]
            extra: list[int] = []
            for start in range(0, len(cells), 5_000):
                if len(extra) >= wanted - len(picked):
                    break
                batch = cells[start : start + 5_000]
                first: dict[int, int] = {}
                for pk, unit_id in (
                    rated.filter(unit_id__in=batch, stage=Stage.DECIDED)
                    .order_by("-pk")
                    .values_list("pk", "unit_id")
                ):
                    first[unit_id] = pk  # the lowest id of the cell, last written
                extra += [first[c] for c in batch if c in first]
            extra = extra[: wanted - len(picked)]
            self.rewind(extra, Stage.PENDING)
            picked += extra
        people = dict(Evaluation.objects.filter(pk__in=picked).values_list("pk", "person_id"))
        info = {
            p.pk: (p.full_name, p.unit_id)
            for p in Person.objects.filter(pk__in=people.values()).only("full_name", "unit_id")
        }
        units = dict(Evaluation.objects.filter(pk__in=picked).values_list("pk", "unit_id"))
        made = self.accounts(
            [
                (f"load_m{number:05d}", Role.MEMBER, units[pk], info[people[pk]][0])
                for number, pk in enumerate(picked)
            ]
        )
        linked = [
            Person(pk=people[pk], user_id=row["user_id"])
            for row, pk in zip(made, picked, strict=True)
        ]
        Person.objects.bulk_update(linked, ["user"], batch_size=2_000)
        return [{**row, "evaluation": pk} for row, pk in zip(made, picked, strict=True)]

    def board(self) -> list[dict[str, Any]]:
        from xeploai.org.models import OrgUnit, Role, UnitKind

        tops = list(OrgUnit.objects.filter(parent=self.root).order_by("code"))
        second = [
            pk
            for pk, path in self.spread((UnitKind.UPPER,), [])
            if len(path) > len(self.root.path) + 4
        ][: self.args.boards]
        units = [self.root, *tops, *OrgUnit.objects.filter(pk__in=second).order_by("path")]
        units = [u for u in units if u.kind == UnitKind.UPPER]
        made = self.accounts(
            [(f"load_b{n:03d}", Role.UPPER_BOARD, u.pk, "Ban Tổ chức") for n, u in enumerate(units)]
        )
        return [
            {**row, "unit": u.code, "level": u.depth} for row, u in zip(made, units, strict=True)
        ]

    def build(self) -> dict[str, Any]:
        from django.utils import timezone

        if self.users.objects.filter(username__startswith="load_").exists():
            raise SystemExit("the load accounts exist already: start from a fresh copy")
        cast: dict[str, Any] = {"period": self.period.pk, "year": self.period.year}
        cast["clerks"] = self.clerks()
        cast["secretaries"] = self.secretaries()
        cast["members"] = self.members()
        cast["board"] = self.board()
        cast["rewound"] = dict(self.rewound)
        cast["comments_recorded"] = self.comments_recorded
        cast["blocked_files"] = self.blocked_files
        cast["prepared_at"] = timezone.now().isoformat()
        return cast


def _prefixes(path: str) -> list[str]:
    from xeploai.org.models import SEGMENT

    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


if __name__ == "__main__":
    main()
