"""Degrees of separation: the shortest connection between two entities.

A bounded bidirectional breadth-first search driven from Python, the same on
both backends (FalkorDB's algo.SPpaths ignores query time limits and ran for
minutes in our tests, so it is never used for user requests). Each step is
one expansion query per label over the cheaper frontier (the one whose
entities have the fewest edges, from the degrees the loader keeps), so every query is
small, indexed and time-limited; the whole search has its own deadline.

Paths follow credits and companies in either direction. Genres are left out
unless an end of the path is a genre: every drama is two hops from every
other drama, which says nothing about how two people are connected.
The answer is a true shortest path; when a frontier grows past its cap the
search stops and says so rather than answer with a longer path.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Union

from graph.backend import Backend
from graph.errors import QueryTimeout
from graph.schema import Label, RelType
from queries.errors import QueryParameterError
from queries.search import check_label, entity_url, split_reference

DEFAULT_MAX_HOPS = 6
MIN_HOPS, MAX_HOPS = 1, 12
FRONTIER_CAP = 50_000
DEADLINE_MARGIN_MS = 150
# Shows have no stored degree; a typical show has about a dozen credits and companies.
SHOW_DEGREE = 12
WITHOUT_GENRES = "|".join(r.value for r in RelType if r is not RelType.IN_GENRE)
WITH_GENRES = "|".join(r.value for r in RelType)


@dataclass(frozen=True)
class Ref:
    label: str
    key: str

    @property
    def id(self) -> str:
        return f"{self.key}@{self.label}"


EntityRef = Union[Ref, str, Mapping]


def parse_ref(text: str) -> Ref:
    """`Person:eric-rochant` (any case of the label) -> Ref."""
    reference = split_reference(text)
    if reference is None:
        raise QueryParameterError(
            f"{text!r} is not an entity reference: write Label:key, e.g. Person:eric-rochant")
    return Ref(*reference)


def as_ref(entity: EntityRef) -> Ref:
    """A Ref from a Ref, a `Label:key` text, or a dict with label and key (resolve_entity's)."""
    if isinstance(entity, Ref):
        return Ref(check_label(entity.label), entity.key)
    if isinstance(entity, str):
        return parse_ref(entity)
    return Ref(check_label(entity["label"]), entity["key"])


class _Side:
    def __init__(self, start: Ref):
        self.parents: dict[Ref, tuple[Ref, dict] | None] = {start: None}
        self.depth: dict[Ref, int] = {start: 0}
        self.frontier: list[Ref] = [start]
        self.cost = 1  # edges the next expansion will read, estimated from degrees
        self.level = 0


def connection_path(backend: Backend, source: EntityRef, target: EntityRef,
                    max_hops: int = DEFAULT_MAX_HOPS, timeout_ms: int | None = None) -> dict:
    """Shortest path from source to target within max_hops, as alternating nodes/relationships.

    Ends are Refs, `Label:key` texts or resolve_entity() dicts. Returns
    {"found", "length", "path", "max_hops", "message"}: no path within the
    limit is an answer (found False, with the reason), not an error; running
    past `timeout_ms` (default: the backend's query limit) raises QueryTimeout.
    """
    if not MIN_HOPS <= max_hops <= MAX_HOPS:
        raise QueryParameterError(
            f"max_hops must be between {MIN_HOPS} and {MAX_HOPS}, got {max_hops}")
    source, target = as_ref(source), as_ref(target)
    timeout_ms = timeout_ms or backend.query_timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000
    types = WITH_GENRES if Label.GENRE.value in (source.label, target.label) else WITHOUT_GENRES
    names = _names(backend, [source, target])
    for ref in (source, target):
        if ref not in names:
            return _answer(None, [], names, max_hops, f"{ref.label} {ref.key!r} is not in the graph")
    if source == target:
        return _answer([source], [], names, max_hops)
    forward, backward = _Side(source), _Side(target)
    while forward.frontier and backward.frontier and forward.level + backward.level < max_hops:
        side, other = (forward, backward) if forward.cost <= backward.cost \
            else (backward, forward)
        meets = _expand(backend, side, other, types, deadline, timeout_ms)
        if meets:
            # Levels are expanded whole, so the best meeting point is a shortest path.
            best = min(meets, key=lambda ref: (side.depth[ref] + other.depth[ref], ref.id))
            return _build(backend, forward, backward, best, names, max_hops)
        if len(side.frontier) > FRONTIER_CAP:
            return _answer(None, [], names, max_hops,
                           f"the search reached more than {FRONTIER_CAP:,} entities at "
                           f"{side.level} hops; no path of {forward.level + backward.level} hops "
                           "or fewer exists, and a longer one is too costly to look for")
    return _answer(None, [], names, max_hops, f"no connection within {max_hops} hops")


def _expand(backend: Backend, side: _Side, other: _Side, types: str,
            deadline: float, timeout_ms: int) -> list[Ref]:
    by_label: dict[str, list[str]] = defaultdict(list)
    for ref in side.frontier:
        by_label[ref.label].append(ref.key)
    next_frontier: list[Ref] = []
    meets: list[Ref] = []
    cost = 0
    for label, keys in sorted(by_label.items()):
        # Leave room for the engine's own timeout granularity and the transfer of rows,
        # so the whole search ends within its limit.
        remaining_ms = int((deadline - time.monotonic()) * 1000) - DEADLINE_MARGIN_MS
        if remaining_ms <= 0:
            raise QueryTimeout(timeout_ms, backend.name)
        try:
            rows = backend.run_read(
                f"UNWIND $keys AS k MATCH (n:{label} {{key: k}})-[r:{types}]-(m) "
                "RETURN n.key, labels(m)[0], m.key, type(r), r.role, startNode(r) = n, "
                "coalesce(m.credit_count, m.show_count, $show_degree)",
                {"keys": sorted(keys), "show_degree": SHOW_DEGREE}, timeout_ms=remaining_ms,
                max_rows=0).rows
        except QueryTimeout:
            # Stopped at what was left of the search's limit: report the search's limit.
            raise QueryTimeout(timeout_ms, backend.name) from None
        for n_key, m_label, m_key, rel_type, role, outgoing, degree in sorted(
                rows, key=lambda r: (r[0], r[1], r[2], r[3], r[4] or "")):
            here, there = Ref(label, n_key), Ref(m_label, m_key)
            if there in side.depth:
                continue
            side.depth[there] = side.level + 1
            rel = {"type": rel_type, "role": role,
                   "start": (here if outgoing else there).key,
                   "end": (there if outgoing else here).key}
            side.parents[there] = (here, rel)
            next_frontier.append(there)
            cost += int(degree or 1)
            if there in other.depth:
                meets.append(there)
    side.frontier = next_frontier
    side.cost = cost
    side.level += 1
    return meets


def _build(backend: Backend, forward: _Side, backward: _Side, meet: Ref,
           names: dict[Ref, str], max_hops: int) -> dict:
    refs: list[Ref] = [meet]
    rels: list[dict] = []
    node = meet
    while forward.parents[node] is not None:
        parent, rel = forward.parents[node]
        refs.insert(0, parent)
        rels.insert(0, rel)
        node = parent
    node = meet
    while backward.parents[node] is not None:
        parent, rel = backward.parents[node]
        refs.append(parent)
        rels.append(rel)
        node = parent
    names.update(_names(backend, refs))
    return _answer(refs, rels, names, max_hops)


def _names(backend: Backend, refs: list[Ref]) -> dict[Ref, str]:
    found: dict[Ref, str] = {}
    by_label: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        by_label[ref.label].append(ref.key)
    for label, keys in by_label.items():
        for key, name in backend.run_read(
                f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
                "RETURN n.key, coalesce(n.title, n.name)", {"keys": keys}, max_rows=0).rows:
            found[Ref(label, key)] = name
    return found


def _answer(refs: list[Ref] | None, rels: list[dict], names: dict, max_hops: int,
            message: str | None = None) -> dict:
    if refs is None:
        return {"found": False, "length": None, "path": [], "max_hops": max_hops,
                "message": message}
    path: list[dict] = []
    for index, ref in enumerate(refs):
        path.append({"label": ref.label, "key": ref.key, "name": names.get(ref, ref.key),
                     "url": entity_url(ref.label, ref.key)})
        if index < len(rels):
            path.append({"type": rels[index]["type"], "role": rels[index]["role"],
                         "start": rels[index]["start"], "end": rels[index]["end"]})
    length = len(rels)
    return {"found": True, "length": length, "path": path, "max_hops": max_hops,
            "message": f"{length} hop{'s' if length != 1 else ''}"}
