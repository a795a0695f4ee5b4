"""A load gives the same graph however it is cut into batches (loaders/yearless.py).

The embedded store sizes its batches by the writer's measured pace, so their boundaries
fall elsewhere from one run to the next: a graph that depended on them would differ
between two loads of the same files. Here the same files are loaded cut at 1, 7 and 1,000
listings, on both backends: the graphs' checksums and the warnings must be the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.loaders.pacing import Pace
from screengraph.loaders.pipeline import Loader
from tests.loaders.test_bulk import _inputs, _sources

# Titles without a year against dated ones: met before any show of that title, with one
# dated candidate, an identified one whose id differs from the candidate's, two
# identified shows of one title and year, then a second year (ambiguous); as a listing's
# own title, an episode's series and a related show.
YEARLESS = [
    {"title": "Garden", "related_shows": ["Garden"], "companies": ["Acme"]},
    {"title": "Garden", "year": 2017, "ids": ["imdb:tt0000144"], "cast": ["Ann Lee"]},
    {"title": "Garden", "ids": ["imdb:tt0000187"], "cast": ["Bo Chen"]},
    {"title": "Garden", "cast": ["Cy Diaz"]},
    {"title": "Garden", "year": 2017, "ids": ["imdb:tt0000199"]},
    {"title": "Garden", "cast": ["Dee Eno"]},
    {"title": "Pond", "year": 2019, "episode_of": {"title": "Garden"}, "cast": ["Ann Lee"]},
    {"title": "Garden", "year": 2018},
    {"title": "Lake", "year": 2019, "episode_of": {"title": "Garden"}},
    {"title": "Shed", "year": 2000, "related_shows": ["Garden", "Orchard"], "companies": ["Acme"]},
    {"title": "Orchard", "cast": ["Eve Fox"]},
    {"title": "Orchard", "year": 1990, "cast": ["Eve Fox"]},
    {"title": "Orchard", "cast": ["Flo Gil"]},
]


def _files(folder: Path) -> list[Path]:
    yearless = folder / "yearless.jsonl"
    yearless.write_text("".join(json.dumps(listing) + "\n" for listing in YEARLESS))
    return [*_inputs(folder), yearless]


def _load(backend, paths: list[Path], batch: int):
    backend.clear()
    loader = Loader(backend, batch_size=batch)
    loader.writer.batch_pace = Pace(batch, None)  # cut where asked, on both engines
    summary = loader.load(_sources(paths))
    return graph_checksum(backend, LOAD_TIMES), summary


@pytest.mark.timeout(600)
def test_a_load_gives_the_same_graph_whatever_its_batch_size(backend, tmp_path):
    paths = _files(tmp_path)
    expected, first = _load(backend, paths, 1000)
    assert any("without a year could be any of" in w for w in first.warnings)
    for batch in (1, 7):
        found, summary = _load(backend, paths, batch)
        assert found == expected, f"batches of {batch}: " + describe_difference(
            expected, found, ("one batch", f"batches of {batch}")
        )
        assert sorted(summary.warnings) == sorted(first.warnings)
        assert (summary.loaded, summary.credits) == (first.loaded, first.credits)


def test_a_title_without_a_year_means_the_one_dated_show_before_it(embedded, tmp_path):
    """What the rule gives, listing by listing (the checksum test says only 'the same')."""
    paths = [_files(tmp_path)[-1]]
    _, summary = _load(embedded, paths, 3)
    edges = {
        tuple(row)
        for row in embedded.run_read(
            "MATCH (s:Show)-[r]-(x) WHERE s.title IN ['Garden', 'Orchard'] "
            "RETURN s.key, type(r), x.key",
            max_rows=0,
        ).rows
    }
    assert edges >= {
        ("garden", "MADE_BY", "acme"),  # before any dated Garden: a show of its own
        ("garden--2017--tt0000144", "ACTED_IN", "ann-lee"),
        ("garden--2017--tt0000187", "ACTED_IN", "bo-chen"),  # another id: another show
        # Two identified shows of the dated title by then (the line before's id is not
        # the 2017 show's): a name alone joins neither (graph/keys.py, rule 3).
        ("garden--2017", "ACTED_IN", "cy-diaz"),
        ("garden--2017", "EPISODE_OF", "pond--2019"),
        ("garden", "EPISODE_OF", "lake--2019"),  # 2017 and 2018: ambiguous
        ("orchard", "MADE_BY", "acme"),
        ("orchard", "ACTED_IN", "eve-fox"),
        ("orchard--1990", "ACTED_IN", "eve-fox"),
        ("orchard--1990", "ACTED_IN", "flo-gil"),
    }
    ambiguous = [w for w in summary.warnings if "without a year could be any of" in w]
    assert [w.removeprefix(str(tmp_path) + "/") for w in ambiguous] == [
        "yearless.jsonl line 9: 'Garden' without a year could be any of garden--2017, "
        "garden--2018: kept as its own show 'garden' (give its year to settle it)"
    ]
