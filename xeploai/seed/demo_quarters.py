"""The demo's quarterly rounds: Q1–Q3 of the current year decided for its leaders and managers,
Q4 open (issue 18), so that the yearly board and review pages show four quarters."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from xeploai.cycles.models import Period, PeriodStatus
from xeploai.lib.bulkload import insert_objects
from xeploai.org.models import Level, OrgUnit
from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage
from xeploai.reviews.quarters import quarter_due, quarter_open
from xeploai.reviews.stats import stats_rebuild

TASKS = [
    ("Chỉ đạo xây dựng kế hoạch công tác quý", "Kế hoạch đã ban hành"),
    ("Tổ chức sơ kết nhiệm vụ chính trị", "Báo cáo sơ kết"),
    ("Kiểm tra, giám sát việc thực hiện nhiệm vụ", "Thông báo kết luận kiểm tra"),
]


def _content(level: str, rng: random.Random) -> dict[str, object]:
    common = {"HTXSNV": 29, "HTTNV": 26, "HTNV": 22, "KHTNV": 15}[level]
    tasks = {"HTXSNV": 65, "HTTNV": 58, "HTNV": 40, "KHTNV": 25}[level]
    rows = rng.sample(TASKS, 2)
    return {
        "form": "05-2025",
        "sections": {"quarter_tasks": {"text": "Hoàn thành các nhiệm vụ trọng tâm của quý."}},
        "score_common": common,
        "score_tasks": tasks,
        "tasks": [
            {"task": t, "product": p, "result": "chua_xong" if level == "KHTNV" else "dung_han"}
            for t, p in rows
        ],
        "tasks_total": 2,
        "tasks_done": 0 if level == "KHTNV" else 2,
        "tasks_exceeded": 0,
        "tasks_late": 0,
        "self_level": level,
    }


def _levels(count: int, rng: random.Random) -> list[str]:
    """Mostly HTTNV, a share of HTXSNV within 20% of the group, rarely HTNV or KHTNV."""
    levels = [Level.HTTNV.value] * count
    for index in rng.sample(range(count), int(count * rng.uniform(0.1, 0.2))):
        levels[index] = Level.HTXSNV.value
    for index in range(count):
        roll = rng.random()
        if roll < 0.03:
            levels[index] = Level.KHTNV.value
        elif roll < 0.08:
            levels[index] = Level.HTNV.value
    return levels


def _decide(period: Period, rng: random.Random, khtnv_people: set[int]) -> int:
    evaluations = list(Evaluation.objects.filter(period=period, not_rated_reason="").order_by("pk"))
    levels = _levels(len(evaluations), rng)
    decided_at = timezone.make_aware(
        dt.datetime.combine(quarter_due(period.year, period.quarter), dt.time(9))
    ).astimezone(dt.UTC)
    by_level: dict[str, list[int]] = defaultdict(list)
    ledger: list[Proposal] = []
    for evaluation, level in zip(evaluations, levels, strict=True):
        if evaluation.person_id in khtnv_people:
            level = Level.KHTNV.value  # the same leader fails two quarters running
        by_level[level].append(evaluation.pk)
        Evaluation.objects.filter(pk=evaluation.pk).update(content=_content(level, rng))
        ledger.append(
            Proposal(
                evaluation=evaluation,
                stage=LedgerStage.GRASSROOTS,
                level=level,
                reason="Dữ liệu mẫu",
                at=decided_at,
            )
        )
    for level, ids in by_level.items():
        Evaluation.objects.filter(pk__in=ids).update(
            level=level,
            self_level=level,
            stage=Stage.DECIDED,
            reviewed=True,
            submitted_at=decided_at,
            decided_at=decided_at,
        )
    # the not rated (e.g. appointed less than six months ago) are decided as such
    Evaluation.objects.filter(period=period).exclude(not_rated_reason="").update(
        stage=Stage.DECIDED, decided_at=decided_at
    )
    insert_objects(ledger)
    stats_rebuild(period)
    return len(evaluations)


def seed_quarters(root: OrgUnit, year: int, *, rng: random.Random) -> dict[str, int]:
    """Open the four quarterly rounds of ``year`` over ``root``; decide and lock Q1–Q3."""
    counts: dict[str, int] = {}
    khtnv_people: set[int] = set()
    for quarter in (1, 2, 3, 4):
        period = quarter_open(actor=None, scope_root=root, year=year, quarter=quarter)
        if quarter == 4:
            counts["quarter_4_open"] = Evaluation.objects.filter(period=period).count()
            break
        if quarter == 2:  # two leaders fail Q2 and Q3: the local quarter rules flag them
            khtnv_people = set(
                Evaluation.objects.filter(period=period, not_rated_reason="")
                .order_by("pk")
                .values_list("person_id", flat=True)[:2]
            )
        counts[f"quarter_{quarter}_decided"] = _decide(period, rng, khtnv_people)
        Period.objects.filter(pk=period.pk).update(status=PeriodStatus.CLOSED)
    return counts
