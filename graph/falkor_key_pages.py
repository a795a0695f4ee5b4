"""The embedded store's reading of a whole label in key order (Backend.keyed_pages).

FalkorDB's key index compares strings by signed bytes (every UTF-8 byte of a non-ASCII
character sorts before ASCII: `n.key > 'zed'` leaves out 'ß' and 'бор', `n.key < 'a'`
finds them), while ORDER BY and a comparison evaluated per node use code point order. So
a keyset pager over the index (`WHERE n.key > $after ORDER BY n.key LIMIT $page`)
skipped or repeated every key past the ASCII / non-ASCII boundary (tests/queries/
test_dialects.py). Comparing per node (`toString(n.key) > $after`) is right but scans the
label for every page, and so did the index range, whose rows come back in no order and
were sorted whole for each page: at 200,000 people (pages of 1,000) the index range read
119,453 of them in 22.4 s and the per-node comparison all in 21.7 s; these windows and
runs read all in 2.3 s (1.1 s at 50,000; benchmarks/key_pages.py).

So the order is made here, not by the engine: the keys are read in windows of engine ids
(FalkorDB seeks a node by id, so a window costs its width, not the label's size), sorted
in Python (code point order, the order Neo4j's index and ORDER BY give) in runs of at most
RUN_KEYS kept in temporary files, and the runs merged. Each page of merged keys is then
read by key, an exact match, which the index answers rightly. Memory is bounded by a run.
"""

from __future__ import annotations

import heapq
import json
import math
import tempfile
from collections.abc import Iterable, Iterator
from itertools import batched
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from screengraph.graph.backend import Backend

# Keys sorted in memory at a time; more spill to a temporary file each.
RUN_KEYS = 200_000
# Keys one window of engine ids is sized to hold, on average over the label.
WINDOW_KEYS = 10_000


def keyed_pages(
    backend: Backend, label: str, returns: str, page_size: int, timeout_ms: int | None
) -> Iterator[list[list[Any]]]:
    def read(cypher: str, params: dict[str, Any]) -> list[list[Any]]:
        return backend.run_read(cypher, params, max_rows=0, timeout_ms=timeout_ms).rows

    count, top = read(f"MATCH (n:`{label}`) RETURN count(n), max(id(n))", {})[0]
    if not count:
        return
    # Ids are shared by every label: a window as wide as holds WINDOW_KEYS of this one.
    width = max(WINDOW_KEYS, math.ceil(WINDOW_KEYS * (top + 1) / count))
    window = (
        f"MATCH (n:`{label}`) WHERE id(n) >= $low AND id(n) < $high "
        "AND n.key IS NOT NULL RETURN n.key"
    )
    by_key = f"UNWIND $keys AS k MATCH (n:`{label}` {{key: k}}) RETURN n.key, {returns}"
    with tempfile.TemporaryDirectory(prefix="screengraph-keys-") as folder:
        runs: list[list[str]] = []
        spilled: list[Path] = []
        keys: list[str] = []
        for low in range(0, top + 1, width):
            keys += [row[0] for row in read(window, {"low": low, "high": low + width})]
            if len(keys) >= RUN_KEYS:
                spilled.append(_spill(Path(folder) / f"run-{len(spilled)}", keys))
                keys = []
        runs.append(sorted(keys))
        files = [path.open(encoding="utf-8") for path in spilled]
        try:
            for chunk in batched(heapq.merge(*runs, *map(_keys, files)), page_size):
                rows = read(by_key, {"keys": list(chunk)})
                if rows:
                    rows.sort(key=lambda row: row[0])
                    yield rows
        finally:
            for handle in files:
                handle.close()


def _spill(path: Path, keys: list[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(key, ensure_ascii=False) + "\n" for key in sorted(keys))
    return path


def _keys(lines: TextIO) -> Iterable[str]:
    return (json.loads(line) for line in lines)
