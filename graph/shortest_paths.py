"""Shortest connection paths, each engine its own way behind `Backend.shortest_paths`.

One answer on both (up to `limit` shortest paths within the hop limit, or why there
is none), each inside the caller's time limit. Which of several equally short paths
come first does not depend on the store's history: paths are ordered by the sequence
of their entities' (label, key), and between two entities a step takes the first
relationship by (type, role, direction), on both engines.
- on Neo4j, the engine's own `allShortestPaths` (a bidirectional breadth-first
  search in the database, bounded by the hop limit and the transaction timeout),
  whose distinct entity sequences the engine orders, sending only the first `limit`
  with their steps' relationships (at most PATHS_READ paths: when there are more,
  the ordered choice is made by the search below, so the answer stays the same);
- on the embedded store, a bidirectional breadth-first search driven from
  Python, because FalkorDB's `shortestPath` follows one direction only and its
  `algo.SPpaths` ignores query time limits (it ran for minutes in our tests).
  When the process keeps an up-to-date in-memory copy of the graph
  (graph/adjacency.py) the search runs on it; otherwise each step is one
  expansion query over the cheaper frontier (the one whose entities have the
  fewest edges, from the degrees the loader keeps) that works on internal node
  ids and returns (reached, from, degree) id rows, giving every shortest path as
  a layered graph (each entity on one, with the next entities toward the target)
  from which the first `limit` paths in order are walked a level at a time,
  reading only the entities they may pass. The copy walks its first paths
  straight from the two searches' depths, by its ranks of the (label, key) order
  (graph/adjacency.py). The relationships of their steps, with their entities,
  are read in one round trip, each from its end with fewer relationships.

Engine ids never leave this module: the caller names the ends by label and key
and gets labels, keys and names back. When a frontier grows past its cap the
search stops and says so rather than answer with a longer path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from screengraph.graph import adjacency
from screengraph.graph.errors import GraphError, QueryTimeout
from screengraph.graph.schema import Label, RelType

if TYPE_CHECKING:
    from screengraph.graph.backend import Backend, FoundPath

FRONTIER_CAP = 50_000
# Shortest paths Neo4j's allShortestPaths enumerates (each step sent once, however many
# paths share it); past it, the layered search chooses (a hub between the ends makes
# thousands of equally short paths).
PATHS_READ = 10_000
# A layered graph of shortest paths this small is read whole, in one round trip; a wider
# one a level at a time, only where the first paths may go.
WHOLE_READ = 2_000
DEADLINE_MARGIN_MS = 150
# Shows have no stored degree; a typical show has about a dozen credits and companies.
SHOW_DEGREE = 12
# An entity's relationships as the loader counts them (a show's estimated).
DEGREE = "coalesce({node}.credit_count, {node}.show_count, $show_degree)"


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
    limit: int,
) -> list[FoundPath] | str:
    """One query: the engine enumerates the shortest paths, orders their distinct entity
    sequences by (label, key) and sends only the first `limit`, with every relationship of
    their steps (the first by type, role and direction is chosen here). Sending each step
    of every path instead cost 4-5x the enumeration itself on pairs with hundreds of paths.

    Neo4j orders stored text as Python does, by code point (its UTF-8 bytes; text sent as
    a parameter would order by UTF-16 units instead, putting U+20000 before U+FA0E), so
    the paths chosen are Python's first: tests/queries/test_paths.py checks it."""
    types = check_names((source[0], target[0]), rel_types)
    deadline = Deadline(backend, timeout_ms)
    rows = deadline.run(
        lambda remaining_ms: (
            backend.run_read(
                f"MATCH (a:{source[0]} {{key: $a}}) MATCH (b:{target[0]} {{key: $b}}) "
                f"MATCH p = allShortestPaths((a)-[:{types}*..{int(max_hops)}]-(b)) "
                "WITH p LIMIT $read "
                "WITH count(p) AS read, collect(DISTINCT nodes(p)) AS found "
                "UNWIND found AS ns "
                "WITH read, ns ORDER BY [n IN ns | [labels(n)[0], n.key]] LIMIT $limit "
                "WITH read, collect(ns) AS chosen "
                "UNWIND range(0, size(chosen) - 1) AS which "
                "WITH read, which, chosen[which] AS ns "
                "UNWIND range(0, size(ns) - 2) AS step "
                "WITH read, which, step, ns[step] AS here, ns[step + 1] AS there "
                f"MATCH (here)-[r:{types}]-(there) "
                "RETURN read, which, step, "
                "[labels(here)[0], here.key, coalesce(here.title, here.name)], "
                "[labels(there)[0], there.key, coalesce(there.title, there.name)], "
                "type(r), coalesce(r.role, ''), startNode(r) = here",
                {"a": source[1], "b": target[1], "read": PATHS_READ, "limit": limit},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        )
    )
    if not rows:
        return no_path_within(max_hops)
    chosen: dict[int, dict[int, tuple]] = {}  # path -> step -> (here, there)
    names: dict[tuple, str] = {}
    steps: dict[tuple, tuple] = {}  # (here, there) -> its first relationship
    for _read, which, step, here, there, rel_type, role, outgoing in rows:
        here_node, there_node = (here[0], here[1]), (there[0], there[1])
        names[here_node], names[there_node] = here[2], there[2]
        chosen.setdefault(which, {})[step] = (here_node, there_node)
        pair = (here_node, there_node)
        steps[pair] = min(steps.get(pair, (rel_type, role, outgoing)), (rel_type, role, outgoing))
    if rows[0][0] >= PATHS_READ:  # perhaps not all of them: the layered search orders all
        return _layered(backend, source, target, types, max_hops, deadline, limit, None)
    chains = sorted(
        [by_step[0][0]] + [by_step[step][1] for step in sorted(by_step)]
        for by_step in chosen.values()
    )
    return [_found_path(chain, names, steps) for chain in chains]


def _found_path(chain: list, names: dict, steps: dict) -> FoundPath:
    """A path of entities (labels and keys), named, each step by its chosen relationship."""
    rels = []
    for here, there in zip(chain, chain[1:]):
        rel_type, role, outgoing = steps[(here, there)]
        start, end = (here, there) if outgoing else (there, here)
        rels.append((rel_type, role or None, start[1], end[1]))
    return [(label, key, names[(label, key)]) for label, key in chain], rels


# -- embedded: the in-memory copy when it is up to date, else queries ------------


def embedded_shortest(
    backend: Backend,
    source: tuple[str, str],
    target: tuple[str, str],
    rel_types: tuple[str, ...],
    max_hops: int,
    timeout_ms: int,
    limit: int,
) -> list[FoundPath] | str:
    types = check_names((source[0], target[0]), rel_types)
    copy = adjacency.fresh(backend, rel_types)
    return _layered(
        backend, source, target, types, max_hops, Deadline(backend, timeout_ms), limit, copy
    )


def _layered(
    backend: Backend,
    source: tuple[str, str],
    target: tuple[str, str],
    types: str,
    max_hops: int,
    deadline: Deadline,
    limit: int,
    copy: adjacency.Adjacency | None,
) -> list[FoundPath] | str:
    """The first `limit` shortest paths in order, from every shortest path as a layered
    graph: the in-memory copy's when there is one, else found by expansion queries."""
    start, end, *ends_degrees = deadline.run(
        lambda remaining_ms: backend.run_read(
            f"OPTIONAL MATCH (a:{source[0]} {{key: $a}}) "
            f"OPTIONAL MATCH (b:{target[0]} {{key: $b}}) RETURN id(a), id(b), "
            f"{DEGREE.format(node='a')}, {DEGREE.format(node='b')}",
            {"a": source[1], "b": target[1], "show_degree": SHOW_DEGREE},
            timeout_ms=remaining_ms,
            max_rows=0,
        ).rows[0]
    )
    if start is None or end is None:
        raise GraphError("The graph changed while the connection was being read; ask again.")
    degrees: dict[int, int] = dict(zip((start, end), ends_degrees, strict=True))
    if copy is not None:
        try:
            chains = copy.first_paths(start, end, max_hops, limit, deadline.at)
        except TimeoutError:
            raise QueryTimeout(deadline.timeout_ms, backend.name) from None
        if chains is None:
            return no_path_within(max_hops)
        return _read_paths(backend, chains, start, end, types, limit, deadline, copy.degree)
    layers = _bidirectional(backend, start, end, types, max_hops, deadline, degrees)
    if isinstance(layers, str):
        return layers
    return _read_paths(backend, layers, start, end, types, limit, deadline, degrees.__getitem__)


def _read_paths(
    backend: Backend,
    found: list[list[int]] | dict[int, list[int]],
    start: int,
    end: int,
    types: str,
    limit: int,
    deadline: Deadline,
    degree: Callable[[int], int],
) -> list[FoundPath]:
    """The first `limit` shortest paths (node ids), then the relationships of the steps
    taken, with their entities, in one round trip (between two entities, the first
    relationship by type, role and direction), each step read from its end with fewer
    relationships (`degree`).

    `found` is either those paths, chosen already (the in-memory copy's: a list), or every
    shortest path as a layered graph (each node's next nodes toward the end: a dict). From
    that, level by level, the first `limit` beginnings of paths are kept: every beginning
    leads on to the end, so no later path can start with one that came after them. Only
    the next entities of those few are read (one round trip a level), not the whole
    layered graph, which a hub between the ends makes thousands of entities wide; a
    layered graph of at most WHOLE_READ entities is read at once (one round trip in all)."""
    nodes: dict[int, tuple[str, str, str]] = {}

    def read(ids: set[int]) -> None:
        wanted = sorted(ids - nodes.keys())
        if not wanted:
            return
        for node, label, key, name in deadline.run(
            lambda remaining_ms: (
                backend.run_read(
                    "UNWIND $ids AS i MATCH (n) WHERE id(n) = i "
                    "RETURN id(n), labels(n)[0], n.key, coalesce(n.title, n.name)",
                    {"ids": wanted},
                    timeout_ms=remaining_ms,
                    max_rows=0,
                ).rows
            )
        ):
            nodes[node] = (label, key, name)
        if any(node not in nodes for node in wanted):
            raise GraphError("The graph changed while the connection was being read; ask again.")

    if isinstance(found, list):
        chains = found
    else:
        onward = found
        everything = set(onward).union(*onward.values())
        read(everything if len(everything) <= WHOLE_READ else {start})
        chains = [[start]]
        while chains[0][-1] != end:  # every shortest path has the same length
            read({node for chain in chains for node in onward[chain[-1]]})
            longer = [[*chain, node] for chain in chains for node in onward[chain[-1]]]
            chains = sorted(longer, key=lambda chain: [nodes[node][:2] for node in chain])
            chains = chains[:limit]
    pairs_set = {(a, b) for chain in chains for a, b in zip(chain, chain[1:])}
    pairs = sorted(pairs_set)
    steps: dict[tuple, tuple] = {}
    for here, there, rel_type, role, outgoing, *ends in deadline.run(
        lambda remaining_ms: (
            backend.run_read(
                "UNWIND $pairs AS pair MATCH (a) WHERE id(a) = pair[0] "
                f"MATCH (a)-[r:{types}]-(b) WHERE id(b) = pair[1] "
                "RETURN pair[0], pair[1], type(r), coalesce(r.role, ''), startNode(r) = a, "
                "labels(a)[0], a.key, coalesce(a.title, a.name), "
                "labels(b)[0], b.key, coalesce(b.title, b.name)",
                {"pairs": [list(pair) for pair in read_from_fewer(pairs, degree)]},
                timeout_ms=remaining_ms,
                max_rows=0,
            ).rows
        )
    ):
        nodes[here], nodes[there] = tuple(ends[:3]), tuple(ends[3:])
        if (here, there) not in pairs_set:  # read from the other end
            here, there, outgoing = there, here, not outgoing
        candidate = (rel_type, role, outgoing)
        steps[(here, there)] = min(steps.get((here, there), candidate), candidate)
    if len(steps) != len(pairs):
        raise GraphError("The graph changed while the connection was being read; ask again.")
    read({node for chain in chains for node in chain})  # a path of no steps: its one entity
    named = {node[:2]: node[2] for node in nodes.values()}
    return [
        _found_path(
            [nodes[i][:2] for i in chain],
            named,
            {(nodes[a][:2], nodes[b][:2]): steps[(a, b)] for a, b in zip(chain, chain[1:])},
        )
        for chain in chains
    ]


def read_from_fewer(
    pairs: list[tuple[int, int]], degree: Callable[[int], int]
) -> list[tuple[int, int]]:
    """Each pair of neighbours turned so that its first has fewer relationships: the
    engine finds the relationships between two entities by reading those of the first
    (from a person with 3,000 credits to one of their shows: 150 times dearer on
    FalkorDB than from the show)."""
    return [(b, a) if degree(b) < degree(a) else (a, b) for a, b in pairs]


class _Side:
    def __init__(self, start: int):
        self.parents: dict[int, list[int]] = {start: []}
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
    deadline: Deadline,
    degrees: dict[int, int],
) -> dict[int, list[int]] | str:
    """Every shortest path as a layered graph, by expansion queries; `degrees` gets the
    (estimated) number of relationships of every entity reached."""
    if source == target:
        return {source: []}
    forward, backward = _Side(source), _Side(target)
    while forward.frontier and backward.frontier and forward.level + backward.level < max_hops:
        side, other = (forward, backward) if forward.cost <= backward.cost else (backward, forward)
        meets = _expand(backend, side, other, types, deadline, degrees)
        if meets:
            # Levels are expanded whole: the entities met at the least depth from the
            # other end are those every shortest path passes at this level.
            nearest = min(other.depth[node] for node in meets)
            middle = [node for node in meets if other.depth[node] == nearest]
            return adjacency.onward_layers(middle, forward.parents, backward.parents)
        if len(side.frontier) > FRONTIER_CAP:
            return (
                f"the search reached more than {FRONTIER_CAP:,} entities at "
                f"{side.level} hops; no path of {forward.level + backward.level} hops "
                "or fewer exists, and a longer one is too costly to look for"
            )
    return no_path_within(max_hops)


def _expand(
    backend: Backend,
    side: _Side,
    other: _Side,
    types: str,
    deadline: Deadline,
    degrees: dict[int, int],
) -> list[int]:
    """One level more of `side`: every relationship from its frontier, as plain id pairs
    grouped here (grouping them in the engine, collect(DISTINCT ...), cost it twice to
    four times as much as the search itself on frontiers of thousands)."""
    rows = deadline.run(
        lambda remaining_ms: backend.int_rows(
            f"UNWIND $ids AS i MATCH (n) WHERE id(n) = i MATCH (n)-[:{types}]-(m) "
            f"RETURN id(m), id(n), {DEGREE.format(node='m')}",
            {"ids": side.frontier, "show_degree": SHOW_DEGREE},
            timeout_ms=remaining_ms,
        )
    )
    reached: dict[int, set[int]] = {}  # each entity new at this level, and whence
    parents = side.parents
    for node, parent, degree in rows:
        if node in reached:
            reached[node].add(parent)
        elif node not in parents:
            reached[node] = {parent}
            degrees[node] = int(degree or 1)
    side.level += 1
    for node, found in reached.items():
        parents[node] = sorted(found)
        side.depth[node] = side.level
    side.frontier = list(reached)
    side.cost = sum(degrees[node] for node in reached)
    return [node for node in reached if node in other.parents]
