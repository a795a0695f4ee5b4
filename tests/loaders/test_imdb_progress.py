"""A load of IMDb's files says what it is doing while it indexes name.basics (minutes for
the real file, before the first title loads), instead of sitting still at 0 listings."""

from __future__ import annotations

import io

from rich.console import Console

from benchmarks.synthetic_imdb import generate
from screengraph.load_commands import _run
from screengraph.loaders.formats import read_records
from screengraph.loaders.identity import Claims
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all


def test_the_parser_reports_the_people_it_has_indexed(tmp_path, monkeypatch):
    monkeypatch.setattr("screengraph.loaders.imdb_format.INSERT_BATCH", 100)
    manifest = generate(tmp_path / "imdb", 300, seed=3, compress=True)
    people = manifest.rows["name.basics"]
    indexed: list[int] = []
    source = next(iter(read_all([str(tmp_path / "imdb")])))
    records = read_records(source, None, Claims(), indexed.append)
    first = next(records)  # the first title comes once every person is indexed
    assert first.listing is not None
    assert indexed == sorted(indexed) and len(indexed) >= people // 100
    assert indexed[-1] == people


def test_the_load_command_shows_the_indexing_in_its_progress_display(tmp_path, monkeypatch):
    monkeypatch.setattr("screengraph.loaders.imdb_format.INSERT_BATCH", 100)
    manifest = generate(tmp_path / "imdb", 300, seed=3, compress=True)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160)
    summary = _run(
        Loader(None, dry_run=True),
        None,
        read_all([str(tmp_path / "imdb")]),
        1,
        None,
        True,
        console=console,
    )
    shown = screen.getvalue()
    assert "indexing name.basics" in shown
    assert f"{manifest.rows['name.basics']:,} people" in shown
    assert summary.loaded > 0  # and then the titles load
