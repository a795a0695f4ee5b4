"""Store versions: a store written by layout 1 is described when opened, `screengraph
upgrade` brings it to this version's layout (idempotent, resumable), and a store written
by a newer screengraph is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from screengraph.cli import main
from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.graph.errors import StoreLayoutTooNew
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.settings import load_settings
from screengraph.graph.store_layout import LAYOUT_VERSION, read_layout
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from screengraph.loaders.upgrade import upgrade, what_will_change
from screengraph.queries.provenance import every_assertion
from screengraph.webapp import create_app
from tests.conftest import REPO, SAMPLE_PAGE
from tests.loaders.layout1_store import build_layout1_store
from tests.loaders.layout3_store import to_layout3

SPIRAL = {
    "title": "Spiral",
    "year": 2005,
    "directors": ["Eric Rochant", "Pascal Chaumeil"],
    "cast": ["Léa Drucker", "Caroline Proust"],
    "genres": ["Drama", "Crime"],
    "companies": ["Son et Lumière"],
}
LEGENDES = {
    "title": "Le Bureau des Légendes",
    "year": 2015,
    "directors": ["ERIC ROCHANT"],
    "cast": ["Lea Drucker", "Mathieu Kassovitz"],
    "genres": ["drama"],
    "companies": ["TOP The Oligarchs Productions"],
}


def inputs(tmp_path):
    listings = tmp_path / "listings.json"
    listings.write_text(json.dumps([SPIRAL, LEGENDES]), encoding="utf-8")
    return [str(SAMPLE_PAGE), str(listings)]


def hub_lists(backend) -> dict[str, int]:
    return {
        what: backend.run_read(query, max_rows=0).value()
        for what, query in {
            "sources": "MATCH (n) WHERE (n:Person OR n:Company OR n:Genre) AND n.sources IS NOT NULL "
            "RETURN count(n)",
            "one-spelling votes": "MATCH (n) WHERE (n:Person OR n:Company OR n:Genre) "
            "AND size(n.votes) = 1 RETURN count(n)",
        }.items()
    }


class Interrupted(Exception):
    pass


def test_an_interrupted_upgrade_of_a_layout_1_store_finishes_and_matches_a_clean_load(
    backend, tmp_path
):
    paths = inputs(tmp_path)
    build_layout1_store(backend, read_all(paths))
    assert read_layout(backend).version == 1
    # 9 people, 3 companies, 2 genres; 3 of them met two spellings (Léa / Lea Drucker...)
    assert hub_lists(backend) == {"sources": 14, "one-spelling votes": 11}
    plan = what_will_change(backend)
    assert plan[0].startswith("layout 2: listing ids become stable")
    assert "  9 people lose `sources` (their listings are those of their edges)" in plan
    assert "  7 people lose `votes` that name one spelling (it is their name)" in plan
    assert read_layout(backend).version == 1  # describing it changed nothing

    slices = []

    def killed_after_two(what, changed):
        slices.append((what, changed))
        if len(slices) == 2:
            raise Interrupted  # as if the process were killed between two writes

    with pytest.raises(Interrupted):
        upgrade(backend, killed_after_two, limit=2)
    halfway = read_layout(backend)
    assert (halfway.version, halfway.upgrading_to) == (2, 3)
    assert 0 < hub_lists(backend)["sources"] < 14

    assert upgrade(backend, limit=2) > 0  # the next run finishes it
    done = read_layout(backend)
    assert (done.version, done.upgrading_to, done.legacy_listings) == (LAYOUT_VERSION, None, 3)
    assert hub_lists(backend) == {"sources": 0, "one-spelling votes": 0}
    before = graph_checksum(backend, LOAD_TIMES)
    assert upgrade(backend) == 0 and what_will_change(backend) == []  # idempotent
    assert graph_checksum(backend, LOAD_TIMES) == before

    # Loading the same files again adopts the old listings: nothing else changes, and the
    # store is then the one this version makes from those files.
    reload = Loader(backend).load(read_all(paths))
    assert (reload.loaded, reload.updated, reload.unchanged) == (0, 0, 3)
    upgraded = graph_checksum(backend, LOAD_TIMES)
    backend.clear()
    Loader(backend).load(read_all(paths))
    clean = graph_checksum(backend, LOAD_TIMES)
    assert upgraded == clean, describe_difference(upgraded, clean, ("upgraded", "clean load"))


def provenance_lists(backend) -> int:
    return (
        backend.run_read("MATCH (s:Show) WHERE s.sources IS NOT NULL RETURN count(s)").value()
        + backend.run_read("MATCH ()-[r]->() WHERE r.sources IS NOT NULL RETURN count(r)").value()
    )


def test_an_interrupted_upgrade_of_a_layout_3_store_gives_the_store_this_version_loads(
    backend, tmp_path
):
    paths = inputs(tmp_path)
    Loader(backend).load(read_all(paths))
    clean = graph_checksum(backend, LOAD_TIMES)
    clean_provenance = every_assertion(backend)
    to_layout3(backend)
    assert read_layout(backend).version == 3 and every_assertion(backend) == ({}, {})
    assert provenance_lists(backend) > 0
    assert what_will_change(backend) == [
        "layout 4: provenance moves to the listings: shows and edges count their listings",
        "  8 shows and their edges get their listings' Assertions and a count instead of `sources`",
    ]

    slices = []

    def killed_after_two(what, changed):
        slices.append((what, changed))
        if len(slices) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        upgrade(backend, killed_after_two, limit=10)  # one show a slice
    assert read_layout(backend).upgrading_to == 4 and 0 < provenance_lists(backend)
    assert upgrade(backend, limit=10) > 0
    assert read_layout(backend).version == LAYOUT_VERSION and provenance_lists(backend) == 0
    assert upgrade(backend) == 0  # idempotent
    assert every_assertion(backend) == clean_provenance
    upgraded = graph_checksum(backend, LOAD_TIMES)
    assert upgraded == clean, describe_difference(upgraded, clean, ("upgraded", "clean load"))
    # Loads go on from it: the same files are unchanged, a changed listing replaces its own.
    assert Loader(backend).load(read_all(paths)).unchanged == 3
    listings = tmp_path / "listings.json"
    listings.write_text(
        json.dumps([{**SPIRAL, "cast": ["Léa Drucker"]}, LEGENDES]), encoding="utf-8"
    )
    assert Loader(backend).load(read_all(paths)).updated == 1
    assert (
        backend.run_read("MATCH (p:Person {key: 'caroline-proust'}) RETURN count(p)").value() == 0
    )


def test_a_load_into_a_layout_1_store_takes_the_same_upgrade(backend, tmp_path):
    build_layout1_store(backend, read_all(inputs(tmp_path)))
    Loader(backend).load([])
    assert read_layout(backend).version == LAYOUT_VERSION
    assert hub_lists(backend) == {"sources": 0, "one-spelling votes": 0}


def test_an_empty_store_is_current_and_its_first_load_records_it(backend):
    assert read_layout(backend).version == LAYOUT_VERSION and what_will_change(backend) == []
    Loader(backend).load(read_all([str(SAMPLE_PAGE)]))
    found = read_layout(backend)
    assert (found.version, found.recorded, found.legacy_listings) == (LAYOUT_VERSION, True, 0)


def test_a_newer_store_is_refused_by_loads_and_upgrades(backend):
    backend.run_write(
        "CREATE (:StoreLayout {key: 'layout', version: $v})", {"v": LAYOUT_VERSION + 1}
    )
    for attempt in (
        lambda: upgrade(backend),
        lambda: Loader(backend).load(read_all([str(SAMPLE_PAGE)])),
    ):
        with pytest.raises(StoreLayoutTooNew, match="written by a newer screengraph"):
            attempt()
    assert backend.counts()["Show"] == 0


# -- as an operator meets it ---------------------------------------------------------


def cli(store, *args):
    return CliRunner().invoke(main, ["--backend", "embedded", "--data-dir", str(store), *args])


def test_opening_an_old_store_says_what_upgrade_will_change(tmp_path):
    store = tmp_path / "store"
    old = FalkorBackend(store, "screengraph")
    build_layout1_store(old, read_all(inputs(tmp_path)))
    old.close()
    stats = cli(store, "stats", "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["Show"] == 8  # reads work
    assert "This store has layout 1" in stats.stderr
    assert "people lose `sources`" in stats.stderr and "'screengraph upgrade'" in stats.stderr

    dry = cli(store, "upgrade", "--dry-run")
    assert dry.exit_code == 0 and dry.stderr == ""  # said once, on stdout
    assert "9 people lose `sources`" in dry.stdout and "Nothing was changed" in dry.stdout
    assert "This store has layout 1" in cli(store, "stats").stderr

    done = cli(store, "upgrade")
    assert done.exit_code == 0 and f"Upgraded to layout {LAYOUT_VERSION}" in done.stdout
    again = cli(store, "upgrade")
    assert "nothing to do" in again.stdout and again.stderr == ""


def test_every_way_of_opening_a_newer_store_refuses_it(tmp_path):
    store = tmp_path / "store"
    newer = FalkorBackend(store, "screengraph")
    newer.run_write(
        "CREATE (:Show {key: 'x', title: 'X'}), (:StoreLayout {key: 'layout', version: $v})",
        {"v": LAYOUT_VERSION + 1},
    )
    newer.close()
    for command in (["stats"], ["load", str(SAMPLE_PAGE)], ["upgrade"], ["search", "x"]):
        result = cli(store, *command)
        assert result.exit_code == 1, command
        assert (
            f"has layout version {LAYOUT_VERSION + 1}, written by a newer screengraph"
            in result.stderr
        ), command
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("NEO4J_", "SCREENGRAPH_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        SCREENGRAPH_BACKEND="embedded",
        SCREENGRAPH_DATA_DIR=str(store),
        SCREENGRAPH_EMBEDDED_IDLE_S="0",
    )
    served = subprocess.run(
        [sys.executable, "-m", "screengraph", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 1 and "written by a newer screengraph" in served.stderr
    app = create_app(
        {"TESTING": True},
        settings=load_settings(
            env={"SCREENGRAPH_EMBEDDED_IDLE_S": "0"}, backend="embedded", data_dir=str(store)
        ),
    )
    response = app.test_client().get("/search.json?q=x")
    assert response.status_code == 503
    assert "written by a newer screengraph" in response.get_data(as_text=True)
    assert cli(store, "doctor").exit_code == 0  # the doctor still says where it is
