"""The Neo4j/FalkorDB differences docs/cypher-dialects.md lists, checked on the real engines.

When an engine upgrade removes a difference, the test that fails points at the
line of the document to update (and, maybe, at a workaround we can drop).
"""

from __future__ import annotations

import pytest
from falkordb import FalkorDB

from screengraph.graph.errors import QueryError

SETUP = (
    "CREATE (a:Person {key: 'ann', name: 'Ann'})-[:ACTED_IN]->(s:Show {key: 's', title: 'S'}), "
    "(b:Person {key: 'bob', name: 'Bob'})-[:ACTED_IN]->(s), "
    "(s)-[:MADE_BY]->(:Company {key: 'c', name: 'C'})"
)

# name: (query, what Neo4j answers, FalkorDB's error, or None when FalkorDB answers the same)
DIFFERENCES = {
    "regular expressions": (
        "MATCH (p:Person) WHERE p.name =~ 'A.*' RETURN p.key",
        [["ann"]],
        "does not currently support =~",
    ),
    "COUNT subquery": (
        "MATCH (p:Person {key: 'ann'}) RETURN COUNT { (p)-->() }",
        [[1]],
        "Invalid input",
    ),
    "EXISTS subquery": (
        "MATCH (p:Person {key: 'ann'}) RETURN EXISTS { (p)-->() }",
        [[True]],
        "Invalid input",
    ),
    "exists() on a pattern": (
        "MATCH (p:Person {key: 'ann'}) WHERE exists((p)-->()) RETURN p.key",
        [["ann"]],
        "Unable to resolve filtered alias",
    ),
    "shortestPath in MATCH": (
        "MATCH p = shortestPath((:Person {key: 'ann'})-[*]-(:Person {key: 'bob'})) "
        "RETURN length(p)",
        [[2]],
        "only supports shortestPaths in WITH or RETURN",
    ),
    "undirected shortestPath": (
        "MATCH (a:Person {key: 'ann'}), (b:Person {key: 'bob'}) "
        "RETURN length(shortestPath((a)-[*]-(b)))",
        [[2]],
        "does not currently support undirected shortestPath",
    ),
    "allShortestPaths in MATCH": (
        "MATCH (a:Person {key: 'ann'}), (c:Company {key: 'c'}) "
        "MATCH p = allShortestPaths((a)-[*]->(c)) RETURN length(p)",
        [[2]],
        "must already be resolved",
    ),
    "pattern comprehension in UNWIND": (
        "MATCH (s:Show {key: 's'}) UNWIND [(p)-[:ACTED_IN]->(s) | p.key] AS k RETURN k ORDER BY k",
        [["ann"], ["bob"]],
        "Unable to locate a value with alias",
    ),
    # What both engines accept, and screengraph relies on instead:
    "directed shortestPath in RETURN": (
        "MATCH (a:Person {key: 'ann'}), (c:Company {key: 'c'}) "
        "RETURN length(shortestPath((a)-[*]->(c)))",
        [[2]],
        None,
    ),
    "size of a pattern comprehension": (
        "MATCH (p:Person {key: 'ann'}) RETURN size([(p)-->(x) | x])",
        [[1]],
        None,
    ),
    "pattern comprehension in WITH": (
        "MATCH (s:Show {key: 's'}) WITH [(p)-[:ACTED_IN]->(s) | p.key] AS ks RETURN size(ks)",
        [[2]],
        None,
    ),
    "pattern predicate in WHERE": (
        "MATCH (p:Person {key: 'ann'}) WHERE (p)-->(:Show) RETURN p.key",
        [["ann"]],
        None,
    ),
    "DISTINCT then LIMIT before counting": (
        "MATCH (:Show {key: 's'})--(m) WITH DISTINCT m LIMIT 2 RETURN count(m)",
        [[2]],
        None,
    ),
    "list slice by a parameter": ("RETURN [1, 2, 3][0..$n]", [[[1, 2]]], None),
    "startNode compared with a node": (
        "MATCH (n:Person {key: 'ann'})-[r]-() RETURN startNode(r) = n",
        [[True]],
        None,
    ),
    "first label of a node": ("MATCH (n:Show) RETURN labels(n)[0]", [["Show"]], None),
    "CALL subquery": ("CALL { MATCH (p:Person) RETURN count(p) AS c } RETURN c", [[2]], None),
    # queries/together.py: a page's queries in one round trip.
    "CALL subqueries joined by UNION ALL": (
        "CALL { MATCH (p:Person) RETURN p.name AS n ORDER BY n } RETURN 0 AS part, [n] AS row "
        "UNION ALL CALL { MATCH (s:Show) RETURN count(s) AS c } RETURN 1 AS part, [c] AS row "
        "UNION ALL CALL { MATCH (s:Show {key: 'none'}) RETURN s } RETURN 2 AS part, [s] AS row",
        [[0, ["Ann"]], [0, ["Bob"]], [1, [1]]],
        None,
    ),
    "UNWIND keys then an indexed MATCH": (
        "UNWIND ['bob', 'ann'] AS k MATCH (p:Person {key: k}) RETURN p.name ORDER BY p.name",
        [["Ann"], ["Bob"]],
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_documented_difference_still_holds(backend, name):
    query, answer, falkordb_error = DIFFERENCES[name]
    backend.run_write(SETUP)
    params = {"n": 2}
    if backend.dialect == "falkordb" and falkordb_error:
        with pytest.raises(QueryError, match=falkordb_error):
            backend.run_read(query, params)
    else:
        assert backend.run_read(query, params).rows == answer


def test_falkordb_refuses_reads_on_a_graph_never_written(embedded):
    """Why FalkorBackend writes `RETURN 1` to a graph it creates."""
    client = FalkorDB(
        unix_socket_path=str(embedded.server.socket_path), password=embedded.server.password
    )
    try:
        graph = client.select_graph("never-written-" + embedded.graph_name)
        with pytest.raises(Exception, match="empty key"):
            graph.ro_query("MATCH (n) RETURN count(n)")
    finally:
        client.connection.close()


def test_aggregates_may_come_back_as_other_number_types(backend):
    """percentileDisc over integers: an integer on Neo4j, a float on FalkorDB."""
    value = backend.run_read("UNWIND [1, 2, 3] AS x RETURN percentileDisc(x, 0.5)").value()
    assert value == 2 and isinstance(value, float) == (backend.dialect == "falkordb")


def test_an_unnamed_relationship_pattern_counts_pairs_of_nodes_on_falkordb(backend):
    """Two roles of one person on one show are two edges; FalkorDB counts `()-[:T]->()`
    once per pair of nodes unless the relationship is named."""
    backend.run_write(
        "CREATE (p:Person {key: 'p'}), (s:Show {key: 's'}), "
        "(p)-[:WORKED_ON {role: 'composer'}]->(s), "
        "(p)-[:WORKED_ON {role: 'editor'}]->(s)"
    )
    named = backend.run_read("MATCH ()-[r:WORKED_ON]->() RETURN count(r)").value()
    unnamed = backend.run_read("MATCH ()-[:WORKED_ON]->() RETURN count(*)").value()
    assert named == 2
    assert unnamed == (1 if backend.dialect == "falkordb" else 2)


def test_two_pattern_comprehensions_sharing_a_variable_on_falkordb(backend):
    """The second of two comprehensions in one RETURN that reuse a variable name comes back
    empty on FalkorDB (queries/cypher/show.cypher names them apart)."""
    backend.run_write(SETUP)
    row = backend.run_read(
        "MATCH (s:Show {key: 's'}) RETURN [(p)-[:ACTED_IN]->(s) | p.key] AS cast, "
        "[(s)-[:MADE_BY]->(p) | p.key] AS companies"
    ).rows[0]
    assert sorted(row[0]) == ["ann", "bob"]
    assert row[1] == ([] if backend.dialect == "falkordb" else ["c"])


def test_a_string_range_on_the_key_index_compares_signed_bytes_on_falkordb(backend):
    """Why the embedded store does not page by `n.key > $after` (graph/falkor_key_pages.py):
    answered from the key index, the range compares strings by signed bytes (non-ASCII
    before ASCII), while ORDER BY and a comparison evaluated per node use code points."""
    backend.run_write("UNWIND ['anna', 'zed', 'zz', 'ß', 'бор'] AS k CREATE (:Person {key: k})")
    ordered = "RETURN n.key ORDER BY n.key"
    indexed = backend.run_read(
        f"MATCH (n:Person) WHERE n.key > $after {ordered}", {"after": "zed"}
    ).rows
    per_node = backend.run_read(
        f"MATCH (n:Person) WHERE toString(n.key) > $after {ordered}", {"after": "zed"}
    ).rows
    assert per_node == [["zz"], ["ß"], ["бор"]]
    assert indexed == ([["zz"]] if backend.dialect == "falkordb" else per_node)
    assert backend.run_read(f"MATCH (n:Person) {ordered}").rows == [
        ["anna"],
        ["zed"],
        ["zz"],
        ["ß"],
        ["бор"],
    ]


def test_a_foreach_updates_one_element_after_the_other_on_both(backend):
    """The loader adds one to a hub's degree per new edge with a FOREACH over a list that
    names a hub as often as it gained edges (loaders/statements.py, `_counted_at_once`):
    each element's SET must see the one before it, or increments are lost."""
    backend.run_write(SETUP)
    backend.run_write(
        "MATCH (c:Company {key: 'c'}) WITH [c, c, c] AS grown "
        "FOREACH (h IN grown | SET h.show_count = coalesce(h.show_count, 0) + 1)"
    )
    assert backend.run_read("MATCH (c:Company) RETURN c.show_count").value() == 3
