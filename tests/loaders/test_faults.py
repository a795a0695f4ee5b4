"""Loads under faults: a loader killed (kill -9) or stopped by an error in the middle of a
load leaves no listing half-written, and the same load run again gives exactly the graph
one clean load gives (graph/checksum.py), credit counts included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from benchmarks.synthetic import GENRES, write_jsonl
from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.graph.keys import person_key
from screengraph.graph.neo4j_lease import LEASE_LABEL
from screengraph.graph.schema import LISTING_LABEL
from screengraph.loaders.formats import parse
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.plan import content_hash, plan_listing
from screengraph.loaders.sources import read_all
from screengraph.queries.provenance import every_assertion
from tests.conftest import REPO, open_backend

LISTINGS = 1500
BATCH = 50

# Degrees as stored against degrees as counted: how many nodes disagree.
WRONG_DEGREES = (
    "MATCH (n) WHERE n:Person OR n:Company OR n:Genre "
    "OPTIONAL MATCH (n)-[r]-() WITH n, count(r) AS degree "
    "WHERE coalesce(n.credit_count, n.show_count) <> degree RETURN count(n)"
)


def cli_env(backend) -> dict[str, str]:
    """The environment that points `screengraph` at the test's own graph."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if backend.name == "embedded":
        env.update(
            SCREENGRAPH_BACKEND="embedded",
            SCREENGRAPH_DATA_DIR=str(backend.server.data_dir),
            SCREENGRAPH_GRAPH=backend.graph_name,
        )
    else:
        env.update(SCREENGRAPH_BACKEND="neo4j")
    return env


def load_command(path: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from screengraph.cli import main; main()",
        "load",
        str(path),
        "--batch-size",
        str(BATCH),
        "--no-progress",
    ]


def listings_stored(backend) -> int:
    return backend.run_read(f"MATCH (l:{LISTING_LABEL}) RETURN count(l)").value()


def expected_edges(path: Path) -> dict[int, set[str]]:
    """Every listing's edges, by line, as the loader plans them."""
    return {
        record.ref.line: {
            edge.identity
            for edge in plan_listing(record.listing, record.ref, lambda title: title).edges
        }
        for record in parse(path.read_text(encoding="utf-8"), str(path), "jsonl")
    }


def edges_by_listing(backend) -> dict[str, set[str]]:
    """The edges each listing id asserts, as `type|start|end|role`."""
    found: dict[str, set[str]] = defaultdict(set)
    stored = {
        f"{rel_type}|{start}|{end}|{role or ''}"
        for rel_type, start, end, role in backend.run_read(
            "MATCH (a)-[r]->(b) RETURN type(r), a.key, b.key, r.role", max_rows=0
        ).rows
    }
    _shows, asserted = every_assertion(backend)
    for identity, listings in asserted.items():
        assert identity in stored, f"an Assertion names the edge {identity}, not in the store"
        for listing in listings:
            found[listing].add(identity)
    return found


def assert_no_listing_half_written(backend, expected: dict[int, set[str]]) -> None:
    """A listing in the store has its show and all its edges; one not there has none."""
    stored = dict(
        backend.run_read(f"MATCH (l:{LISTING_LABEL}) RETURN l.key, l.line", max_rows=0).rows
    )
    found = edges_by_listing(backend)
    assert set(found) <= set(stored), (
        f"edges of listings not stored: {sorted(set(found) - set(stored))[:5]}"
    )
    half = [key for key, line in stored.items() if found.get(key, set()) != expected[line]]
    assert not half, f"{len(half)} listings half-written, e.g. {half[:3]}"


def clean_checksum(backend, path: Path, request):
    """The checksum of one uninterrupted load of `path` into an empty graph."""
    if backend.name == "embedded":
        backend = open_backend("embedded", request)
    else:
        backend.clear()
    Loader(backend, batch_size=BATCH).load(read_all([str(path)]), "jsonl")
    return graph_checksum(backend, LOAD_TIMES)


def release_dead_holders_lease(backend) -> None:
    """A killed load keeps Neo4j's load lease until it expires (a minute): stand for that."""
    if backend.name == "neo4j":
        backend.run_write(
            f"MATCH (l:{LEASE_LABEL}) SET l.holder = null, l.since = null, "
            "l.expires_at = null, l.asked_at = null"
        )


def test_a_load_killed_mid_way_then_run_again_gives_the_graph_of_one_clean_load(
    backend, tmp_path, request
):
    path = write_jsonl(tmp_path / "listings.jsonl", LISTINGS)
    child = subprocess.Popen(
        load_command(path),
        env=cli_env(backend),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while listings_stored(backend) < LISTINGS // 3 and child.poll() is None:
        assert time.monotonic() < deadline, "the load never got a third of the way"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    written = listings_stored(backend)
    assert LISTINGS // 3 <= written < LISTINGS, f"killed at {written} of {LISTINGS}: not mid-load"
    assert_no_listing_half_written(backend, expected_edges(path))

    release_dead_holders_lease(backend)
    rerun = subprocess.run(
        load_command(path),
        env=cli_env(backend),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"unchanged {written}" in rerun.stdout
    recovered = graph_checksum(backend, LOAD_TIMES)
    assert backend.run_read(WRONG_DEGREES).value() == 0
    clean = clean_checksum(backend, path, request)
    assert recovered == clean, describe_difference(recovered, clean, ("recovered", "clean"))
    assert "did not finish: recounted" in rerun.stderr  # the user is told


# The real `screengraph load`, whose writer dies (kill -9) the moment the first batch that
# replaces listings has been written: where the loader used to write a changed listing's
# new version, and prune what its old version asserted only in statements of their own.
DIES_AFTER_A_REPLACING_WRITE = """
import os, signal
import screengraph.loaders.pipeline
from screengraph.cli import main

class DiesAfterWriting(screengraph.loaders.pipeline.ListingWriter):
    def write(self, plans, previous=None, loaded_at=None):
        super().write(plans, previous, loaded_at)
        if any(plan.source_id in (previous or {}) for plan in plans):
            os.kill(os.getpid(), signal.SIGKILL)

screengraph.loaders.pipeline.ListingWriter = DiesAfterWriting
main()
"""


def changed_every(path: Path, step: int) -> None:
    """Change every `step`-th listing of a JSON Lines file: drop its last cast member and
    change its genres (to a genre new to the graph, or to another one it has)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in range(0, len(lines), step):
        record = json.loads(lines[i])
        record["cast"] = record["cast"][:-1]
        record["genres"] = (
            ["Film Noir"]
            if i % (2 * step)
            else [GENRES[(GENRES.index(record["genres"][0]) + 1) % len(GENRES)]]
        )
        lines[i] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def versions(path: Path) -> dict[int, tuple[str, set[str]]]:
    """Every listing's content hash and edges, by line, as the loader plans them."""
    return {
        record.ref.line: (
            content_hash(record.listing),
            {
                edge.identity
                for edge in plan_listing(record.listing, record.ref, lambda title: title).edges
            },
        )
        for record in parse(path.read_text(encoding="utf-8"), str(path), "jsonl")
    }


def listings_by_version(backend, old: dict, new: dict) -> dict[str, list[int]]:
    """Lines of the stored listings by the version they hold whole ("old", "new"; an
    unchanged one counts as new); "half" for those whose edges are not those of the
    version their content hash names."""
    found = edges_by_listing(backend)
    by_version: dict[str, list[int]] = defaultdict(list)
    for key, line, digest in backend.run_read(
        f"MATCH (l:{LISTING_LABEL}) RETURN l.key, l.line, l.content_hash", max_rows=0
    ).rows:
        held = (digest, found.get(key, set()))
        version = "new" if held == new[line] else "old" if held == old[line] else "half"
        by_version[version].append(line)
    return by_version


def test_a_load_killed_between_writing_and_pruning_changed_listings_leaves_none_half_written(
    backend, tmp_path, request
):
    path = write_jsonl(tmp_path / "listings.jsonl", 300)
    Loader(backend, batch_size=BATCH).load(read_all([str(path)]), "jsonl")
    old = versions(path)
    changed_every(path, 5)
    new = versions(path)
    assert sum(old[line] != new[line] for line in old) == 60

    child = subprocess.run(
        [
            sys.executable,
            "-c",
            DIES_AFTER_A_REPLACING_WRITE,
            "load",
            str(path),
            "--batch-size",
            str(BATCH),
            "--no-progress",
        ],
        env=cli_env(backend),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    by_version = listings_by_version(backend, old, new)
    assert not by_version["half"], (
        f"{len(by_version['half'])} listings half-written, e.g. {sorted(by_version['half'])[:3]}"
    )
    changed = {line for line in old if old[line] != new[line]}
    assert changed & set(by_version["new"]) and changed & set(by_version["old"]), (
        "the load was not killed mid-way"
    )

    release_dead_holders_lease(backend)
    rerun = subprocess.run(
        load_command(path),
        env=cli_env(backend),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert set(listings_by_version(backend, old, new)) == {"new"}
    assert backend.run_read(WRONG_DEGREES).value() == 0
    recovered = graph_checksum(backend, LOAD_TIMES)
    clean = clean_checksum(backend, path, request)
    assert recovered == clean, describe_difference(recovered, clean, ("recovered", "clean"))


def test_a_name_one_changed_listing_drops_and_another_of_its_batch_keeps_loses_one_vote(
    backend, tmp_path, request
):
    """The take-back of a dropped name goes with the batch that still counts the others'
    votes: "Anna Novak" loses the vote of the listing that dropped her, once."""

    def listings(first_cast: list[str], third_synopsis: str) -> str:
        return "".join(
            json.dumps(record) + "\n"
            for record in (
                {"title": "One", "year": 2001, "cast": first_cast},
                {"title": "Two", "year": 2002, "cast": ["ANNA NOVAK"]},
                {
                    "title": "Three",
                    "year": 2003,
                    "cast": ["Anna Novak"],
                    "synopsis": third_synopsis,
                },
            )
        )

    path = tmp_path / "listings.jsonl"
    path.write_text(listings(["Anna Novak", "Bob Ray"], "First."), encoding="utf-8")
    Loader(backend).load(read_all([str(path)]), "jsonl")
    path.write_text(listings(["Bob Ray"], "Second."), encoding="utf-8")
    summary = Loader(backend).load(read_all([str(path)]), "jsonl")
    assert (summary.updated, summary.unchanged) == (2, 1)
    votes = backend.run_read(
        "MATCH (p:Person {key: $key}) RETURN p.votes", {"key": person_key("Anna Novak")}
    ).value()
    assert sorted(votes) == ["ANNA NOVAK\t1", "Anna Novak\t1"]
    reloaded = graph_checksum(backend, LOAD_TIMES)
    clean = clean_checksum(backend, path, request)
    assert reloaded == clean, describe_difference(reloaded, clean, ("reloaded", "clean"))


def failing_after(path: Path, listings: int):
    """The sources of a load whose input fails after the first `listings` listings of
    `path` (a disk error); the file is whole again afterwards."""
    whole = path.read_text(encoding="utf-8")
    path.write_text("".join(whole.splitlines(keepends=True)[:listings]), encoding="utf-8")
    try:
        yield from read_all([str(path)])
    finally:
        path.write_text(whole, encoding="utf-8")
    raise OSError("the disk holding the second file went away")


def test_a_load_stopped_by_an_error_leaves_right_counts_and_converges(backend, tmp_path, request):
    path = write_jsonl(tmp_path / "listings.jsonl", 600)
    with pytest.raises(OSError, match="went away"):
        Loader(backend, batch_size=BATCH).load(failing_after(path, 350), "jsonl")
    assert 0 < listings_stored(backend) <= 350  # the batch being gathered is not written
    assert_no_listing_half_written(backend, expected_edges(path))
    assert backend.run_read(WRONG_DEGREES).value() == 0
    Loader(backend, batch_size=BATCH).load(read_all([str(path)]), "jsonl")
    recovered = graph_checksum(backend, LOAD_TIMES)
    clean = clean_checksum(backend, path, request)
    assert recovered == clean, describe_difference(recovered, clean, ("recovered", "clean"))


# -- kill -9 of the embedded store's server ----------------------------------------


@pytest.fixture
def own_store(tmp_path):
    """An embedded store whose server this test process owns (its keeper restarts it)."""
    from screengraph.graph.falkor_backend import FalkorBackend

    owner = FalkorBackend(tmp_path / "store", "faults")
    owner.ensure_schema()
    yield owner
    owner.close()


def test_a_load_goes_through_kill_9_of_the_embedded_server_and_loses_nothing(
    own_store, tmp_path, request
):
    path = write_jsonl(tmp_path / "listings.jsonl", LISTINGS)
    child = subprocess.Popen(
        load_command(path),
        env=cli_env(own_store),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while (seen := listings_stored(own_store)) < LISTINGS // 3 and child.poll() is None:
        assert time.monotonic() < deadline, "the load never got a third of the way"
        time.sleep(0.02)
    server = own_store.server.pid
    os.kill(server, signal.SIGKILL)  # what a reader saw was acknowledged (and fsynced)
    out, err = child.communicate(timeout=300)
    assert seen < LISTINGS, "the load ended before the server was killed"
    assert own_store.server.pid != server, "the server was not restarted"
    assert listings_stored(own_store) >= seen, "acknowledged listings were lost"
    assert "Traceback" not in err, err
    if child.returncode != 0:  # a clear error, and the same load again finishes it
        assert "stopped answering" in err, err
    assert_no_listing_half_written(own_store, expected_edges(path))
    rerun = subprocess.run(
        load_command(path),
        env=cli_env(own_store),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    recovered = graph_checksum(own_store, LOAD_TIMES)
    clean = clean_checksum(own_store, path, request)
    assert recovered == clean, describe_difference(recovered, clean, ("recovered", "clean"))


def test_web_readers_get_a_retryable_answer_or_their_page_when_the_server_is_killed(
    own_store, tmp_path
):
    from concurrent.futures import ThreadPoolExecutor

    from screengraph.webapp import create_app

    path = write_jsonl(tmp_path / "listings.jsonl", 300)
    Loader(own_store).load(read_all([str(path)]), "jsonl")
    keys = [row[0] for row in own_store.run_read("MATCH (s:Show) RETURN s.key", max_rows=0).rows]
    app = create_app({"TESTING": True}, backend=own_store)
    stop = time.monotonic() + 4.0

    def reader(offset: int) -> list[tuple[int, str]]:
        client, answers, i = app.test_client(), [], offset
        while time.monotonic() < stop:
            response = client.get(f"/show/{keys[i % len(keys)]}")
            answers.append((response.status_code, response.get_data(as_text=True)))
            i += 7
        return answers

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(reader, n) for n in range(8)]
        time.sleep(1.0)
        server = own_store.server.pid
        os.kill(server, signal.SIGKILL)
        answers = [answer for future in futures for answer in future.result()]
    statuses = {status for status, _ in answers}
    assert statuses <= {200, 503}, statuses
    assert all("stopped answering" in body for status, body in answers if status == 503)
    assert own_store.server.pid != server
    assert app.test_client().get(f"/show/{keys[0]}").status_code == 200


def test_a_batch_sent_again_after_its_reply_was_lost_counts_as_written(backend, tmp_path):
    """After a lost connection a backend sends a write once more: if the first one was
    applied (the server died before replying), the second meets its own nodes."""
    from screengraph.loaders.writer import ListingWriter

    path = write_jsonl(tmp_path / "listings.jsonl", 20)
    plans = [
        plan_listing(r.listing, r.ref, lambda title: title)
        for r in parse(path.read_text(encoding="utf-8"), str(path), "jsonl")
    ]
    writer = ListingWriter(backend)
    batch = writer.prepare(plans)
    backend.run_write(batch.encoded)  # applied; its reply never reached the loader
    writer.finish(writer.launch(batch))  # the same write again: no error
    assert listings_stored(backend) == 20
