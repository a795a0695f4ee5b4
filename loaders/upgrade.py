"""Bringing a store written by an earlier version to this version's layout.

The one upgrade path: `screengraph upgrade`, `screengraph init` and every load (before
it writes) run `upgrade`, which is safe to repeat (a current store is left as it is) and
to interrupt (each step works in slices of its own writes, each applied whole, and does
only what is left, so a run that was killed is finished by the next one). The layout node
(graph/store_layout.py) says `upgrading_to` while a step runs; `version` moves on only
once a step is done.

The steps, one per layout version (docs/data-model.md):
- 2: listing ids made stable (loaders/identity.py). Version 1's ids (`listings.json#1`)
  are never given now, so old listings keep them, and their data, untouched; the step
  counts them (`legacy_listings`), and loads adopt each when they meet its record again
  (loaders/migrate.py `LegacyListings`).
- 3: people, companies and genres carry no per-listing lists. Versions before kept
  `sources` (every listing naming the entity) and `votes` on every such node; this one
  reads their listings from their edges, keeps `votes` only once a second spelling has met
  (a single spelling is what "no votes" means) and keeps their degrees (`credit_count`,
  `show_count`). The step removes the stale lists and counts missing degrees.
- 4: provenance moves to the listings' side. Versions before kept `sources`, the ids of
  every listing asserting it, on each show and edge: every batch naming a busy show
  rewrote them, which made loading many listings of one show quadratic. This one keeps an
  Assertion node per (listing, show it names) holding the edges of that show the listing
  asserts, and on shows and edges only `asserted_by`, how many listings assert them. The
  step builds the Assertions from the lists, show by show, then replaces the lists by
  their counts (a slice killed between the two leaves its lists, and is done again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screengraph.graph.backend import Backend
from screengraph.graph.schema import (
    ASSERTED_BY,
    ASSERTION_LABEL,
    LAYOUT_LABEL,
    LISTING_LABEL,
    Label,
)
from screengraph.graph.store_layout import LAYOUT_VERSION, StoreLayout, read_layout, refuse_newer
from screengraph.loaders.identity import PREFIXES
from screengraph.loaders.plan import assertion_key
from screengraph.loaders.spellings import EDGE_IDENTITY
from screengraph.loaders.statements import DEGREE, HUB_LABELS, degree_count

# Nodes one write of a step changes: small enough to stay well inside a transaction's
# memory and time limits on a busy store, large enough that a million people take ~100
# writes.
SLICE = 10_000

OLD_IDS = f"NOT ({' OR '.join(f'x.key STARTS WITH {prefix!r}' for prefix in PREFIXES)})"
COUNT_LEGACY = f"MATCH (x:{LISTING_LABEL}) WHERE {OLD_IDS} RETURN count(x)"
_BEGIN = f"MERGE (l:{LAYOUT_LABEL} {{key: 'layout'}}) SET l.upgrading_to = $version"
_DONE = (
    f"MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) SET l.version = $version, l.upgrading_to = null"
)
_RECORD_EMPTY = (
    f"MERGE (l:{LAYOUT_LABEL} {{key: 'layout'}}) SET l.version = $version, l.legacy_listings = 0"
)
_RECORD_LEGACY = f"MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) SET l.legacy_listings = $legacy"


@dataclass(frozen=True)
class Chore:
    """One kind of change a step makes: `pending` counts the nodes it still has to
    change; `slice` changes up to $limit of them and returns how many it changed."""

    what: str  # "{n} people keep `sources`..." with {n} for the count
    pending: str
    slice: str | Callable[[Backend, int], int]  # Cypher, or Python for work Cypher cannot do

    def count(self, backend: Backend) -> int:
        return int(backend.run_read(self.pending, max_rows=0).value(0) or 0)

    def run_slice(self, backend: Backend, limit: int) -> int:
        if callable(self.slice):
            return self.slice(backend, limit)
        return int(backend.run_write(self.slice, {"limit": limit}).value(0) or 0)


@dataclass(frozen=True)
class Step:
    version: int
    summary: str
    chores: tuple[Chore, ...] = ()
    after: Callable[[Backend], None] | None = None  # once its chores are done


def _hub_chores(label: str) -> tuple[Chore, ...]:
    plural = {"Person": "people", "Company": "companies", "Genre": "genres"}[label]
    degree = DEGREE[label]
    return (
        Chore(
            f"{{n}} {plural} lose `sources` (their listings are those of their edges)",
            f"MATCH (n:{label}) WHERE n.sources IS NOT NULL RETURN count(n)",
            f"MATCH (n:{label}) WHERE n.sources IS NOT NULL WITH n LIMIT $limit "
            "SET n.sources = null RETURN count(n)",
        ),
        Chore(
            f"{{n}} {plural} lose `votes` that name one spelling (it is their name)",
            f"MATCH (n:{label}) WHERE size(n.votes) = 1 RETURN count(n)",
            f"MATCH (n:{label}) WHERE size(n.votes) = 1 WITH n LIMIT $limit "
            "SET n.votes = null RETURN count(n)",
        ),
        Chore(
            f"{{n}} {plural} get `{degree}` counted from their edges",
            f"MATCH (n:{label}) WHERE n.{degree} IS NULL RETURN count(n)",
            f"MATCH (n:{label}) WHERE n.{degree} IS NULL WITH n LIMIT $limit "
            f"{degree_count(label)} SET n.{degree} = degree RETURN count(n)",
        ),
    )


_SHOW = Label.SHOW.value
# The edges whose provenance is filed under a show (loaders/plan.py edge_show): those
# ending at it, and those starting at it that do not end at a show.
_FILED_UNDER = f"(endNode(r) = s OR (startNode(r) = s AND NOT '{_SHOW}' IN labels(endNode(r))))"
_LISTED_SHOWS = (
    f"MATCH (s:{_SHOW}) WHERE s.sources IS NOT NULL WITH s LIMIT $limit RETURN s.key, s.sources"
)
_LISTED_EDGES = (
    f"UNWIND $keys AS k MATCH (s:{_SHOW} {{key: k}})-[r]-() "
    f"WHERE r.sources IS NOT NULL AND {_FILED_UNDER} "
    f"RETURN k, {EDGE_IDENTITY}, r.sources"
)
_WRITE_ASSERTIONS = (
    f"UNWIND $rows AS a MERGE (x:{ASSERTION_LABEL} {{key: a[0]}}) "
    "SET x.listing = a[1], x.show = a[2], x.edges = a[3]"
)
_COUNT_LISTS = (
    f"UNWIND $keys AS k MATCH (s:{_SHOW} {{key: k}}) "
    f"OPTIONAL MATCH (s)-[r]-() WHERE r.sources IS NOT NULL AND {_FILED_UNDER} "
    "WITH s, collect(r) AS rels "
    f"FOREACH (r IN rels | SET r.{ASSERTED_BY} = size(r.sources), r.sources = null) "
    f"SET s.{ASSERTED_BY} = size(s.sources), s.sources = null RETURN count(s)"
)


def _provenance_to_listings(backend: Backend, limit: int) -> int:
    """Up to `limit` shows (and their edges) whose `sources` become Assertions and counts."""
    limit = max(1, limit // 10)  # a show's lists hold many ids each
    shows = backend.run_read(
        _LISTED_SHOWS, {"limit": limit}, max_rows=0, timeout_ms=backend.write_timeout_ms
    ).rows
    if not shows:
        return 0
    keys = [key for key, _ in shows]
    asserted: dict[tuple[str, str], set[str]] = {
        (listing, key): set() for key, sources in shows for listing in sources or ()
    }
    for key, identity, sources in backend.run_read(
        _LISTED_EDGES, {"keys": keys}, max_rows=0, timeout_ms=backend.write_timeout_ms
    ).rows:
        for listing in sources or ():
            asserted.setdefault((listing, key), set()).add(identity)
    rows = [
        [assertion_key(listing, key), listing, key, sorted(edges)]
        for (listing, key), edges in sorted(asserted.items())
    ]
    for i in range(0, len(rows), SLICE):
        backend.run_write(_WRITE_ASSERTIONS, {"rows": rows[i : i + SLICE]})
    return int(backend.run_write(_COUNT_LISTS, {"keys": keys}).value(0) or 0)


def _count_legacy_listings(backend: Backend) -> None:
    legacy = int(backend.run_read(COUNT_LEGACY, max_rows=0).value(0) or 0)
    backend.run_write(_RECORD_LEGACY, {"legacy": legacy})


STEPS: tuple[Step, ...] = (
    Step(
        2,
        "listing ids become stable: listings of earlier versions keep their ids until "
        "their files are loaded again, which adopts them",
        after=_count_legacy_listings,
    ),
    Step(
        3,
        "people, companies and genres keep no per-listing lists",
        tuple(chore for label in HUB_LABELS for chore in _hub_chores(label)),
    ),
    Step(
        4,
        "provenance moves to the listings: shows and edges count their listings",
        (
            Chore(
                "{n} shows and their edges get their listings' Assertions and a count "
                "instead of `sources`",
                f"MATCH (s:{_SHOW}) WHERE s.sources IS NOT NULL RETURN count(s)",
                _provenance_to_listings,
            ),
        ),
    ),
)
assert STEPS[-1].version == LAYOUT_VERSION, "a layout version without its upgrade step"


def steps_to_run(layout: StoreLayout) -> list[Step]:
    return [step for step in STEPS if step.version > layout.version]


def what_will_change(backend: Backend, *, counted: bool = True) -> list[str]:
    """Lines saying what `upgrade` would change (counted: with how many nodes; reads only)."""
    lines = []
    for step in steps_to_run(read_layout(backend)):
        lines.append(f"layout {step.version}: {step.summary}")
        for chore in step.chores:
            if not counted:
                lines.append("  " + chore.what.replace("{n} ", "the ", 1))
            elif n := chore.count(backend):
                lines.append("  " + chore.what.format(n=f"{n:,}"))
    return lines


Progress = Callable[[str, int], None]


def upgrade(backend: Backend, progress: Progress | None = None, limit: int = SLICE) -> int:
    """Bring the store to LAYOUT_VERSION; returns how many nodes were changed.
    `progress(what, changed)` is told after every slice. Run with the load lock held."""
    progress = progress or (lambda what, changed: None)
    changed = 0
    found = read_layout(backend)
    refuse_newer(found.version, f"The {backend.name} store")
    if not found.recorded and not steps_to_run(found):  # an empty store: record its layout
        backend.run_write(_RECORD_EMPTY, {"version": LAYOUT_VERSION})
    for step in steps_to_run(found):
        backend.run_write(_BEGIN, {"version": step.version})
        for chore in step.chores:
            while done := chore.run_slice(backend, limit):
                changed += done
                progress(chore.what, done)
        if step.after is not None:
            step.after(backend)
        backend.run_write(_DONE, {"version": step.version})
    return changed
