"""The load test's cast: accounts and sessions in the seeded demo bloc (run by bench_load.py).

    DATABASE_URL=postgres://…/xeploai_load XEPLOAI_SECRET_KEY=… \
        .venv/bin/python bench/load/accounts.py --out var/load/cast.json --members 600 …

Picks, in the open period of the demo bloc:

- members whose self-review is not started (``load_m…``, role MEMBER on their cell, linked to
  their person record) — each gets a ready session, as if they had logged in earlier that day,
  so that the run measures the round and not 600 PBKDF2 logins (every simulated user still
  logs in once through the real form at the start);
- cell secretaries (``load_s…``) of cells where every member has submitted (they run paper
  ballots on their cell);
- grassroots office clerks (``load_c…``) of grassroots organizations with files waiting for a
  decision (one clerk per organization, so that two clerks never decide the same file);
- organization-board members (``load_b…``) on the root and on each district.

Accounts share the demo's password hash (``xeploai-demo``): no password is hashed here, and the
web server runs with the normal hasher. Everything is written through the ORM in one
transaction; the JSON file tells the locust script who is who.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--secretaries", type=int, default=40)
    parser.add_argument("--clerks", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from collections import Counter

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from xeploai import rules
    from xeploai.cycles.models import Period, PeriodStatus
    from xeploai.reviews import services as review_services
    from xeploai.reviews.facts import Facts, ruleset_of
    from xeploai.reviews.models import CommentSource

    SOURCES = {
        rules.CommentKind.NOI_CU_TRU: CommentSource.RESIDENCE,
        rules.CommentKind.CHI_BO_TAM_THOI: CommentSource.TEMPORARY_CELL,
        rules.CommentKind.DON_VI_CU: CommentSource.PREVIOUS_UNIT,
    }
    from xeploai.org.models import OrgUnit, Person, Role, RoleAssignment
    from xeploai.reviews.models import Evaluation, Stage, SubjectKind
    from xeploai.seed.demo import ROOT_CODE

    user_model = get_user_model()
    root = OrgUnit.objects.get(code=ROOT_CODE)
    period = Period.objects.get(scope_root=root, status=PeriodStatus.OPEN)
    password = user_model.objects.get(username="bantochuc").password  # the demo's one hash
    evaluations = Evaluation.objects.filter(period=period)

    def account(username: str, role: str, unit_id: int, label: str) -> object:
        user = user_model.objects.create(username=username, password=password, first_name=label)
        RoleAssignment.objects.create(user=user, role=role, unit_id=unit_id)
        return user

    def session_for(user: object) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
        store.set_expiry(12 * 3600)
        store.create()
        return str(store.session_key)

    with transaction.atomic():
        if user_model.objects.filter(username__startswith="load_").exists():
            raise SystemExit("the load accounts exist already: start from a fresh copy")
        # Cells where every member evaluation is submitted (none pending, none further on).
        stage_by_cell: dict[int, Counter[str]] = {}
        for unit_id, stage in evaluations.filter(
            kind=SubjectKind.MEMBER, not_rated_reason=""
        ).values_list("unit_id", "stage"):
            stage_by_cell.setdefault(unit_id, Counter())[stage] += 1
        ballot_cells = [
            cell
            for cell, stages in sorted(stage_by_cell.items())
            if set(stages) == {Stage.SUBMITTED} and stages[Stage.SUBMITTED] >= 4
        ][: args.secretaries]
        members = list(
            evaluations.filter(
                kind=SubjectKind.MEMBER,
                stage=Stage.PENDING,
                not_rated_reason="",
                person__user__isnull=True,
            )
            .exclude(unit_id__in=ballot_cells)
            .select_related("person", "unit")
            .order_by("unit_id", "pk")
        )
        # Spread over as many cells as possible: the first pending member of each cell, then
        # the second, …
        by_cell: dict[int, list[Evaluation]] = {}
        for evaluation in members:
            by_cell.setdefault(evaluation.unit_id, []).append(evaluation)
        spread: list[Evaluation] = []
        rank = 0
        while len(spread) < args.members and any(len(v) > rank for v in by_cell.values()):
            spread.extend(v[rank] for v in by_cell.values() if len(v) > rank)
            rank += 1
        cast: dict[str, object] = {"period": period.pk, "year": period.year}
        member_rows = []
        for number, evaluation in enumerate(spread[: args.members]):
            person = evaluation.person
            assert person is not None
            user = account(f"load_m{number:04d}", Role.MEMBER, evaluation.unit_id, person.full_name)
            Person.objects.filter(pk=person.pk).update(user=user)
            member_rows.append(
                {
                    "username": user.username,
                    "evaluation": evaluation.pk,
                    "session": session_for(user),
                }
            )
        cast["members"] = member_rows
        cells = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ballot_cells)}
        cast["secretaries"] = [
            {
                "username": account(
                    f"load_s{number:03d}", Role.CELL_SECRETARY, cell_id, "Bí thư"
                ).username,  # type: ignore[attr-defined]
                "cell": cells[cell_id].code,
            }
            for number, cell_id in enumerate(ballot_cells)
        ]
        waiting = Counter(evaluations.filter(stage=Stage.SENT).values_list("decider_id", flat=True))
        deciders = [unit for unit, n in waiting.most_common() if n >= 5][: args.clerks]
        codes = dict(OrgUnit.objects.filter(pk__in=deciders).values_list("pk", "code"))
        # The demo sends files without the comments the rules require (residence, previous
        # unit, temporary cell): record them as the secretaries would have, through the service,
        # so that the clerks' decisions are not all refused for a missing comment.
        comments = 0
        recorder = user_model.objects.create(
            username="load_fixture", password=password, first_name="Dữ liệu kiểm thử tải"
        )
        for unit_id in deciders:
            waiting_files = list(
                evaluations.filter(decider_id=unit_id, stage=Stage.SENT).select_related(
                    "person", "unit", "decider", "period"
                )
            )
            facts = Facts.load(period, waiting_files)
            ruleset = ruleset_of(period)
            for evaluation in waiting_files:
                subject = facts.subject(evaluation)
                for kind in rules.required_comments(subject, ruleset):
                    if kind in subject.comments_received:
                        continue
                    review_services.comment_record(
                        actor=recorder,
                        evaluation=evaluation,
                        source=SOURCES[kind],
                        received_on=period.evaluation_date,
                        text="Không có biểu hiện vi phạm (dữ liệu kiểm thử tải)",
                    )
                    comments += 1
        cast["comments_recorded"] = comments
        cast["clerks"] = [
            {
                "username": account(
                    f"load_c{number:03d}", Role.CLERK, unit_id, "Văn phòng đảng ủy"
                ).username,  # type: ignore[attr-defined]
                "unit": codes[unit_id],
                "waiting": waiting[unit_id],
            }
            for number, unit_id in enumerate(deciders)
        ]
        uppers = [root, *OrgUnit.objects.filter(parent=root, kind=root.kind).order_by("code")]
        cast["board"] = [
            {
                "username": account(
                    f"load_b{number:03d}", Role.UPPER_BOARD, unit.pk, "Ban Tổ chức"
                ).username,  # type: ignore[attr-defined]
                "unit": unit.code,
            }
            for number, unit in enumerate(uppers)
        ]
        cast["prepared_at"] = timezone.now().isoformat()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(cast, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"cast: {len(member_rows)} members, {len(cast['secretaries'])} secretaries, "  # type: ignore[arg-type]
        f"{len(cast['clerks'])} clerks, {len(cast['board'])} board, {comments} comments"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
