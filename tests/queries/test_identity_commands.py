"""The CLI's lookups take identifiers wherever they take a name, and print namesakes
distinctly (the embedded store, loaded by `screengraph load`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screengraph.cli import main
from tests.queries.catalogue_graph import ALL, RAIDERS_KEY


@pytest.fixture
def cli(tmp_path):
    store = tmp_path / "store"
    catalogue = tmp_path / "catalogue.jsonl"
    catalogue.write_text("".join(json.dumps(r) + "\n" for r in ALL), encoding="utf-8")

    def run(*args):
        return CliRunner().invoke(
            main, ["--backend", "embedded", "--data-dir", str(store), *args], catch_exceptions=False
        )

    assert run("load", str(catalogue)).exit_code == 0
    return run


def test_related_and_collaborators_take_identifiers(cli):
    related = cli("related", "tt0000101", "--json")
    assert related.exit_code == 0
    assert "second-body--2005--tt0000102" in {row[0] for row in json.loads(related.output)["rows"]}
    people = json.loads(cli("collaborators", "imdb:nm0000148", "--json").output)
    assert {p["display"] for p in people} >= {"David Smith (b. 1950)", "David Smith (b. 1962)"}
    assert "Collaborators of Harrison Ford" in cli("collaborators", "nm0000148").output
    assert "David Smith (b. 1962)" in cli("collaborators", "nm0000148", "--csv").output


def test_path_between_namesakes_names_each_distinctly(cli):
    result = cli("path", "nm0000002", "tmdb:person/488")
    assert result.exit_code == 0
    assert result.output.startswith("4 hops: David Smith (b. 1962) (Person)")
    assert result.output.rstrip().endswith("David Smith (tmdb:person/488) (Person)")


def test_a_shared_name_lists_the_namesakes_with_their_details(cli):
    result = cli("collaborators", "David Smith")
    assert result.exit_code == 2
    assert "Person:david-smith--nm0000001  David Smith (b. 1950)" in result.output
    assert "Person:david-smith--tmdb-person-488  David Smith (tmdb:person/488)" in result.output


def test_an_unknown_identifier_says_so(cli):
    result = cli("related", "tt0999999")
    assert result.exit_code == 1
    assert "No show in the graph has the identifier imdb:tt0999999." in result.output


def test_search_prints_the_detail_and_the_matched_title(cli):
    rows = json.loads(cli("search", "les aventuriers", "--json").output)
    columns, first = rows["columns"], rows["rows"][0]
    found = dict(zip(columns, first))
    assert (found["key"], found["matched_title"]) == (
        RAIDERS_KEY,
        "Les Aventuriers de l'arche perdue",
    )
