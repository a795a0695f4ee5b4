"""Connection paths against lengths computed independently with networkx."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from graph.keys import company_key, person_key, show_key
from queries import paths
from tests.queries.conftest import load_records


def fixture_records():
    """Two components, a long chain (longer than the hop limit), and some shortcuts."""
    rng = random.Random(5)
    records = []
    for i in range(12):  # chain: show i has person i and person i+1
        records.append({"title": f"Chain {i}", "year": 2000 + i,
                        "cast": [f"Chain Person {i}", f"Chain Person {i + 1}"]})
    for i in range(15):  # a denser cluster with companies
        records.append({"title": f"Cluster {i}", "year": 1990 + i,
                        "cast": [f"Cluster Person {rng.randrange(10)}" for _ in range(2)],
                        "companies": [f"Studio {rng.randrange(3)}"]})
    records.append({"title": "Island", "year": 1999, "cast": ["Lonely Actor"]})
    return records


def networkx_graph(records):
    graph = nx.Graph()
    for r in records:
        show = ("Show", show_key(r["title"], r.get("year")))
        graph.add_node(show)
        for name in r.get("cast", []):
            graph.add_edge(("Person", person_key(name)), show)
        for name in r.get("companies", []):
            graph.add_edge(show, ("Company", company_key(name)))
    return graph


def test_path_lengths_match_networkx_for_every_pair(backend):
    records = fixture_records()
    load_records(backend, "paths.jsonl", records)
    graph = networkx_graph(records)
    people = sorted(n for n in graph if n[0] == "Person")
    pairs = list(itertools.combinations(people, 2))
    random.Random(1).shuffle(pairs)
    checked = {"found": 0, "none": 0}
    for a, b in pairs[:120] + [(("Person", "chain-person-0"), ("Person", "chain-person-12"))]:
        try:
            expected = nx.shortest_path_length(graph, a, b)
        except nx.NetworkXNoPath:
            expected = None
        answer = paths.connection_path(backend, paths.Ref(*a), paths.Ref(*b), max_hops=6)
        if expected is not None and expected <= 6:
            assert answer["length"] == expected, (a, b)
            assert answer["path"][0]["key"] == a[1] and answer["path"][-1]["key"] == b[1]
            checked["found"] += 1
        else:
            assert answer["found"] is False and "no connection within 6 hops" in answer["message"]
            checked["none"] += 1
    assert checked["found"] > 10 and checked["none"] > 10


def test_every_step_of_a_path_is_a_real_relationship(backend):
    records = fixture_records()
    load_records(backend, "paths.jsonl", records)
    answer = paths.connection_path(backend, paths.Ref("Person", "chain-person-0"),
                                   paths.Ref("Person", "chain-person-3"))
    assert answer["length"] == 6
    steps = answer["path"]
    for i in range(1, len(steps), 2):
        rel, before, after = steps[i], steps[i - 1], steps[i + 1]
        assert {rel["start"], rel["end"]} == {before["key"], after["key"]}
        assert rel["type"] == "ACTED_IN"


def test_bad_hop_limits_are_refused(backend):
    with pytest.raises(Exception, match="max_hops"):
        paths.connection_path(backend, paths.Ref("Person", "a"), paths.Ref("Person", "b"),
                              max_hops=50)
