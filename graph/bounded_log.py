"""A log of what went wrong in a long run (rejected records, warnings) that does not grow
in memory with the run: the first `keep` entries are held for messages and pages, every
entry is counted, and, when asked, every entry is also written to a scratch file as one
JSON line, so that a file of ten million bad lines costs a file, not memory."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import IO, Generic, TypeVar, overload

T = TypeVar("T")

KEPT = 1_000  # entries held in memory: more than any message or page shows


class BoundedLog(Generic[T]):
    """Appends like a list; `len()` is the count of every entry, iteration and indexing
    see the first `keep` only (`hidden` says how many more there were)."""

    def __init__(self, keep: int | None = None, spill: bool = False) -> None:
        self.keep = KEPT if keep is None else keep
        self.kept: list[T] = []
        self.total = 0
        self._spill: IO[str] | None = (
            tempfile.TemporaryFile("w+", encoding="utf-8", prefix="screengraph-log-")
            if spill
            else None
        )

    def append(self, entry: T) -> None:
        self.total += 1
        if len(self.kept) < self.keep:
            self.kept.append(entry)
        if self._spill is not None:
            self._spill.write(json.dumps(_plain(entry), ensure_ascii=False) + "\n")

    def extend(self, entries: Iterable[T]) -> None:
        for entry in entries:
            self.append(entry)

    @property
    def hidden(self) -> int:
        """Entries counted but not held."""
        return self.total - len(self.kept)

    def write_to(self, path: Path) -> None:
        """Every entry, one JSON object per line (needs spill=True when entries were
        dropped from memory; the kept ones otherwise)."""
        with path.open("w", encoding="utf-8") as out:
            if self._spill is not None:
                self._spill.flush()
                self._spill.seek(0)
                shutil.copyfileobj(self._spill, out)
                self._spill.seek(0, 2)
            else:
                for entry in self.kept:
                    out.write(json.dumps(_plain(entry), ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[T]:
        return iter(self.kept)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.kept[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BoundedLog):
            return self.total == other.total and self.kept == other.kept
        if isinstance(other, list):
            return self.hidden == 0 and self.kept == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __deepcopy__(self, memo: dict) -> list[object]:
        """dataclasses.asdict() of a summary holding a log gives its kept entries."""
        return [_plain(entry) for entry in self.kept]

    def __repr__(self) -> str:
        return f"BoundedLog({self.total} entries, {len(self.kept)} kept)"


def _plain(entry: object) -> object:
    return asdict(entry) if is_dataclass(entry) and not isinstance(entry, type) else entry
