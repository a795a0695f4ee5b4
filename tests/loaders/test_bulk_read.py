"""A bulk load's inputs read in a second process (loaders/bulk_read.py): the planner gets
what reading in its own process gives, in the same order, errors included, and no
process is left behind."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screengraph.loaders import bulk_read
from screengraph.loaders.bulk import BulkLoader
from screengraph.loaders.bulk_read import InputRead, read_ahead, read_inputs
from screengraph.loaders.sources import SourceText, read_all
from tests.conftest import REPO


def _files(tmp_path: Path) -> list[str]:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(
        "\n".join(
            json.dumps({"title": f"Show {n}", "year": 2000 + n % 20, "cast": [f"P {n % 7}"]})
            for n in range(450)
        )
        + "\n{not json\n",
        encoding="utf-8",
    )
    second.write_text(json.dumps({"title": "Last", "year": 1999}) + "\n", encoding="utf-8")
    return [str(first), str(second)]


def _seen(items) -> list:
    return [
        (item.name, item.digest, item.note)
        if isinstance(item, InputRead)
        else (item.record.model_dump(), item.digest)
        for item in items
    ]


def test_the_child_gives_what_reading_here_gives_in_the_same_order(tmp_path):
    paths = _files(tmp_path)
    here = _seen(read_inputs(read_all(paths), None, lambda lines: None))
    ahead = _seen(read_ahead(read_all(paths), None, lambda lines: None))
    assert ahead == here
    assert len(here) == 2 + 451 + 1  # two inputs, their listings, the rejected line
    assert [entry[1] for entry in here if isinstance(entry[0], dict)].count(None) == 1
    assert multiprocessing.active_children() == []  # the reader is gone


def test_a_reading_error_reaches_the_planner_with_its_words(tmp_path):
    source = SourceText("listings.weird", '{"title": "A"}')
    with pytest.raises(ValueError, match="unknown format 'weird'"):
        list(read_ahead([source], "weird", lambda lines: None))
    assert multiprocessing.active_children() == []


def test_a_reader_that_dies_is_told_not_waited_for(tmp_path, monkeypatch):
    """A reader killed by the system (out of memory) stops the load with a message."""
    monkeypatch.setattr(bulk_read, "_WAIT_S", 0.1)
    big = tmp_path / "big.jsonl"
    big.write_text(
        "\n".join(json.dumps({"title": f"S{n}", "year": 2000}) for n in range(20_000)),
        encoding="utf-8",
    )
    items = read_ahead(read_all([str(big)]), None, lambda lines: None)
    next(items)
    (child,) = multiprocessing.active_children()
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="reading process stopped"):
        for _ in items:
            pass
    assert multiprocessing.active_children() == []


def test_a_bulk_plan_collects_garbage_less_and_restores_the_collector(tmp_path):
    before = gc.get_threshold()
    seen = []
    with BulkLoader(batch_size=50, on_progress=lambda n: seen.append(gc.get_threshold())) as loader:
        loader.plan(read_all(_files(tmp_path)))
    assert set(seen) == {bulk_read.GC_THRESHOLDS}
    assert gc.get_threshold() == before
    assert loader.summary.loaded == 451 and loader.summary.rejected == 1


def test_a_killed_planner_leaves_no_reader_behind(tmp_path):
    """Killed (SIGKILL: no cleanup runs), the planner's reader, blocked handing over
    records nobody takes, ends too."""
    big = tmp_path / "big.jsonl"
    big.write_text(
        "\n".join(json.dumps({"title": f"S{n}", "year": 2000}) for n in range(20_000)),
        encoding="utf-8",
    )
    planner = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("bulk_read_orphan.py")), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert planner.stdout is not None
    reader = int(planner.stdout.readline())
    planner.kill()
    planner.wait()
    deadline = time.monotonic() + 30
    while _running(reader) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(reader)


def _running(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped by init, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return False
    return "\nState:\tZ" not in status
