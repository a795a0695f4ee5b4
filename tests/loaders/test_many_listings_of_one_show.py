"""Many listings naming the same show: each batch writes an edge once, however many of
its listings assert it (once per listing made loading quadratic: every append copied,
checked and logged the edge's whole list of sources)."""

from __future__ import annotations

import json

from loaders.formats import parse
from loaders.pipeline import Loader
from loaders.plan import plan_listing
from loaders.sources import read_all
from loaders.writer import ListingWriter

LINE = {"title": "The Same Show", "year": 2001, "cast": ["Ann Lee"], "genres": ["Drama"]}


def plans(count: int, name: str = "same.jsonl"):
    text = "".join(json.dumps(LINE) + "\n" for _ in range(count))
    return [plan_listing(r.listing, r.ref, lambda title: title)
            for r in parse(text, name, "jsonl")]


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
    rows = backend.run_read("MATCH (:Person {key: 'ann-lee'})-[r:ACTED_IN]->(s:Show) "
                            "RETURN r.sources, s.sources, size(s.votes)").rows
    assert len(rows) == 1
    edge_sources, show_sources, _ = rows[0]
    assert len(edge_sources) == len(set(edge_sources)) == 120
    assert sorted(edge_sources) == sorted(show_sources)
    assert backend.run_read("MATCH (p:Person {key: 'ann-lee'}) RETURN p.credit_count").value() == 1
