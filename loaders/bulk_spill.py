"""Where a bulk load keeps the graph it plans: one SQLite file on disk, with the entries in
use held in memory, so that what the load holds does not grow with its input.

A `SpilledTable` maps a key to a Python value. The values most recently used stay in
memory (at most `capacity` of them); past that the least recently used are written to the
table (pickled, with a few columns SQL can sort and join on) and read back when asked
for again. A value got from the table may be changed in place until the next `get` or
`put` on that table: after that it may have been written out, and a change would be lost.

The file is a private scratch file, deleted on close: no journal, no fsync (a crash loses
nothing the input does not hold again), one transaction for the whole load.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Entries each table holds in memory. A node's state is about 1 KB there, so a bulk
# graph's table of shows and hubs holds about 10 MB at most; hubs (genres, prolific
# people) met in every batch stay in memory (edges and listings, written once, are not
# held: loaders/bulk_graph.py). Planning 20,000 IMDb-shaped titles (120,684 credits),
# when edges were held too, peaked at 366 MB with 50,000 and 291 MB with 10,000, in the
# same time (the machine's noise was larger than the change).
CACHED_ENTRIES = 10_000
# SQLite's own page cache, in KiB (also what it sorts in memory before sorting on disk).
PAGE_CACHE_KB = 16 * 1024


class SpillFile:
    """The scratch database: a temporary folder in `folder` (the system's by default)."""

    def __init__(self, folder: Path | None = None):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self._folder = tempfile.TemporaryDirectory(prefix="screengraph-bulk-", dir=folder)
        self.path = Path(self._folder.name) / "graph.sqlite"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "temp_store = FILE",
            "locking_mode = EXCLUSIVE",
            f"cache_size = -{PAGE_CACHE_KB}",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")

    def close(self) -> None:
        self.db.close()
        self._folder.cleanup()


class SpilledTable:
    """Values by key; `keys` and `columns` name the table's key and extra columns, and
    `columns_of(key, value)` gives the extra columns' values when a value is written."""

    def __init__(
        self,
        db: sqlite3.Connection,
        name: str,
        keys: tuple[str, ...],
        columns: tuple[str, ...] = (),
        columns_of: Callable[[tuple, Any], tuple] = lambda key, value: (),
        capacity: int = CACHED_ENTRIES,
    ):
        self.db = db
        self.capacity = max(1, capacity)
        self._columns_of = columns_of
        self._held: dict[tuple, Any] = {}  # insertion order: least recently used first
        every = (*keys, *columns, "data")
        db.execute(
            f"CREATE TABLE {name} ({', '.join(every)}, "
            f"PRIMARY KEY ({', '.join(keys)})) WITHOUT ROWID"
        )
        self._select = f"SELECT data FROM {name} WHERE " + " AND ".join(f"{k} = ?" for k in keys)
        self._write = (
            f"INSERT OR REPLACE INTO {name} ({', '.join(every)}) "
            f"VALUES ({', '.join('?' for _ in every)})"
        )
        self.spilled = 0  # values written out, for the tests and the benchmark

    def get(self, key: tuple) -> Any:
        held = self._held.pop(key, None)
        if held is None:
            row = self.db.execute(self._select, key).fetchone()
            if row is None:
                return None
            held = pickle.loads(row[0])
            self._make_room()
        self._held[key] = held
        return held

    def put(self, key: tuple, value: Any) -> None:
        if self._held.pop(key, None) is None:
            self._make_room()
        self._held[key] = value

    def write(self, items: list[tuple[tuple, Any]]) -> None:
        """Values written once and not changed after (a listing's node): straight to the
        file, past the memory held. One already written is replaced."""
        self.db.executemany(
            self._write,
            [
                (*key, *self._columns_of(key, value), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                for key, value in items
            ],
        )
        self.spilled += len(items)

    def _make_room(self) -> None:
        """Before a value comes in: past capacity, write out the older half."""
        if len(self._held) < self.capacity:
            return
        self._spill(len(self._held) - self.capacity // 2)

    def _spill(self, count: int) -> None:
        rows = []
        for key in list(self._held)[:count]:
            value = self._held.pop(key)
            rows.append(
                (*key, *self._columns_of(key, value), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            )
        self.db.executemany(self._write, rows)
        self.spilled += len(rows)

    def flush(self) -> None:
        """Write every value held, so that SQL sees the whole table."""
        self._spill(len(self._held))
