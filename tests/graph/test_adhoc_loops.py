"""Loops Neo4j cannot stop at a time limit are refused before they run; loops over what
the graph holds still run (graph/adhoc_loops.py)."""

from __future__ import annotations

import pytest

from screengraph.graph.adhoc_loops import loops, unstoppable
from screengraph.graph.errors import QueryRefused

# As Neo4j 5.26 prints them in EXPLAIN's details (literals become $auto parameters; each
# column's original text follows as its backticked alias).
PLAN_DETAILS = {
    "size(reduce(s = $autostring_3, i IN range($autoint_4, $autoint_5) | s + $autostring_2)) "
    "AS `size(reduce(s = '', i IN range(1, 20000) | s + 'abcdefgh'))`": [
        ("reduce()", "range($autoint_4, $autoint_5)")
    ],
    "size([i IN range($autoint_3, $autoint_4) WHERE i % $autoint_0 = $autoint_1 | i * "
    "$autoint_2]) AS `x`": [("a list comprehension", "range($autoint_3, $autoint_4)")],
    "[n IN nodes((a)-[anon_0*]-(b)) | n.title] AS `[n IN nodes(p) | n.title]`, "
    "$autostring_1 IN labels(a) AS `any(l IN labels(a) WHERE l = 'X')`": [
        ("a list comprehension", "nodes((a)-[anon_0*]-(b))")
    ],
    "p = (a)-[anon_0*..3]-(b) WHERE all(r IN relationships(p) WHERE r.year > $autoint_0)": [
        ("all()", "relationships(p)")
    ],
    "[x IN [y IN l | y] | x]": [
        ("a list comprehension", "[y IN l | y]"),
        ("a list comprehension", "l"),
    ],
    "range($autoint_0, $autoint_1) AS x": [],
    "'[x IN range(1, 9) | x]' AS s": [],
}


@pytest.mark.parametrize("details", list(PLAN_DETAILS))
def test_loops_are_read_from_plan_details(details):
    assert [(loop.kind, loop.source) for loop in loops(details)] == PLAN_DETAILS[details]


@pytest.mark.parametrize(
    "details,reason",
    [
        ("reduce(t = $autoint_0, x IN m.b | t + x) AS s", "reduce() carries a value"),
        ("size([i IN range($a, $b) WHERE i % $c = $d]) AS n", "list comprehension over range()"),
        ("any(i IN range($a, $b) WHERE i < $c) AS found", "any() over range()"),
        ("[x IN l | [y IN l | y]] AS pairs", "list comprehension inside the body of a list"),
        ("[x IN l WHERE any(y IN l WHERE y > x)] AS xs", "any() inside the body"),
    ],
)
def test_loops_whose_work_has_no_bound_are_named(details, reason):
    assert any(reason in found for found in unstoppable(details)), unstoppable(details)


@pytest.mark.parametrize(
    "details",
    [
        "[n IN nodes(p) | n.title] AS titles",
        "[x IN [y IN l | y] | x] AS xs",  # one after the other: the work adds up
        "all(r IN relationships(p) WHERE r.year > $autoint_0)",
        "range($autoint_0, $autoint_1) AS x",
    ],
)
def test_loops_bounded_by_their_list_are_let_through(details):
    assert unstoppable(details) == []


# Each ran 15 s to minutes on the server (or took it down) whatever its 1 s limit, and
# TERMINATE TRANSACTIONS did not stop it.
UNSTOPPABLE_ON_NEO4J = {
    "string building": "UNWIND range(1, 20000) AS x "
    "RETURN size(reduce(s = '', i IN range(1, 20000) | s + 'abcdefgh'))",
    "reduce over a collected list": "UNWIND range(1, 200000) AS i WITH collect('abcdefgh') AS l "
    "RETURN size(reduce(s = '', x IN l | s + x))",
    "comprehension over a huge range": "RETURN size([i IN range(1, 300000000) "
    "WHERE i % 7 = 0 | i * 2])",
    "nested comprehensions": "UNWIND range(1, 30000) AS i WITH collect(i) AS l "
    "RETURN size([x IN l | [y IN l | y]])",
}


@pytest.mark.parametrize("shape", list(UNSTOPPABLE_ON_NEO4J))
def test_neo4j_refuses_loops_it_cannot_stop_and_says_what_to_write(neo4j, shape):
    with pytest.raises(QueryRefused, match="could not stop it at its time limit") as refusal:
        neo4j.run_adhoc(UNSTOPPABLE_ON_NEO4J[shape], timeout_ms=1000)
    assert "UNWIND" in str(refusal.value)


def test_the_same_answer_written_with_unwind_runs_on_neo4j(neo4j):
    assert (
        neo4j.run_adhoc("UNWIND range(1, 20000) AS i RETURN sum(i) AS total").value()
        == 20000 * 20001 // 2
    )
