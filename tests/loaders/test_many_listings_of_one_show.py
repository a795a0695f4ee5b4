"""Many listings naming the same show: what a batch writes is what its own listings
assert, never something that grows with the listings loaded before it (a `sources` list
on the show and on each edge, rewritten and logged in every batch, made loading 80,000
listings of one show quadratic)."""

from __future__ import annotations

import json
from pathlib import Path

from screengraph.graph.embedded_server import APPEND_DIR
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.schema import REPLACED_LABEL
from screengraph.loaders.formats import parse
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.plan import plan_listing
from screengraph.loaders.sources import read_all
from screengraph.loaders.writer import ListingWriter
from screengraph.queries.provenance import listings_asserting_edge, listings_asserting_show

LINE = {"title": "The Same Show", "year": 2001, "cast": ["Ann Lee"], "genres": ["Drama"]}


def plans(count: int, name: str = "same.jsonl"):
    text = "".join(json.dumps(LINE) + "\n" for _ in range(count))
    return [plan_listing(r.listing, r.ref, lambda title: title) for r in parse(text, name, "jsonl")]


def test_a_batch_writes_each_shared_edge_once(backend):
    writer = ListingWriter(backend)
    writer.write(plans(1, "first.jsonl"))
    batch = writer.prepare(plans(40))
    assert [len(batch.parameters["edges"][t]) for t in ("ACTED_IN", "IN_GENRE")] == [1, 1]


def test_every_listing_of_one_show_is_a_source_of_its_edges_once(backend, tmp_path):
    path = tmp_path / "same.jsonl"
    path.write_text("".join(json.dumps(LINE) + "\n" for _ in range(120)))
    Loader(backend, batch_size=50).load(read_all([str(path)]), "jsonl")
    lines = path.read_text().splitlines(keepends=True)
    lines[7] = json.dumps({**LINE, "synopsis": "Now with a synopsis."}) + "\n"
    path.write_text("".join(lines))
    summary = Loader(backend, batch_size=50).load(read_all([str(path)]), "jsonl")
    assert (summary.updated, summary.unchanged) == (1, 119)
    rows = backend.run_read(
        "MATCH (:Person {key: 'ann-lee'})-[r:ACTED_IN]->(s:Show) "
        "RETURN r.asserted_by, s.asserted_by, s.votes"
    ).rows
    assert rows == [[120, 120, ["The Same Show\t120"]]]
    edge_listings = listings_asserting_edge(backend, "ACTED_IN", "ann-lee", "the-same-show--2001")
    assert len(edge_listings) == len(set(edge_listings)) == 120
    assert edge_listings == listings_asserting_show(backend, "the-same-show--2001")
    assert backend.run_read("MATCH (p:Person {key: 'ann-lee'}) RETURN p.credit_count").value() == 1


# -- what a batch writes does not grow with the listings before it ---------------------

BATCH = 25
BATCHES = 40


def _size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def _written(backend, load_id: str) -> int:
    """What a batch left in the store that it wrote or rewrote: the show and its edges
    (every property is rewritten and, on the embedded store, logged) and the batch's
    change record (its Replaced images)."""
    show = backend.run_read("MATCH (s:Show) RETURN properties(s)", max_rows=0).rows
    edges = backend.run_read("MATCH ()-[r]->() RETURN properties(r)", max_rows=0).rows
    images = backend.run_read(
        f"MATCH (v:{REPLACED_LABEL} {{_load: $load}}) RETURN properties(v)",
        {"load": load_id},
        max_rows=0,
    ).rows
    return _size(show) + _size(edges) + _size(images)


def _append_only_bytes(backend) -> int:
    folder = Path(backend.server.data_dir) / APPEND_DIR
    return sum(path.stat().st_size for path in folder.iterdir())


def test_a_batch_writes_as_much_after_a_thousand_listings_of_its_show_as_after_fifty(backend):
    """Batch 40 of one-show listings writes no more than twice what batch 2 wrote (each
    batch as its own load, so its change record is its own); on the embedded store, its
    append-only file grows no more either."""
    written, logged = [], []
    for number in range(BATCHES):
        writer = ListingWriter(backend)
        aof = _append_only_bytes(backend) if isinstance(backend, FalkorBackend) else 0
        writer.write(plans(BATCH, f"batch-{number}.jsonl"))
        writer.finish_load()
        if isinstance(backend, FalkorBackend):
            logged.append(_append_only_bytes(backend) - aof)
        written.append(_written(backend, writer.load_id))
    assert len(listings_asserting_show(backend, "the-same-show--2001")) == BATCH * BATCHES
    assert written[-1] <= 2 * written[1], written
    if logged:
        assert logged[-1] <= 2 * logged[1], logged


# -- a known show's new cast ------------------------------------------------------------


def cast_plans(numbers: range, name: str):
    """Listings of the same show, each naming a cast member of its own."""
    text = "".join(
        json.dumps({**LINE, "cast": [f"Cast Member {number}"]}) + "\n" for number in numbers
    )
    return [plan_listing(r.listing, r.ref, lambda title: title) for r in parse(text, name, "jsonl")]


def test_a_known_shows_new_cast_is_created_with_its_credits_counted(backend):
    """A new person's edge to a known show cannot exist yet: it is CREATEd with the person
    and counted there, never MERGEd and left to recount at the end of the load (one recount
    per listing of a busy show, all written in the load's last writes)."""
    writer = ListingWriter(backend)
    writer.write(cast_plans(range(1), "first.jsonl"))
    for number in range(1, BATCHES):
        batch = writer.prepare(
            cast_plans(range(number * BATCH, (number + 1) * BATCH), f"more-{number}.jsonl")
        )
        assert batch.parameters["edges"]["ACTED_IN"] == []
        assert sum(len(g[2]) for g in batch.parameters["new_edges"]["ACTED_IN"]) == BATCH
        backend.run_write(batch.prepared())
        writer._written(batch)
    assert not writer.stale_degrees.get("Person")
    writer.finish_load()
    counts = backend.run_read(
        "MATCH (p:Person)-[r:ACTED_IN]->(:Show {key: 'the-same-show--2001'}) "
        "RETURN count(r), min(p.credit_count), max(p.credit_count), min(r.asserted_by), "
        "max(r.asserted_by)"
    ).rows
    assert counts == [[1 + (BATCHES - 1) * BATCH, 1, 1, 1, 1]]


def test_a_known_shows_new_edge_to_a_known_genre_is_counted_by_the_batch_itself(backend):
    """An edge between two known entities is MERGEd (another listing may have asserted
    it): whether it was new, only the engine knows. Its hub's degree is counted by the
    batch's own statement, with nothing left to recount at the end of the load (a genre's
    recount reads every edge it has: ~20 ms per 2,000 shows, one write readers wait for)."""
    writer = ListingWriter(backend)
    other = {**LINE, "title": "Another Show", "genres": ["Comedy"]}
    first = json.dumps(LINE) + "\n" + json.dumps(other) + "\n"
    writer.write([plan_listing(r.listing, r.ref, lambda t: t) for r in parse(first, "a", "jsonl")])
    writer.finish_load()
    # Two more listings of the known show, naming the known genre Comedy: one edge, twice.
    more = "".join(json.dumps({**LINE, "genres": ["Drama", "Comedy"]}) + "\n" for _ in range(2))
    batch = writer.prepare(
        [plan_listing(r.listing, r.ref, lambda t: t) for r in parse(more, "b", "jsonl")]
    )
    assert [row[1] for row in batch.parameters["edges"]["IN_GENRE"]] == ["drama", "comedy"]
    backend.run_write(batch.prepared())
    writer._written(batch)
    assert not writer.stale_degrees.get("Genre")
    counts = backend.run_read(
        "MATCH (g:Genre) RETURN g.key, g.show_count, size([(g)<-[:IN_GENRE]-(s) | s]) ORDER BY g.key"
    ).rows
    assert counts == [["comedy", 2, 2], ["drama", 1, 1]]
