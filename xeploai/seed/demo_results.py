"""Decided results for the demo's previous year: plausible shares, quotas respected."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from xeploai.cycles.models import Period
from xeploai.lib.bulkload import insert_objects
from xeploai.org.models import Discipline, Level
from xeploai.reviews.models import Evaluation, LedgerStage, Proposal, Stage, SubjectKind


def decide_previous_year(period: Period, *, rng: random.Random) -> int:
    evaluations = list(Evaluation.objects.filter(period=period).order_by("pk"))
    disciplined = set(
        Discipline.objects.filter(decision_date__year=period.year).values_list(
            "person_id", flat=True
        )
    )
    pools: dict[tuple[int, str, str], list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations:
        evaluation.reviewed = evaluation.not_rated_reason == ""
        if evaluation.not_rated_reason:
            continue
        if evaluation.person_id in disciplined:
            evaluation.level = Level.KHTNV if rng.random() < 0.5 else Level.HTNV
            continue
        member = evaluation.kind == SubjectKind.MEMBER
        roll = rng.random()
        if roll < (0.0015 if member else 0.01):
            evaluation.level = Level.KHTNV
        elif roll < (0.012 if member else 0.055):
            evaluation.level = Level.HTNV
        else:
            pools[(evaluation.decider_id, evaluation.kind, evaluation.group)].append(evaluation)
    for pool in pools.values():
        rated_good = len(pool)
        allowed = math.floor(0.2 * rated_good)
        share = rng.uniform(0.12, 0.2)
        excellent = min(allowed, round(share * rated_good))
        if allowed == 0 and rated_good and rng.random() < 0.3:
            excellent = 1  # the small-unit exception: one HTXSNV where all are HTTNV or above
        chosen = set(rng.sample(range(rated_good), excellent))
        for index, evaluation in enumerate(pool):
            evaluation.level = Level.HTXSNV if index in chosen else Level.HTTNV
    decided_at = timezone.make_aware(dt.datetime(period.year, 12, 20, 9, 0)).astimezone(dt.UTC)
    ledger: list[Proposal] = []
    for evaluation in evaluations:
        stage = (
            LedgerStage.GRASSROOTS
            if evaluation.kind in (SubjectKind.MEMBER, SubjectKind.CELL)
            else LedgerStage.UPPER
        )
        ledger.append(
            Proposal(
                evaluation=evaluation,
                stage=stage,
                level=evaluation.level,
                not_rated_reason=evaluation.not_rated_reason,
                reason="Dữ liệu mẫu",
                at=decided_at,
            )
        )
    # One UPDATE per level (bulk_update's CASE expressions are far slower at this size).
    by_level: dict[str, list[int]] = defaultdict(list)
    for evaluation in evaluations:
        by_level[evaluation.level].append(evaluation.pk)
    for level, ids in by_level.items():
        for start in range(0, len(ids), 10_000):
            Evaluation.objects.filter(pk__in=ids[start : start + 10_000]).update(
                level=level,
                self_level=level,
                cell_level=level,
                stage=Stage.DECIDED,
                reviewed=level != "",
                decided_at=decided_at,
            )
    insert_objects(ledger)
    return len(evaluations)


SHORTCOMINGS = [
    "Có lúc chưa chủ động nghiên cứu, học tập nghị quyết của Đảng",
    "Tham gia sinh hoạt chi bộ có lúc chưa đều",
    "Chất lượng tham mưu một số việc chưa cao",
    "Chưa mạnh dạn đấu tranh phê bình trong sinh hoạt",
    "Một số nhiệm vụ hoàn thành còn chậm so với kế hoạch",
    "Việc cập nhật kiến thức chuyên môn, ngoại ngữ, tin học còn hạn chế",
]


def give_previous_shortcomings(period: Period, cell_id: int, *, rng: random.Random) -> None:
    """Last year's listed shortcomings for the demo cell, so members report progress on each."""
    for evaluation in Evaluation.objects.filter(period=period, unit_id=cell_id).exclude(level=""):
        items = rng.sample(SHORTCOMINGS, rng.randint(1, 2))
        Evaluation.objects.filter(pk=evaluation.pk).update(
            content={"form": evaluation.form_code, "sections": {}, "shortcomings": items}
        )


def _day(year: int, month: int, day: int) -> dt.datetime:
    """9 o'clock on the ``day``-th day counted from the first of ``month`` (32 → 1st of next)."""
    first = dt.datetime(year, month, 1, 9, 0)
    return timezone.make_aware(first + dt.timedelta(days=day - 1))


def advance_current_round(period: Period, keep_cell_id: int, *, rng: random.Random) -> None:
    """Put the rest of the bloc part-way through the round, as it looks in late November:
    most members have submitted, some cells have proposed or sent their file. The demo cell
    (``keep_cell_id``) stays untouched so that a whole round can be played on it."""
    by_cell: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for unit_id, pk, reason, civil in (
        Evaluation.objects.filter(period=period, kind=SubjectKind.MEMBER)
        .exclude(unit_id=keep_cell_id)
        .values_list("unit_id", "pk", "not_rated_reason", "person__is_civil_servant")
        .order_by("unit_id", "pk")
    ):
        by_cell[unit_id].append((pk, reason, civil))
    ledger: list[Proposal] = []
    stages: dict[tuple[str, str, bool, dt.datetime], list[int]] = defaultdict(list)
    for cell_id in sorted(by_cell):
        progress = rng.random()
        # when the cell's members submitted and it proposed: mostly before the deadlines (30/11,
        # 05/12), a few cells late, so the progress page flags work done after its deadline.
        # Drawn from the cell's own generator: the rest of the demo stays as it was.
        timing = random.Random(cell_id)  # noqa: S311 — demo data, not a secret
        submitted = _day(period.year, 11, 17 + timing.randint(0, 14))
        proposed = submitted + dt.timedelta(days=timing.randint(1, 6))
        for pk, reason, civil in by_cell[cell_id]:
            if reason:
                continue
            if progress < 0.25 and rng.random() < 0.5:
                continue  # not started yet
            level = "HTXSNV" if rng.random() < 0.15 else "HTTNV"
            stage = Stage.SUBMITTED
            if progress > 0.85:
                stage = Stage.SENT
            elif progress > 0.6:
                stage = Stage.PROPOSED
            stages[(stage, level, civil, submitted)].append(pk)
            ledger.append(
                Proposal(evaluation_id=pk, stage=LedgerStage.SELF, level=level, at=submitted)
            )
            if stage != Stage.SUBMITTED:
                ledger.append(
                    Proposal(evaluation_id=pk, stage=LedgerStage.CELL, level=level, at=proposed)
                )
    for (stage_code, level, civil, submitted_at), ids in stages.items():
        content: dict[str, Any] = {"self_level": level, "sections": {}}
        if civil:  # a civil servant declares the civil-service level too (VII.1)
            content["civil_level"] = level
        fields = {
            "stage": stage_code,
            "self_level": level,
            "reviewed": True,
            "submitted_at": submitted_at,
            "content": content,
        }
        if stage_code != Stage.SUBMITTED:
            fields["cell_level"] = level
        for start in range(0, len(ids), 10_000):
            Evaluation.objects.filter(pk__in=ids[start : start + 10_000]).update(**fields)
    insert_objects(ledger)
