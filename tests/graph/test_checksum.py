"""The canonical graph checksum: equal for equal graphs, whatever the order they were
written in; different, and saying where, when anything differs."""

from __future__ import annotations

import pytest

from screengraph.graph.checksum import describe_difference, first_differences, graph_checksum

SHOWS = [
    ("bureau-2015", "The Bureau", 2015),
    ("spiral-2005", "Spiral", 2005),
    ("zebra-1999", "Zebra", 1999),
]
PEOPLE = [("eric-rochant", "Éric Rochant", 2), ("anne-landois", "Anne Landois", 1)]
CREDITS = [
    ("eric-rochant", "bureau-2015", "DIRECTED", ["a#1"]),
    ("eric-rochant", "spiral-2005", "WROTE", ["a#2", "b#1"]),
    ("anne-landois", "spiral-2005", "PRODUCED", ["b#1"]),
]


def build(backend, reverse: bool = False) -> None:
    order = (lambda items: list(reversed(items))) if reverse else list
    for key, title, year in order(SHOWS):
        backend.run_write(
            "CREATE (:Show {key: $k, title: $t, year: $y, sources: ['a#1']})",
            {"k": key, "t": title, "y": year},
        )
    for key, name, count in order(PEOPLE):
        backend.run_write(
            "CREATE (:Person {key: $k, name: $n, credit_count: $c})",
            {"k": key, "n": name, "c": count},
        )
    for person, show, rel_type, sources in order(CREDITS):
        role = " {role: 'producer'}" if rel_type == "PRODUCED" else ""
        backend.run_write(
            f"MATCH (p:Person {{key: $p}}), (s:Show {{key: $s}}) "
            f"CREATE (p)-[r:{rel_type}{role}]->(s) SET r.sources = $src",
            {"p": person, "s": show, "src": sources},
        )


def test_the_same_graph_written_in_another_order_has_the_same_checksum(backend):
    build(backend)
    first = graph_checksum(backend)
    backend.clear()
    build(backend, reverse=True)
    second = graph_checksum(backend)
    assert first == second, describe_difference(first, second)
    assert first.counts == {
        "node:Person": 2,
        "node:Show": 3,
        "rel:DIRECTED": 1,
        "rel:PRODUCED": 1,
        "rel:WROTE": 1,
    }


@pytest.mark.parametrize(
    "change, section",
    [
        ("MATCH (p:Person {key: 'eric-rochant'}) SET p.credit_count = 3", "node:Person"),
        ("MATCH (s:Show {key: 'zebra-1999'}) SET s.sources = ['a#1', 'c#1']", "node:Show"),
        ("MATCH ()-[r:WROTE]->() SET r.sources = ['a#2']", "rel:WROTE"),
        (
            "MATCH (p:Person {key: 'anne-landois'}), (s:Show {key: 'zebra-1999'}) "
            "CREATE (p)-[:ACTED_IN {sources: ['z#1']}]->(s)",
            "rel:ACTED_IN",
        ),
        (
            "MATCH (p:Person {key: 'anne-landois'})-[r:PRODUCED]->() SET r.role = 'executive producer'",
            "rel:PRODUCED",
        ),
        ("MATCH (s:Show {key: 'zebra-1999'}) SET s:Archived", "node:Archived"),
    ],
)
def test_any_change_changes_the_checksum_and_the_summary_says_where(backend, change, section):
    build(backend)
    before = graph_checksum(backend)
    backend.run_write(change)
    after = graph_checksum(backend)
    assert before != after
    summary = describe_difference(before, after, ("before", "after"))
    assert section in summary, summary


def test_a_relationship_moved_to_another_end_changes_the_checksum(backend):
    build(backend)
    before = graph_checksum(backend)
    backend.run_write("MATCH (p:Person {key: 'eric-rochant'})-[r:DIRECTED]->() DELETE r")
    backend.run_write(
        "MATCH (p:Person {key: 'eric-rochant'}), (s:Show {key: 'zebra-1999'}) "
        "CREATE (p)-[:DIRECTED {sources: ['a#1']}]->(s)"
    )
    after = graph_checksum(backend)
    assert before.counts == after.counts
    assert "rel:DIRECTED" in describe_difference(before, after)


def test_first_differences_lists_the_items_of_two_live_graphs(request):
    from tests.conftest import open_backend

    left, right = open_backend("embedded", request), open_backend("embedded", request)
    build(left)
    build(right, reverse=True)
    assert first_differences(left, right) == []
    right.run_write("MATCH (p:Person {key: 'anne-landois'}) SET p.name = 'Anne Landoy'")
    found = first_differences(left, right)
    assert len(found) == 2 and all("anne-landois" in line for line in found), found
    assert "Anne Landoy" in found[1]
