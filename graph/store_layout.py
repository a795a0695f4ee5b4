"""Which layout a store was written with, and whether this version can open it.

The layout is recorded on one node, `(:StoreLayout {key: 'layout', version})`, outside
the domain labels (so `Backend.counts` and the pages never see it). A store without it
was written before layouts were recorded: version 1. What each version changed, and how
an older store is brought up to date, is loaders/upgrade.py; this module only reads the
version, so that every way of opening a store (the CLI, the web app, a restore) can
refuse one written by a newer screengraph before anything reads or writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from screengraph.graph.backend import Backend
from screengraph.graph.errors import StoreLayoutTooNew
from screengraph.graph.schema import LAYOUT_LABEL, LISTING_LABEL, SCHEMA

# The layout this version writes (docs/data-model.md, StoreLayout).
LAYOUT_VERSION = 4
# The layout of a store that has no StoreLayout node.
UNRECORDED_VERSION = 1

LAYOUT_QUERY = (
    f"MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) "
    "RETURN l.version, l.legacy_listings, l.upgrading_to"
)


@dataclass(frozen=True)
class StoreLayout:
    """What the layout node says: `version`, the listings of version 1 still waiting to
    be adopted (None when not counted yet), and the version an unfinished upgrade was
    going to (None when none was interrupted)."""

    version: int
    legacy_listings: int | None = None
    upgrading_to: int | None = None
    recorded: bool = True  # False: no layout node yet (an empty store, or version 1)

    @property
    def older(self) -> bool:
        return self.version < LAYOUT_VERSION


def layout_from_rows(rows: list[list]) -> StoreLayout:
    """The layout from LAYOUT_QUERY's rows (a store without the node is version 1)."""
    if not rows:
        return StoreLayout(UNRECORDED_VERSION)
    version, legacy, upgrading = max(rows, key=lambda row: row[0] or 0)
    return StoreLayout(
        int(version or UNRECORDED_VERSION),
        None if legacy is None else int(legacy),
        None if upgrading is None else int(upgrading),
    )


def read_layout(backend: Backend) -> StoreLayout:
    """The store's layout. An empty store without the node is at this version's layout
    (the first load records it); one holding data without it was written by version 1.
    Read with the write time limit: it is the first query of every command, and a Neo4j
    just started (a cold JVM) can take seconds to plan it."""
    limit = backend.write_timeout_ms
    rows = backend.run_read(LAYOUT_QUERY, max_rows=0, timeout_ms=limit).rows
    if rows:
        return layout_from_rows(rows)
    if any(
        backend.run_read(f"MATCH (n:{label}) RETURN 1 LIMIT 1", max_rows=0, timeout_ms=limit).rows
        for label in (LISTING_LABEL, *SCHEMA.labels)
    ):
        return StoreLayout(UNRECORDED_VERSION, recorded=False)
    return StoreLayout(LAYOUT_VERSION, legacy_listings=0, recorded=False)


def refuse_newer(version: int, where: str) -> None:
    """Raise StoreLayoutTooNew when `version` is past what this version understands."""
    if version > LAYOUT_VERSION:
        raise StoreLayoutTooNew(version, LAYOUT_VERSION, where)


def check_openable(backend: Backend) -> StoreLayout:
    """The store's layout; StoreLayoutTooNew when a newer screengraph wrote it."""
    layout = read_layout(backend)
    if layout.version > LAYOUT_VERSION:
        refuse_newer(layout.version, f"The {backend.name} store at {backend.info().location}")
    return layout
