"""How much goes into one write, so that a write stays within a time budget.

Where reads wait for a write in flight (the embedded store runs a loader's write on its
server's main thread, and every page's query queues behind it), a reader waits as long
as the longest write: with batches of 500 listings, pages served during a 20,000-listing
load went from 0.27 s to 2.39 s at p95. So on such a backend each write is sized from
what the last writes *of the same statement* took per item, to fit READ_WAIT_BUDGET_S;
smaller batches cost the loader little, because it prepares the next batch while the
engine writes the last. Where reads never wait for writes (Neo4j), sizes stay as asked.

Costs per item differ a lot between statements (measured during a 10,000-listing load:
adding to a genre's degree 0.3 ms a row, to a person's 0.9 ms; recounting a busy
person's degree far more), so each statement has its own pace: one shared pace sized a
person's degree write from a genre's and ran 381 ms. Believing a dear write at once
(instead of averaging) was tried and dropped: on saturated cores one write's cost per item
varies about twofold, and in one run the loader sent 42 % more writes (each with its own
journal entry, change record and fsync) for a longest write no shorter.

A write also costs something whatever its size (its statement's parse, journal entry,
change record and the show's image, the server's fsync, the writer thread getting the
interpreter lock back on a busy machine). Where that fixed cost alone passes the aim, one
number per write read it as a dear item: each write was cut, the fixed cost then weighed
on fewer items, and the next was cut again; on a busy machine a 40,000-listing load of one
show went down to 21 listings a write, 3,730 writes and 368 s (15 s in a quieter run). So each
pace also fits cost = fixed + per item x items over the last writes (WriteCost), and when
no size can fit the aim it stops cutting at the size where a write is half fixed cost:
readers then wait at most twice what no size avoids, and the load does not multiply its
writes for nothing. Below that the sizes come from the cost per item as before: a fit
from a few noisy writes (times vary twofold on saturated cores) overrated the fixed part
and sized writes of 400 ms when trusted for every write.

A write's time is the engine's own where it reports one (FalkorDB does in every reply):
that is what readers wait for. The time the loader saw also holds however long its busy
process took to read the reply, which delays no reader; sizing from it cut writes for
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import TypeVar

from screengraph.graph.backend import Backend, Results

# The longest a page's query should wait behind one of the loader's writes.
READ_WAIT_BUDGET_S = 0.1
# Aim below the budget: one write's cost per item varies from the average.
_AIM = 0.6
# How much each earlier write weighs in a statement's costs, against the one after it.
_DECAY = 0.8
# Sizes must differ by this share of their mean for a write's fixed cost to be fitted.
_SPREAD = 0.1

T = TypeVar("T")


class Pace:
    """The size of the next write: at most `most`; with a budget, what fits in it."""

    def __init__(self, most: int, budget_s: float | None, first: int | None = None):
        self.most = max(1, most)
        self.budget_s = budget_s
        self.size = self.most if budget_s is None else max(1, min(self.most, first or self.most))
        self._per_item: float | None = None
        self.cost = WriteCost()
        self.seconds: list[float] = []  # each write's time, for benchmarks to report

    def took(self, items: int, seconds: float) -> None:
        """A write of `items` took `seconds`: size the next one (grow at most twofold)."""
        self.seconds.append(seconds)
        if self.budget_s is None or items <= 0:
            return
        per_item = seconds / items
        self._per_item = per_item if self._per_item is None else (self._per_item + per_item) / 2
        aim = self.budget_s * _AIM
        fits = aim / max(self._per_item, 1e-7)
        self.cost.add(items, seconds)
        if self.cost.fixed >= aim:  # no size fits: cutting would only multiply writes
            fits = max(fits, self.cost.fixed / max(self.cost.per_item, 1e-7))
        self.size = max(1, min(self.most, int(fits), self.size * 2))

    def timed(self, items: int, write: Callable[[], T]) -> T:
        """Run `write` and size the next one from what it took: in the engine, where the
        engine says (that is what readers wait for), else as the caller saw it."""
        started = time.perf_counter()
        result = write()
        seconds = time.perf_counter() - started
        engine_seconds = result.engine_seconds if isinstance(result, Results) else None
        self.took(items, seconds if engine_seconds is None else engine_seconds)
        return result

    def in_parts(self, items: Sequence[T], write: Callable[[Sequence[T]], object]) -> None:
        """Write `items` in parts of the current size, sizing each from the last."""
        done = 0
        while done < len(items):
            part = items[done : done + self.size]
            self.timed(len(part), partial(write, part))
            done += len(part)


class WriteCost:
    """What a write costs: a fixed part and a part per item, fitted by least squares over
    the last writes (each weighs _DECAY times the one after it, so a load's costs can
    drift). Only writes of different sizes tell the two parts apart: while the sizes stay
    alike, the fixed part stays as last fitted and the part per item follows the times."""

    def __init__(self) -> None:
        self.fixed = 0.0  # seconds a write costs whatever its size
        self.per_item = 0.0  # seconds each item adds
        self._weight = self._items = self._seconds = self._squares = self._products = 0.0

    def add(self, items: int, seconds: float) -> None:
        decay = _DECAY
        self._weight = self._weight * decay + 1
        self._items = self._items * decay + items
        self._seconds = self._seconds * decay + seconds
        self._squares = self._squares * decay + items * items
        self._products = self._products * decay + items * seconds
        mean_items = self._items / self._weight
        mean_seconds = self._seconds / self._weight
        spread = self._squares / self._weight - mean_items * mean_items
        if spread > (_SPREAD * mean_items) ** 2:
            slope = (self._products / self._weight - mean_items * mean_seconds) / spread
            self.fixed = mean_seconds - slope * mean_items
        self.fixed = min(max(self.fixed, 0.0), mean_seconds)
        self.per_item = (mean_seconds - self.fixed) / mean_items


class Paces:
    """One Pace per statement, all with the same bounds: each sized from its own costs."""

    def __init__(self, most: int, budget_s: float | None, first: int | None = None):
        self.most, self.budget_s, self.first = most, budget_s, first
        self._paces: dict[Hashable, Pace] = {}

    def __getitem__(self, statement: Hashable) -> Pace:
        pace = self._paces.get(statement)
        if pace is None:
            pace = self._paces[statement] = Pace(self.most, self.budget_s, self.first)
        return pace

    @property
    def seconds(self) -> list[float]:
        return [s for pace in self._paces.values() for s in pace.seconds]


def pace_for(backend: Backend, most: int, first: int) -> Pace:
    """Fixed sizes where reads do not wait for writes; budgeted ones where they do."""
    return Pace(most, READ_WAIT_BUDGET_S if backend.reads_wait_for_writes else None, first)


def paces_for(backend: Backend, most: int, first: int) -> Paces:
    """As `pace_for`, one pace per statement."""
    return Paces(most, READ_WAIT_BUDGET_S if backend.reads_wait_for_writes else None, first)
