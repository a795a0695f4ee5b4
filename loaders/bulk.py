"""A first load in bulk: the listings planned as the incremental loader plans them, the
graph they make accumulated (loaders/bulk_graph.py), then handed to the engine's own bulk
import in one go (Backend.bulk_import: FalkorDB's GRAPH.BULK, neo4j-admin's import).

Listings are cut into batches as the pipeline cuts them (at most `batch_size`, and a
listing given twice starts a new batch) and planned with one memory of identities and
yearless titles for the whole load, which is what the store would answer the incremental
loader after the batches before. Only an empty graph can be bulk loaded. A listing given
twice with different contents never reaches the planner (the readers reject the second,
loaders/identity.py); given twice alike, the second is unchanged.

The inputs are read, parsed and checked in a second process while this one plans
(loaders/bulk_read.py), and Python's garbage collector runs less often while a bulk load
works (bulk_read.GC_THRESHOLDS).

The graph being planned is kept in a scratch file (loaders/bulk_graph.py) in the system's
temporary folder (TMPDIR chooses it; about 1 KB per credit), deleted when the load ends
(`close`, or leaving a `with` block).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from screengraph.graph.backend import Backend
from screengraph.graph.identifiers import SCHEMES, parse_identifier
from screengraph.graph.observe import load_reported
from screengraph.graph.schema import LOAD_LABEL
from screengraph.loaders.bulk_graph import BulkGraph
from screengraph.loaders.bulk_read import InputRead, Read, collecting_less, read_ahead
from screengraph.loaders.bulk_sets import SetGraph
from screengraph.loaders.bulk_spill import CACHED_ENTRIES
from screengraph.loaders.history import VIA_BULK, LoadOrigin, bulk_record
from screengraph.loaders.identities import Identities, references
from screengraph.loaders.model import ParsedRecord
from screengraph.loaders.pipeline import DEFAULT_BATCH_SIZE, LoadSummary, Reject
from screengraph.loaders.plan import plan_listing
from screengraph.loaders.sources import SourceText
from screengraph.loaders.yearless import YearlessTitles


class BulkLoader:
    """Plans listings into a BulkGraph; `load` then imports it into an empty backend."""

    def __init__(
        self,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: Callable[[int], None] | None = None,
        spill_dir: Path | None = None,
        cached: int = CACHED_ENTRIES,
        origin: LoadOrigin | None = None,
        set_based: bool = True,
    ):
        self.batch_size = max(1, batch_size)
        # IMDb's dataset files alone are planned over whole tables (loaders/bulk_sets.py).
        self.set_based = set_based
        self._spill_dir = spill_dir
        self.on_progress = on_progress or (lambda n: None)
        # Lines of IMDb's name.basics indexed so far, before its titles are read.
        self.on_indexed: Callable[[int], None] = lambda lines: None
        self.summary = LoadSummary()
        self.graph: BulkGraph | SetGraph = BulkGraph(
            datetime.now(UTC).isoformat(timespec="seconds"), spill_dir, cached
        )
        self.identities = Identities()
        self.yearless = YearlessTitles()
        self.next_steps: str | None = None
        self.origin = origin or LoadOrigin(VIA_BULK)
        self.inputs: list[str] = []  # "<name>\t<sha256>" (loaders/history.py)

    def close(self) -> None:
        self.graph.close()

    def __enter__(self) -> BulkLoader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def load(
        self,
        backend: Backend,
        sources: Iterable[SourceText],
        fmt: str | None = None,
        folder: Path | None = None,
    ) -> LoadSummary:
        """Plan, then import. Where the engine imports offline (Neo4j), its files go into
        `folder` and `next_steps` says what to run."""
        started = datetime.now(UTC)
        try:
            with load_reported(self.origin.via, self.summary), collecting_less():
                backend.check_bulk_target()  # before planning: refusals come first
                self.plan(sources, fmt)
                self.summary.seconds = (datetime.now(UTC) - started).total_seconds()
                # The load's record goes in with the graph it made: there exactly when its
                # graph is.
                record = bulk_record(
                    self.summary, self.inputs, self.origin, started.isoformat(timespec="seconds")
                )
                self.next_steps = backend.bulk_import(
                    chain(self.graph.nodes(), [(LOAD_LABEL, record)]),
                    self.graph.relationships(),
                    folder,
                )
        finally:
            self.close()
        self.summary.seconds = (datetime.now(UTC) - started).total_seconds()
        return self.summary

    def plan(self, sources: Iterable[SourceText], fmt: str | None = None) -> BulkGraph | SetGraph:
        sources = list(sources)
        if (
            self.set_based
            and fmt in (None, "imdb")
            and sources
            and all(source.dataset is not None for source in sources)
        ):
            loaded_at = self.graph.loaded_at
            self.graph.close()
            self.graph = SetGraph(loaded_at, self._spill_dir)
        with collecting_less():
            for records in self._batches(sources, fmt):
                self._add(records)
        return self.graph

    def _batches(self, sources: Iterable[SourceText], fmt: str | None) -> Iterator[list[Read]]:
        batch: list[Read] = []
        ids: set[str] = set()
        for item in read_ahead(sources, fmt, lambda n: self.on_indexed(n)):
            if isinstance(item, InputRead):
                self.summary.files += 1
                self.inputs.append(f"{item.name}\t{item.digest}")
                if item.note:
                    self.summary.warnings.append(f"{item.name}: {item.note}")
                continue
            record = item.record
            if item.digest is None:
                self._reject(record, record.error or "no listing found")
                continue
            self.summary.warnings.extend(record.located(w) for w in record.warnings)
            if record.ref.source_id in ids:
                yield batch
                batch, ids = [], set()
            batch.append(item)
            ids.add(record.ref.source_id)
            if len(batch) >= self.batch_size:
                yield batch
                batch, ids = [], set()
        yield batch

    def _add(self, records: list[Read]) -> None:
        if isinstance(self.graph, SetGraph):
            # title.basics holds each title once (loaders/imdb_files.py refuses a repeat):
            # no listing comes twice.
            planned = [(read.record, read.digest or "") for read in records]
            if planned:
                self.summary.credits += self.graph.add_batch(
                    planned, self.yearless, self.summary.warnings
                )
                self.summary.loaded += len(planned)
            self.on_progress(len(records))
            return
        graph = self.graph
        fresh = []
        for record, digest in ((read.record, read.digest) for read in records):
            # A batch holds each source id once: the earlier one is in the graph.
            if graph.listing_hash(record.ref.source_id) == digest:
                self.summary.unchanged += 1
                continue
            fresh.append((record, digest))
        if not fresh:
            self.on_progress(len(records))
            return
        assert isinstance(graph, BulkGraph)
        resolvers = self.yearless.batch([record for record, _ in fresh], graph.shows_by_title)
        self._prepare_identities([record.valid_listing for record, _ in fresh], resolvers)
        plans = []
        for (record, digest), resolve in zip(fresh, resolvers, strict=True):
            plan = plan_listing(
                record.valid_listing, record.ref, resolve, digest, self.identities.identify
            )
            self.summary.warnings.extend(resolve.warnings)
            self.summary.warnings.extend(record.located(w) for w in plan.warnings)
            plans.append(plan)
        graph.add_batch(plans)
        self.summary.loaded += len(plans)
        self.summary.credits += sum(len(plan.edges) for plan in plans)
        self.on_progress(len(records))

    def _prepare_identities(self, listings, resolvers) -> None:
        """What Identities.prepare reads from the store, read from the graph so far: the
        nodes of identifiers and names the load's memory does not hold (never met, or
        forgotten past remembered.REMEMBERED), and which labels have identified nodes."""
        identities, graph = self.identities, self.graph
        assert isinstance(graph, BulkGraph)
        identities.next_batch()
        wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        bases: dict[str, set[str]] = defaultdict(set)
        for listing, resolve in zip(listings, resolvers, strict=True):
            for label, name_base, texts in references(listing, resolve):
                for text in texts:
                    if text not in identities.known:
                        identifier = parse_identifier(text)
                        wanted[label][identifier.scheme].add(identifier.value)
                if (label, name_base) not in identities.namesakes and (
                    texts or label in graph.identified
                ):
                    bases[label].add(name_base)
        newly = {label for label in wanted if label not in graph.identified}
        graph.identified |= newly
        for label, by_scheme in wanted.items():
            if label in newly:
                continue  # the graph has no identified node of this label yet
            for scheme, values in by_scheme.items():
                for value in sorted(values):
                    key = graph.identified_key(label, SCHEMES[scheme].property, value)
                    if key is not None:
                        identities.known.remember(f"{scheme}:{value}", key)
        for label, keys in bases.items():
            for name_base in sorted(keys):
                identities.namesakes.remember(
                    (label, name_base), graph.namesakes(label, name_base, label in graph.identified)
                )

    def _reject(self, record: ParsedRecord, reason: str) -> None:
        self.summary.rejected += 1
        self.summary.rejects.append(
            Reject(
                record.ref.file, record.ref.line, record.ref.record, record.ref.source_id, reason
            )
        )
