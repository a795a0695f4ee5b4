"""A merge or split stopped midway leaves nothing half-done: the real `screengraph merge`
(and `split`), killed (kill -9) after some of its statements applied, is finished by the
next merge or split (or `screengraph decisions --finish`); loads refuse to start until
then. Both backends."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.loaders.decisions import (
    FAILED,
    MERGED,
    MERGING,
    SPLIT,
    SPLITTING,
    find_decision,
    list_decisions,
)
from screengraph.loaders.merge import MergeRefused, merge_entities, split_decision
from tests.loaders.test_faults import WRONG_DEGREES, cli_env, release_dead_holders_lease
from tests.loaders.test_merge import _credits, _loaded
from tests.webapp.holders import token_holder

# The real command, killed (kill -9) once its third statement is applied.
DIES_MIDWAY = """
import functools, os, signal, sys
import screengraph.loaders.merge
import screengraph.curation_commands as commands

def die(number):
    if number == 3:
        os.kill(os.getpid(), signal.SIGKILL)

commands.merge_entities = functools.partial(screengraph.loaders.merge.merge_entities, on_step=die)
commands.split_decision = functools.partial(screengraph.loaders.merge.split_decision, on_step=die)
from screengraph.cli import main
main()
"""
CLI = "from screengraph.cli import main; main()"


def run(backend, tmp_path, script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=cli_env(backend),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


def statuses(backend) -> list[str]:
    results = list_decisions(backend)
    return [row[results.columns.index("status")] for row in results.rows]


def assert_checksum(backend, expected, what: str) -> None:
    now = graph_checksum(backend, LOAD_TIMES)
    assert now == expected, describe_difference(expected, now, (what, "now"))
    assert backend.run_read(WRONG_DEGREES).value() == 0


MERGE = ("merge", "Person:mathieu-kassovitz", "Person:matthieu-kassovitz", "--yes")


def test_a_merge_killed_midway_refuses_loads_and_is_finished_by_running_it_again(backend, tmp_path):
    _loaded(backend)
    before = graph_checksum(backend, LOAD_TIMES)
    killed = run(backend, tmp_path, DIES_MIDWAY, *MERGE)
    assert killed.returncode == -9, killed.stderr
    assert statuses(backend) == [MERGING]
    assert graph_checksum(backend, LOAD_TIMES) != before  # half-done until finished
    release_dead_holders_lease(backend)

    listing = tmp_path / "more.jsonl"
    listing.write_text(json.dumps({"title": "Cut", "year": 2003, "cast": ["Vincent Cassel"]}))
    refused = run(backend, tmp_path, CLI, "load", str(listing), "--no-progress")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "stopped midway while merging: run `screengraph decisions --finish`" in (refused.stderr)

    again = run(backend, tmp_path, CLI, *MERGE)
    assert again.returncode == 0, again.stderr + again.stdout
    assert "stopped midway: matthieu-kassovitz and mathieu-kassovitz are now merged" in (
        again.stdout
    )
    assert statuses(backend) == [MERGED]
    assert _credits(backend, "mathieu-kassovitz") == [
        ("ACTED_IN", "la-haine--1995", 1),
        ("DIRECTED", "assassin-s--1997", 1),
        ("DIRECTED", "la-haine--1995", 2),
    ]
    # Finished, the merge is the one an uninterrupted run makes: its split gives back
    # the graph of before it exactly.
    decision = list_decisions(backend).rows[0][0]
    assert run(backend, tmp_path, CLI, "split", decision, "--yes").returncode == 0
    assert_checksum(backend, before, "before the merge")


@pytest.mark.parametrize("finish", [("split", "{id}", "--yes"), ("decisions", "--finish")])
def test_a_split_killed_midway_is_finished_by_the_next_split(backend, tmp_path, finish):
    _loaded(backend)
    before = graph_checksum(backend, LOAD_TIMES)
    decision = merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    killed = run(backend, tmp_path, DIES_MIDWAY, "split", decision["id"], "--yes")
    assert killed.returncode == -9, killed.stderr
    assert statuses(backend) == [SPLITTING]
    release_dead_holders_lease(backend)
    again = run(backend, tmp_path, CLI, *(a.format(id=decision["id"]) for a in finish))
    assert again.returncode == 0, again.stderr + again.stdout
    assert "are now split" in again.stdout
    assert statuses(backend) == [SPLIT]
    assert_checksum(backend, before, "before the merge")


class Interrupted(Exception):
    """Stands for what stops a process between two writes (Ctrl-C, a dropped connection)."""


def interrupt_at(step: int):
    def on_step(number: int) -> None:
        if number == step:
            raise Interrupted(f"stopped after statement {number}")

    return on_step


def test_a_merge_stopped_by_an_error_midway_is_taken_back(backend):
    _loaded(backend)
    before = graph_checksum(backend, LOAD_TIMES)
    with pytest.raises(Interrupted):
        merge_entities(
            backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz", on_step=interrupt_at(4)
        )
    assert_checksum(backend, before, "before the merge")
    assert statuses(backend) == [FAILED]
    page = token_holder(backend, "/decisions").get("/decisions").get_data(as_text=True)
    assert "stopped by an error, taken back" in page and "Split…" not in page
    with pytest.raises(MergeRefused, match="stopped by an error and taken back"):
        split_decision(backend, list_decisions(backend).rows[0][0])
    # A later merge of the same pair is not held up by the failed one.
    decision = merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    split_decision(backend, decision["id"])
    assert_checksum(backend, before, "before the merge")


def test_a_split_stopped_by_an_error_midway_leaves_the_merge_in_force(backend):
    _loaded(backend)
    decision = merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    merged = graph_checksum(backend, LOAD_TIMES)
    with pytest.raises(Interrupted):
        split_decision(backend, decision["id"], on_step=interrupt_at(5))
    assert_checksum(backend, merged, "merged")
    assert statuses(backend) == [MERGED]
    assert "split_at" not in find_decision(backend, decision["id"])
