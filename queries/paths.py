"""Degrees of separation: the shortest connection between two entities.

Two strategies, one answer (a true shortest path within the hop limit, or
"none"), each inside the request's time limit:
- on Neo4j, the engine's own `shortestPath` (a bidirectional breadth-first
  search in the database, bounded by the hop limit and the transaction timeout);
- on the embedded store, a bidirectional breadth-first search driven from
  Python, because FalkorDB's `shortestPath` follows one direction only and its
  `algo.SPpaths` ignores query time limits (it ran for minutes in our tests).
  Each step is one expansion query over the cheaper frontier (the one whose
  entities have the fewest edges, from the degrees the loader keeps) that
  works on internal node ids and returns each newly reached entity once, so
  rows stay small; the whole search has its own deadline. The path found is
  then read back with names, types and roles.

Paths follow credits and companies in either direction. Genres are left out
unless an end of the path is a genre: every drama is two hops from every
other drama, which says nothing about how two people are connected.
When a frontier grows past its cap the search stops and says so rather than
answer with a longer path.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from graph.backend import Backend
from graph.errors import GraphError, QueryTimeout
from graph.identifiers import try_identifier
from graph.schema import Label, RelType
from queries import adjacency
from queries.catalogue import Param, question
from queries.errors import QueryParameterError
from queries.namesakes import distinguish
from queries.search import check_label, entity_url, resolve_entity, split_reference

DEFAULT_MAX_HOPS = 6
# The hop limit of every surface (CLI, web form, JSON, canned query), declared once.
MAX_HOPS = 10
HOPS = Param(
    "max_hops",
    "int",
    DEFAULT_MAX_HOPS,
    required=False,
    low=1,
    high=MAX_HOPS,
    help="The longest connection to look for, in hops.",
)
FRONTIER_CAP = 50_000
DEADLINE_MARGIN_MS = 150
# Shows have no stored degree; a typical show has about a dozen credits and companies.
SHOW_DEGREE = 12
WITHOUT_GENRES = "|".join(r.value for r in RelType if r is not RelType.IN_GENRE)
WITH_GENRES = "|".join(r.value for r in RelType)


def no_path_within(max_hops: int) -> str:
    """The answer's message when the ends are not connected within `max_hops` (a longer
    search may connect them)."""
    return f"no connection within {max_hops} hops"


@dataclass(frozen=True)
class Ref:
    label: str
    key: str

    @property
    def id(self) -> str:
        return f"{self.key}@{self.label}"


EntityRef = Ref | str | Mapping
# A path found: its nodes and the relationships between them (_answer's input).
FoundPath = tuple[list[dict], list[dict]]


def parse_ref(text: str) -> Ref:
    """`Person:eric-rochant` (any case of the label) -> Ref."""
    reference = split_reference(text)
    if reference is None:
        raise QueryParameterError(
            f"{text!r} is not an entity reference: write Label:key, e.g. Person:eric-rochant"
        )
    return Ref(*reference)


def as_ref(backend: Backend, entity: EntityRef) -> Ref:
    """A Ref from a Ref, a `Label:key` text, a dict with label and key (resolve_entity's),
    or any other text a user names an entity by (resolved like a search: names,
    identifiers)."""
    if isinstance(entity, Ref):
        return Ref(check_label(entity.label), entity.key)
    if isinstance(entity, str):
        named = ":" not in entity or try_identifier(entity) is not None
        if split_reference(entity) is None and named:
            return as_ref(backend, resolve_entity(backend, entity))
        return parse_ref(entity)
    return Ref(check_label(entity["label"]), entity["key"])


@question(
    "path",
    "Connection path",
    "The shortest connection between two entities (names, Label:key or identifiers), "
    "within a hop limit.",
    Param("source", "str", argument=True, help="One end: a name, Label:key or an identifier."),
    Param("target", "str", argument=True, help="The other end, named the same ways."),
    HOPS,
)
def connection_path(
    backend: Backend,
    source: EntityRef,
    target: EntityRef,
    max_hops: int = DEFAULT_MAX_HOPS,
    timeout_ms: int | None = None,
) -> dict:
    """Shortest path from source to target within max_hops, as alternating nodes/relationships.

    Ends are Refs, `Label:key` texts or resolve_entity() dicts. Returns
    {"found", "length", "path", "max_hops", "message"}: no path within the
    limit is an answer (found False, with the reason), not an error; running
    past `timeout_ms` (default: the backend's query limit) raises QueryTimeout.
    """
    HOPS.coerce(max_hops)
    source, target = as_ref(backend, source), as_ref(backend, target)
    timeout_ms = timeout_ms or backend.query_timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000
    types = WITH_GENRES if Label.GENRE.value in (source.label, target.label) else WITHOUT_GENRES
    ends = _ends(backend, source, target)
    for ref in (source, target):
        if ref not in ends:
            return _answer(None, [], max_hops, f"{ref.label} {ref.key!r} is not in the graph")
    if source == target:
        return _distinguished(backend, _answer([_node(source, ends[source][1])], [], max_hops))
    if backend.dialect == "neo4j":
        found = _native_shortest(backend, source, target, types, max_hops, deadline, timeout_ms)
    else:  # the in-memory copy when it is up to date (None otherwise), else queries
        found = _in_memory(
            backend, ends[source][0], ends[target][0], types, max_hops, deadline, timeout_ms
        ) or _bidirectional(
            backend, ends[source][0], ends[target][0], types, max_hops, deadline, timeout_ms
        )
    if isinstance(found, str):
        return _answer(None, [], max_hops, found)
    return _distinguished(backend, _answer(*found, max_hops))


def _distinguished(backend: Backend, answer: dict) -> dict:
    """The path's entities with their namesake detail (queries/namesakes.py)."""
    distinguish(backend, [step for step in answer["path"] if "label" in step])
    return answer


def _ends(backend: Backend, source: Ref, target: Ref) -> dict[Ref, tuple[int, str]]:
    """Internal id and display name of each end that exists, in one round trip."""
    row = backend.run_read(
        f"OPTIONAL MATCH (a:{source.label} {{key: $a}}) "
        f"OPTIONAL MATCH (b:{target.label} {{key: $b}}) "
        "RETURN id(a), coalesce(a.title, a.name), id(b), coalesce(b.title, b.name)",
        {"a": source.key, "b": target.key},
        max_rows=0,
    ).rows[0]
    found = {}
    for ref, (node_id, name) in ((source, row[0:2]), (target, row[2:4])):
        if node_id is not None:
            found[ref] = (node_id, name)
    return found


def _node(ref: Ref, name: str | None) -> dict:
    return {
        "label": ref.label,
        "key": ref.key,
        "name": name if name is not None else ref.key,
        "url": entity_url(ref.label, ref.key),
    }


def _limited(backend: Backend, deadline: float, timeout_ms: int, run):
    """Run one step of a search with what is left of its time limit (the search's limit if hit)."""
    # Leave room for the engine's own timeout granularity and the transfer of rows,
    # so the whole search ends within its limit.
    remaining_ms = int((deadline - time.monotonic()) * 1000) - DEADLINE_MARGIN_MS
    if remaining_ms <= 0:
        raise QueryTimeout(timeout_ms, backend.name)
    try:
        return run(remaining_ms)
    except QueryTimeout:
        raise QueryTimeout(timeout_ms, backend.name) from None


# -- Neo4j: the engine's shortestPath ------------------------------------------


def _native_shortest(
    backend: Backend,
    source: Ref,
    target: Ref,
    types: str,
    max_hops: int,
    deadline: float,
    timeout_ms: int,
) -> FoundPath | str:
    rows = _limited(
        backend,
        deadline,
        timeout_ms,
        lambda remaining_ms: (
            backend.run_read(
                f"MATCH (a:{source.label} {{key: $a}}) MATCH (b:{target.label} {{key: $b}}) "
                f"MATCH p = shortestPath((a)-[:{types}*..{int(max_hops)}]-(b)) "
                "RETURN [n IN nodes(p) | [labels(n)[0], n.key, coalesce(n.title, n.name)]], "
                "[r IN relationships(p) | [type(r), r.role, startNode(r).key, endNode(r).key]]",
                {"a": source.key, "b": target.key},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        ),
    )
    if not rows:
        return no_path_within(max_hops)
    nodes, rels = rows[0]
    return (
        [_node(Ref(label, key), name) for label, key, name in nodes],
        [{"type": t, "role": role, "start": start, "end": end} for t, role, start, end in rels],
    )


# -- embedded: the in-memory copy when it is up to date ----------------------------


def _in_memory(
    backend: Backend,
    source: int,
    target: int,
    types: str,
    max_hops: int,
    deadline: float,
    timeout_ms: int,
) -> FoundPath | str | None:
    """The search on queries.adjacency's copy of the graph; None when there is no fresh copy."""
    copy = adjacency.fresh(backend, tuple(types.split("|")))
    if copy is None:
        return None
    try:
        ids = copy.shortest(source, target, max_hops, deadline)
    except TimeoutError:
        raise QueryTimeout(timeout_ms, backend.name) from None
    if ids is None:
        return no_path_within(max_hops)
    return _read_path(backend, ids, types, deadline, timeout_ms)


# -- embedded: bidirectional breadth-first search over internal ids -------------


class _Side:
    def __init__(self, start: int):
        self.parents: dict[int, int | None] = {start: None}
        self.depth: dict[int, int] = {start: 0}
        self.frontier: list[int] = [start]
        self.cost = 1  # edges the next expansion will read, estimated from degrees
        self.level = 0


def _bidirectional(
    backend: Backend,
    source: int,
    target: int,
    types: str,
    max_hops: int,
    deadline: float,
    timeout_ms: int,
) -> FoundPath | str:
    forward, backward = _Side(source), _Side(target)
    while forward.frontier and backward.frontier and forward.level + backward.level < max_hops:
        side, other = (forward, backward) if forward.cost <= backward.cost else (backward, forward)
        meets = _expand(backend, side, other, types, deadline, timeout_ms)
        if meets:
            # Levels are expanded whole, so the best meeting point is a shortest path.
            meet = min(meets, key=lambda node: (other.depth[node], node))
            ids = _chain(forward, meet)[::-1] + _chain(backward, meet)[1:]
            return _read_path(backend, ids, types, deadline, timeout_ms)
        if len(side.frontier) > FRONTIER_CAP:
            return (
                f"the search reached more than {FRONTIER_CAP:,} entities at "
                f"{side.level} hops; no path of {forward.level + backward.level} hops "
                "or fewer exists, and a longer one is too costly to look for"
            )
    return no_path_within(max_hops)


def _expand(
    backend: Backend, side: _Side, other: _Side, types: str, deadline: float, timeout_ms: int
) -> list[int]:
    rows = _limited(
        backend,
        deadline,
        timeout_ms,
        lambda remaining_ms: (
            backend.run_read(
                f"UNWIND $ids AS i MATCH (n) WHERE id(n) = i MATCH (n)-[:{types}]-(m) "
                "RETURN id(m), min(id(n)), coalesce(m.credit_count, m.show_count, $show_degree)",
                {"ids": side.frontier, "show_degree": SHOW_DEGREE},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        ),
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


def _read_path(
    backend: Backend, ids: list[int], types: str, deadline: float, timeout_ms: int
) -> FoundPath:
    """Names of the nodes and, for each step, one relationship (the first by type and role)."""
    nodes = {
        row[0]: row[1:]
        for row in _limited(
            backend,
            deadline,
            timeout_ms,
            lambda remaining_ms: (
                backend.run_read(
                    "UNWIND $ids AS i MATCH (n) WHERE id(n) = i "
                    "RETURN id(n), labels(n)[0], n.key, coalesce(n.title, n.name)",
                    {"ids": ids},
                    timeout_ms=remaining_ms,
                    max_rows=0,
                ).rows
            ),
        )
    }
    steps: dict[int, tuple] = {}
    for step, rel_type, role, outgoing in _limited(
        backend,
        deadline,
        timeout_ms,
        lambda remaining_ms: (
            backend.run_read(
                "UNWIND range(0, size($ids) - 2) AS step MATCH (a) WHERE id(a) = $ids[step] "
                f"MATCH (a)-[r:{types}]-(b) WHERE id(b) = $ids[step + 1] "
                "RETURN step, type(r), r.role, startNode(r) = a",
                {"ids": ids},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        ),
    ):
        candidate = (rel_type, role or "", outgoing)
        if step not in steps or candidate < steps[step]:
            steps[step] = candidate
    if len(nodes) != len(ids) or len(steps) != len(ids) - 1:
        raise GraphError("The graph changed while the connection was being read; ask again.")
    rels = []
    for step, (rel_type, role, outgoing) in sorted(steps.items()):
        here, there = nodes[ids[step]][1], nodes[ids[step + 1]][1]
        rels.append(
            {
                "type": rel_type,
                "role": role or None,
                "start": here if outgoing else there,
                "end": there if outgoing else here,
            }
        )
    return [_node(Ref(label, key), name) for label, key, name in (nodes[i] for i in ids)], rels


def _answer(
    nodes: list[dict] | None, rels: list[dict], max_hops: int, message: str | None = None
) -> dict:
    if nodes is None:
        return {
            "found": False,
            "length": None,
            "path": [],
            "max_hops": max_hops,
            "message": message,
        }
    path: list[dict] = []
    for index, node in enumerate(nodes):
        path.append(node)
        if index < len(rels):
            path.append(
                {
                    "type": rels[index]["type"],
                    "role": rels[index]["role"],
                    "start": rels[index]["start"],
                    "end": rels[index]["end"],
                }
            )
    length = len(rels)
    return {
        "found": True,
        "length": length,
        "path": path,
        "max_hops": max_hops,
        "message": f"{length} hop{'s' if length != 1 else ''}",
    }
