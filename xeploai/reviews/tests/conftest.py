"""Fixtures of the round's tests."""

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from xeploai.cycles.models import Period, PeriodKind, PeriodStatus
from xeploai.reviews.models import Evaluation, Stage, SubjectKind
from xeploai.seed.demo import seed_demo


@pytest.fixture
def uneven_period(settings: Settings, tmp_path: Path) -> Period:
    """A small demo bloc whose open round has moved on unevenly: decisions on various days
    (some not rated), organizations decided before members (some reopened since), files not
    yet proposed, HTXSNV beyond the quota,
    excellent proposals, scores that limit and scores out of range (the rules cannot check
    such a member, nor then the order of its decision)."""
    settings.MEDIA_ROOT = tmp_path
    seed_demo(seed=7, members=400, log=lambda _: None)
    period = Period.objects.get(status=PeriodStatus.OPEN, kind=PeriodKind.YEAR)
    draw = random.Random(7)
    now = timezone.now()
    for evaluation in Evaluation.objects.filter(period=period).order_by("pk"):
        roll = draw.random()
        changes: dict[str, Any] = {"reviewed": roll > 0.05}
        if evaluation.kind != SubjectKind.MEMBER:
            changes["decided_at"] = now - dt.timedelta(days=21)
        if roll < 0.45 and not evaluation.not_rated_reason:
            changes.update(
                stage=Stage.DECIDED,
                level=draw.choice(["HTXSNV", "HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV"]),
                decided_at=changes.get("decided_at", now - dt.timedelta(days=draw.randint(0, 20))),
            )
        elif roll < 0.45:  # decided: not rated, for the reason it has
            changes.update(stage=Stage.DECIDED, decided_at=now - dt.timedelta(days=1))
        elif roll < 0.6:
            changes.update(stage=Stage.SENT, cell_level="HTXSNV")
        elif roll < 0.9:
            changes.update(stage=Stage.SENT, cell_level=draw.choice(["HTTNV", "HTNV", ""]))
        if evaluation.kind == SubjectKind.MEMBER and draw.random() < 0.4:
            score = draw.choice([18, 26, 29, 40])
            changes["content"] = {
                "score_common": score,
                "score_tasks": draw.choice([40, 60, 66]),
                "tasks_total": 10,
                "tasks_done": draw.choice([7, 10]),
                "tasks_exceeded": draw.choice([0, 3]),
                "tasks_late": 0,
            }
            if score == 40 and not evaluation.not_rated_reason:
                changes.update(stage=Stage.DECIDED, level="HTTNV", decided_at=now)
        Evaluation.objects.filter(pk=evaluation.pk).update(**changes)
    return period
