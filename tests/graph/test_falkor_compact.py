"""The embedded store's reads come out as they did through FalkorDB's own parser.

graph/falkor_compact.py reads compact replies in one pass; every kind of value a read can
return (and those it hands to the client's parser) must give what the client's parser
followed by the general conversion gives.
"""

import pytest
from falkordb.query_result import QueryResult

from screengraph.graph.falkor_backend import _convert
from screengraph.graph.falkor_params import with_parameters

EVERY_KIND = """
MATCH (a:Show {key: 'a'})-[r:IN_GENRE]->(g:Genre)
MATCH p = (a)-[:IN_GENRE]->(g)
RETURN null AS nothing, 'é "quoted" \\\\ line' AS text, -42 AS whole, true AS yes, false AS no,
       2.5 AS half, [1, 'two', [3.0, null, [true]]] AS nested,
       {name: 'x', inner: {list: [1, 2], none: null}, `odd key`: 1} AS map,
       a AS node, r AS edge, g AS genre, p AS path, [a, g] AS nodes, {edge: r} AS wrapped,
       point({latitude: 1.5, longitude: 2.5}) AS place, $big AS big
"""


@pytest.fixture
def stored(embedded):
    embedded.run_write(
        "CREATE (:Show {key: 'a', title: 'Ça', year: 1999, ids: ['imdb:tt1', 'tmdb:tv/2'],"
        " score: 0.5, flag: true})-[:IN_GENRE {asserted_by: 2, sources: ['x']}]->"
        "(:Genre {key: 'drama', name: 'Drama'})"
    )
    return embedded


def _through_the_client(backend, cypher: str, params: dict) -> list[list]:
    graph = backend._graph()
    reply = graph.execute_command(
        "GRAPH.RO_QUERY", backend.graph_name, with_parameters(cypher, params), "--compact"
    )
    return [[_convert(value) for value in row] for row in QueryResult(graph, reply).result_set]


def test_every_kind_of_value_reads_as_the_clients_parser_reads_it(stored):
    params = {"big": 2**62}
    read = stored.run_read(EVERY_KIND, params, max_rows=0)
    assert read.rows == _through_the_client(stored, EVERY_KIND, params)
    row = dict(zip(read.columns, read.rows[0]))
    # What the comparison would miss if both were wrong alike:
    assert row["text"] == 'é "quoted" \\ line'
    assert row["node"]["properties"]["ids"] == ["imdb:tt1", "tmdb:tv/2"]
    assert row["node"]["label"] == "Show" and row["node"]["key"] == "a"
    assert row["edge"]["type"] == "IN_GENRE" and row["edge"]["properties"]["asserted_by"] == 2
    assert [part.get("type") or part["key"] for part in row["path"]] == ["a", "IN_GENRE", "drama"]
    assert row["map"] == {"name": "x", "inner": {"list": [1, 2], "none": None}, "odd key": 1}
    assert row["big"] == 2**62 and row["yes"] is True and row["no"] is False


def test_a_capped_read_converts_one_row_more_than_it_keeps(stored):
    read = stored.run_read("UNWIND range(1, 50) AS n RETURN n", {}, max_rows=10)
    assert read.rows == [[n] for n in range(1, 11)] and read.truncated
    whole = stored.run_read("UNWIND range(1, 10) AS n RETURN n", {}, max_rows=10)
    assert len(whole.rows) == 10 and not whole.truncated


def test_a_property_added_after_the_handle_read_the_schema_is_named(stored):
    stored.run_read("MATCH (s:Show) RETURN s", {}, max_rows=0)  # the handle knows the schema
    stored.run_write("MATCH (s:Show {key: 'a'}) SET s.brand_new = 'yes'")
    [[node]] = stored.run_read("MATCH (s:Show) RETURN s", {}, max_rows=0).rows
    assert node["properties"]["brand_new"] == "yes"
