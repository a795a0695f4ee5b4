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

from graph.backend import Backend

MIN_REBUILD_INTERVAL_S = 30.0
log = logging.getLogger(__name__)


@runtime_checkable
class EdgeIdSource(Protocol):
    """A backend whose graph's shape can be copied: the embedded store (FalkorBackend)."""

    def generation(self) -> int: ...

    def edge_id_pairs(
        self, rel_type: str, timeout_ms: int | None = None
    ) -> list[tuple[int, int]]: ...


@dataclass(frozen=True)
class Adjacency:
    """Undirected neighbours of every node id: neighbours[offsets[n]:offsets[n + 1]]."""

    generation: int
    rel_types: tuple[str, ...]
    offsets: np.ndarray
    neighbours: np.ndarray
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
        if backend.generation() != generation:
            return None
        edges = np.concatenate(ends) if ends else np.zeros((0, 2), dtype=np.int64)
        sources = np.concatenate([edges[:, 0], edges[:, 1]])
        targets = np.concatenate([edges[:, 1], edges[:, 0]])
        size = int(sources.max()) + 1 if sources.size else 0
        order = np.argsort(sources, kind="stable")
        offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(sources, minlength=size), out=offsets[1:])
        return cls(
            generation,
            tuple(rel_types),
            offsets,
            targets[order].astype(np.int32),
            time.perf_counter() - started,
        )

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    @property
    def relationships(self) -> int:
        return len(self.neighbours) // 2

    def shortest(
        self, source: int, target: int, max_hops: int, deadline: float | None = None
    ) -> list[int] | None:
        """Node ids of a shortest path within max_hops, or None.

        Bidirectional breadth-first search, expanding whole levels of the side
        whose frontier has fewer relationships. Raises TimeoutError past `deadline`
        (a time.monotonic() value).
        """
        if source == target:
            return [source]
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
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("connection search ran past its time limit")
            side, other = (
                (forward, backward) if forward.cost <= backward.cost else (backward, forward)
            )
            reached = self._expand(side)
            meets = reached[other.depth[reached] >= 0]
            if meets.size:
                # Levels are expanded whole, so the meeting point closest to the
                # other end (then the lowest id, for a stable answer) is on a shortest path.
                best = int(meets[np.lexsort((meets, other.depth[meets]))[0]])
                return forward.chain(best)[::-1] + backward.chain(best)[1:]
        return None

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
        parents = np.repeat(frontier, counts)
        new = side.depth[reached] < 0
        reached, parents = reached[new], parents[new]
        reached, index = np.unique(reached, return_index=True)
        side.depth[reached] = side.level
        side.parent[reached] = parents[index]
        side.frontier = reached
        side.cost = self._cost(reached)
        return reached


class _Side:
    def __init__(self, start: int, size: int):
        self.depth = np.full(size, -1, dtype=np.int16)
        self.parent = np.full(size, -1, dtype=np.int32)
        self.depth[start] = 0
        self.frontier = np.array([start], dtype=np.int64)
        self.level = 0
        self.cost = 0

    def chain(self, node: int) -> list[int]:
        """From `node` back to this side's start."""
        chain = [node]
        while self.depth[chain[-1]] > 0:
            chain.append(int(self.parent[chain[-1]]))
        return chain


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
