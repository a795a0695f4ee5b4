"""A dry run says, for every name, whether it joins an existing entity (which, by which
rule) or is new, and flags near-misses and suspicious values, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner

from screengraph.cli import main
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from screengraph.loaders.suspicious import suspicious_name, suspicious_year
from tests.conftest import SAMPLE_PAGE
from tests.queries.conftest import load_records, load_seed

LA_HAINE = {
    "title": "La Haine",
    "year": 1995,
    "directors": ["Matthieu Kassovitz"],
    "cast": ["LÉA DRUCKER", "Vincent Cassel", "Vincent Cassel"],
    "companies": ["Federation Entertainment Ltd"],
    "genres": ["Drama", "Crime"],
}


def _dry_run(backend, *records):
    text = "\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return Loader(backend, dry_run=True).load([SourceText("new.jsonl", text)])


def _by_name(summary):
    return {(item["label"], item["name"]): item for item in summary.matching["names"]}


def test_every_name_says_what_it_joins_and_by_which_rule(backend):
    load_seed(backend)
    load_records(
        backend,
        "ids.jsonl",
        [
            {
                "title": "Rochant Film",
                "year": 2001,
                "credits": [
                    {"name": "Eric Rochant", "category": "director", "ids": ["imdb:nm0734270"]}
                ],
            }
        ],
    )
    summary = _dry_run(
        backend,
        LA_HAINE,
        {
            "title": "Le Bureau",
            "year": 2016,
            "credits": [{"name": "E. Rochant", "category": "director", "ids": ["imdb:nm0734270"]}],
        },
    )
    names = _by_name(summary)
    assert (
        names[("Person", "LÉA DRUCKER")]["outcome"],
        names[("Person", "LÉA DRUCKER")]["rule"],
        names[("Person", "LÉA DRUCKER")]["existing_name"],
    ) == ("joins", "folded name", "Léa Drucker")
    assert names[("Genre", "Drama")]["rule"] == "exact key"
    assert names[("Person", "E. Rochant")]["rule"] == "identifier"
    assert names[("Person", "E. Rochant")]["key"] == "eric-rochant"
    assert names[("Genre", "Crime")]["outcome"] == "new"
    assert names[("Show", "La Haine")]["outcome"] == "new"
    assert names[("Person", "Vincent Cassel")]["outcome"] == "new"  # named twice, listed once
    assert summary.matching["counts"]["new"] == len(
        [item for item in summary.matching["names"] if item["outcome"] == "new"]
    )


def test_near_misses_are_flagged_as_warnings(backend):
    load_seed(backend)
    summary = _dry_run(backend, LA_HAINE)
    names = _by_name(summary)
    kassovitz = names[("Person", "Matthieu Kassovitz")]
    assert kassovitz["outcome"] == "new"
    assert [miss["key"] for miss in kassovitz["near_misses"]] == ["mathieu-kassovitz"]
    federation = names[("Company", "Federation Entertainment Ltd")]["near_misses"]
    assert [miss["name"] for miss in federation] == ["Federation Entertainment"]
    assert not names[("Person", "Vincent Cassel")]["near_misses"]
    warned = [w for w in summary.warnings if "would be new" in w]
    assert len(warned) == 2 and "'Mathieu Kassovitz' (mathieu-kassovitz)" in warned[0]
    assert warned[0].startswith("new.jsonl line 1: Person 'Matthieu Kassovitz'")


def test_a_second_spelling_of_a_new_name_joins_it_in_the_same_input(backend):
    summary = _dry_run(
        backend,
        {"title": "One", "year": 2001, "cast": ["Zoe Zed"]},
        {"title": "Two", "year": 2002, "cast": ["ZOE ZED"]},
    )
    names = _by_name(summary)
    assert names[("Person", "Zoe Zed")]["outcome"] == "new"
    assert (names[("Person", "ZOE ZED")]["outcome"], names[("Person", "ZOE ZED")]["rule"]) == (
        "joins",
        "this input",
    )


def test_suspicious_values_are_flagged(backend):
    next_year = datetime.now(UTC).year + 1
    summary = _dry_run(
        backend,
        {"title": "LÈon", "year": next_year, "cast": ["Jean RÃ©no"]},
        {"title": "Old", "year": 1880, "cast": ["Bell\u0093Ringer\u0094", "Evil\u202eName"]},
    )
    joined = "\n".join(summary.warnings)
    assert f"Show 'LÈon': the year {next_year} is in the future" in joined
    assert "Show 'Old': the year 1880 is before the first film" in joined
    assert "Show 'LÈon' looks mis-encoded" in joined
    assert "Person 'Jean RÃ©no' looks mis-encoded (probably 'Jean Réno')" in joined
    # What the model does not clean away (loaders/model.py removes C0 controls): C1
    # controls (cp1252 quotes read as Latin-1) and a right-to-left override.
    assert (
        "Person 'Bell\u0093Ringer\u0094' holds control or invisible characters "
        "(U+0093, U+0094)" in joined
    )
    assert "(U+202E)" in joined
    assert summary.matching["counts"]["suspicious"] == 6


def test_what_a_dry_run_remembers_of_names_is_bounded(monkeypatch):
    monkeypatch.setattr("screengraph.loaders.matching.NAMES_EXAMINED", 3)
    summary = Loader(None, dry_run=True).load(
        [
            SourceText(
                "many.jsonl",
                json.dumps(
                    {
                        "title": "Crowd",
                        "year": 2001,
                        "cast": ["A One", "B Two", "C Three", "D Four"],
                    }
                ),
            )
        ]
    )
    assert [item["name"] for item in summary.matching["names"]] == ["Crowd", "A One", "B Two"]
    assert summary.matching["counts"]["not examined"] == 2


def test_plain_names_are_not_suspicious():
    for name in (
        "Léa Drucker",
        "Jean-Pierre Léaud",
        "ÉMILE ZOLA",
        "McDonald",
        "Zoë Kravitz",
        "Björk",
        "北野武",
        "Андрей Тарковский",
        "O'Brien",
    ):
        assert suspicious_name(name) == [], name
    assert suspicious_year(1895) is None and suspicious_year(1887) is not None


def test_the_cli_dry_run_prints_matching_and_json(tmp_path):
    runner = CliRunner()
    base = ["--backend", "embedded", "--data-dir", str(tmp_path / "store")]
    assert runner.invoke(main, [*base, "load", str(SAMPLE_PAGE)]).exit_code == 0
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps(LA_HAINE, ensure_ascii=False), encoding="utf-8")
    text = runner.invoke(main, [*base, "load", "--dry-run", str(new)])
    assert text.exit_code == 0
    assert "Person   'Matthieu Kassovitz': new (near-miss: 'Mathieu Kassovitz'" in text.output
    assert "Person   'LÉA DRUCKER': joins lea-drucker by folded name" in text.output
    found = json.loads(runner.invoke(main, [*base, "load", "--dry-run", "--json", str(new)]).output)
    assert found["matching"]["counts"]["near misses"] == 2
    assert {item["name"] for item in found["matching"]["names"]} == {
        "La Haine",
        "Matthieu Kassovitz",
        "LÉA DRUCKER",
        "Vincent Cassel",
        "Federation Entertainment Ltd",
        "Drama",
        "Crime",
    }
