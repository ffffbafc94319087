# ruff: noqa: S603 — a bench script that starts gunicorn from this virtualenv
"""The report as the user waits for it: the page and the drill-down, through Django's test
client (one process, no network) and through gunicorn (a real HTTP request on loopback).

Used by ``bench/bench_national.py`` (it passes the units); alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xeploai_speed_gen \\
        .venv/bin/python bench/bench_pages.py --codes QG2026,QG2026-P22 --runs 30

The reader is a global administrator named ``bench-pages`` (created if missing, no password):
it sees every unit, as a national board member does. The gunicorn server runs one sync worker
with the normal settings (DEBUG off); its session cookie comes from the test client's login.
``first`` is the first request after the server was started: once its worker has loaded
the application (gunicorn's ``post_worker_init`` hook, after wsgi.py's warm-up; how long the
boot took is reported as ``boot``); the others are medians of ``runs`` requests after it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.floors import first_and_median, loadavg  # noqa: E402

PAGES = {"report": "/reports/{code}/", "drill-down": "/reports/{code}/units/"}


def reader() -> Any:
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench-pages", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def client_pages(codes: list[str], runs: int) -> dict[str, dict[str, Any]]:
    """Django's test client: (first, median) of each page of each unit."""
    from django.test import Client

    client = Client()
    client.force_login(reader())
    result: dict[str, dict[str, Any]] = {}
    for code in codes:
        for name, url in PAGES.items():

            def get(url: str = url.format(code=code)) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            first, median, _ = first_and_median(get, runs)
            result[f"{code} {name}"] = {"first_ms": round(first, 2), "median_ms": round(median, 2)}
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("gunicorn did not listen")


def gunicorn_pages(codes: list[str], runs: int) -> dict[str, dict[str, Any]]:
    """The same pages through gunicorn (one sync worker) on loopback."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(reader())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="xeploai-bench-pages-"))
    ready = folder / "ready"
    config = folder / "gunicorn_conf.py"
    # gunicorn calls this once the worker has loaded the application (wsgi.py's warm-up
    # included): the first request is then timed from a started server, not from a boot
    config.write_text(
        f"def post_worker_init(worker):\n    open({str(ready)!r}, 'w').close()\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "XEPLOAI_DEBUG": "0",
        "XEPLOAI_SECRET_KEY": settings.SECRET_KEY,
        "XEPLOAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "xeploai.settings",
    }
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "xeploai.wsgi",
            "--config",
            config,
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    result: dict[str, dict[str, Any]] = {}
    try:
        _wait_for_port(port)
        started = time.monotonic()
        while not ready.exists():
            if time.monotonic() - started > 120 or server.poll() is not None:
                raise SystemExit("the gunicorn worker did not boot")
            time.sleep(0.05)
        result["boot"] = {"first_ms": round((time.monotonic() - started) * 1000), "median_ms": 0}
        for code in codes:
            for name, url in PAGES.items():

                def get(url: str = f"http://127.0.0.1:{port}" + url.format(code=code)) -> None:
                    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                        assert response.status == 200, (url, response.status)
                        response.read()

                first, median, _ = first_and_median(get, runs)
                result[f"{code} {name}"] = {
                    "first_ms": round(first, 2),
                    "median_ms": round(median, 2),
                }
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return result


def measure(codes: list[str], runs: int) -> dict[str, Any]:
    return {
        "load_before": loadavg(),
        "client": client_pages(codes, runs),
        "gunicorn": gunicorn_pages(codes, runs),
        "load_after": loadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", required=True, help="unit codes, comma-separated")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xeploai.settings")
    os.environ.setdefault("XEPLOAI_DEBUG", "0")
    import django

    django.setup()
    print(json.dumps(measure(args.codes.split(","), args.runs)))


if __name__ == "__main__":
    main()
