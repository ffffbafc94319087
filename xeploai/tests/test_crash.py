"""Crash safety: a process killed with SIGKILL in the middle of a bulk operation leaves the
database holding all of it or none of it.

Each test builds its own database (a SQLite file, or a throwaway PostgreSQL database when the
suite runs on PostgreSQL), so that real separate processes can work on it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PREPARE = """
import django; django.setup()
from xeploai.seed.demo import seed_demo
from xeploai.reviews.models import Comment, Evaluation, Stage
from django.utils import timezone
import datetime as dt
seed_demo(members=1500, log=lambda _: None)
chosen = list(Evaluation.objects.filter(period__year=2026, period__kind="nam", kind="dang_vien", not_rated_reason="")
              .values_list("pk", flat=True))
Evaluation.objects.filter(pk__in=chosen).update(
    stage=Stage.SENT, cell_level="HTTNV", reviewed=True,
    content={"score_common": 27, "score_tasks": 62, "tasks_total": 4, "tasks_done": 4,
             "tasks_exceeded": 1, "tasks_late": 0, "self_level": "HTTNV", "sections": {}})
now = timezone.now()
Comment.objects.bulk_create([Comment(evaluation_id=pk, source=s, text="x", received_on=dt.date(2026, 11, 1),
                                     recorded_at=now) for pk in chosen
                             for s in ("noi_cu_tru", "don_vi_cu", "chi_bo_tam_thoi")])
from xeploai.org.models import CivilServiceRating, Person
for person in Person.objects.filter(is_civil_servant=True):
    CivilServiceRating.objects.get_or_create(person=person, year=2026, defaults={"level": "HTTNV",
                                             "rated_on": dt.date(2026, 11, 15)})
print(len(chosen))
"""

BULK_DECIDE = """
import django; django.setup()
import datetime as dt, sys
from xeploai.reviews import services
from xeploai.reviews.models import Evaluation, Stage
evaluations = list(Evaluation.objects.filter(period__year=2026, period__kind="nam", stage=Stage.SENT, kind="dang_vien")
                   .select_related("unit", "decider", "person", "period").order_by("pk"))
print("started", len(evaluations), flush=True)
services.decisions_accept(actor=None, evaluations=evaluations, on=dt.date(2026, 12, 15))
print("finished", flush=True)
"""

INSPECT = """
import django; django.setup()
from xeploai.reviews.models import Evaluation, Stage
from xeploai.reviews.stats import stats_differences
from xeploai.cycles.models import Period
decided = Evaluation.objects.filter(period__year=2026, period__kind="nam", stage=Stage.DECIDED, kind="dang_vien").count()
sent = Evaluation.objects.filter(period__year=2026, period__kind="nam", stage=Stage.SENT, kind="dang_vien").count()
print(decided, sent, len(stats_differences(Period.objects.get(year=2026, kind="nam"))))
"""


def run(url: str, script: str, tmp_path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=_env(url, tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
        "XEPLOAI_DATA_DIR": str(tmp_path),
    }


def test_a_bulk_decision_killed_midway_leaves_all_or_nothing(
    scratch_database_url: str, tmp_path: Path
) -> None:
    subprocess.run(
        [sys.executable, "-m", "xeploai", "migrate", "-v", "0"],
        env=_env(scratch_database_url, tmp_path),
        check=True,
        timeout=300,
    )
    chosen = int(run(scratch_database_url, PREPARE, tmp_path).splitlines()[-1])
    process = subprocess.Popen(
        [sys.executable, "-c", BULK_DECIDE],
        env=_env(scratch_database_url, tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("started")
    time.sleep(1.5)  # well into the decisions, far from their end
    assert process.poll() is None, "the bulk decision ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    decided, sent, differences = map(int, run(scratch_database_url, INSPECT, tmp_path).split())
    assert (decided, sent) in ((0, chosen), (chosen, 0)), (decided, sent, chosen)
    assert differences == 0
