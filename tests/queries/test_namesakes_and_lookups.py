"""Identifiers and namesakes as a researcher meets them: looked up wherever a name is
taken, and people who share a name told apart wherever they are shown (both backends)."""

from __future__ import annotations

import pytest

from screengraph.queries import explore, paths
from screengraph.queries.errors import AmbiguousEntity, QueryParameterError, UnknownIdentifier
from screengraph.queries.search import find_identified, resolve_entity, search
from tests.queries.catalogue_graph import RAIDERS_KEY, load_catalogue
from tests.queries.conftest import load_records


@pytest.fixture
def catalogue(backend):
    load_catalogue(backend)
    return backend


def key_of(backend, text: str, label: str | None = None) -> str:
    return resolve_entity(backend, text, label)["key"]


def test_an_identifier_names_its_entity_wherever_a_name_is_taken(catalogue):
    assert key_of(catalogue, "nm0000148", "Person") == "harrison-ford--nm0000148"
    assert key_of(catalogue, "imdb:nm0000148") == "harrison-ford--nm0000148"
    assert key_of(catalogue, "tt0082971", "Show") == RAIDERS_KEY
    assert key_of(catalogue, "imdb:tt0082971") == RAIDERS_KEY
    assert key_of(catalogue, "tmdb:person/488", "Person") == "david-smith--tmdb-person-488"
    assert key_of(catalogue, "Person:imdb:nm0000001") == "david-smith--nm0000001"
    assert [e["key"] for e in find_identified(catalogue, " IMDB:nm0000002 ")] == [
        "david-smith--nm0000002"
    ]


def test_an_identifier_nobody_has_is_a_clear_answer(catalogue):
    with pytest.raises(UnknownIdentifier) as raised:
        resolve_entity(catalogue, "nm0999999", "Person")
    assert str(raised.value) == (
        "No person in the graph has the identifier imdb:nm0999999. "
        "Load the catalogue that names it, or search by name."
    )
    # A show's identifier where a person is needed.
    with pytest.raises(QueryParameterError) as raised:
        resolve_entity(catalogue, "tt0082971", "Person")
    assert str(raised.value).startswith(
        "'tt0082971' is not IMDb's identifier of a person: e.g. imdb:nm0000229"
    )


def test_a_shared_name_is_ambiguous_and_each_candidate_says_who_it_is(catalogue):
    with pytest.raises(AmbiguousEntity) as raised:
        resolve_entity(catalogue, "david smith", "Person")
    shown = {c["key"]: c["display"] for c in raised.value.candidates}
    assert shown == {
        "david-smith--nm0000001": "David Smith (b. 1950)",
        "david-smith--nm0000002": "David Smith (b. 1962)",
        "david-smith--tmdb-person-488": "David Smith (tmdb:person/488)",
    }
    assert "David Smith (b. 1950) = Person:david-smith--nm0000001" in str(raised.value)


def test_search_tells_namesakes_apart_and_leaves_others_alone(catalogue):
    results = search(catalogue, "David Smith", labels=["Person"])
    assert sorted(r["display"] for r in results) == [
        "David Smith (b. 1950)",
        "David Smith (b. 1962)",
        "David Smith (tmdb:person/488)",
    ]
    harrison = search(catalogue, "harrison ford")[0]
    assert (harrison["detail"], harrison["display"]) == (None, "Harrison Ford")


def test_namesake_episodes_are_told_apart_by_what_they_do_not_share(catalogue):
    # Two 2005 episodes called Pilot, both S1E1: only their identifiers differ.
    pilots = [r for r in search(catalogue, "Pilot", labels=["Show"]) if r["name"] == "Pilot"]
    assert sorted(r["display"] for r in pilots) == [
        "Pilot (imdb:tt0000101)",
        "Pilot (imdb:tt0000201)",
    ]


def test_an_alternate_title_finds_the_show_and_says_which_title_matched(catalogue):
    first = search(catalogue, "les aventuriers de l'arche perdue")[0]
    assert first["key"] == RAIDERS_KEY and first["match"] == 3
    assert first["matched_title"] == "Les Aventuriers de l'arche perdue"
    plain = search(catalogue, "Raiders of the Lost Ark")[0]
    assert plain["key"] == RAIDERS_KEY and "matched_title" not in plain


def test_search_for_an_identifier_puts_its_entity_first(catalogue):
    first = search(catalogue, "tt0082971")[0]
    assert (first["key"], first["match"]) == (RAIDERS_KEY, 4)


def test_paths_and_collaborators_show_namesakes_distinctly(catalogue):
    answer = paths.connection_path(
        catalogue, "Person:david-smith--nm0000002", "Person:david-smith--tmdb-person-488"
    )
    ends = [step for step in answer["path"] if "label" in step]
    assert [ends[0]["display"], ends[-1]["display"]] == [
        "David Smith (b. 1962)",
        "David Smith (tmdb:person/488)",
    ]
    assert answer["length"] == 4  # composer - Raiders - actor Smith - Quiet Harbour - TMDB Smith
    for limit in (None, 50):  # everyone's evidence, or the ranking's first: both told apart
        people = explore.collaborators(catalogue, "harrison-ford--nm0000148", limit=limit)
        smiths = sorted(p["display"] for p in people if p["name"] == "David Smith")
        assert smiths == ["David Smith (b. 1950)", "David Smith (b. 1962)"], limit


def test_the_graph_view_labels_namesakes_distinctly(catalogue):
    view = explore.neighbourhood(catalogue, "Show", RAIDERS_KEY, depth=1, limit=60)
    smiths = sorted(n["display"] for n in view["nodes"] if n["name"] == "David Smith")
    assert smiths == ["David Smith (b. 1950)", "David Smith (b. 1962)"]


def test_a_name_only_namesake_is_shown_as_the_one_without_an_identifier(catalogue):
    # A catalogue page naming "David Smith" cannot say which one it means: its own node.
    load_records(
        catalogue,
        "page.jsonl",
        [{"title": "Harbour Nights", "year": 2001, "cast": ["David Smith"]}],
    )
    results = search(catalogue, "David Smith", labels=["Person"])
    assert sorted(r["display"] for r in results) == [
        "David Smith (b. 1950)",
        "David Smith (b. 1962)",
        "David Smith (no identifier)",
        "David Smith (tmdb:person/488)",
    ]
    with pytest.raises(AmbiguousEntity) as raised:
        resolve_entity(catalogue, "David Smith", "Person")
    assert len(raised.value.candidates) == 4


def test_related_content_tells_namesakes_apart_in_its_second_trip_or_a_third(
    catalogue, monkeypatch
):
    trips = []
    run_read = catalogue.run_read
    monkeypatch.setattr(
        catalogue, "run_read", lambda *a, **k: trips.append(a[0]) or run_read(*a, **k)
    )
    folded = explore.related_shows(catalogue, RAIDERS_KEY)
    assert len(trips) == 2  # the evidence; the re-ranking with every candidate's namesakes
    reasons = [r["text"] for show in folded for r in show["reasons"]]
    assert "with David Smith (b. 1950)" in reasons  # a namesake, told apart
    trips.clear()
    monkeypatch.setattr(explore, "TOLD_WITH_RERANKING", 0)
    assert explore.related_shows(catalogue, RAIDERS_KEY) == folded  # told after: the same
    assert len(trips) == 3
