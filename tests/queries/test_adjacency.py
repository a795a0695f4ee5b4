"""The in-memory copy the embedded store's connection paths use: right answers, never stale."""

from __future__ import annotations

import itertools

import pytest

from screengraph.graph import adjacency
from screengraph.queries import paths
from tests.queries.conftest import load_records
from tests.queries.test_paths import MAX_HOPS, expected_length, fixture_records, networkx_graph

TYPES = tuple(paths.WITHOUT_GENRES.split("|"))


@pytest.fixture
def copies():
    adjacency.enable()
    yield
    adjacency.enable(False)


@pytest.fixture
def loaded(embedded, copies):
    records = fixture_records()
    load_records(embedded, "paths.jsonl", records)
    return embedded, records


def test_paths_through_the_copy_match_networkx_for_every_pair(loaded):
    backend, records = loaded
    copy = adjacency.wait_until_fresh(backend, TYPES)
    graph = networkx_graph(records, with_genres=False)
    stored = backend.run_read(f"MATCH ()-[r:{paths.WITHOUT_GENRES}]->() RETURN count(r)").value()
    assert copy.relationships == stored  # a person with two roles on a show: two relationships
    for a, b in itertools.combinations(sorted(graph), 2):
        answer = paths.connection_path(backend, paths.Ref(*a), paths.Ref(*b), max_hops=MAX_HOPS)
        assert answer["length"] == expected_length(graph, a, b), (a, b, answer)
        if answer["found"]:
            steps = answer["path"]
            assert (steps[0]["key"], steps[-1]["key"]) == (a[1], b[1])
            for i in range(1, len(steps), 2):
                assert {steps[i]["start"], steps[i]["end"]} == {
                    steps[i - 1]["key"],
                    steps[i + 1]["key"],
                }
    assert adjacency.fresh(backend, TYPES) is copy  # still current: nothing was written


def test_a_write_makes_the_copy_stale_and_searches_see_the_new_graph(loaded):
    backend, _records = loaded
    adjacency.wait_until_fresh(backend, TYPES)
    before = paths.connection_path(backend, "Person:lonely-writer", "Person:chain-person-0")
    assert before["found"] is False
    generation = backend.generation()
    load_records(
        backend,
        "bridge.jsonl",
        [{"title": "Bridge", "year": 2020, "cast": ["Lonely Writer", "Chain Person 0"]}],
    )
    assert backend.generation() > generation
    assert adjacency.fresh(backend, TYPES) is None  # stale: the search falls back to queries
    after = paths.connection_path(backend, "Person:lonely-writer", "Person:chain-person-0")
    assert after["length"] == 2
    copy = adjacency.wait_until_fresh(backend, TYPES)
    assert copy.generation == backend.generation()
    again = paths.connection_path(backend, "Person:lonely-writer", "Person:chain-person-0")
    assert again["length"] == 2 and again["path"][2]["key"] == "bridge--2020"


def test_the_copy_leaves_genres_out_and_a_genre_end_still_finds_its_path(loaded):
    backend, records = loaded
    adjacency.wait_until_fresh(backend, TYPES)
    graph = networkx_graph(records, with_genres=True)
    answer = paths.connection_path(backend, "Genre:chain-genre", "Person:chain-person-6")
    assert answer["length"] == expected_length(
        graph, ("Genre", "chain-genre"), ("Person", "chain-person-6")
    )


def test_without_enable_nothing_is_copied(embedded):
    load_records(embedded, "one.jsonl", [{"title": "One", "year": 2001, "cast": ["A B"]}])
    assert adjacency.fresh(embedded, TYPES) is None
    assert paths.connection_path(embedded, "Person:a-b", "Show:one--2001")["length"] == 1


def test_the_copy_lists_equally_short_paths_in_the_order_of_the_query_search(loaded):
    """The in-memory copy and the expansion queries give the same paths in the same order
    (networkx's every shortest path, ordered by the (label, key) of their entities)."""
    from tests.queries.test_paths import _first_shortest, _sequences

    backend, records = loaded
    adjacency.wait_until_fresh(backend, TYPES)
    graph = networkx_graph(records, with_genres=False)
    several = 0
    for a, b in itertools.combinations(sorted(n for n in graph if n[1].startswith("cluster")), 2):
        if expected_length(graph, a, b) is None:
            continue
        answer = paths.connection_path(backend, paths.Ref(*a), paths.Ref(*b), paths=4)
        assert adjacency.fresh(backend, TYPES) is not None  # the copy answered
        assert _sequences(answer) == _first_shortest(graph, a, b, 4), (a, b)
        several += len(answer["paths"]) > 1
    assert several > 20


def test_the_copy_lists_paths_through_hubs_like_networkx(embedded, copies):
    """Many equally short paths through a hub (a star, a studio), on the copy: in order,
    each step read the right way round whichever end it was read from."""
    from tests.queries.test_paths import (
        _first_shortest,
        _sequences,
        assert_steps_follow_the_schema,
        hub_records,
    )

    records = hub_records()
    load_records(embedded, "hub.jsonl", records)
    adjacency.wait_until_fresh(embedded, TYPES)
    graph = networkx_graph(records, with_genres=False)
    fans = sorted(n for n in graph if n[1].startswith("fan-"))
    for a, b in itertools.combinations(fans, 2):
        answer = paths.connection_path(embedded, paths.Ref(*a), paths.Ref(*b), paths=3)
        assert adjacency.fresh(embedded, TYPES) is not None  # the copy answered
        assert _sequences(answer) == _first_shortest(graph, a, b, 3), (a, b)
        assert_steps_follow_the_schema(answer)


def test_the_copy_knows_the_order_of_entities_without_reading_their_keys(embedded, copies):
    """Each entity's rank in the copy is its place in the (label, key) order, whatever
    order they were stored in (hub-show-10 sorts before hub-show-2, stored after it)."""
    from tests.queries.test_paths import hub_records

    load_records(embedded, "hub.jsonl", hub_records())
    copy = adjacency.wait_until_fresh(embedded, TYPES)
    entities = embedded.run_read(
        "MATCH (n) WHERE n:Show OR n:Person OR n:Company RETURN id(n), labels(n)[0], n.key",
        max_rows=0,
    ).rows
    by_rank = [(label, key) for _id, label, key in sorted(entities, key=lambda e: copy.rank[e[0]])]
    assert by_rank == sorted((label, key) for _id, label, key in entities)
    assert len(set(copy.rank[[e[0] for e in entities]].tolist())) == len(entities)
