"""Load history and diffs, as a catalogue maintainer uses them: every load is recorded
(who, from where, which inputs, counts, outcome), and what each changed can be read back,
on both backends."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from screengraph.cli import main
from screengraph.graph.checksum import LOAD_TIMES, graph_checksum
from screengraph.graph.schema import CHANGE_LABEL, LOAD_LABEL, REPLACED_LABEL
from screengraph.loaders.changes import diff_counts, load_diff
from screengraph.loaders.history import (
    FAILED,
    FINISHED,
    INTERRUPTED,
    VIA_WEB,
    LoadNotFound,
    LoadOrigin,
    LoadRecorder,
    find_load,
    new_load_id,
)
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from tests.conftest import SAMPLE_PAGE
from tests.maintainers import loads, named

ALIEN = {
    "title": "Alien",
    "year": 1979,
    "synopsis": "In space.",
    "credits": [
        {"name": "Sigourney Weaver", "category": "actress", "characters": ["Ripley"]},
        {"name": "Tom Skerritt", "category": "actor"},
    ],
    "directors": ["Ridley Scott"],
    "genres": ["Horror"],
    "companies": ["Brandywine"],
}
HEAT = {"title": "Heat", "year": 1995, "directors": ["Michael Mann"], "genres": ["Crime"]}


def test_every_load_is_recorded_with_who_where_inputs_counts_and_outcome(backend):
    source = named("films", ALIEN, HEAT)
    Loader(backend, origin=LoadOrigin(VIA_WEB, "night desk")).load([source])
    Loader(backend).load([named("films", ALIEN, HEAT)])  # all unchanged: recorded too
    newest, first = loads(backend)
    assert (first["via"], first["by"], first["status"]) == (VIA_WEB, "night desk", FINISHED)
    assert (first["loaded"], first["updated"], first["unchanged"], first["rejected"]) == (
        2,
        0,
        0,
        0,
    )
    assert (newest["via"], newest["loaded"], newest["unchanged"]) == ("cli", 0, 2)
    record = find_load(backend, first["id"])
    assert record["inputs"] == [
        {"name": "films", "sha256": hashlib.sha256(source.text.encode()).hexdigest()}
    ]
    assert record["credits"] == 7 and record["seconds"] >= 0
    assert record["started_at"] <= record["finished_at"]


def test_a_dry_run_records_nothing(backend):
    Loader(backend, dry_run=True).load([named("films", ALIEN)])
    assert loads(backend) == []


def test_a_load_that_fails_is_recorded_as_started_then_failed(backend, tmp_path):
    gone = SourceText("gone.jsonl", None, path=tmp_path / "gone.jsonl")  # unreadable
    with pytest.raises(OSError):
        Loader(backend).load([named("films", HEAT), gone])
    [record] = loads(backend)
    found = find_load(backend, record["id"])
    assert found["status"] == FAILED and "gone.jsonl" in found["error"]


def test_a_load_killed_outright_is_marked_interrupted_by_the_next(backend):
    killed = LoadRecorder(backend, new_load_id())
    killed.started()  # then the process dies: it never records an outcome
    assert loads(backend)[0]["status"] == "running"
    Loader(backend).load([named("films", HEAT)])
    statuses = {row["id"]: row["status"] for row in loads(backend)}
    assert statuses.pop(killed.load_id) == INTERRUPTED
    assert list(statuses.values()) == [FINISHED]
    assert "did not finish" in find_load(backend, killed.load_id)["error"]


def test_a_load_is_found_by_the_start_of_its_id_and_a_wrong_id_says_what_to_do(backend):
    Loader(backend).load([named("films", HEAT)])
    [record] = loads(backend)
    assert find_load(backend, record["id"][:20])["id"] == record["id"]
    with pytest.raises(LoadNotFound, match="screengraph loads"):
        find_load(backend, "19990101")


def _diff(backend) -> dict:
    return load_diff(backend, loads(backend)[0]["id"])


def test_the_diff_of_a_first_load_is_everything_it_created(backend):
    Loader(backend).load([named("films", ALIEN, HEAT)])
    diff = _diff(backend)
    assert sorted(diff["listings"]["created"]) == ["source:films#1", "source:films#2"]
    added = {(node["label"], node["key"]) for node in diff["nodes"]["added"]}
    assert added == {
        (label, key)
        for label, key in backend.run_read(
            "MATCH (n) WHERE n:Show OR n:Person OR n:Company OR n:Genre RETURN labels(n)[0], n.key",
            max_rows=0,
        ).rows
    }
    edges = {(e["type"], e["start"], e["end"]) for e in diff["edges"]["added"]}
    assert edges == {
        tuple(row)
        for row in backend.run_read(
            "MATCH (a)-[r]->(b) RETURN type(r), a.key, b.key", max_rows=0
        ).rows
    }
    assert diff_counts(diff)["nodes_removed"] == diff_counts(diff)["edges_changed"] == 0


def test_the_diff_of_an_update_shows_what_was_added_removed_and_changed(backend):
    Loader(backend).load([named("films", ALIEN, HEAT)])
    changed = {
        **ALIEN,
        "synopsis": "In space, no one can hear you scream.",
        "credits": [
            {"name": "Sigourney Weaver", "category": "actress", "characters": ["Ellen Ripley"]},
            {"name": "John Hurt", "category": "actor"},
        ],
    }
    summary = Loader(backend).load([named("films", changed, HEAT)])
    assert (summary.updated, summary.unchanged) == (1, 1)
    diff = _diff(backend)
    [updated] = diff["listings"]["updated"]
    assert updated["id"] == "source:films#1"
    assert updated["content_hash"]["before"] != updated["content_hash"]["after"]
    assert (diff["listings"]["created"], diff["listings"]["unchanged"]) == ([], 1)
    assert diff["nodes"]["added"] == [{"label": "Person", "key": "john-hurt"}]
    assert [(n["label"], n["key"]) for n in diff["nodes"]["removed"]] == [
        ("Person", "tom-skerritt")
    ]
    assert diff["nodes"]["changed"] == [
        {
            "label": "Show",
            "key": "alien--1979",
            "properties": [
                {
                    "name": "synopsis",
                    "before": "In space.",
                    "after": "In space, no one can hear you scream.",
                }
            ],
        }
    ]
    assert [(e["type"], e["start"]) for e in diff["edges"]["added"]] == [("ACTED_IN", "john-hurt")]
    assert [(e["type"], e["start"]) for e in diff["edges"]["removed"]] == [
        ("ACTED_IN", "tom-skerritt")
    ]
    [recast] = diff["edges"]["changed"]
    assert (recast["start"], recast["end"], recast["properties"]) == (
        "sigourney-weaver",
        "alien--1979",
        [{"name": "characters", "before": ["Ripley"], "after": ["Ellen Ripley"]}],
    )


def test_a_diff_shows_what_its_load_left_not_what_later_loads_made(backend):
    versions = [{**HEAT, "synopsis": text} for text in ("One.", "Two.", "Three.")]
    for version in versions:
        Loader(backend).load([named("films", version)])
    middle = loads(backend)[1]["id"]
    [show] = load_diff(backend, middle)["nodes"]["changed"]
    assert show["properties"] == [{"name": "synopsis", "before": "One.", "after": "Two."}]


def test_the_history_is_not_part_of_the_catalogue_checksum(backend):
    Loader(backend).load([named("films", ALIEN, HEAT)])
    before = graph_checksum(backend, LOAD_TIMES).digest
    Loader(backend).load([named("films", ALIEN, {**HEAT, "synopsis": "Heist."})])
    Loader(backend).load([named("films", ALIEN, HEAT)])  # back as it was
    history = backend.run_read(
        f"MATCH (n) WHERE n:{LOAD_LABEL} OR n:{CHANGE_LABEL} OR n:{REPLACED_LABEL} RETURN count(n)"
    ).value()
    assert history > 3
    assert graph_checksum(backend, LOAD_TIMES).digest == before


# -- the commands -------------------------------------------------------------------


def run(tmp_path, *args):
    return CliRunner().invoke(
        main,
        ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), *args],
        catch_exceptions=False,
    )


def test_loads_and_diff_commands_tell_a_maintainer_what_each_load_did(tmp_path):
    listings = tmp_path / "films.jsonl"
    listings.write_text(json.dumps(HEAT) + "\n")
    assert run(tmp_path, "load", str(listings)).exit_code == 0
    listings.write_text(
        json.dumps({**HEAT, "directors": ["Michael Mann", "Dante Spinotti"]}) + "\n"
    )
    assert run(tmp_path, "load", str(listings)).exit_code == 0
    listed = json.loads(run(tmp_path, "loads", "--json").output)
    assert [(row["loaded"], row["updated"]) for row in listed] == [(0, 1), (1, 0)]
    table = run(tmp_path, "loads").output
    assert "0+ 1~ 0= 0!" in table and "1+ 0~ 0= 0!" in table
    shown = run(tmp_path, "loads", "show", listed[0]["id"])
    assert str(listings) in shown.output
    assert hashlib.sha256(listings.read_bytes()).hexdigest() in shown.output
    diff = json.loads(run(tmp_path, "diff", listed[0]["id"], "--json").output)
    assert diff["counts"]["edges_added"] == 1 and diff["counts"]["listings_updated"] == 1
    assert diff["edges"]["added"][0]["start"] == "dante-spinotti"
    printed = run(tmp_path, "diff", listed[0]["id"]).output
    assert "dante-spinotti" in printed and "listings updated 1" in printed
    wrong = CliRunner().invoke(
        main, ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), "diff", "nope"]
    )
    assert wrong.exit_code == 1 and "no load has the id 'nope'" in wrong.output


def test_a_bulk_load_is_recorded_with_the_graph_it_made(tmp_path):
    assert run(tmp_path, "load", "--bulk", str(SAMPLE_PAGE)).exit_code == 0
    [record] = json.loads(run(tmp_path, "loads", "--json").output)
    assert (record["via"], record["status"], record["loaded"]) == ("bulk", FINISHED, 1)
    shown = json.loads(run(tmp_path, "loads", "show", record["id"], "--json").output)
    assert shown["inputs"][0]["sha256"] == hashlib.sha256(SAMPLE_PAGE.read_bytes()).hexdigest()
    assert json.loads(run(tmp_path, "diff", record["id"], "--json").output)["recorded"] is False


def test_details_an_identified_source_adds_to_a_known_person_are_shown_before_and_after(backend):
    ridley = {"name": "Ridley Scott", "category": "director", "ids": ["imdb:nm0000631"]}
    Loader(backend).load([named("films", {**ALIEN, "directors": [], "credits": [ridley]})])
    Loader(backend).load(
        [named("more", {**HEAT, "directors": [], "credits": [{**ridley, "birth_year": 1937}]})]
    )
    [person] = [node for node in _diff(backend)["nodes"]["changed"] if node["label"] == "Person"]
    assert {"name": "birth_year", "before": None, "after": 1937} in person["properties"]
