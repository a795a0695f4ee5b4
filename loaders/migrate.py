"""Listings of stores written by layout 1, adopted by the loads that meet them again.

Version 2 made listing ids stable (loaders/identity.py). Version 1 named a listing by its
file's base name and record number (`listings.json#1`, `<stdin>#1`, `pasted listing#1`),
ids that this version never gives (every id now has a prefix), so the old listings keep
their ids, their data and their provenance untouched: nothing is rewritten. The upgrade
(loaders/upgrade.py, the one path every load, `screengraph init` and `screengraph upgrade`
take) only counts them (`legacy_listings`). A later load adopts an old listing when it
meets its record again (`LegacyListings`): the old id is renamed to the new one on the
listing and on its Assertions, and the reload is then "unchanged" (or an update)
instead of a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.schema import ASSERTION_LABEL, LAYOUT_LABEL, LISTING_LABEL
from screengraph.graph.store_layout import LAYOUT_VERSION, read_layout
from screengraph.loaders.identity import file_identity, legacy_id
from screengraph.loaders.model import ParsedRecord
from screengraph.loaders.upgrade import COUNT_LEGACY, OLD_IDS, upgrade

__all__ = ["LAYOUT_VERSION", "LegacyListings", "layout", "migrate"]

_FIND = (
    f"UNWIND $keys AS k MATCH (x:{LISTING_LABEL} {{key: k}}) WHERE {OLD_IDS} "
    "RETURN x.key AS key, x.content_hash AS hash, x.shows AS shows, "
    "x.mentions AS mentions, x.file AS file"
)
# [old id, new id, file, line, record]: the listing and what it asserted, renamed.
_ADOPT = (
    f"UNWIND $listings AS p MATCH (x:{LISTING_LABEL} {{key: p[0]}}) "
    "SET x.key = p[1], x.file = p[2], x.line = p[3], x.record = p[4] "
    "WITH count(*) AS _ "
    f"UNWIND $listings AS p MATCH (a:{ASSERTION_LABEL} {{listing: p[0]}}) "
    "SET a.listing = p[1], a.key = p[1] + '\t' + a.show "
    "WITH count(*) AS _ "
    f"MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) "
    "SET l.legacy_listings = l.legacy_listings - size($old)"
)


def layout(backend: Backend) -> tuple[int, int | None]:
    """The store's layout version, and how many listings of version 1 it still holds
    (None when not counted yet)."""
    found = read_layout(backend)
    return found.version, found.legacy_listings


def migrate(backend: Backend) -> int:
    """Bring the store to LAYOUT_VERSION (loaders/upgrade.py; safe to repeat). Returns how
    many listings of version 1 wait to be adopted."""
    upgrade(backend)
    return int(read_layout(backend).legacy_listings or 0)


class LegacyListings:
    """Adopts, during a load, the listings of version 1 that the load meets again.

    An old listing is its record's when its old id (`legacy_id`) is the record's and
    either the content is the same (the hash matches) or it was loaded from the same
    absolute path. A file of the same name elsewhere, with other content, is another
    source: it gets a listing of its own and the old one stays as it was.
    """

    def __init__(self, backend: Backend, *, write: bool):
        self.backend = backend
        self.write = write
        self.remaining = migrate(backend) if write else _count_unmigrated(backend)

    def adopt(
        self,
        records: list[ParsedRecord],
        hashes: dict[int, str],
        known: Iterable[str],
        before_writing: Callable[[], None],
    ) -> dict[str, dict]:
        """Rows like `ListingWriter.existing_listings` gives, under their new ids, of the
        old listings these records adopt (renamed in the store unless only checking).
        `known`: ids the store already has; `before_writing` waits for writes in flight."""
        if self.remaining <= 0:
            return {}
        known = set(known)
        candidates: dict[str, list[ParsedRecord]] = {}
        for record in records:
            if record.ref.source_id not in known:
                candidates.setdefault(legacy_id(record.ref), []).append(record)
        if not candidates:
            return {}
        found = self.backend.run_read(_FIND, {"keys": sorted(candidates)}, max_rows=0).records()
        adopted: dict[str, dict[str, Any]] = {}
        renames: list[list[Any]] = []
        for row in found:
            heir = _heir(row, candidates[row["key"]], hashes)
            if heir is None or heir.ref.source_id in adopted:
                continue
            ref = heir.ref
            adopted[ref.source_id] = {**row, "key": ref.source_id}
            renames.append([row["key"], ref.source_id, ref.file, ref.line, ref.record])
        if renames and self.write:
            before_writing()
            self.backend.run_write(_ADOPT, {"listings": renames, "old": [r[0] for r in renames]})
            self.remaining -= len(renames)
        return adopted


def _heir(
    row: dict[str, Any], records: list[ParsedRecord], hashes: dict[int, str]
) -> ParsedRecord | None:
    """Which of the records sharing an old id continues the old listing, if any."""
    for record in records:
        if hashes[id(record)] == row["hash"]:
            return record
    old_file = row.get("file")
    if old_file and PurePath(old_file).is_absolute():
        for record in records:
            same_file = file_identity(old_file)
            if record.ref.source_id in (same_file, f"{same_file}#{record.ref.record}"):
                return record
    return None


def _count_unmigrated(backend: Backend) -> int:
    """For a check (nothing written): the listings of version 1 the store holds."""
    version, legacy = layout(backend)
    if version >= LAYOUT_VERSION and legacy is not None:
        return int(legacy)
    return int(backend.run_read(COUNT_LEGACY, max_rows=0).value(0) or 0)
