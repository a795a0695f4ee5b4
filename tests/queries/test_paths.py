"""Connection paths and neighbourhoods against answers computed independently with networkx."""

from __future__ import annotations

import itertools
import json

import networkx as nx
import pytest

from screengraph.graph.errors import QueryTimeout
from screengraph.graph.keys import company_key, genre_key, person_key, show_key
from screengraph.graph.schema import RELATIONSHIPS
from screengraph.queries import explore, paths
from screengraph.queries.errors import QueryParameterError
from tests.queries.catalogue_graph import load_catalogue
from tests.queries.conftest import load_records

MAX_HOPS = 6


def fixture_records():
    """Two clusters, a chain much longer than the hop limit, an island, and a genre shortcut.

    The genre joins the two ends of the chain: people must not be connected through
    it (paths leave genres out unless an end is a genre), but the genre itself is.
    """
    records = []
    for i in range(6):  # chain: show i has person i and person i+1 (12 hops end to end)
        records.append(
            {
                "title": f"Chain {i}",
                "year": 2000 + i,
                "cast": [f"Chain Person {i}", f"Chain Person {i + 1}"],
                "genres": ["Chain Genre"] if i in (0, 5) else [],
            }
        )
    for i in range(10):  # a denser cluster with producers and companies
        records.append(
            {
                "title": f"Cluster {i}",
                "year": 1990 + i,
                "directors": [f"Cluster Person {(i * 3) % 7}"],
                "producers": [f"Cluster Person {(i * 5 + 1) % 7}"],
                "companies": [f"Studio {i % 3}"] if i % 4 else [],
            }
        )
    records.append({"title": "Island", "year": 1999, "writers": ["Lonely Writer"]})
    return records


def networkx_graph(records, with_genres: bool):
    graph = nx.Graph()
    roles = {
        "directors": ("Person", person_key),
        "producers": ("Person", person_key),
        "writers": ("Person", person_key),
        "cast": ("Person", person_key),
        "companies": ("Company", company_key),
    }
    if with_genres:
        roles["genres"] = ("Genre", genre_key)
    for record in records:
        show = ("Show", show_key(record["title"], record.get("year")))
        graph.add_node(show)
        for field, (label, key) in roles.items():
            for name in record.get(field, []):
                graph.add_edge(show, (label, key(name)))
    return graph


@pytest.fixture
def fixture_graph(backend):
    records = fixture_records()
    load_records(backend, "paths.jsonl", records)
    return backend, records


def expected_length(graph, a, b):
    try:
        length = nx.shortest_path_length(graph, a, b)
    except nx.NetworkXNoPath:
        return None
    return length if length <= MAX_HOPS else None


def test_path_lengths_match_networkx_for_every_pair(fixture_graph):
    backend, records = fixture_graph
    graph = networkx_graph(records, with_genres=False)
    checked = {"found": 0, "disconnected": 0, "too far": 0}
    for a, b in itertools.combinations(sorted(graph), 2):
        expected = expected_length(graph, a, b)
        answer = paths.connection_path(backend, paths.Ref(*a), paths.Ref(*b), max_hops=MAX_HOPS)
        if expected is None:
            assert answer["found"] is False, (a, b, answer)
            assert answer["message"] == f"no connection within {MAX_HOPS} hops"
            checked["too far" if nx.has_path(graph, a, b) else "disconnected"] += 1
        else:
            assert answer["length"] == expected, (a, b, answer)
            assert (answer["path"][0]["key"], answer["path"][-1]["key"]) == (a[1], b[1])
            checked["found"] += 1
    # Every outcome was exercised: found, other components, and the chain beyond the limit.
    assert checked["found"] > 100 and checked["disconnected"] > 100 and checked["too far"] > 5


def test_a_genre_end_may_use_genre_links_and_matches_networkx(fixture_graph):
    backend, records = fixture_graph
    graph = networkx_graph(records, with_genres=True)
    genre = ("Genre", "chain-genre")
    for other in sorted(n for n in graph if n != genre):
        answer = paths.connection_path(
            backend, paths.Ref(*genre), paths.Ref(*other), max_hops=MAX_HOPS
        )
        assert answer["length"] == expected_length(graph, genre, other), other


def test_every_step_of_a_path_is_a_real_relationship(fixture_graph):
    backend, _records = fixture_graph
    answer = paths.connection_path(backend, "Person:chain-person-0", "person:chain-person-3")
    assert answer["length"] == 6 and answer["message"] == "6 hops"
    steps = answer["path"]
    assert [step["label"] for step in steps[::2]] == ["Person", "Show"] * 3 + ["Person"]
    for i in range(1, len(steps), 2):
        rel, before, after = steps[i], steps[i - 1], steps[i + 1]
        assert {rel["start"], rel["end"]} == {before["key"], after["key"]}
        assert rel["type"] == "ACTED_IN"
        start_label = before["label"] if rel["start"] == before["key"] else after["label"]
        assert start_label == RELATIONSHIPS[rel["type"]][0].value


def test_an_entity_is_zero_hops_from_itself_and_a_missing_one_is_named(fixture_graph):
    backend, _records = fixture_graph
    same = paths.connection_path(
        backend, {"label": "Person", "key": "lonely-writer"}, "Person:lonely-writer"
    )
    assert same["found"] and same["length"] == 0
    missing = paths.connection_path(backend, "Person:lonely-writer", "Person:nobody")
    assert missing["found"] is False and "'nobody' is not in the graph" in missing["message"]


def test_a_search_past_its_time_limit_raises_query_timeout(fixture_graph):
    backend, _records = fixture_graph
    with pytest.raises(QueryTimeout, match="100 ms limit"):
        paths.connection_path(
            backend, "Person:chain-person-0", "Person:chain-person-6", timeout_ms=100
        )


def test_bad_hop_limits_and_references_are_refused(backend):
    with pytest.raises(QueryParameterError, match="'max_hops' must be between 1 and 10, got 50"):
        paths.connection_path(backend, "Person:a", "Person:b", max_hops=50)
    with pytest.raises(QueryParameterError, match="write Label:key"):
        paths.connection_path(backend, "Planet:mars", "Person:b")


@pytest.mark.parametrize("depth", [1, 2])
def test_neighbourhood_totals_match_networkx(fixture_graph, depth):
    backend, records = fixture_graph
    graph = networkx_graph(records, with_genres=True)
    for label, key in sorted(graph):
        view = explore.neighbourhood(backend, label, key, depth=depth, limit=500)
        expected = nx.ego_graph(graph, (label, key), radius=depth)
        assert view["total"] == view["shown"] == len(expected), (label, key)
        assert {(n["label"], n["key"]) for n in view["nodes"]} == set(expected.nodes)
        assert view["total_capped"] is False
        shown = {(n["label"], n["key"]) for n in view["nodes"]}
        for edge in view["edges"]:
            ends = [(edge[end]["label"], edge[end]["key"]) for end in ("start", "end")]
            assert set(ends) <= shown and graph.has_edge(*ends), edge


def test_neighbourhood_totals_count_each_entity_once_where_shows_meet_shows(backend):
    """EPISODE_OF joins an episode to its series: an entity one hop away can also be two
    hops away, and is counted once (networkx on the graph's own edges says how many)."""
    load_catalogue(backend)
    graph = nx.Graph()
    for a_label, a_key, b_label, b_key in backend.run_read(
        "MATCH (a)-[r]->(b) RETURN labels(a)[0], a.key, labels(b)[0], b.key", {}, max_rows=0
    ).rows:
        graph.add_edge((a_label, a_key), (b_label, b_key))
    assert any(a[0] == b[0] == "Show" for a, b in graph.edges)
    for label, key in sorted(graph):
        for depth in (1, 2):
            view = explore.neighbourhood(backend, label, key, depth=depth, limit=500)
            expected = nx.ego_graph(graph, (label, key), radius=depth)
            assert view["total"] == view["shown"] == len(expected), (label, key, depth)


def test_an_episode_its_series_and_their_shared_cast_are_counted_once(backend):
    """EPISODE_OF joins two shows: what is one hop away is not counted again at two."""
    from screengraph.loaders.pipeline import Loader
    from screengraph.loaders.sources import SourceText

    episode = {
        "title": "Pilot",
        "year": 2020,
        "ids": ["tt0000011"],
        "cast": ["Ann Lead"],
        "episode_of": {"title": "Series", "year": 2020, "ids": ["tt0000010"]},
    }
    series = {"title": "Series", "year": 2020, "ids": ["tt0000010"], "cast": ["Ann Lead"]}
    Loader(backend).load([SourceText("s", json.dumps([episode, series]))], fmt="json")
    view = explore.neighbourhood(backend, "Show", "pilot--2020--tt0000011", depth=2)
    assert sorted(n["key"] for n in view["nodes"]) == [
        "ann-lead",
        "pilot--2020--tt0000011",
        "series--2020--tt0000010",
    ]
    assert view["total"] == 3


def _sequences(answer) -> list[list[tuple[str, str]]]:
    return [[(s["label"], s["key"]) for s in path if "label" in s] for path in answer["paths"]]


def _first_shortest(graph, a, b, how_many: int) -> list[list[tuple[str, str]]]:
    """networkx's every shortest path, in the order the search promises: by the
    (label, key) of their entities in turn."""
    return sorted(nx.all_shortest_paths(graph, a, b))[:how_many]


@pytest.mark.parametrize("read, whole", [(None, None), (2, None), (2, 0)])
def test_several_shortest_paths_come_in_one_order_on_every_engine(
    fixture_graph, monkeypatch, read, whole
):
    """Equally short paths are listed by their entities' (label, key), whatever the order
    the store holds them in; with `read`, Neo4j reads fewer of its paths than there are
    and the layered search chooses (the embedded store searches that way always); with
    `whole` 0 the layered graph is read a level at a time, as a wide one is."""
    from screengraph.graph import shortest_paths

    if read is not None:
        monkeypatch.setattr(shortest_paths, "PATHS_READ", read)
    if whole is not None:  # the layered graph read a level at a time, not whole
        monkeypatch.setattr(shortest_paths, "WHOLE_READ", whole)
    backend, records = fixture_graph
    graph = networkx_graph(records, with_genres=False)
    several = 0
    for a, b in itertools.combinations(sorted(n for n in graph if n[1].startswith("cluster")), 2):
        if expected_length(graph, a, b) is None:
            continue
        answer = paths.connection_path(backend, paths.Ref(*a), paths.Ref(*b), paths=4)
        assert _sequences(answer) == _first_shortest(graph, a, b, 4), (a, b)
        assert answer["path"] == answer["paths"][0]
        several += len(answer["paths"]) > 1
    assert several > 20  # many pairs have equally short paths to choose among


def test_the_first_path_does_not_depend_on_the_order_things_were_loaded(backend):
    """Two equally short ways from one person to another: the first listed is the same
    whichever was loaded first."""
    records = [
        {"title": "Zeta Story", "year": 2001, "cast": ["Ann Start", "Bob End"]},
        {"title": "Alpha Story", "year": 2002, "cast": ["Ann Start", "Bob End"]},
    ]
    load_records(backend, "one.jsonl", records)
    answer = paths.connection_path(backend, "Person:ann-start", "Person:bob-end", paths=1)
    assert [s["key"] for s in answer["paths"][0][::2]] == [
        "ann-start",
        "alpha-story--2002",
        "bob-end",
    ]
    both = paths.connection_path(backend, "Person:ann-start", "Person:bob-end")
    assert [p[2]["key"] for p in both["paths"]] == ["alpha-story--2002", "zeta-story--2001"]


def test_how_many_paths_is_bounded(backend):
    with pytest.raises(QueryParameterError, match="'paths' must be between 1 and 10, got 11"):
        paths.connection_path(backend, "Person:a", "Person:b", paths=11)


def hub_records(fans: int = 6):
    """A hub (a star in every show, every show made by one studio) and fans in two shows
    each: fan to fan is four hops, by either show of each and through the star or the
    studio (eight equally short paths), each step read from its smaller end or not."""
    return [
        {
            "title": f"Hub Show {show}",
            "year": 2000 + show,
            "cast": ["Hub Star", f"Fan {show // 2}"],
            "companies": ["Hub Studio"],
        }
        for show in range(fans * 2)
    ]


def assert_steps_follow_the_schema(answer) -> None:
    """Each relationship joins its two neighbours in the path, from its type's start label."""
    for path in answer["paths"]:
        for i in range(1, len(path), 2):
            rel, before, after = path[i], path[i - 1], path[i + 1]
            assert {rel["start"], rel["end"]} == {before["key"], after["key"]}
            labels = {before["key"]: before["label"], after["key"]: after["label"]}
            start, end = RELATIONSHIPS[rel["type"]]
            assert (labels[rel["start"]], labels[rel["end"]]) == (start.value, end.value), rel


@pytest.mark.parametrize("how_many", [1, 3, 10])
def test_paths_through_hubs_match_networkx_with_each_step_the_right_way_round(backend, how_many):
    records = hub_records()
    load_records(backend, "hub.jsonl", records)
    graph = networkx_graph(records, with_genres=False)
    fans = sorted(n for n in graph if n[1].startswith("fan-"))
    for a, b in itertools.combinations(fans, 2):
        assert len(list(nx.all_shortest_paths(graph, a, b))) == 8  # star or studio, 2 x 2 shows
        answer = paths.connection_path(backend, paths.Ref(*a), paths.Ref(*b), paths=how_many)
        assert _sequences(answer) == _first_shortest(graph, a, b, how_many), (a, b)
        assert_steps_follow_the_schema(answer)


def test_keys_beyond_the_basic_plane_are_ordered_by_code_point_on_every_engine(backend):
    """Neo4j orders text by UTF-16 code units: there U+20000 sorts before U+FA0E, in
    Python (and on the embedded store) after. The first path is still Python's."""
    records = [
        {"title": "\U00020000", "year": 2001, "cast": ["Ann Start", "Bob End"]},
        {"title": "\ufa0e", "year": 2001, "cast": ["Ann Start", "Bob End"]},
    ]
    load_records(backend, "planes.jsonl", records)
    first = paths.connection_path(backend, "Person:ann-start", "Person:bob-end", paths=1)
    assert first["paths"][0][2]["key"] == "\ufa0e--2001"
    both = paths.connection_path(backend, "Person:ann-start", "Person:bob-end")
    assert [p[2]["key"] for p in both["paths"]] == ["\ufa0e--2001", "\U00020000--2001"]
