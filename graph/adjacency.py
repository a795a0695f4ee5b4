"""An in-memory copy of the embedded graph's shape, for fast connection paths.

A breadth-first search driven through queries pays the database about two
microseconds per relationship plus the transfer of every row, and a six-hop
search on a catalogue of 100,000 shows touches around 100,000 relationships.
A compressed adjacency (CSR arrays in numpy) of the relationships paths may
follow answers the same search in milliseconds, for ~10 MB per million
relationships.

The copy is tied to the store's generation number, which the backend bumps
after every write: a search checks the number and uses the copy only when it
matches. Otherwise the caller falls back to the query-driven search while a
background thread copies the graph again: one copy at a time, and never sooner
than MIN_REBUILD_INTERVAL_S after the previous one started, so that a long
load does not trigger a copy after each of its batches.

Only long-running processes (the web app) keep copies: `enable()` turns them
on; a one-off CLI command would spend longer copying than searching.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from screengraph.graph.backend import Backend
from screengraph.graph.schema import Label

MIN_REBUILD_INTERVAL_S = 30.0
log = logging.getLogger(__name__)


@runtime_checkable
class EdgeIdSource(Protocol):
    """A backend whose graph's shape can be copied: the embedded store (FalkorBackend)."""

    def generation(self) -> int: ...

    def edge_id_pairs(
        self, rel_type: str, timeout_ms: int | None = None
    ) -> list[tuple[int, int]]: ...

    def entity_keys(self, label: str, timeout_ms: int | None = None) -> list[tuple[int, str]]: ...


@dataclass(frozen=True)
class Adjacency:
    """Undirected neighbours of every node id: neighbours[offsets[n]:offsets[n + 1]], and
    each node's place in the (label, key) order of entities (`rank`), so that equally
    short paths are put in order without reading a key from the store."""

    generation: int
    rel_types: tuple[str, ...]
    offsets: np.ndarray
    neighbours: np.ndarray
    rank: np.ndarray
    seconds: float

    @classmethod
    def build(cls, backend: EdgeIdSource, rel_types: tuple[str, ...]) -> Adjacency | None:
        """Copy the graph's relationships of `rel_types`; None if a write happened meanwhile."""
        started = time.perf_counter()
        generation = backend.generation()
        ends: list[np.ndarray] = []
        for rel_type in rel_types:
            pairs = backend.edge_id_pairs(rel_type)
            if pairs:
                ends.append(np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
        keyed = [  # every entity in (label, key) order
            node
            for label in sorted(Label, key=lambda label: label.value)
            for _key, node in sorted((key, node) for node, key in backend.entity_keys(label.value))
        ]
        if backend.generation() != generation:
            return None
        edges = np.concatenate(ends) if ends else np.zeros((0, 2), dtype=np.int64)
        sources = np.concatenate([edges[:, 0], edges[:, 1]])
        targets = np.concatenate([edges[:, 1], edges[:, 0]])
        size = int(sources.max()) + 1 if sources.size else 0
        order = np.argsort(sources, kind="stable")
        offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(sources, minlength=size), out=offsets[1:])
        rank = np.full(size, len(keyed), dtype=np.int32)  # no key: after every entity
        ids = np.asarray(keyed, dtype=np.int64)
        inside = ids < size  # entities without relationships of these types are not here
        rank[ids[inside]] = np.arange(len(keyed), dtype=np.int32)[inside]
        return cls(
            generation,
            tuple(rel_types),
            offsets,
            targets[order].astype(np.int32),
            rank,
            time.perf_counter() - started,
        )

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    @property
    def relationships(self) -> int:
        return len(self.neighbours) // 2

    def first_paths(
        self, source: int, target: int, max_hops: int, limit: int, deadline: float | None = None
    ) -> list[list[int]] | None:
        """The first `limit` shortest paths within max_hops (node ids), in the order of
        their entities' ranks in turn, or None.

        Bidirectional breadth-first search, expanding whole levels of the side whose
        frontier has fewer relationships, then a depth-first walk from `source` taking the
        next entities in rank order (`_ShortestWalk`). Raises TimeoutError past `deadline`
        (a time.monotonic() value).
        """
        if source == target:
            return [[source]]
        if max(source, target) >= self.size:
            return None  # an entity with no relationships of these types
        forward, backward = _Side(source, self.size), _Side(target, self.size)
        for side in (forward, backward):
            side.cost = self._cost(side.frontier)
        while (
            forward.frontier.size
            and backward.frontier.size
            and forward.level + backward.level < max_hops
        ):
            _check(deadline)
            side, other = (
                (forward, backward) if forward.cost <= backward.cost else (backward, forward)
            )
            reached = self._expand(side)
            meets = reached[other.depth[reached] >= 0]
            if meets.size:
                length = side.level + int(other.depth[meets].min())
                walk = _ShortestWalk(self, forward, backward, length, deadline)
                return walk.first(source, limit)
        return None

    def neighbours_of(self, node: int) -> np.ndarray:
        return self.neighbours[self.offsets[node] : self.offsets[node + 1]]

    def degree(self, node: int) -> int:
        """How many relationships (of the copy's types) a node has."""
        return int(self.offsets[node + 1] - self.offsets[node]) if node < self.size else 0

    def _cost(self, nodes: np.ndarray) -> int:
        return int((self.offsets[nodes + 1] - self.offsets[nodes]).sum())

    def _expand(self, side: _Side) -> np.ndarray:
        frontier = side.frontier
        starts = self.offsets[frontier]
        counts = self.offsets[frontier + 1] - starts
        total = int(counts.sum())
        side.level += 1
        if total == 0:
            side.frontier = frontier[:0]
            side.cost = 0
            return side.frontier
        # Positions of every neighbour of every frontier node, without a Python loop.
        first = np.cumsum(counts) - counts
        positions = np.repeat(starts - first, counts) + np.arange(total)
        reached = self.neighbours[positions]
        reached = np.unique(reached[side.depth[reached] < 0])
        side.depth[reached] = side.level
        side.frontier = reached
        side.cost = self._cost(reached)
        return reached


class _Side:
    def __init__(self, start: int, size: int):
        self.depth = np.full(size, -1, dtype=np.int16)
        self.depth[start] = 0
        self.frontier = np.array([start], dtype=np.int64)
        self.level = 0
        self.cost = 0


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise TimeoutError("connection search ran past its time limit")


class _ShortestWalk:
    """The paths of `length` steps between the two sides' starts, walked from the forward
    one in rank order, once both searches have met.

    Each side's depths are exact distances from its start up to its level (levels are
    expanded whole), and the two levels add up to at least `length`: an entity at step i of
    a shortest path is either within the forward level (distance i from the source) or
    within the backward one (distance length - i from the target). So the next entities
    of a path are told by the depths alone, and only where the backward depths do not
    reach yet does the walk look one step further to know that an entity leads on
    (`leads`, remembered). Only the entities of the paths taken, and their neighbours,
    are read: building every shortest path first, as the query-driven search does, took
    most of a search between two busy people (the layered graph was tens of thousands of
    entities wide: 129 of 174 ms at p95, 10^7 credits)."""

    def __init__(
        self,
        copy: Adjacency,
        forward: _Side,
        backward: _Side,
        length: int,
        deadline: float | None,
    ):
        self.copy, self.length, self.deadline = copy, length, deadline
        self.forward, self.backward = forward.depth, backward.depth
        self.forward_level, self.backward_level = forward.level, backward.level
        self.leading: dict[int, bool] = {}

    def _next(self, node: int, step: int) -> np.ndarray:
        """The entities at step `step` + 1 after `node` (at step `step`) on a path of
        `length` steps from the source, those that lead on to the target not yet sure
        where the backward depths do not reach."""
        around = self.copy.neighbours_of(node)
        if self.length - step - 1 <= self.backward_level:
            return np.unique(around[self.backward[around] == self.length - step - 1])
        return np.unique(around[self.forward[around] == step + 1])

    def leads(self, node: int, step: int) -> bool:
        """Whether `node`, at distance `step` from the source, is `length` - `step` from
        the target."""
        if self.length - step <= self.backward_level:
            return bool(self.backward[node] == self.length - step)
        if node not in self.leading:
            _check(self.deadline)
            self.leading[node] = any(
                self.leads(int(after), step + 1) for after in self._next(node, step)
            )
        return self.leading[node]

    def first(self, source: int, limit: int) -> list[list[int]]:
        found: list[list[int]] = []
        rank = self.copy.rank

        def walk(chain: list[int]) -> None:
            step = len(chain) - 1
            if step == self.length:
                found.append(chain)
                return
            following = self._next(chain[-1], step)
            for node in following[np.argsort(rank[following], kind="stable")].tolist():
                if len(found) == limit:
                    return
                if self.leads(node, step + 1):
                    walk([*chain, node])

        walk([source])
        return found


def onward_layers(
    middle: list[int], forward: dict[int, list[int]], backward: dict[int, list[int]]
) -> dict[int, list[int]]:
    """Every shortest path as each entity's next entities toward the target, from the
    entities they all pass in the middle and each side's parents (the entities one level
    nearer that side's end)."""
    onward: dict[int, list[int]] = {}
    seen = set(middle)
    todo = list(middle)
    while todo:  # back toward the source: each parent leads on to its child
        node = todo.pop()
        for parent in forward[node]:
            onward.setdefault(parent, []).append(node)
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    todo, seen = list(middle), set(middle)
    while todo:  # on toward the target
        node = todo.pop()
        onward[node] = list(backward[node])
        for child in backward[node]:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return onward


class _Keeper:
    """The copy of one backend's graph, and the thread that refreshes it."""

    def __init__(self) -> None:
        self.current: Adjacency | None = None
        self.building = False
        self.last_start = float("-inf")
        self.lock = threading.Lock()


_enabled = False
_keepers: weakref.WeakKeyDictionary[Backend, _Keeper] = weakref.WeakKeyDictionary()
_keepers_lock = threading.Lock()


def enable(on: bool = True) -> None:
    """Keep in-memory copies in this process (long-running servers call this)."""
    global _enabled
    _enabled = on


def fresh(backend: Backend, rel_types: tuple[str, ...]) -> Adjacency | None:
    """The copy of `backend`'s graph if it is up to date, else None (and a refresh starts)."""
    if not _enabled or not isinstance(backend, EdgeIdSource):
        return None
    generation = backend.generation()
    with _keepers_lock:
        keeper = _keepers.setdefault(backend, _Keeper())
    copy = keeper.current
    if copy is not None and copy.generation == generation and copy.rel_types == rel_types:
        return copy
    _refresh(backend, keeper, rel_types)
    return None


def wait_until_fresh(
    backend: Backend, rel_types: tuple[str, ...], timeout_s: float = 120
) -> Adjacency:
    """Build (or wait for) an up-to-date copy: for benchmarks and tests."""
    stop = time.monotonic() + timeout_s
    while time.monotonic() < stop:
        copy = fresh(backend, rel_types)
        if copy is not None:
            return copy
        with _keepers_lock:
            keeper = _keepers.get(backend)
        if keeper is not None and not keeper.building:
            keeper.last_start = float("-inf")  # waiting callers need not respect the interval
        time.sleep(0.05)
    raise TimeoutError(f"no up-to-date copy of the graph after {timeout_s} s")


def _refresh(backend: EdgeIdSource, keeper: _Keeper, rel_types: tuple[str, ...]) -> None:
    with keeper.lock:
        if keeper.building or time.monotonic() - keeper.last_start < MIN_REBUILD_INTERVAL_S:
            return
        keeper.building = True
        keeper.last_start = time.monotonic()

    def build() -> None:
        try:
            copy = Adjacency.build(backend, rel_types)
            if copy is not None:  # None: written meanwhile; the next search asks again
                keeper.current = copy
                log.info(
                    "copied %s relationships for connection paths in %.1f s",
                    f"{copy.relationships:,}",
                    copy.seconds,
                )
        except Exception:  # a failed copy only means searches stay query-driven
            log.exception("copying the graph for connection paths failed")
        finally:
            keeper.building = False

    threading.Thread(target=build, name="screengraph-adjacency", daemon=True).start()
