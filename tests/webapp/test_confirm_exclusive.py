"""A confirmation checks what its preview promised and loads under one load lock, the one
every load takes across processes: a load from another process (the CLI, another app
process) can neither land between the check and the write nor interleave with them."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from screengraph.loaders.pipeline import Loader
from tests.loaders.test_faults import cli_env
from tests.webapp.conftest import make_app
from tests.webapp.test_ingest import Visitor, error_code

URL = "https://catalogue.example/shows/delta-ingest-show"
# The preview: a listing new to the store. Elsewhere: the same listing at its source (its
# page names it), with another cast, loaded by another process.
PREVIEWED = {"title": "Delta Ingest Show", "year": 2024, "cast": ["Dee Delta"], "source_url": URL}
ELSEWHERE = {**PREVIEWED, "cast": ["Dora Elsewhere"]}
FILLER = {"title": "Filler Ingest Show", "year": 2019, "cast": ["Fil Filler"]}
WAITING = "waiting for it to finish"  # what a load says while another one holds the lock
PATIENCE_S = 120

# A load in its own process that stops, holding the load lock, after its first listing
# (FILLER) and goes on (ELSEWHERE) when told to on standard input.
HOLDS_THE_LOCK_MID_LOAD = """
import sys
from screengraph.graph.connect import connect
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText

def pause_once(done, paused=[]):
    if not paused:
        paused.append(done)
        print("holding the load lock", flush=True)
        sys.stdin.readline()

backend = connect()
summary = Loader(backend, batch_size=1, on_progress=pause_once).load(
    [SourceText("elsewhere.jsonl", sys.argv[1])], "jsonl")
print(summary.line(), flush=True)
backend.close()
"""


def stored_cast(backend) -> list[str]:
    return sorted(
        row[0]
        for row in backend.run_read(
            "MATCH (p:Person)-[:ACTED_IN]->(s:Show {title: 'Delta Ingest Show'}) RETURN p.name"
        ).rows
    )


def assert_loaded_as_previewed_or_refused(response) -> None:
    body = response.get_json()
    if response.status_code == 409:
        assert error_code(response) == "preview_outdated", body
        return
    assert response.status_code == 200, body
    preview = body["preview"]
    assert (preview["loaded"], preview["updated"]) == (1, 0), (
        f"the confirmation wrote something else than its preview: {preview['line']}"
    )
    assert [item["status"] for item in preview["listings"]] == ["created"]


def read_until(stream, marker: str) -> str:
    """What a child process wrote up to the line holding `marker`, or to its end."""
    seen = ""
    for line in stream:
        seen += line
        if marker in line:
            break
    return seen


def test_a_load_from_another_process_cannot_slip_between_the_check_and_the_write(
    backend, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps(ELSEWHERE))
    children: list[subprocess.Popen] = []

    class IntrudedLoader(Loader):
        """The moment the confirmation's write starts (its check is done), the real
        `screengraph load` of the same listing starts in another process, and is given
        until it ends or says it waits for the load lock."""

        def load(self, sources, fmt=None):
            if not self.dry_run and not children:
                child = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        "from screengraph.cli import main; main()",
                        "load",
                        str(elsewhere),
                        "--no-progress",
                    ],
                    env=cli_env(backend),
                    cwd=tmp_path,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                children.append(child)
                read_until(child.stderr, WAITING)
            return super().load(sources, fmt)

    monkeypatch.setattr("screengraph.webapp.views_ingest.Loader", IntrudedLoader)
    visitor = Visitor(make_app(backend))
    preview_id = visitor.preview_id(json.dumps(PREVIEWED))
    done = visitor.confirm(preview_id)

    [child] = children
    out, err = child.communicate(timeout=PATIENCE_S)
    assert child.returncode == 0, err
    assert_loaded_as_previewed_or_refused(done)
    # The two loads took turns: the CLI's came second, and updated the confirmed listing.
    assert "loaded 0, updated 1" in out, out
    assert stored_cast(backend) == ["Dora Elsewhere"]


def test_a_confirmation_waits_for_a_running_load_of_another_process(backend, tmp_path, caplog):
    visitor = Visitor(make_app(backend))
    preview_id = visitor.preview_id(json.dumps(PREVIEWED))
    lines = "\n".join(json.dumps(listing) for listing in (FILLER, ELSEWHERE))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDS_THE_LOCK_MID_LOAD, lines],
        env=cli_env(backend),
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "holding the load lock" in read_until(holder.stdout, "holding the load lock"), (
            holder.stderr.read()
        )
        answers = []
        confirming = threading.Thread(target=lambda: answers.append(visitor.confirm(preview_id)))
        confirming.start()
        deadline = time.monotonic() + PATIENCE_S
        while WAITING not in caplog.text and confirming.is_alive():
            assert time.monotonic() < deadline, "the confirmation neither waited nor ended"
            time.sleep(0.05)
        assert confirming.is_alive() and not answers, (
            "the confirmation ended while another process's load held the lock"
        )
        holder.stdin.write("go on\n")
        holder.stdin.flush()
        out, err = holder.communicate(timeout=PATIENCE_S)
        confirming.join(PATIENCE_S)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert holder.returncode == 0, err
    assert "loaded 2" in out, out
    [done] = answers
    assert_loaded_as_previewed_or_refused(done)
    # That load wrote the listing first: the confirmation, checked after it, is refused.
    assert done.status_code == 409
    assert stored_cast(backend) == ["Dora Elsewhere"]


@pytest.fixture(autouse=True)
def _warnings_captured(caplog):
    caplog.set_level("WARNING")
