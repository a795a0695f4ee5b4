"""Undo at the size of real loads (many batches, identified people, series and episodes,
listings changed between loads) and under faults: an undo killed (kill -9) midway is
finished by running it again, and the catalogue is then exactly what it was before the
load, on both backends."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synthetic import generate, write_jsonl
from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.graph.schema import UNDO_STEP_LABEL
from screengraph.loaders.history import find_load
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from screengraph.loaders.undo import Undo
from tests.loaders.test_faults import (
    BATCH,
    LISTINGS,
    WRONG_DEGREES,
    changed_every,
    cli_env,
    listings_stored,
    load_command,
    release_dead_holders_lease,
)
from tests.maintainers import newest


def load(backend, path: Path, batch: int = BATCH) -> str:
    Loader(backend, batch_size=batch).load(read_all([str(path)]), "jsonl")
    return newest(backend)


def assert_restored(backend, before) -> None:
    after = graph_checksum(backend, LOAD_TIMES)
    assert after == before, describe_difference(before, after, ("before", "after undo"))
    assert backend.run_read(WRONG_DEGREES).value() == 0


def test_undo_of_an_update_over_many_batches_restores_the_checksum(backend, tmp_path):
    path = write_jsonl(tmp_path / "listings.jsonl", 300)
    load(backend, path)
    before = graph_checksum(backend, LOAD_TIMES)
    changed_every(path, 4)
    update = load(backend, path, batch=20)  # other batch bounds than the first load's
    assert find_load(backend, update)["updated"] == 75
    Undo(backend).run(update)
    assert_restored(backend, before)


def test_undo_of_identified_listings_with_series_and_episodes(backend, tmp_path):
    listings = generate(tmp_path / "data", 4000, fmt="ours", seed=5)
    lines = listings.read_text(encoding="utf-8").splitlines()
    listings.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    load(backend, listings)
    before = graph_checksum(backend, LOAD_TIMES)
    # the second load adds the other half and changes some of the first
    changed = [json.loads(line) for line in lines]
    for record in changed[: len(lines) // 2 : 7]:
        record["title"] = record["title"] + " (restored)"
        record["cast"] = (record.get("cast") or [])[1:]
    listings.write_text("".join(json.dumps(r) + "\n" for r in changed), encoding="utf-8")
    second = load(backend, listings)
    assert find_load(backend, second)["updated"] > 0
    Undo(backend).run(second)
    assert_restored(backend, before)


# The real `screengraph undo`, killed (kill -9) right after its third step is applied.
DIES_MIDWAY = """
import os, signal, sys
import screengraph.loaders.undo
from screengraph.cli import main

class DiesMidway(screengraph.loaders.undo.Undo):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        applied = []
        def step(name):
            applied.append(name)
            if len(applied) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
        self.on_step = step

screengraph.loaders.undo.Undo = DiesMidway
import screengraph.history_commands
screengraph.history_commands.Undo = DiesMidway
main()
"""


def test_an_undo_killed_midway_then_run_again_converges(backend, tmp_path):
    path = write_jsonl(tmp_path / "listings.jsonl", 200)
    load(backend, path)
    before = graph_checksum(backend, LOAD_TIMES)
    changed_every(path, 3)
    more = write_jsonl(tmp_path / "more.jsonl", 60, seed=9)
    Loader(backend, batch_size=BATCH).load(read_all([str(path), str(more)]), "jsonl")
    load_id = newest(backend)
    killed = subprocess.run(
        [sys.executable, "-c", DIES_MIDWAY, "undo", load_id, "--yes"],
        env=cli_env(backend),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr
    assert backend.run_read(f"MATCH (s:{UNDO_STEP_LABEL}) RETURN count(s)").value() > 0
    release_dead_holders_lease(backend)
    refused = subprocess.run(
        load_command(more), env=cli_env(backend), cwd=tmp_path, capture_output=True, text=True
    )
    assert refused.returncode == 1, refused.stderr
    assert f"run `screengraph undo {load_id}` again" in refused.stderr
    assert "Traceback" not in refused.stderr
    rerun = subprocess.run(
        [
            sys.executable,
            "-c",
            "from screengraph.cli import main; main()",
            "undo",
            load_id,
            "--yes",
        ],
        env=cli_env(backend),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert "finished undo" in rerun.stdout
    assert_restored(backend, before)
    assert backend.run_read(f"MATCH (s:{UNDO_STEP_LABEL}) RETURN count(s)").value() == 0
    assert find_load(backend, load_id)["undone_by"]


def test_undo_of_a_load_killed_midway_restores_the_graph_before_it(backend, tmp_path):
    base = write_jsonl(tmp_path / "base.jsonl", 100, seed=3)
    load(backend, base)
    before = graph_checksum(backend, LOAD_TIMES)
    path = write_jsonl(tmp_path / "listings.jsonl", LISTINGS)
    child = subprocess.Popen(
        load_command(path), env=cli_env(backend), cwd=tmp_path, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while listings_stored(backend) < 100 + LISTINGS // 3 and child.poll() is None:
        assert time.monotonic() < deadline, "the load never got a third of the way"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert listings_stored(backend) < 100 + LISTINGS  # it stopped midway
    release_dead_holders_lease(backend)
    Undo(backend).run(newest(backend))
    assert_restored(backend, before)
