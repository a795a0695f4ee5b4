"""Beyond one machine: `neo4j://` routing against the local server, a process reading its
own writes through one chain of bookmarks, and a write refused in a routed read."""

from __future__ import annotations

import os

import pytest

from screengraph.graph.errors import ReadOnlyViolation
from screengraph.graph.neo4j_backend import Neo4jBackend


@pytest.fixture
def routed(neo4j):
    """The same database as the `neo4j` fixture, through `neo4j://` (routing)."""
    uri = os.environ["NEO4J_URI"].replace("bolt://", "neo4j://", 1)
    backend = Neo4jBackend(
        uri,
        os.environ.get("NEO4J_USERNAME", "neo4j"),
        os.environ.get("NEO4J_PASSWORD"),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    yield backend
    backend.close()


def test_routing_uri_reads_and_writes_on_the_local_server(routed, neo4j):
    assert routed.uri.startswith("neo4j://")
    routed.run_write("CREATE (:Show {key: 'routed', title: 'Routed'})")
    assert routed.run_read("MATCH (s:Show {key: 'routed'}) RETURN s.title").value() == "Routed"
    assert neo4j.run_read("MATCH (s:Show {key: 'routed'}) RETURN count(*)").value() == 1
    with pytest.raises(ReadOnlyViolation):  # a read goes where writes may be refused
        routed.run_read("CREATE (:Show {key: 'not-in-a-read'})")


def test_reads_after_a_write_wait_for_it_through_the_process_bookmarks(routed):
    assert routed.bookmarks() == frozenset()
    routed.run_write("CREATE (:Show {key: 'first', title: 'First'})")
    first = routed.bookmarks()
    assert len(first) == 1  # the write's bookmark, which every next session starts from
    routed.run_write("CREATE (:Show {key: 'second', title: 'Second'})")
    assert routed.bookmarks() != first  # the chain moved on to the second write
    assert (
        routed.run_read("MATCH (s:Show) WHERE s.key IN ['first', 'second'] RETURN count(s)").value()
        == 2
    )
