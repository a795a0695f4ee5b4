"""What researchers ask of the seed page, on both backends."""

from __future__ import annotations

import pytest

from queries import explore, paths
from queries.errors import AmbiguousEntity, UnknownEntity
from queries.search import resolve_entity, search
from tests.queries.conftest import load_records

FEDERATION_SHOWS = ["Dream the Future", "Paris 1900, the City of Lights", "Spiral - Season 7",
                    "Team Dronix", "To Kill a Queen"]


def test_related_content_for_the_bureau_lists_the_other_federation_shows_explained(seeded):
    related = explore.related_shows(seeded, "the-bureau")
    assert sorted(r["name"] for r in related) == FEDERATION_SHOWS
    assert all(r["explanation"] == "also made by Federation Entertainment" for r in related)


def test_collaborators_of_eric_rochant_are_the_six_others_with_roles(seeded):
    found = explore.collaborators(seeded, "eric-rochant")
    roles = {c["name"]: c["roles"] for c in found}
    assert roles == {
        "Alex Berger": ["executive producer", "producer"],
        "Pascal Breton": ["executive producer"],
        "Mathieu Kassovitz": ["cast"], "Jean-Pierre Darroussin": ["cast"],
        "Sara Giraudeau": ["cast"], "Léa Drucker": ["cast"]}
    assert found[0]["shows"][0]["roles"] == ["director", "executive producer", "writer"]


def test_show_detail_groups_credits_by_role_and_keeps_provenance(seeded):
    show = explore.show_detail(seeded, "the-bureau")
    groups = {g["title"]: [p["name"] for p in g["people"]] for g in show["credits"]}
    assert groups == {"Directed by": ["Eric Rochant"], "Produced by": ["Alex Berger"],
                      "Executive producers": ["Alex Berger", "Eric Rochant", "Pascal Breton"],
                      "Written by": ["Eric Rochant"],
                      "Cast": ["Jean-Pierre Darroussin", "Léa Drucker", "Mathieu Kassovitz",
                               "Sara Giraudeau"]}
    assert [c["name"] for c in show["companies"]] == ["Federation Entertainment"]
    assert show["provenance"][0]["file"] == "the-bureau.txt"
    assert explore.show_detail(seeded, "no-such-show") is None


def test_search_ignores_accents_case_and_a_typo(seeded):
    assert search(seeded, "LEA")[0]["name"] == "Léa Drucker"
    assert search(seeded, "bureu")[0]["key"] == "the-bureau"
    assert search(seeded, "federation")[0]["label"] == "Company"


def test_names_resolve_like_a_user_writes_them(seeded):
    assert resolve_entity(seeded, "eric rochant")["key"] == "eric-rochant"
    assert resolve_entity(seeded, "THE BUREAU")["label"] == "Show"
    assert resolve_entity(seeded, "Person:lea-drucker")["name"] == "Léa Drucker"
    with pytest.raises(UnknownEntity) as unknown:
        resolve_entity(seeded, "Eric Rochan")
    assert unknown.value.suggestions[0]["key"] == "eric-rochant"


def test_two_king_kongs_are_ambiguous(backend):
    load_records(backend, "kong.jsonl", [{"title": "King Kong", "year": 1933},
                                         {"title": "King Kong", "year": 1976}])
    with pytest.raises(AmbiguousEntity) as ambiguous:
        resolve_entity(backend, "king kong")
    assert [(c["key"], c["year"]) for c in ambiguous.value.candidates] == [
        ("king-kong--1933", 1933), ("king-kong--1976", 1976)]


def test_a_path_joins_an_actor_to_another_show_of_the_company(seeded):
    answer = paths.connection_path(seeded, paths.Ref("Person", "lea-drucker"),
                                   paths.Ref("Show", "team-dronix"))
    assert answer["length"] == 3
    assert [s.get("name") or s["type"] for s in answer["path"]] == [
        "Léa Drucker", "ACTED_IN", "The Bureau", "MADE_BY", "Federation Entertainment",
        "MADE_BY", "Team Dronix"]


def test_neighbourhood_is_capped_and_says_how_much_it_shows(seeded):
    graph = explore.neighbourhood(seeded, "Show", "the-bureau", depth=1, limit=5)
    assert graph["shown"] == 5 and graph["total"] == 10
    assert graph["center"] == "the-bureau@Show"
    full = explore.neighbourhood(seeded, "Show", "the-bureau", depth=2, limit=100)
    assert full["shown"] == 15


def test_statistics_count_labels_and_rank_people(seeded):
    stats = explore.statistics(seeded)
    assert stats["labels"] == {"Show": 6, "Person": 7, "Company": 1, "Genre": 1}
    assert stats["top_people"][0]["name"] == "Eric Rochant"
