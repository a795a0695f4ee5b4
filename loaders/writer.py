"""Batched writes of listing plans: one statement per batch (loaders/statements.py), the
same on both backends, so a batch applies whole or not at all on either engine.

Provenance and display names (docs/data-model.md):
- provenance is kept on the listing's side: an `Assertion` node per (listing, show it
  names) holds the edges of that show the listing asserts; every show and edge keeps only
  `asserted_by`, how many listings assert it (deleted when that reaches 0). A person,
  company or genre exists only through its edges. So nothing a batch writes grows with
  what other listings asserted (a `sources` list per show and edge, rewritten in every
  batch naming a busy show, made loading 80,000 listings of one show quadratic);
- spelling votes pick display names (loaders/spellings.py);
- a `Listing` node per source records file, line, record, load time, a content hash (an
  unchanged listing is skipped on reload) and `mentions`, the entities it named and how
  ("<label>\t<key>\t<spelling>"), so a changed version can take back exactly the votes
  and credits the old one gave: in the batch's own statement, new credits are added
  first, then the dropped ones pruned where no other listing asserts them. So a changed
  listing is replaced whole or not at all: a load that dies mid-way leaves each listing
  as its old version or its new one, never the new content hash over old credits.

What a load already knows it does not ask again: the writer remembers what the store
holds for the entities it has read or written lately (loaders/remembered.py). What the
store did not have before a batch is CREATEd: new listings, shows and entities, and every
credit with a new end (an edge cannot exist before both its ends). The degrees those credits add are counted here
and written at the end of the load; entities reached by MERGEd or pruned edges are
recounted then. Both are written sooner, between batches, once more than REMEMBERED
entities wait: what a load holds must not grow with its input. Every batch also writes
a journal entry in its own statement (statements.JOURNAL_LABEL): if the load never gets
to write its degrees (killed, or stopped by an error), the next load recounts what the
journal names before it starts (`recover`), so the store converges however a load ends.
Its own statement also writes what the batch changed, for the load's history
(statements.CHANGE_ENTRY, the Replaced images; loaders/changes.py reads them back). How
many listings a batch
holds, and how many rows a degree write, comes from loaders/pacing.py (a time budget
where pages wait for the loader's writes). A batch can be prepared while the one before it is written (`prepare`,
`launch`, `finish`); it is counted as written when prepared, and if the write fails
everything remembered is forgotten. A batch that replaces listings must be written before
the next one is prepared: its pruning can delete entities, and only the store knows which.
So loads into one graph take turns
(Backend.one_load_at_a_time): two loads naming the same new show at once could both
create its credits.
"""

from __future__ import annotations

import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from screengraph.graph.backend import Backend, Results, Statement
from screengraph.graph.errors import GraphError
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import Label, RelType
from screengraph.loaders import remembered
from screengraph.loaders.history import new_load_id
from screengraph.loaders.pacing import pace_for, paces_for
from screengraph.loaders.plan import (
    LISTING_PROPERTIES,
    NAMING_PROPERTIES,
    ListingPlan,
    assertion_key,
    later_show_properties,
    merged_details,
)
from screengraph.loaders.remembered import Remembered
from screengraph.loaders.spellings import SEP, SpellingBook, Stored, add, best, only, votes_to_text
from screengraph.loaders.statements import (
    ADD_DEGREES,
    BATCH_APPLIED,
    DEGREES,
    DROP_JOURNALS,
    EXISTING_LISTINGS,
    HUB_LABELS,
    JOURNALS,
    LISTING_MENTIONS,
    OLD_ASSERTIONS,
    PARTS,
    SHOW,
    SHOW_COLUMNS,
    SHOWS_BY_TITLE,
    SHOWS_MERGED_BY_TITLE,
    upsert_statement,
)


def parse_mention(text: str) -> tuple[str, str, str]:
    label, key, spelling = text.split(SEP, 2)
    return label, key, spelling


# What a listing asserted, show by show: {show key: {edge identities}}.
Asserted = dict[str, set[str]]


# The first batch's weight (Listing.weight), before any write was timed: ~40 listings
# of ten credits.
FIRST_BATCH_WEIGHT = 500


@dataclass
class Batch:
    """One batch's statement parameters, and what the store will hold once it is written."""

    parameters: dict[str, Any]
    encoded: Statement | None = None  # the statement in the engine's own form
    stored: dict[tuple[str, str], Stored] = field(default_factory=dict)
    stale: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Entities that listings of this batch stopped naming, and no listing of it names:
    # the batch may delete them.
    dropped: set[tuple[str, str]] = field(default_factory=set)
    degrees: dict[str, dict[str, int]] = field(
        default_factory=lambda: {label: defaultdict(int) for label in HUB_LABELS}
    )
    details: dict[tuple[str, str], int] = field(default_factory=dict)  # written, by node
    weight: int = 0  # of its listings (Listing.weight): what its pace counts

    def prepared(self) -> Statement:
        """The statement to send: the batch was prepared (ListingWriter.prepare) first."""
        if self.encoded is None:
            raise RuntimeError("a batch must be prepared before it is written")
        return self.encoded

    def statement(self) -> str:
        present = [name for name in PARTS if self._rows(name)]
        return upsert_statement(tuple(present))

    def _rows(self, part: str) -> Any:
        group, _, label = part.partition(".")
        rows = self.parameters.get(group)  # "pruned" and "dropped" only when there are any
        return rows.get(label) if label and rows else rows


@dataclass
class Launched:
    """A batch being written in its own thread."""

    batch: Batch
    thread: threading.Thread | None = None
    error: BaseException | None = None


class ListingWriter:
    """Writes batches of listing plans through any backend, for one load."""

    def __init__(self, backend: Backend):
        self.backend = backend
        # How much the next batch holds, and how many rows a degree write (per statement:
        # their costs per row differ tenfold): fixed, or sized to a time budget where
        # readers wait for writes (loaders/pacing.py). A batch's pace counts its listings'
        # weight (Listing.weight: what they give, credits mostly), the loader's pipeline
        # cutting batches at that weight or --batch-size listings, whichever comes first.
        # Unmeasured writes start small: recounting busy people costs milliseconds a row.
        self.batch_pace = pace_for(backend, sys.maxsize, first=FIRST_BATCH_WEIGHT)
        self.row_paces = paces_for(backend, 10_000, first=100)
        self.book = SpellingBook(backend)
        # Called before counting an entity's listings in the store: a pipelining caller
        # waits there for the batch it has in flight.
        self.before_counting: Callable[[], None] = lambda: None
        # Degrees to recount at the end (MERGEd or pruned edges), and those to add to.
        self.stale_degrees: dict[str, set[str]] = defaultdict(set)
        self.added_degrees: dict[str, dict[str, int]] = {
            label: defaultdict(int) for label in HUB_LABELS
        }
        self.load_id = new_load_id()  # names its journal entries, changes and history
        # Details (identifiers, years...) this load has written lately, by node: not sent
        # again (forgotten ones are).
        self._details_written: Remembered[tuple[str, str], int] = Remembered()
        self._batches = 0

    # -- the journal ----------------------------------------------------------

    def recover(self, chunk: int = 5_000) -> int:
        """Recount the degrees of every entity that loads which did not finish (their
        journal entries are still there) may have changed, then drop those entries.
        Returns how many entities were recounted. Run with the load lock held."""
        limit = self.backend.write_timeout_ms  # a killed big load leaves a big journal
        entries = self.backend.run_read(JOURNALS, max_rows=0, timeout_ms=limit).records()
        if not entries:
            return 0
        stale: dict[str, set[str]] = defaultdict(set)
        sources = sorted({source for entry in entries for source in entry["sources"] or []})
        mentions = [mention for entry in entries for mention in entry["hubs"] or []]
        for i in range(0, len(sources), chunk):
            mentions += (
                self.backend.run_read(
                    LISTING_MENTIONS, {"keys": sources[i : i + chunk]}, max_rows=0, timeout_ms=limit
                ).value()
                or []
            )
        for mention in mentions:
            label, key, *_ = mention.split(SEP, 2)
            if label in DEGREES:
                stale[label].add(key)
        self.refresh_degrees({label: sorted(keys) for label, keys in stale.items()})
        self.backend.run_write(DROP_JOURNALS, {"loads": sorted({e["load"] for e in entries})})
        return sum(len(keys) for keys in stale.values())

    def finish_load(self) -> None:
        """Write the degrees this load changed, then drop its journal: it is complete."""
        self.flush_degrees()
        self.backend.run_write(DROP_JOURNALS, {"loads": [self.load_id]})

    # -- reads before a batch ---------------------------------------------

    def existing_listings(self, source_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.backend.run_read(EXISTING_LISTINGS, {"keys": source_ids}, max_rows=0)
        return {r["key"]: r for r in rows.records()}

    def shows_by_title(self, title_keys: Iterable[str]) -> dict[str, list[str]]:
        """The shows each title (without a year) names, by name key: those of that title,
        and those a merge took a show of that title into."""
        params = {"title_keys": sorted(set(title_keys))}
        found: dict[str, list[str]] = {}
        for query in (SHOWS_BY_TITLE, SHOWS_MERGED_BY_TITLE):
            for row in self.backend.run_read(query, params, max_rows=0).records():
                keys = found.setdefault(row["title_key"], [])
                keys.extend(key for key in row["keys"] if key not in keys)
        return found

    # -- the batch ----------------------------------------------------------

    def write(
        self,
        plans: list[ListingPlan],
        previous: dict[str, dict] | None = None,
        loaded_at: str | None = None,
    ) -> None:
        """Write every plan in one statement (all of them or none), now."""
        batch = self.prepare(plans, previous, loaded_at)
        try:
            self.batch_pace.timed(batch.weight, lambda: self.backend.run_write(batch.prepared()))
        except BaseException as exc:
            if not self._applied(batch, exc):
                self.book.clear()
                raise
        self._written(batch)

    def _applied(self, batch: Batch, error: BaseException) -> bool:
        """Whether a write that failed was applied all the same (its reply was lost)."""
        if not isinstance(error, GraphError):
            return False
        try:
            return bool(
                self.backend.run_read(
                    BATCH_APPLIED, {"batch": batch.parameters["batch"]}, max_rows=0
                ).value()
            )
        except GraphError:
            return False

    def look_up(
        self, plans: list[ListingPlan], previous: Mapping[str, dict] | None = None
    ) -> dict[str, dict[str, Stored]]:
        """What the store holds for every entity these plans name, or their previous
        versions named (read only for those not met yet): done apart from `prepare` so
        the reads can go before the batch in flight is launched, and the Python work after."""
        by_label: dict[str, dict[str, None]] = {label.value: {} for label in Label}
        for plan in plans:
            for entity in plan.mentioned:
                by_label[entity.label][entity.key] = None
        for before in (previous or {}).values():
            for old in before.get("mentions") or []:
                label, key, _ = parse_mention(old)
                by_label[label][key] = None
        return {label: self.book.stored(label, keys) for label, keys in by_label.items() if keys}

    def prepare(
        self,
        plans: list[ListingPlan],
        previous: dict[str, dict] | None = None,
        loaded_at: str | None = None,
        stored: dict[str, dict[str, Stored]] | None = None,
    ) -> Batch:
        """A batch's statement, counted as written: the next batch can be prepared against
        it while it is written. If it fails, `finish` (or `write`) forgets all it knew.
        `stored` is what `look_up` found for these plans (read now if not given)."""
        loaded_at = loaded_at or datetime.now(UTC).isoformat(timespec="seconds")
        self.book.next_batch()
        batch = self.batch(plans, previous or {}, loaded_at, stored)
        batch.weight = sum(plan.listing.weight() for plan in plans)
        batch.encoded = self.backend.statement(batch.statement(), batch.parameters)
        for (label, key), held in batch.stored.items():
            self.book.remember(label, key, held)
        for label, key in batch.dropped:
            self.book.forget(label, key)  # it may be gone: read it again if met
            self._details_written.forget((label, key))
        return batch

    def launch(self, batch: Batch) -> Launched:
        """Write a prepared batch in a thread (the engine works while Python prepares the next)."""
        launched = Launched(batch)

        def run() -> None:
            try:
                self.batch_pace.timed(
                    batch.weight, lambda: self.backend.run_write(batch.prepared())
                )
            except BaseException as exc:  # handed to finish(), in the caller's thread
                launched.error = exc

        launched.thread = threading.Thread(target=run, name="screengraph-writer", daemon=True)
        launched.thread.start()
        return launched

    def finish(self, launched: Launched) -> None:
        """Wait for a launched batch; its error, if any, is raised here."""
        if launched.thread is not None:  # set by launch(), which made it
            launched.thread.join()
        if launched.error is not None and not self._applied(launched.batch, launched.error):
            self.book.clear()
            raise launched.error
        self._written(launched.batch)

    def _written(self, batch: Batch) -> None:
        self._details_written.tick()
        for ident, fingerprint in batch.details.items():
            self._details_written.remember(ident, fingerprint)
        for label, keys in batch.stale.items():
            self.stale_degrees[label].update(keys)
        for label, added in batch.degrees.items():
            mine = self.added_degrees[label]
            for key, count in added.items():
                mine[key] += count
        waiting = sum(map(len, self.added_degrees.values())) + sum(
            map(len, self.stale_degrees.values())
        )
        if waiting > remembered.REMEMBERED:
            self.flush_degrees()  # nothing is in flight: what it counts is written

    def refresh_degrees(self, keys: dict[str, list[str]]) -> None:
        for label, statement in DEGREES.items():
            self.row_paces[statement].in_parts(
                keys.get(label) or [], partial(self._write_part, statement, "keys")
            )

    def _write_part(self, statement: str, name: str, part: Sequence[Any]) -> Results:
        return self.backend.run_write(statement, {name: list(part)})

    def flush_degrees(self) -> None:
        """Write the degrees this load changed: added counts, once per entity, and a
        recount of those reached by MERGEd or pruned edges (whose count is not known here)."""
        for label, added in self.added_degrees.items():
            stale = self.stale_degrees.get(label, set())
            rows = [[key, count] for key, count in sorted(added.items()) if key not in stale]
            self.row_paces[ADD_DEGREES[label]].in_parts(
                rows, partial(self._write_part, ADD_DEGREES[label], "rows")
            )
            added.clear()
        recount = {label: sorted(keys) for label, keys in self.stale_degrees.items()}
        self.stale_degrees.clear()
        self.refresh_degrees(recount)

    def batch(
        self,
        plans: list[ListingPlan],
        previous: dict[str, dict],
        loaded_at: str,
        stored: dict[str, dict[str, Stored]] | None = None,
    ) -> Batch:
        # Votes this batch adds, and those the previous versions of its listings take back.
        delta: dict[tuple[str, str], dict[str, int]] = {}
        # What the previous versions of the batch's changed listings asserted.
        old = self.asserted_before([plan.source_id for plan in plans if plan.source_id in previous])
        # Per show: how many of the batch's listings name it for the first time.
        show_added: dict[str, int] = defaultdict(int)
        show_properties: dict[str, dict[str, Any]] = {}
        named: set[tuple[str, str]] = set()
        by_label: dict[str, list[str]] = {label.value: [] for label in Label}  # named, once each
        for plan in plans:
            source_id = plan.source_id
            before = previous.get(source_id)
            for mention in (before or {}).get("mentions") or []:
                label, key, spelling = parse_mention(mention)
                counts = delta.setdefault((label, key), {})
                counts[spelling] = counts.get(spelling, 0) - 1
            for entity in plan.mentioned:
                ident = entity[:2]  # (label, key)
                if ident not in named:
                    named.add(ident)
                    by_label[entity.label].append(entity.key)
                counts = delta.setdefault(ident, {})
                counts[entity.spelling] = counts.get(entity.spelling, 0) + 1
                if entity.label == SHOW and entity.key not in old.get(source_id, ()):
                    show_added[entity.key] += 1
            show_properties[plan.show.key] = later_show_properties(
                show_properties.get(plan.show.key), plan.show_properties
            )
        for plan in plans:
            for key, properties in plan.related_properties.items():
                show_properties.setdefault(key, properties)
        if stored is None:
            stored = self.look_up(
                plans,
                {
                    plan.source_id: previous[plan.source_id]
                    for plan in plans
                    if plan.source_id in previous
                },
            )
        batch = Batch({})
        new_edges, merged_edges, created_degrees = self._edges(plans, stored, old, batch)

        shows, related = self._show_rows(
            by_label[SHOW],
            stored.get(SHOW, {}),
            delta,
            show_added,
            show_properties,
            {plan.show.key for plan in plans},
            batch,
        )
        rows: dict[str, dict[str, list[list[Any]]]] = {
            group: {label: [] for label in HUB_LABELS}
            for group in ("created", "renamed", "revoted")
        }
        for label in HUB_LABELS:
            self._hub_rows(
                label,
                by_label[label],
                stored.get(label, {}),
                delta,
                created_degrees[label],
                batch,
                rows,
            )

        listings: dict[str, list[list[Any]]] = {"created": [], "known": []}
        for plan in plans:
            listings["known" if plan.source_id in previous else "created"].append(
                [
                    plan.source_id,
                    plan.ref.file,
                    plan.ref.line,
                    plan.ref.record,
                    plan.content_hash,
                    plan.listing.title,
                    plan.asserted_shows,
                    sorted({SEP.join(entity) for entity in plan.mentioned}),
                ]
            )  # label, key, spelling
        # Entities a changed listing named before: the listings' mentions name the rest.
        journal_hubs = sorted(
            {
                mention.rpartition(SEP)[0]
                for plan in plans
                for mention in (previous.get(plan.source_id) or {}).get("mentions") or []
                if mention.split(SEP, 1)[0] in DEGREES
            }
        )
        self._batches += 1
        batch.parameters = {
            "load": self.load_id,
            "batch": f"{self.load_id}-{self._batches:06d}",  # sorts in order
            "journal_hubs": journal_hubs,
            "listings": listings,
            "loaded_at": loaded_at,
            "sources": [plan.source_id for plan in plans],
            "shows": shows,
            "related": related,
            **rows,
            **new_edges,
            "edges": merged_edges,
            "assertions": self._assertions(plans, old),
            **self._details(plans, batch, stored),
        }
        self._replaced(plans, previous, old, stored, delta, named, batch)
        return batch

    def asserted_before(self, source_ids: list[str]) -> dict[str, Asserted]:
        """What these listings asserted, as the store holds it (their Assertions)."""
        found: dict[str, Asserted] = {}
        if source_ids:
            for listing, show, edges in self.backend.run_read(
                OLD_ASSERTIONS, {"keys": source_ids}, max_rows=0
            ).rows:
                found.setdefault(listing, {})[show] = set(edges or ())
        return found

    @staticmethod
    def _assertions(
        plans: list[ListingPlan], old: Mapping[str, Asserted]
    ) -> dict[str, list[list[Any]]]:
        """Assertion rows: created for a (listing, show) the store did not have, rewritten
        where a changed listing asserts other edges of the show than before, deleted where
        it no longer names the show."""
        rows: dict[str, list[Any]] = {"created": [], "known": [], "gone": []}
        for plan in plans:
            source_id = plan.source_id
            before = old.get(source_id, {})
            now = plan.asserted_edges
            for show in plan.asserted_shows:
                edges = now.get(show, set())
                if show not in before:
                    rows["created"].append(
                        [assertion_key(source_id, show), source_id, show, sorted(edges)]
                    )
                elif before[show] != edges:
                    rows["known"].append(
                        [assertion_key(source_id, show), source_id, show, sorted(edges)]
                    )
            rows["gone"].extend(
                assertion_key(source_id, show)
                for show in sorted(set(before) - set(plan.asserted_shows))
            )
        return rows

    def _details(
        self, plans: list[ListingPlan], batch: Batch, stored: Mapping[str, Mapping[str, Stored]]
    ) -> dict[str, dict[str, list]]:
        """Rows of what identified sources say of their nodes: [key, {properties}, [ids]]
        (a later listing of the batch wins a property; identifiers add up), under
        "details", and under "details_known" for nodes the store had before the batch
        (their properties before are kept in the change record). What a batch of this
        load already wrote is not sent again: a busy person's details, the same in every
        title of a dump, were most of an IMDb batch's text."""
        new: dict[str, list[list[Any]]] = {label.value: [] for label in Label}
        known: dict[str, list[list[Any]]] = {label.value: [] for label in Label}
        for (label, key), (properties, ids) in merged_details(plans).items():
            fingerprint = hash(
                (
                    tuple(sorted((name, repr(value)) for name, value in properties.items())),
                    tuple(ids),
                )
            )
            if self._details_written.get((label, key)) == fingerprint:
                continue
            batch.details[(label, key)] = fingerprint
            (known if key in stored.get(label, {}) else new)[label].append([key, properties, ids])
        return {"details": new, "details_known": known}

    def _show_rows(
        self,
        keys: list[str],
        stored: Mapping[str, Stored],
        delta: Mapping[tuple[str, str], dict[str, int]],
        show_added: Mapping[str, int],
        show_properties: Mapping[str, dict[str, Any]],
        main_shows: set[str],
        batch: Batch,
    ) -> tuple[dict[str, list[list[Any]]], dict[str, list[list[Any]]]]:
        """Rows for the shows a batch names: those listings are about, and those only named
        as related; each split into new ones (CREATEd) and known ones (MERGEd)."""
        shows: dict[str, list[list[Any]]] = {"created": [], "known": []}
        related: dict[str, list[list[Any]]] = {"created": [], "known": []}
        for key in keys:
            had = stored.get(key)
            votes = add(had.votes if had else None, delta[(SHOW, key)])
            title = best(votes)
            batch.stored[(SHOW, key)] = Stored(title, votes)
            props = show_properties[key]
            row = [
                key,
                show_added.get(key, 0),
                votes_to_text(votes),
                title,
                *(props.get(name) for name in NAMING_PROPERTIES),
            ]
            step = "known" if had else "created"
            if key in main_shows:
                row.extend(props.get(name) for name in LISTING_PROPERTIES)
                row.append(
                    {name: value for name, value in props.items() if name not in SHOW_COLUMNS}
                )
                shows[step].append(row)
            else:
                related[step].append(row)
        return shows, related

    def _hub_rows(
        self,
        label: str,
        keys: list[str],
        stored: Mapping[str, Stored],
        delta: Mapping[tuple[str, str], dict[str, int]],
        degrees: Mapping[str, int],
        batch: Batch,
        rows: dict[str, dict[str, list[list[Any]]]],
    ) -> None:
        """Rows for the people, companies or genres a batch names: new ones are created;
        the others are written only when their votes are kept (two spellings met)."""
        contested = [
            key
            for key in keys
            if (had := stored.get(key)) is not None
            and had.votes is None
            and not only(had.name, delta[(label, key)])
        ]
        if contested:
            self.before_counting()  # the count must include the batch in flight
        counted = self.book.listings_naming(label, contested)
        for key in keys:
            changes = delta[(label, key)]
            had = stored.get(key)
            if had is None:
                votes = add(None, changes)
                name = best(votes)
                kept = votes if len(votes) > 1 else None
                batch.stored[(label, key)] = Stored(name, kept)
                rows["created"][label].append(
                    [
                        key,
                        votes_to_text(kept) if kept else None,
                        name,
                        normalize_name(name),
                        degrees.get(key, 0),
                    ]
                )
                continue
            if degrees.get(key):
                batch.degrees[label][key] += degrees[key]
            if had.votes is None:
                if key not in counted:
                    continue  # one spelling still: nothing to write
                had_votes = {had.name: counted[key]}
            else:
                had_votes = had.votes
            votes = add(had_votes, changes)
            if not votes or votes == had.votes:
                continue
            name = best(votes)
            batch.stored[(label, key)] = Stored(name, votes)
            if name != had.name:
                rows["renamed"][label].append([key, votes_to_text(votes), name])
            else:
                rows["revoted"][label].append([key, votes_to_text(votes)])

    def _edges(
        self,
        plans: list[ListingPlan],
        stored: Mapping[str, Mapping[str, Stored]],
        old: Mapping[str, Asserted],
        batch: Batch,
    ):
        """Edge rows, CREATEd and MERGEd, and the degree the CREATEd ones add.

        An edge with an end the store did not have (a new show, or a known show's new
        cast member) is new unless another listing of this batch asserts it too (those
        MERGE, so it is written once). A new person on a busy show was MERGEd, then
        recounted at the end of the load: one recount per listing of the show."""
        stored_shows = stored.get(SHOW, {})
        # Only a show asserted by two listings of the batch can have an edge asserted twice
        # (a listing asserts each of its edges once).
        asserting: dict[str, int] = defaultdict(int)
        for plan in plans:
            for key in plan.asserted_shows:
                asserting[key] += 1
        first: set[str] = set()
        shared: set[str] = set()
        for plan in plans:
            for edge in plan.edges:
                if asserting[(edge.end if edge.end.label == SHOW else edge.start).key] > 1:
                    if edge.identity in first:
                        shared.add(edge.identity)
                    else:
                        first.add(edge.identity)
        groups: dict[tuple[str, str, int, str | None, bool], list[list[Any]]] = {}
        merged: dict[str, list[list[Any]]] = {rel.value: [] for rel in RelType}
        merged_rows: dict[str, list[Any]] = {}  # by edge identity: one row per edge
        degrees: dict[str, dict[str, int]] = {label: defaultdict(int) for label in HUB_LABELS}
        for index, plan in enumerate(plans):
            for edge in plan.edges:
                show, other = (
                    (edge.end, edge.start) if edge.end.label == SHOW else (edge.start, edge.end)
                )
                new_end = show.key not in stored_shows or other.key not in stored.get(
                    other.label, {}
                )
                if new_end and edge.identity not in shared:
                    rich = bool(edge.properties)
                    group = (edge.type, show.key, index, edge.role, rich)
                    found = groups.get(group)
                    if found is None:
                        found = groups[group] = [[], []] if rich else [[]]
                    found[0].append(other.key)
                    if rich:
                        found[1].append(edge.properties)
                    if other.label in degrees:
                        degrees[other.label][other.key] += 1
                else:
                    row = merged_rows.get(edge.identity)
                    if row is None:
                        row = merged_rows[edge.identity] = [
                            edge.start.key,
                            edge.end.key,
                            0,
                            edge.role,
                            {},
                        ]
                        merged[edge.type].append(row)
                    if edge.identity not in old.get(plan.source_id, {}).get(show.key, ()):
                        row[2] += 1  # asserted by this listing for the first time
                    if edge.properties:
                        row[4].update(edge.properties)  # its degree: counted by the statement
        new_edges: dict[str, dict[str, list[list[Any]]]] = {
            "new_edges": {rel.value: [] for rel in RelType},
            "rich_edges": {rel.value: [] for rel in RelType},
        }
        for (rel_type, show_key, index, role, rich), found in groups.items():
            new_edges["rich_edges" if rich else "new_edges"][rel_type].append(
                [show_key, index, *found[:1], role, *found[1:]]
            )
        return new_edges, merged, degrees

    # -- replacing a changed listing -------------------------------------

    def _replaced(
        self,
        plans: list[ListingPlan],
        previous: Mapping[str, Any],
        old: Mapping[str, Asserted],
        stored: Mapping[str, Mapping[str, Stored]],
        delta: Mapping[tuple[str, str], dict[str, int]],
        named: set[tuple[str, str]],
        batch: Batch,
    ) -> None:
        """Rows taking back what the previous versions of this batch's listings asserted
        and the new ones do not: written by the batch's own statement, after its credits.

        An entity some listing of the batch still names gets the votes the batch gives
        it (they already take back the old versions' votes); another, the stored votes
        less those the old versions gave."""
        replacing = False
        # Per show, the edges changed listings no longer assert, and by how many of them.
        gone: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        dropping: dict[tuple[str, str], set[str]] = {}
        for plan in plans:
            before = previous.get(plan.source_id)
            if before is None:
                continue
            replacing = True
            now = plan.asserted_edges
            for show, edges in old.get(plan.source_id, {}).items():
                for identity in edges - now.get(show, set()):
                    gone[show][identity] += 1
            named_now = {entity[:2] for entity in plan.mentioned}
            for mention in before.get("mentions") or []:
                label, key, _ = parse_mention(mention)
                if (label, key) not in named_now:
                    dropping.setdefault((label, key), set()).add(plan.source_id)
                # Edges go away: the degrees of everything it touched may change.
                if label in DEGREES:
                    batch.stale[label].add(key)
        if not replacing:
            return
        pruned = [
            [show, sorted(counts), [counts[i] for i in sorted(counts)]]
            for show, counts in sorted(gone.items())
        ]
        dropped: dict[str, list[list[Any]]] = {label.value: [] for label in Label}
        for (label, key), sources in sorted(dropping.items()):
            had = stored.get(label, {}).get(key)
            if (label, key) in named:
                after = batch.stored.get((label, key), had)
                if after is None:
                    continue
            elif had is not None:
                votes = add(had.votes, delta[(label, key)]) if had.votes is not None else None
                # With no votes left it is dropped: its name is not read again.
                after = Stored(best(votes) if votes else had.name, votes or None)
                batch.dropped.add((label, key))
            else:
                continue  # not in the store: nothing to take back
            dropped[label].append(
                [
                    key,
                    sorted(sources),
                    votes_to_text(after.votes) if after.votes else None,
                    after.name if after.votes else None,
                ]
            )
        batch.parameters["pruned"] = pruned
        batch.parameters["dropped"] = dropped
