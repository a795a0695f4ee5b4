"""Shortest connection paths, each engine its own way behind `Backend.shortest_path`.

One answer on both (a true shortest path within the hop limit, or why there is
none), each inside the caller's time limit:
- on Neo4j, the engine's own `shortestPath` (a bidirectional breadth-first
  search in the database, bounded by the hop limit and the transaction timeout);
- on the embedded store, a bidirectional breadth-first search driven from
  Python, because FalkorDB's `shortestPath` follows one direction only and its
  `algo.SPpaths` ignores query time limits (it ran for minutes in our tests).
  When the process keeps an up-to-date in-memory copy of the graph
  (graph/adjacency.py) the search runs on it; otherwise each step is one
  expansion query over the cheaper frontier (the one whose entities have the
  fewest edges, from the degrees the loader keeps) that works on internal node
  ids and returns each newly reached entity once, so rows stay small. The path
  found is then read back with names, types and roles.

Engine ids never leave this module: the caller names the ends by label and key
and gets labels, keys and names back. When a frontier grows past its cap the
search stops and says so rather than answer with a longer path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graph import adjacency
from graph.errors import GraphError, QueryTimeout
from graph.schema import Label, RelType

if TYPE_CHECKING:
    from graph.backend import Backend, FoundPath

FRONTIER_CAP = 50_000
DEADLINE_MARGIN_MS = 150
# Shows have no stored degree; a typical show has about a dozen credits and companies.
SHOW_DEGREE = 12


def no_path_within(max_hops: int) -> str:
    """Why there is no path: the ends are not connected within `max_hops` (a longer
    search may connect them)."""
    return f"no connection within {max_hops} hops"


def check_names(labels: tuple[str, ...], rel_types: tuple[str, ...]) -> str:
    """The relationship types as a Cypher alternation, once every name is the schema's
    (they are written into the query text, not passed as parameters)."""
    unknown = [x for x in labels if x not in {label.value for label in Label}] + [
        t for t in rel_types if t not in {r.value for r in RelType}
    ]
    if unknown or not rel_types:
        raise ValueError(f"a path search over unknown labels or types: {unknown or 'none'}")
    return "|".join(rel_types)


class Deadline:
    """What is left of a search's time limit, for each of its steps."""

    def __init__(self, backend: Backend, timeout_ms: int):
        self.backend = backend
        self.timeout_ms = timeout_ms
        self.at = time.monotonic() + timeout_ms / 1000

    def run(self, step: Callable[[int], Any]) -> Any:
        """Run one step with what is left (the search's limit is reported if hit)."""
        # Leave room for the engine's own timeout granularity and the transfer of rows,
        # so the whole search ends within its limit.
        remaining_ms = int((self.at - time.monotonic()) * 1000) - DEADLINE_MARGIN_MS
        if remaining_ms <= 0:
            raise QueryTimeout(self.timeout_ms, self.backend.name)
        try:
            return step(remaining_ms)
        except QueryTimeout:
            raise QueryTimeout(self.timeout_ms, self.backend.name) from None


# -- Neo4j: the engine's shortestPath ------------------------------------------


def native_shortest(
    backend: Backend,
    source: tuple[str, str],
    target: tuple[str, str],
    rel_types: tuple[str, ...],
    max_hops: int,
    timeout_ms: int,
) -> FoundPath | str:
    types = check_names((source[0], target[0]), rel_types)
    rows = Deadline(backend, timeout_ms).run(
        lambda remaining_ms: (
            backend.run_read(
                f"MATCH (a:{source[0]} {{key: $a}}) MATCH (b:{target[0]} {{key: $b}}) "
                f"MATCH p = shortestPath((a)-[:{types}*..{int(max_hops)}]-(b)) "
                "RETURN [n IN nodes(p) | [labels(n)[0], n.key, coalesce(n.title, n.name)]], "
                "[r IN relationships(p) | [type(r), r.role, startNode(r).key, endNode(r).key]]",
                {"a": source[1], "b": target[1]},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        )
    )
    if not rows:
        return no_path_within(max_hops)
    nodes, rels = rows[0]
    return [tuple(n) for n in nodes], [tuple(r) for r in rels]


# -- embedded: the in-memory copy when it is up to date, else queries ------------


def embedded_shortest(
    backend: Backend,
    source: tuple[str, str],
    target: tuple[str, str],
    rel_types: tuple[str, ...],
    max_hops: int,
    timeout_ms: int,
) -> FoundPath | str:
    types = check_names((source[0], target[0]), rel_types)
    deadline = Deadline(backend, timeout_ms)
    ends = deadline.run(
        lambda remaining_ms: backend.run_read(
            f"OPTIONAL MATCH (a:{source[0]} {{key: $a}}) "
            f"OPTIONAL MATCH (b:{target[0]} {{key: $b}}) RETURN id(a), id(b)",
            {"a": source[1], "b": target[1]},
            timeout_ms=remaining_ms,
            max_rows=0,
        ).rows[0]
    )
    if None in ends:
        raise GraphError("The graph changed while the connection was being read; ask again.")
    start, end = ends
    copy = adjacency.fresh(backend, rel_types)
    if copy is not None:
        try:
            ids = copy.shortest(start, end, max_hops, deadline.at)
        except TimeoutError:
            raise QueryTimeout(timeout_ms, backend.name) from None
        if ids is None:
            return no_path_within(max_hops)
        return _read_path(backend, ids, types, deadline)
    return _bidirectional(backend, start, end, types, max_hops, deadline)


class _Side:
    def __init__(self, start: int):
        self.parents: dict[int, int | None] = {start: None}
        self.depth: dict[int, int] = {start: 0}
        self.frontier: list[int] = [start]
        self.cost = 1  # edges the next expansion will read, estimated from degrees
        self.level = 0


def _bidirectional(
    backend: Backend, source: int, target: int, types: str, max_hops: int, deadline: Deadline
) -> FoundPath | str:
    forward, backward = _Side(source), _Side(target)
    while forward.frontier and backward.frontier and forward.level + backward.level < max_hops:
        side, other = (forward, backward) if forward.cost <= backward.cost else (backward, forward)
        meets = _expand(backend, side, other, types, deadline)
        if meets:
            # Levels are expanded whole, so the best meeting point is a shortest path.
            meet = min(meets, key=lambda node: (other.depth[node], node))
            ids = _chain(forward, meet)[::-1] + _chain(backward, meet)[1:]
            return _read_path(backend, ids, types, deadline)
        if len(side.frontier) > FRONTIER_CAP:
            return (
                f"the search reached more than {FRONTIER_CAP:,} entities at "
                f"{side.level} hops; no path of {forward.level + backward.level} hops "
                "or fewer exists, and a longer one is too costly to look for"
            )
    return no_path_within(max_hops)


def _expand(
    backend: Backend, side: _Side, other: _Side, types: str, deadline: Deadline
) -> list[int]:
    rows = deadline.run(
        lambda remaining_ms: (
            backend.run_read(
                f"UNWIND $ids AS i MATCH (n) WHERE id(n) = i MATCH (n)-[:{types}]-(m) "
                "RETURN id(m), min(id(n)), coalesce(m.credit_count, m.show_count, $show_degree)",
                {"ids": side.frontier, "show_degree": SHOW_DEGREE},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        )
    )
    next_frontier: list[int] = []
    meets: list[int] = []
    cost = 0
    parents = side.parents
    for node, parent, degree in rows:
        if node in parents:
            continue
        parents[node] = parent
        side.depth[node] = side.level + 1
        next_frontier.append(node)
        cost += int(degree or 1)
        if node in other.parents:
            meets.append(node)
    side.frontier = next_frontier
    side.cost = cost
    side.level += 1
    return meets


def _chain(side: _Side, node: int) -> list[int]:
    """From `node` back to the side's start."""
    chain = [node]
    parent = side.parents[node]
    while parent is not None:
        chain.append(parent)
        parent = side.parents[parent]
    return chain


def _read_path(backend: Backend, ids: list[int], types: str, deadline: Deadline) -> FoundPath:
    """Names of the nodes and, for each step, one relationship (the first by type and role)."""
    nodes = {
        row[0]: row[1:]
        for row in deadline.run(
            lambda remaining_ms: (
                backend.run_read(
                    "UNWIND $ids AS i MATCH (n) WHERE id(n) = i "
                    "RETURN id(n), labels(n)[0], n.key, coalesce(n.title, n.name)",
                    {"ids": ids},
                    timeout_ms=remaining_ms,
                    max_rows=0,
                ).rows
            )
        )
    }
    steps: dict[int, tuple] = {}
    for step, rel_type, role, outgoing in deadline.run(
        lambda remaining_ms: (
            backend.run_read(
                "UNWIND range(0, size($ids) - 2) AS step MATCH (a) WHERE id(a) = $ids[step] "
                f"MATCH (a)-[r:{types}]-(b) WHERE id(b) = $ids[step + 1] "
                "RETURN step, type(r), r.role, startNode(r) = a",
                {"ids": ids},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        )
    ):
        candidate = (rel_type, role or "", outgoing)
        if step not in steps or candidate < steps[step]:
            steps[step] = candidate
    if len(nodes) != len(ids) or len(steps) != len(ids) - 1:
        raise GraphError("The graph changed while the connection was being read; ask again.")
    rels = []
    for step, (rel_type, role, outgoing) in sorted(steps.items()):
        here, there = nodes[ids[step]][1], nodes[ids[step + 1]][1]
        start, end = (here, there) if outgoing else (there, here)
        rels.append((rel_type, role or None, start, end))
    return [tuple(nodes[i]) for i in ids], rels
