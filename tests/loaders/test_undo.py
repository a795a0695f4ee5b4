"""Undo, as a catalogue maintainer uses it: a load taken back leaves the catalogue exactly
as it was before the load (the canonical checksum), on both backends; a load later loads
depend on is refused with the reason, unless cascaded."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screengraph.cli import main
from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.graph.neo4j_lease import LEASE_LABEL
from screengraph.loaders.bulk import BulkLoader
from screengraph.loaders.change_record import read_record
from screengraph.loaders.changes import diff_counts, load_diff
from screengraph.loaders.history import FINISHED, UNDO_KIND, UndoUnfinished, find_load
from screengraph.loaders.merge import merge_entities, split_decision
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.undo import Undo, UndoRefused, preview_undo, undo_rows
from tests.loaders.test_bulk import _local_neo4j, _neo4j_admin_import
from tests.loaders.test_faults import WRONG_DEGREES
from tests.loaders.test_history import ALIEN, HEAT
from tests.maintainers import loads, named, newest

BLADE = {
    "title": "Blade Runner",
    "year": 1982,
    "directors": ["Ridley Scott"],
    "credits": [
        {"name": "Harrison Ford", "category": "actor", "characters": ["Deckard"]},
        {"name": "Sean Young", "category": "actress"},
    ],
    "genres": ["Science Fiction"],
    "companies": ["Ladd Company"],
}
ALIEN_RECUT = {
    **ALIEN,
    "synopsis": "In space, no one can hear you scream.",
    "credits": [
        {"name": "Sigourney Weaver", "category": "actress", "characters": ["Ellen Ripley"]},
        {"name": "John Hurt", "category": "actor"},
    ],
    "directors": ["Ridley  Scott"],  # another spelling: votes change
    "related": ["Blade Runner (1982)"],
}


def checksum(backend):
    return graph_checksum(backend, LOAD_TIMES)


def assert_same(after, before) -> None:
    assert after == before, describe_difference(before, after, ("before", "after undo"))


def test_undo_of_a_load_of_new_listings_restores_the_graph_before_it(backend):
    Loader(backend).load([named("films", ALIEN)])
    before = checksum(backend)
    Loader(backend).load([named("more", HEAT, BLADE, {**ALIEN, "year": 1979})])
    load_id = newest(backend)
    result = Undo(backend).run(load_id)
    assert result.undone == [load_id]
    assert_same(checksum(backend), before)
    assert backend.run_read(WRONG_DEGREES).value() == 0
    undone = find_load(backend, load_id)
    assert undone["undone_by"] == result.undo_id
    record = find_load(backend, result.undo_id)
    assert (record["kind"], record["status"], record["undoes"]) == (
        UNDO_KIND,
        FINISHED,
        [load_id],
    )


def test_undo_of_updated_listings_puts_back_their_earlier_versions(backend):
    Loader(backend).load([named("films", ALIEN, HEAT, BLADE)])
    before = checksum(backend)
    summary = Loader(backend).load([named("films", ALIEN_RECUT, HEAT, {**BLADE, "genres": []})])
    assert summary.updated == 2
    preview = undo_rows(load_diff(backend, newest(backend))).rows
    assert [
        "revert",
        "Show",
        "alien--1979",
        "synopsis: 'In space, no one can hear you scream.' -> 'In space.'",
    ] in preview
    assert ["restore", "Person", "tom-skerritt", ""] in preview
    Undo(backend).run(newest(backend))
    assert_same(checksum(backend), before)
    # and the store takes the same update again, as a load would the first time
    Loader(backend).load([named("films", ALIEN_RECUT, HEAT, {**BLADE, "genres": []})])
    assert load_diff(backend, newest(backend))["listings"]["updated"]


def test_undo_of_a_load_with_rejects_takes_back_only_what_it_wrote(backend):
    Loader(backend).load([named("films", HEAT)])
    before = checksum(backend)
    summary = Loader(backend).load([named("more", BLADE, {"title": ""}, ALIEN)])
    assert summary.rejected == 1 and summary.loaded == 2
    Undo(backend).run(newest(backend))
    assert_same(checksum(backend), before)


def test_undo_keeps_what_other_listings_assert(backend):
    Loader(backend).load([named("films", BLADE)])
    before = checksum(backend)
    # the same film from another source: the same show and credits, counted twice
    Loader(backend).load([named("copy", BLADE)])
    assert backend.run_read("MATCH ()-[r:DIRECTED]->() RETURN r.asserted_by").value() == 2
    Undo(backend).run(newest(backend))
    assert_same(checksum(backend), before)
    assert backend.run_read("MATCH ()-[r:DIRECTED]->() RETURN r.asserted_by").value() == 1


def test_undo_refuses_when_a_later_load_depends_on_it_and_cascade_undoes_both(backend):
    Loader(backend).load([named("films", HEAT)])
    before = checksum(backend)
    Loader(backend).load([named("films", HEAT, BLADE)])
    first = newest(backend)
    Loader(backend).load([named("films", HEAT, {**BLADE, "synopsis": "Replicants."})])
    second = newest(backend)
    Loader(backend).load([named("elsewhere", {"title": "Brazil", "year": 1985})])
    independent = newest(backend)
    with pytest.raises(UndoRefused) as refused:
        Undo(backend).run(first)
    message = str(refused.value)
    assert second in message and "listing source:films#2" in message and "--cascade" in message
    assert independent not in message
    preview = preview_undo(backend, first, cascade=True)
    assert [t["id"] for t in preview.targets] == [second, first]
    Undo(backend).run(first, cascade=True)
    Undo(backend).run(independent)
    assert_same(checksum(backend), before)
    assert {row["id"]: row["undone_by"] for row in loads(backend)}[second]


# A critic's listing of Heat (a second catalogue naming the same show) adds Al Pacino.
HEAT_CRITIC = {"title": "Heat", "year": 1995, "cast": ["Al Pacino"]}


def test_undo_allows_a_later_load_of_the_same_show_that_changed_nothing_of_it(backend):
    """The later load rewrote Heat's node with the values it had (and asserts what the
    earlier load counted): undoing the earlier one takes back none of the later's, so it
    is not refused, and the graph is the one the later load alone would have made."""
    Loader(backend).load([named("films", HEAT)])
    Loader(backend).load([named("critics", HEAT_CRITIC)])
    critic = newest(backend)
    Loader(backend).load([named("films", {**HEAT, "cast": ["Robert De Niro"]})])
    assert preview_undo(backend, critic).refusal is None
    Undo(backend).run(critic)
    undone = checksum(backend)
    backend.clear()
    Loader(backend).load([named("films", HEAT)])
    Loader(backend).load([named("films", {**HEAT, "cast": ["Robert De Niro"]})])
    assert_same(undone, checksum(backend))


def test_undo_refuses_when_a_later_load_asserts_an_edge_it_created_or_changes_its_node(backend):
    Loader(backend).load([named("films", HEAT)])
    Loader(backend).load([named("critics", HEAT_CRITIC)])
    critic = newest(backend)
    # The guide now credits Al Pacino too: the edge the critic's load created is counted
    # by the guide as well, and would go with the critic's undo.
    Loader(backend).load([named("films", {**HEAT, "cast": ["Al Pacino"]})])
    refusal = preview_undo(backend, critic).refusal
    assert refusal is not None and "ACTED_IN al-pacino -> heat--1995" in refusal
    Undo(backend).run(newest(backend))
    assert preview_undo(backend, critic).refusal is None
    # A later load that changes Heat itself (its synopsis) depends on the critic's, which
    # wrote Heat's node (its undo would put back Heat as it found it).
    Loader(backend).load([named("films", {**HEAT, "synopsis": "Cops and robbers."})])
    refusal = preview_undo(backend, critic).refusal
    assert refusal is not None and "Show heat--1995" in refusal


def test_undo_keeps_the_identified_labels_a_later_load_relies_on(backend):
    ridley = {"name": "Ridley Scott", "category": "director", "ids": ["imdb:nm0000631"]}
    mann = {"name": "Michael Mann", "category": "director", "ids": ["imdb:nm0000520"]}
    identified = "MATCH (l:StoreLayout) RETURN l.identified"
    Loader(backend).load([named("films", {**HEAT, "directors": []})])
    before = checksum(backend)
    Loader(backend).load([named("scott", {**BLADE, "directors": [], "credits": [ridley]})])
    scott = newest(backend)
    Loader(backend).load([named("mann", {**ALIEN, "directors": [], "credits": [mann]})])
    later = newest(backend)
    Undo(backend).run(scott)  # the later load is independent: it stays
    assert backend.run_read(identified).value() == ["Person"]
    Undo(backend).run(later)
    assert_same(checksum(backend), before)  # and the list is as the first load left it


def test_an_undone_load_or_an_undo_is_not_undone_again(backend):
    Loader(backend).load([named("films", HEAT)])
    load_id = newest(backend)
    undo_id = Undo(backend).run(load_id).undo_id
    with pytest.raises(UndoRefused, match="undone already"):
        Undo(backend).run(load_id)
    with pytest.raises(UndoRefused, match="is an undo"):
        Undo(backend).run(undo_id)


def test_undo_of_a_bulk_load_empties_the_graph_it_made(backend, tmp_path):
    before = checksum(backend)
    sources = [named("films", ALIEN, HEAT, BLADE)]
    if backend.name == "neo4j":  # neo4j-admin imports offline, as a user runs it
        env = _local_neo4j()
        BulkLoader().load(backend, sources, folder=tmp_path / "csv")
        _neo4j_admin_import(tmp_path, tmp_path / "csv", env)
    else:
        BulkLoader().load(backend, sources)
    assert checksum(backend).counts["node:Show"] == 3
    Undo(backend).run(newest(backend))
    # the load lease (Neo4j) is how loads and undos take turns, not catalogue
    backend.run_write(f"MATCH (l:{LEASE_LABEL}) DELETE l")
    assert_same(checksum(backend), before)
    Loader(backend).load([named("films", HEAT)])  # the graph takes loads again


def test_a_stopped_undo_blocks_loads_until_it_is_run_again(backend):
    Loader(backend).load([named("films", HEAT)])
    before = checksum(backend)
    Loader(backend).load([named("films", HEAT, BLADE, ALIEN)])
    load_id = newest(backend)
    undo = Undo(backend)

    def stop(step: str) -> None:
        raise KeyboardInterrupt(step)

    undo.on_step = stop
    with pytest.raises(KeyboardInterrupt):
        undo.run(load_id)
    with pytest.raises(UndoUnfinished, match=f"screengraph undo {load_id}"):
        Loader(backend).load([named("other", {"title": "Brazil", "year": 1985})])
    result = Undo(backend).run(load_id)
    assert result.resumed
    assert_same(checksum(backend), before)


def test_the_diff_of_two_loads_is_the_net_change_between_them(backend):
    Loader(backend).load([named("films", HEAT)])
    Loader(backend).load([named("films", HEAT, BLADE)])
    first = newest(backend)
    Loader(backend).load([named("films", HEAT, {**BLADE, "synopsis": "Replicants."})])
    second = newest(backend)
    Loader(backend).load([named("films", HEAT, {**BLADE, "synopsis": "Tears in rain."})])
    net = load_diff(backend, second, first)  # either order
    assert net["loads"] == [first, second]
    assert net["listings"]["created"] == ["source:films#2"]
    assert net["listings"]["updated"] == []
    assert {"label": "Show", "key": "blade-runner--1982"} in net["nodes"]["added"]
    assert diff_counts(net)["nodes_changed"] == 0  # the synopsis is part of a new show
    later = load_diff(backend, second, newest(backend))
    [show] = later["nodes"]["changed"]
    assert show["properties"] == [{"name": "synopsis", "before": None, "after": "Tears in rain."}]
    # a load undone between two others is not part of their net change
    Loader(backend).load([named("elsewhere", {"title": "Brazil", "year": 1985})])
    brazil = newest(backend)
    Undo(backend).run(brazil)
    Loader(backend).load([named("films", HEAT)])
    last = newest(backend)
    around = load_diff(backend, first, last)
    assert brazil not in around["loads"] and around["loads"][-1] == last
    assert ("Show", "brazil--1985") not in {
        (n["label"], n["key"]) for n in around["nodes"]["added"]
    }


# -- the command -----------------------------------------------------------------------


def run(tmp_path, *args, input=None):
    return CliRunner().invoke(
        main,
        ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), *args],
        input=input,
    )


def test_the_undo_command_previews_asks_and_undoes(tmp_path):
    films = tmp_path / "films.jsonl"
    films.write_text(json.dumps(HEAT) + "\n")
    assert run(tmp_path, "load", str(films)).exit_code == 0
    films.write_text(json.dumps(HEAT) + "\n" + json.dumps(BLADE) + "\n")
    assert run(tmp_path, "load", str(films)).exit_code == 0
    load_id = json.loads(run(tmp_path, "loads", "--json").output)[0]["id"]

    preview = json.loads(run(tmp_path, "undo", load_id, "--json").output)
    assert preview["undoes"] == [load_id] and preview["refused"] is None
    assert ["remove", "Person", "harrison-ford", ""] in preview["changes"][0]["rows"]

    declined = run(tmp_path, "undo", load_id, input="n\n")
    assert declined.exit_code == 1 and "harrison-ford" in declined.output
    assert json.loads(run(tmp_path, "loads", "--json").output)[0]["undone_by"] is None

    done = run(tmp_path, "undo", load_id, "--yes")
    assert done.exit_code == 0 and f"load {load_id}" in done.output
    listed = json.loads(run(tmp_path, "loads", "--json").output)
    assert listed[0]["kind"] == UNDO_KIND and listed[1]["undone_by"] == listed[0]["id"]
    assert "(undone)" in run(tmp_path, "loads").output
    again = run(tmp_path, "undo", load_id, "--yes")
    assert again.exit_code == 1 and "undone already" in again.output


def test_the_diff_command_gives_the_net_change_of_two_loads(tmp_path):
    films = tmp_path / "films.jsonl"
    for version in (HEAT, {**HEAT, "synopsis": "One."}, {**HEAT, "synopsis": "Two."}):
        films.write_text(json.dumps(version) + "\n")
        assert run(tmp_path, "load", str(films)).exit_code == 0
    third, second, _ = (row["id"] for row in json.loads(run(tmp_path, "loads", "--json").output))
    net = json.loads(run(tmp_path, "diff", second, third, "--json").output)
    assert net["loads"] == [second, third]
    [show] = net["nodes"]["changed"]
    assert show["properties"] == [{"name": "synopsis", "before": None, "after": "Two."}]
    printed = run(tmp_path, "diff", third, second).output
    assert "2 loads, net change" in printed and "'Two.'" in printed


def test_undo_waits_for_the_split_of_a_merge_of_what_the_load_wrote(backend):
    Loader(backend).load([named("films", HEAT)])
    before = checksum(backend)
    mann = {**HEAT, "title": "Thief", "year": 1981, "directors": ["Micheal Mann"]}
    Loader(backend).load([named("more", mann)])
    load_id = newest(backend)
    decision = merge_entities(backend, "Person", "michael-mann", "micheal-mann")
    with pytest.raises(UndoRefused, match="split it first"):
        Undo(backend).run(load_id)
    split_decision(backend, decision["id"])
    Undo(backend).run(load_id)
    assert_same(checksum(backend), before)


def test_a_node_two_parts_of_one_batch_changed_reads_as_the_earlier_part_kept_it(backend):
    # the later part's image (taken after the earlier part's write) is stored first here
    for step, title in ((9, "Heat (after the first part)"), (2, "Heat")):
        backend.run_write(
            "CREATE (v:Replaced {_change: 'b-000001', _load: 'b', _label: 'Show', "
            "key: 'heat--1995', title: $title, _step: $step})",
            {"title": title, "step": step},
        )
    [first, _] = read_record(backend, ["b"]).nodes[("Show", "heat--1995")]
    assert first.image == {"key": "heat--1995", "title": "Heat"}
