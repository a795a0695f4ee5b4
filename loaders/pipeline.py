"""The ingest pipeline: parse, validate, resolve, then write in batches.

Bad records never stop a load: each goes to the rejects list with its file,
line or record number and a plain reason, and the good records around it
still load. A batch the database refuses is retried listing by listing, so
only the listing at fault is rejected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from screengraph.graph.backend import Backend
from screengraph.graph.bounded_log import BoundedLog
from screengraph.graph.errors import BackendUnavailable, GraphError
from screengraph.graph.observe import load_reported
from screengraph.loaders.formats import read_records
from screengraph.loaders.history import LoadOrigin, LoadRecorder
from screengraph.loaders.identities import Identities
from screengraph.loaders.identity import Claims
from screengraph.loaders.matching import MatchReport
from screengraph.loaders.migrate import LegacyListings
from screengraph.loaders.model import ParsedRecord
from screengraph.loaders.plan import ListingPlan, content_hash, plan_listing
from screengraph.loaders.prefetch import Prefetched
from screengraph.loaders.sources import SourceText
from screengraph.loaders.writer import Batch, Launched, ListingWriter
from screengraph.loaders.yearless import Answers, YearlessTitles, no_yearless, yearless_titles

DEFAULT_BATCH_SIZE = 500
LISTED_MAX = 500


@dataclass
class Reject:
    file: str
    line: int | None
    record: int | None
    source_id: str | None
    reason: str

    def describe(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        elif self.record is not None:
            where += f" record {self.record}"
        return f"{where}: {self.reason}"


@dataclass
class LoadSummary:
    files: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    credits: int = 0
    dry_run: bool = False
    # The first KEPT of each in memory; every reject also goes to a scratch file, from
    # which `write_rejects` copies them all (graph/bounded_log.py).
    warnings: BoundedLog[str] = field(default_factory=BoundedLog)
    rejects: BoundedLog[Reject] = field(default_factory=lambda: BoundedLog(spill=True))
    seconds: float = 0.0
    # What happened to each listing (first LISTED_MAX only): previews show it.
    listings: list[dict] = field(default_factory=list)
    # A dry run's matching report (loaders/matching.py): every name, joined or new.
    matching: dict | None = None

    def note(self, plan: ListingPlan, status: str) -> None:
        if len(self.listings) < LISTED_MAX:
            self.listings.append(
                {
                    "source_id": plan.source_id,
                    "title": plan.listing.title,
                    "show": plan.show.key,
                    "status": status,
                    "credits": len(plan.edges),
                }
            )

    def to_json(self) -> dict:
        data = asdict(self)
        data["warnings_count"] = len(self.warnings)
        data["rejects_count"] = len(self.rejects)
        return data

    def line(self) -> str:
        verb = "would load" if self.dry_run else "loaded"
        return (
            f"{verb} {self.loaded}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected}, warnings {len(self.warnings)} "
            f"({self.files} file{'s' if self.files != 1 else ''}, {self.credits} edges, "
            f"{self.seconds:.2f} s)"
        )


class Loader:
    """Loads listing texts into a backend (or only checks them, with dry_run)."""

    def __init__(
        self,
        backend: Backend | None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        dry_run: bool = False,
        on_progress: Callable[[int], None] | None = None,
        origin: LoadOrigin | None = None,
    ):
        if backend is None and not dry_run:
            raise ValueError("a backend is needed unless dry_run is set")
        self.backend = backend
        self.batch_size = max(1, batch_size)
        self.writer = ListingWriter(backend) if backend is not None else None
        self.dry_run = dry_run
        self.origin = origin or LoadOrigin()  # who loads, and how (cli, web)
        self.on_progress = on_progress or (lambda n: None)
        # Lines of IMDb's name.basics indexed so far, before its titles are read.
        self.on_indexed: Callable[[int], None] = lambda lines: None
        self.summary = LoadSummary(dry_run=dry_run)
        self._holding_lock = False  # inside exclusive(): load() must not take it again
        # Batches go through three steps, overlapped with the next batch's: prepared
        # (rows computed, counted as written), launched (in flight), settled.
        self._prepared: tuple[list[ListingPlan], Batch] | None = None
        self._pending: tuple[list[ListingPlan], Launched] | None = None
        self._refusals = 0  # batches the database refused so far
        self.legacy: LegacyListings | None = None  # listings of older stores to adopt
        # Which node each name means: identifiers first, then names (loaders/identities.py).
        self.identities = Identities(backend, write=not dry_run)
        self.yearless = YearlessTitles()
        # What a dry run says of each name: joins which node, by which rule, or new.
        self.matching = MatchReport(backend) if dry_run else None
        if self.writer is not None:
            self.writer.before_counting = self._settle
        # The load's record in the history (loaders/history.py): a dry run writes none.
        self.history = (
            LoadRecorder(self.writer.backend, self.writer.load_id, self.origin)
            if self.writer is not None and not dry_run
            else None
        )

    @property
    def _writer(self) -> ListingWriter:
        """The writer, for the steps of a load that writes."""
        if self.writer is None:
            raise RuntimeError("this loader has no backend: it can only check listings (dry run)")
        return self.writer

    @property
    def _history(self) -> LoadRecorder:
        """The load's record in the history, for the steps of a load that writes."""
        if self.history is None:
            raise RuntimeError("this loader writes nothing (a dry run), so it records no load")
        return self.history

    @contextmanager
    def exclusive(self) -> Iterator[Loader]:
        """Hold the store's load lock (Backend.one_load_at_a_time) from here to the end of
        the block, so that what runs before this loader's load() inside it (a dry run that
        checks what a preview promised) sees the store exactly as the load will find it: no
        other load, from this process or another, can write in between. load() inside the
        block runs under the lock already held."""
        if self._holding_lock:
            raise RuntimeError("this loader already holds the load lock")
        with self.backend.one_load_at_a_time() if self.backend is not None else nullcontext():
            self._holding_lock = True
            try:
                yield self
            finally:
                self._holding_lock = False

    def _unsettled_ids(self) -> set[str]:
        return {
            plan.source_id for step in (self._prepared, self._pending) if step for plan in step[0]
        }

    def load(self, sources: Iterable[SourceText], fmt: str | None = None) -> LoadSummary:
        with load_reported(self.origin.via, self.summary):
            return self._load(sources, fmt)

    def _load(self, sources: Iterable[SourceText], fmt: str | None) -> LoadSummary:
        started = datetime.now(UTC)
        if self.backend is not None and not self.dry_run:
            self.backend.ensure_schema()
        # Reading, parsing, validating and fingerprinting runs a batch ahead in a thread
        # (Prefetched); writing runs in another (see _write) while this one prepares rows.
        writing = self.writer is not None and not self.dry_run
        locking = writing and not self._holding_lock
        with (
            self._writer.backend.one_load_at_a_time() if locking else nullcontext(),
            _rare_collections(),
            Prefetched(self._chunks(sources, fmt)) as chunks,
        ):
            if self.writer is not None:  # migrates the store first (unless only checking)
                self.legacy = LegacyListings(self.writer.backend, write=writing)
            if writing:
                self._recover()
                self._history.started()
            try:
                try:
                    for chunk in chunks:
                        self.summary.files += chunk.files
                        self.summary.warnings.extend(chunk.warnings)
                        for record, reason in chunk.rejects:
                            self._reject(record, reason)
                        self._flush(chunk.records, chunk.hashes, chunk.plans)
                finally:
                    self._drain()
                if writing:
                    self._writer.finish_load()
            except BaseException as exc:
                if writing and not isinstance(exc, BackendUnavailable):
                    # What was written stays: make its degrees right now; if even that
                    # fails, the journal stays and the next load recounts.
                    if isinstance(exc, Exception):
                        with suppress(GraphError):
                            self._recover()
                    with suppress(GraphError):  # else the next load marks it interrupted
                        self._history.finished(self.summary, exc)
                raise
            if writing:
                self._history.finished(self.summary)
        if self.matching is not None:
            self.summary.matching = self.matching.to_json()
            self.summary.warnings.extend(self.matching.warnings)
        self.summary.seconds = (datetime.now(UTC) - started).total_seconds()
        return self.summary

    def _recover(self) -> None:
        """Recount what loads that did not finish (this one, after an error) left behind."""
        recounted = self._writer.recover()
        if recounted:
            self.summary.warnings.append(
                f"a load into this graph did not finish: recounted the credits of the "
                f"{recounted} people, companies and genres it touched"
            )

    def _full(self, chunk: _Chunk) -> bool:
        """At most --batch-size listings; where a batch must fit a time budget, also no
        more weight (Listing.weight) than the writer's pace says fits in it."""
        if len(chunk.records) >= self.batch_size:
            return True
        pace = self.writer.batch_pace if self.writer is not None else None
        return pace is not None and pace.budget_s is not None and chunk.weight >= pace.size

    def _chunks(self, sources: Iterable[SourceText], fmt: str | None) -> Iterator[_Chunk]:
        """Batches of valid records, each with what was met on the way to it, in input order."""
        chunk = _Chunk()
        batch_ids: set[str] = set()
        claims = Claims()
        for source in sources:
            chunk.files += 1
            if self.history is not None:
                self.history.met(source)
            if source.note:
                chunk.warnings.append(f"{source.name}: {source.note}")
            for record in read_records(source, fmt, claims, lambda n: self.on_indexed(n)):
                if record.error or record.listing is None:
                    chunk.rejects.append((record, record.error or "no listing found"))
                    continue
                chunk.warnings.extend(record.located(w) for w in record.warnings)
                if record.ref.source_id in batch_ids:
                    yield chunk  # the same listing twice: the later one wins
                    chunk, batch_ids = _Chunk(), set()
                chunk.add(record)
                batch_ids.add(record.ref.source_id)
                if self._full(chunk):
                    yield chunk
                    chunk, batch_ids = _Chunk(), set()
        yield chunk

    # -- one batch ------------------------------------------------------------

    def _flush(
        self, records: list[ParsedRecord], hashes: dict[int, str], ready: dict[int, ListingPlan]
    ) -> None:
        if not records:
            return
        ids = [r.ref.source_id for r in records]
        if not self._unsettled_ids().isdisjoint(ids):
            self._drain()  # a listing given again: what the store says must include it
        previous = self.writer.existing_listings(ids) if self.writer else {}
        if self.legacy is not None:
            previous.update(self.legacy.adopt(records, hashes, previous, self._drain))
        fresh = [
            r for r in records if previous.get(r.ref.source_id, {}).get("hash") != hashes[id(r)]
        ]
        fresh_ids = {id(r) for r in fresh}
        self.summary.unchanged += len(records) - len(fresh)
        for record in records:
            if id(record) not in fresh_ids and len(self.summary.listings) < LISTED_MAX:
                self.summary.listings.append(
                    {
                        "source_id": record.ref.source_id,
                        "title": record.valid_listing.title,
                        "status": "unchanged",
                        "credits": 0,
                    }
                )
        plans = self._plan(fresh, hashes, ready)
        if not plans:
            self.on_progress(len(records))
            return
        if self.dry_run:
            self._count(plans, previous)
        else:
            self._write(plans, previous)
        self.on_progress(len(records))

    def _plan(
        self, records: list[ParsedRecord], hashes: dict[int, str], ready: dict[int, ListingPlan]
    ) -> list[ListingPlan]:
        resolvers = self._yearless_resolvers(records)
        # What batches still in flight created, this load remembers: no need to wait.
        self.identities.prepare([r.valid_listing for r in records], resolvers)
        if self.identities.identified or self.identities.aliased:
            ready = {}  # planned before the store's namesakes (and merge aliases) were known
        plans = []
        for record, resolve in zip(records, resolvers, strict=True):
            plan = ready.get(id(record))
            if plan is None:
                plan = plan_listing(
                    record.valid_listing,
                    record.ref,
                    resolve,
                    hashes[id(record)],
                    self.identities.identify,
                )
            self.summary.warnings.extend(resolve.warnings)
            self.summary.warnings.extend(record.located(w) for w in plan.warnings)
            plans.append(plan)
        return plans

    def _yearless_resolvers(self, records: list[ParsedRecord]) -> list[Answers]:
        """Titles without a year (loaders/yearless.py), against the store: the shows of the
        batches not written yet count, so those are written first."""

        def shows_by_title(title_keys: set[str]) -> dict[str, list[str]]:
            if self.writer is None:
                return {}
            self._drain()
            return self.writer.shows_by_title(title_keys)

        return self.yearless.batch(records, shows_by_title)

    def _count(self, plans: list[ListingPlan], previous: dict) -> None:
        if self.matching is not None:
            self.matching.add(plans)
        for plan in plans:
            if plan.source_id in previous:
                self.summary.updated += 1
                self.summary.note(plan, "would update")
            else:
                self.summary.loaded += 1
                self.summary.note(plan, "would create")
            self.summary.credits += len(plan.edges)

    def _write(self, plans: list[ListingPlan], previous: dict) -> None:
        """Read what this batch needs and compute its rows while the engine writes the
        batch before it, then wait for that one. A batch that replaces listings (its
        statement prunes what their old versions asserted) is written alone, after the
        one in flight and before anything else is prepared: pruning can delete what the
        next batch would otherwise count on."""
        if any(plan.source_id in previous for plan in plans):
            self._drain()
            try:
                self._writer.write(plans, previous)
                written = plans
            except BackendUnavailable:
                raise
            except GraphError:
                written = self._one_by_one(plans, previous)
            self._count_written(written, previous)
            return
        refusals = self._refusals
        if self._writer.backend.reads_wait_for_writes:
            # Read before the batch waiting to go is launched, compute while it is written.
            stored = self._writer.look_up(plans)
            self._launch()
            batch = self._writer.prepare(plans, stored=stored)
            self._settle()
        else:
            batch = self._writer.prepare(plans)  # reads and all, beside the batch in flight
            self._settle()
        if self._refusals != refusals:  # what this batch was prepared against was not written
            batch = self._writer.prepare(plans)
        self._prepared = (plans, batch)
        if not self._writer.backend.reads_wait_for_writes:
            self._launch()  # the engine never waits for Python

    def _launch(self) -> None:
        self._settle()  # first: if the batch in flight is refused, the prepared one is redone
        if self._prepared is not None:
            plans, batch = self._prepared
            self._prepared = None
            self._pending = (plans, self._writer.launch(batch))

    def _drain(self) -> None:
        """Write everything prepared, and wait for it."""
        self._launch()
        self._settle()

    def _settle(self) -> None:
        """Wait for the batch in flight. If the database refused it, its listings are
        retried one by one, so only the one at fault is rejected."""
        if self._pending is None:
            return
        plans, launched = self._pending
        self._pending = None
        try:
            self._writer.finish(launched)
        except BackendUnavailable:
            raise
        except GraphError:
            self._refusals += 1
            self._count_written(self._one_by_one(plans, {}), {})
            if self._prepared is not None:  # prepared against what was just refused
                self._prepared = (self._prepared[0], self._writer.prepare(self._prepared[0]))
            return
        self._count_written(plans, {})

    def _one_by_one(self, plans: list[ListingPlan], previous: dict) -> list[ListingPlan]:
        """Write listing by listing to find those the database refuses; returns the others."""
        written = []
        for plan in plans:
            try:
                self._writer.write([plan], previous)
                written.append(plan)
            except BackendUnavailable:
                raise
            except GraphError as exc:
                self.summary.rejected += 1
                self.summary.rejects.append(
                    Reject(
                        plan.ref.file,
                        plan.ref.line,
                        plan.ref.record,
                        plan.source_id,
                        f"the database refused this listing: {exc}",
                    )
                )
        return written

    def _count_written(self, written: list[ListingPlan], previous: dict) -> None:
        for plan in written:
            if plan.source_id in previous:
                self.summary.updated += 1
                self.summary.note(plan, "updated")
            else:
                self.summary.loaded += 1
                self.summary.note(plan, "created")
            self.summary.credits += len(plan.edges)

    def _reject(self, record: ParsedRecord, reason: str) -> None:
        self.summary.rejected += 1
        self.summary.rejects.append(
            Reject(
                record.ref.file, record.ref.line, record.ref.record, record.ref.source_id, reason
            )
        )


@dataclass
class _Chunk:
    """One batch of valid records and what came before it in the input: files opened,
    warnings and rejects. Plans of listings that need nothing from the store (a year,
    no related shows) are made here too; the others wait for the store's answers."""

    files: int = 0
    warnings: list[str] = field(default_factory=list)
    rejects: list[tuple[ParsedRecord, str]] = field(default_factory=list)
    records: list[ParsedRecord] = field(default_factory=list)
    hashes: dict[int, str] = field(default_factory=dict)
    plans: dict[int, ListingPlan] = field(default_factory=dict)
    weight: int = 0  # of its listings (Listing.weight)

    def add(self, record: ParsedRecord) -> None:
        listing = record.valid_listing
        digest = content_hash(listing)
        self.records.append(record)
        self.weight += listing.weight()
        self.hashes[id(record)] = digest
        if not _identified(listing) and next(yearless_titles(listing), None) is None:
            self.plans[id(record)] = plan_listing(listing, record.ref, no_yearless, digest)


_LOADS = threading.Lock()
_loads_running = 0
_threshold_before: tuple[int, ...] = ()


@contextmanager
def _rare_collections(young: int = 1_000_000):
    """A load allocates millions of short-lived, acyclic objects (records, plans, rows):
    with the default threshold of 700 the cyclic collector ran so often that it took
    a third of the loader's Python time. What a load keeps grows by ~40 tracked objects
    a listing (what it remembers of the store); at 100,000 a collection still came every
    ~2,500 listings, each walking the big containers young at the time (~1 s of a
    20,000-listing load). At most a million objects' worth of cyclic garbage (a load
    makes next to none) waits for a collection. Restored when the last load ends."""
    global _loads_running, _threshold_before
    with _LOADS:
        if _loads_running == 0:
            _threshold_before = gc.get_threshold()
            gc.set_threshold(young, *_threshold_before[1:])
        _loads_running += 1
    try:
        yield
    finally:
        with _LOADS:
            _loads_running -= 1
            if _loads_running == 0:
                gc.set_threshold(*_threshold_before)


def _identified(listing) -> bool:
    """Whether a listing names anything by identifier (its plan needs the store's answers)."""
    return bool(listing.ids or listing.credits or listing.episode_of)


def write_rejects(rejects: BoundedLog[Reject], path: Path) -> None:
    """One JSON object per rejected record, every one of them, for fixing and reloading."""
    rejects.write_to(path)
