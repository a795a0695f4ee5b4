"""The duplicate finder as a maintainer uses it: likely duplicates with their evidence,
never two people with different IMDb ids, and its quality on a generated labelled set."""

from __future__ import annotations

import json

from click.testing import CliRunner

from benchmarks.labelled_names import labelled_people, precision_recall, truth_of
from screengraph.cli import main
from screengraph.loaders.identity import named_identity
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from screengraph.queries.duplicates import find_duplicates, pairs_as_keys, read_named
from tests.queries.conftest import load_records


def _pairs(backend, label="Person", min_score=0.9):
    return pairs_as_keys(find_duplicates(backend, label, min_score).pairs)


def test_quality_on_a_labelled_set_meets_the_target(backend):
    """Typos, swapped and dropped letters, initials, transliterations, Cyrillic, word order:
    precision >= 0.95 at recall >= 0.80; true homonyms (another IMDb id) never proposed."""
    labelled = labelled_people(1200, seed=7)
    summary = Loader(backend).load(
        [SourceText("labelled.jsonl", labelled.jsonl(), identity=named_identity("labelled"))]
    )
    assert summary.rejected == 0
    report = find_duplicates(backend, "Person")
    precision, recall, hits, proposed = precision_recall(labelled, report.pairs)
    assert labelled.duplicates >= 40 and labelled.homonyms >= 30
    assert precision >= 0.95, (precision, recall, hits, proposed)
    assert recall >= 0.80, (precision, recall, hits, proposed)
    for pair in report.pairs:
        ids = [set(i for i in node["ids"] if i.startswith("imdb:")) for node in (pair.a, pair.b)]
        assert not (ids[0] and ids[1] and ids[0] != ids[1]), pair
    assert all(truth_of(labelled, pair.a) is not None for pair in report.pairs)


def test_a_typo_is_proposed_with_shared_shows_and_homonyms_with_two_ids_are_not(backend):
    load_records(
        backend,
        "crew.jsonl",
        [
            {
                "title": "La Haine",
                "year": 1995,
                "cast": ["Mathieu Kassovitz", "Vincent Cassel"],
                "credits": [
                    {"name": "David Smith", "category": "actor", "ids": ["imdb:nm0000001"]}
                ],
            },
            {
                "title": "Assassin(s)",
                "year": 1997,
                "cast": ["Matthieu Kassovitz", "Vincent Cassel"],
                "credits": [
                    {"name": "David Smith", "category": "actor", "ids": ["imdb:nm0000002"]}
                ],
            },
        ],
    )
    report = find_duplicates(backend, "Person")
    assert pairs_as_keys(report.pairs) == {frozenset({"mathieu-kassovitz", "matthieu-kassovitz"})}
    pair = report.pairs[0]
    assert pair.evidence.shared_neighbours == 1 and pair.score > pair.names_score
    assert "spelling" in pair.reason


def test_company_suffixes_meet_and_remakes_stay_apart(backend):
    load_records(
        backend,
        "films.jsonl",
        [
            {"title": "King Kong", "year": 1933, "companies": ["Universal"], "cast": ["Fay Wray"]},
            {
                "title": "King Kong",
                "year": 1976,
                "companies": ["Universal Pictures"],
                "cast": ["Jessica Lange"],
            },
            {"title": "La Haine", "year": 1995, "companies": ["Les Productions Lazennec"]},
            {"title": "Assassin(s)", "year": 1997, "companies": ["Lazennec Productions Ltd"]},
            {"title": "Spiral - Season 7", "year": 2019, "cast": ["Caroline Proust"]},
            {"title": "Spiral - Season 8", "year": 2020, "cast": ["Caroline Proust"]},
        ],
    )
    assert _pairs(backend, "Company") == {
        frozenset({"universal", "universal-pictures"}),
        frozenset({"les-productions-lazennec", "lazennec-productions-ltd"}),
    }
    assert _pairs(backend, "Show") == set()


def test_every_name_is_read_whatever_its_script(backend, monkeypatch):
    """Pages of two: on FalkorDB, paging by `n.key > $after` stopped at the first key
    outside ASCII, and the Cyrillic spelling of a person was never compared."""
    monkeypatch.setattr("screengraph.queries.duplicates.PAGE", 2)
    load_records(
        backend,
        "scripts.jsonl",
        [
            {"title": "Solaris", "year": 1972, "cast": ["Andrei Tarkovsky", "Anna Zed", "Yo Yo"]},
            {"title": "Stalker", "year": 1979, "cast": ["Андрей Тарковский", "Anna Zed", "Yo Yo"]},
            {"title": "Mirror", "year": 1975, "cast": ["Éa Straße", "Лука Марманщ"]},
        ],
    )
    read = sorted(node.key for node in read_named(backend, "Person"))
    assert read == [
        "andrei-tarkovsky",
        "anna-zed",
        "ea-strasse",
        "yo-yo",
        "андреи-тарковскии",
        "лука-марманщ",
    ]
    assert _pairs(backend) == {frozenset({"andrei-tarkovsky", "андреи-тарковскии"})}


def test_the_command_prints_pairs_and_json(tmp_path):
    runner = CliRunner()
    base = ["--backend", "embedded", "--data-dir", str(tmp_path / "store")]
    listing = tmp_path / "crew.jsonl"
    listing.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"title": "La Haine", "year": 1995, "cast": ["Mathieu Kassovitz", "Hubert Koundé"]},
                {"title": "Métisse", "year": 1993, "cast": ["Matthieu Kassovitz", "Hubert Koundé"]},
            ]
        )
    )
    assert runner.invoke(main, [*base, "load", str(listing)]).exit_code == 0
    table = runner.invoke(main, [*base, "duplicates"])
    assert (
        table.exit_code == 0 and "3 Person nodes read, 1 pair compared, 1 proposed" in table.output
    )  # the table itself wraps to the terminal's width
    found = json.loads(
        runner.invoke(main, [*base, "duplicates", "--json", "--label", "person"]).output
    )
    assert [
        (p["a"]["key"], p["b"]["key"], p["evidence"]["shared_neighbours"]) for p in found["pairs"]
    ] == [("mathieu-kassovitz", "matthieu-kassovitz", 1)]
    refused = runner.invoke(main, [*base, "duplicates", "--label", "Genre"])
    assert refused.exit_code == 2 and "Genre" in refused.output
