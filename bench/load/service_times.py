"""Each page of the load test served alone: median wall and CPU time in the Django process
(no queueing, no network), and its query count. Run by bench/bench_load.py after the load run,
on the same database, so that the load figures can be read against what one request costs.

    DATABASE_URL=… .venv/bin/python bench/load/service_times.py var/load/cast.json
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    cast = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = get_user_model().objects
    member = cast["members"][-1]  # the last of the cast: most likely never reached by the run
    secretary = cast["secretaries"][0]
    clerk = cast["clerks"][0]  # the organization with the most files waiting
    board = cast["board"][0]
    district = cast["board"][1] if len(cast["board"]) > 1 else board
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
        ("board: report (district)", district["username"], f"/reports/{district['unit']}/", {}),
        (
            "board: drill-down (district)",
            district["username"],
            f"/reports/{district['unit']}/units/",
            {},
        ),
    ]
    rows = []
    for name, username, url, headers in plan:
        client = Client()
        client.force_login(users.get(username=username))
        client.get(url, **headers)  # warm: templates, translations, connection
        walls, cpus = [], []
        queries = 0
        for _ in range(9):
            with CaptureQueriesContext(connection) as captured:
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url, **headers)
                cpus.append(time.process_time() - cpu)
                walls.append(time.perf_counter() - wall)
            queries = len(captured.captured_queries)
            assert response.status_code == 200, (url, response.status_code)
        rows.append(
            {
                "page": name,
                "wall_ms": round(1000 * statistics.median(walls), 1),
                "cpu_ms": round(1000 * statistics.median(cpus), 1),
                "queries": queries,
                "kb": len(response.content) // 1024,
            }
        )
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
