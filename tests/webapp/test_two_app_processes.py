"""Beyond one machine: the web app as several stateless processes in front of one Neo4j.
A listing added through one process is on the other's pages at once, although that one
had already rendered and kept (webapp/page_cache.py) the page without it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.webapp.conftest import INGEST_TOKEN, csrf_from

REPO = Path(__file__).resolve().parents[2]
LISTING = '{"title": "Zanzibar Lighthouse", "year": 2024, "cast": ["Quilla Marsh"]}'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENGRAPH_")}
    env.update(
        PYTHONPATH=str(REPO),
        SCREENGRAPH_BACKEND="neo4j",
        SCREENGRAPH_INGEST_TOKEN=INGEST_TOKEN,
        SCREENGRAPH_SECRET_KEY="two-processes",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "screengraph", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.stdout.read()}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} did not come up")


@pytest.fixture
def two_apps(neo4j):
    ports = [_free_port(), _free_port()]
    processes = [_serve(port) for port in ports]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process in zip(bases, processes):
            _wait_up(base, process)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
            process.stdout.close()


def test_a_listing_added_through_one_process_is_on_the_others_pages_at_once(two_apps):
    first, second = two_apps
    search = "/search.json?q=Zanzibar"
    before = requests.get(second + search, timeout=10)
    assert before.status_code == 200, before.text
    assert "Zanzibar Lighthouse" not in before.text
    assert requests.get(second + search, timeout=10).headers["ETag"] == before.headers["ETag"]
    visitor = requests.Session()
    csrf = csrf_from(visitor.get(f"{first}/ingest", timeout=10).text)
    preview = visitor.post(
        f"{first}/ingest.json",
        files={
            "csrf_token": (None, csrf),
            "token": (None, INGEST_TOKEN),
            "text": (None, LISTING),
            "action": (None, "preview"),
        },
        timeout=30,
    )
    assert preview.status_code == 200, preview.text
    confirm = visitor.post(
        f"{first}/ingest.json",
        files={
            "csrf_token": (None, csrf),
            "preview": (None, preview.json()["preview"]["id"]),
            "action": (None, "confirm"),
        },
        timeout=60,
    )
    assert confirm.status_code == 200, confirm.text
    after = requests.get(second + search, timeout=10)  # no wait, no retry
    assert "Zanzibar Lighthouse" in after.text
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Zanzibar Lighthouse" in requests.get(first + search, timeout=10).text
