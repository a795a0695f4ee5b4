"""What researchers ask, of the seed page and of small hand-built listings, on both backends."""

from __future__ import annotations

import math

import pytest

from screengraph.queries import explore, paths
from screengraph.queries.errors import AmbiguousEntity, QueryParameterError, UnknownEntity
from screengraph.queries.search import resolve_entity, search
from tests.queries.conftest import load_records

FEDERATION_SHOWS = [
    "Dream the Future",
    "Paris 1900, the City of Lights",
    "Spiral - Season 7",
    "Team Dronix",
    "To Kill a Queen",
]


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
        "Mathieu Kassovitz": ["cast"],
        "Jean-Pierre Darroussin": ["cast"],
        "Sara Giraudeau": ["cast"],
        "Léa Drucker": ["cast"],
    }
    assert found[0]["shows"][0]["roles"] == ["director", "executive producer", "writer"]


def test_show_detail_groups_credits_by_role_and_keeps_provenance(seeded):
    show = explore.show_detail(seeded, "the-bureau")
    groups = {g["title"]: [p["name"] for p in g["people"]] for g in show["credits"]}
    assert groups == {
        "Directed by": ["Eric Rochant"],
        "Produced by": ["Alex Berger"],
        "Executive producers": ["Alex Berger", "Eric Rochant", "Pascal Breton"],
        "Written by": ["Eric Rochant"],
        "Cast": ["Jean-Pierre Darroussin", "Léa Drucker", "Mathieu Kassovitz", "Sara Giraudeau"],
    }
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
    with pytest.raises(QueryParameterError, match="names a Person, but this needs a Show"):
        resolve_entity(seeded, "Person:eric-rochant", label="Show")


def test_two_king_kongs_are_ambiguous(backend):
    load_records(
        backend,
        "kong.jsonl",
        [{"title": "King Kong", "year": 1933}, {"title": "King Kong", "year": 1976}],
    )
    with pytest.raises(AmbiguousEntity) as ambiguous:
        resolve_entity(backend, "king kong")
    assert [(c["key"], c["year"]) for c in ambiguous.value.candidates] == [
        ("king-kong--1933", 1933),
        ("king-kong--1976", 1976),
    ]


def test_a_path_joins_an_actor_to_another_show_of_the_company(seeded):
    answer = paths.connection_path(
        seeded, paths.Ref("Person", "lea-drucker"), paths.Ref("Show", "team-dronix")
    )
    assert answer["length"] == 3
    assert [s.get("name") or s["type"] for s in answer["path"]] == [
        "Léa Drucker",
        "ACTED_IN",
        "The Bureau",
        "MADE_BY",
        "Federation Entertainment",
        "MADE_BY",
        "Team Dronix",
    ]


def test_neighbourhood_is_capped_and_says_how_much_it_shows(seeded):
    graph = explore.neighbourhood(seeded, "Show", "the-bureau", depth=1, limit=5)
    assert graph["shown"] == 5 and graph["total"] == 10
    assert graph["center"] == {"label": "Show", "key": "the-bureau"}
    full = explore.neighbourhood(seeded, "Show", "the-bureau", depth=2, limit=100)
    assert full["shown"] == 15


def test_statistics_count_labels_and_rank_people(seeded):
    stats = explore.statistics(seeded)
    assert stats["labels"] == {"Show": 6, "Person": 7, "Company": 1, "Genre": 1}
    assert stats["top_people"][0]["name"] == "Eric Rochant"


def test_each_detail_page_has_its_counts_and_sources(seeded):
    show = explore.show_detail(seeded, "the-bureau")
    assert show["counts"] == {
        "credits": 10,
        "people": 7,
        "companies": 1,
        "genres": 1,
        "seasons": 0,
        "episodes": 0,
    }
    person = explore.person_detail(seeded, "eric-rochant")
    assert [(g["role"], [s["name"] for s in g["shows"]]) for g in person["credits"]] == [
        ("director", ["The Bureau"]),
        ("writer", ["The Bureau"]),
        ("executive producer", ["The Bureau"]),
    ]
    assert person["counts"] == {"credits": 3, "shows": 1}
    company = explore.company_detail(seeded, "federation-entertainment")
    assert len(company["shows"]) == company["counts"]["shows"] == 6
    capped = explore.company_detail(seeded, "federation-entertainment", limit=2)
    assert capped["total"] == 6  # a large company's page lists the first shows by title
    assert [s["name"] for s in capped["shows"]] == [s["name"] for s in company["shows"]][:2]
    genre = explore.genre_detail(seeded, "drama")
    assert (genre["label"], genre["key"]) == ("Genre", "drama")
    assert genre["counts"]["shows"] == genre["total"]
    assert all(d["provenance"][0]["file"] == "the-bureau.txt" for d in (person, company, genre))


def test_a_title_with_its_year_picks_one_remake(backend):
    load_records(
        backend,
        "kong.jsonl",
        [{"title": "King Kong", "year": 1933}, {"title": "King Kong", "year": 1976}],
    )
    assert resolve_entity(backend, "King Kong (1976)")["key"] == "king-kong--1976"
    assert resolve_entity(backend, "king kong 1933", label="Show")["year"] == 1933
    assert resolve_entity(backend, "show:king-kong--1933")["name"] == "King Kong"
    with pytest.raises(AmbiguousEntity, match="e.g. Show:king-kong--1933"):
        resolve_entity(backend, "King Kong")
    with pytest.raises(UnknownEntity, match="Check the spelling"):
        resolve_entity(backend, "Zzyzx Road")


def test_search_scores_exact_then_prefix_then_fuzzy_the_same_way_everywhere(seeded):
    results = search(seeded, "the bureau")
    assert results[0]["key"] == "the-bureau" and results[0]["score"] >= 4.0
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    spiral = search(seeded, "spiral")[0]
    assert {k: v for k, v in spiral.items() if k != "score"} == {
        "label": "Show",
        "key": "spiral-season-7",
        "name": "Spiral - Season 7",
        "year": None,
        "match": 2,
        "ids": [],
        "detail": None,
        "display": "Spiral - Season 7",
    }
    assert 2 <= spiral["score"] < 3
    assert search(seeded, "eric", labels=("Company",)) == []


def test_neighbourhood_counts_everything_within_two_hops(seeded):
    graph = explore.neighbourhood(seeded, "show", "the-bureau", depth=2, limit=100)
    assert graph["shown"] == graph["total"] == 15 and graph["total_capped"] is False
    assert {
        "start": {"label": "Person", "key": "eric-rochant"},
        "end": {"label": "Show", "key": "the-bureau"},
        "type": "PRODUCED",
        "role": "executive producer",
    } in graph["edges"]
    assert {
        "key": "team-dronix",
        "label": "Show",
        "name": "Team Dronix",
        "detail": None,
        "display": "Team Dronix",
    } in graph["nodes"]


RANKING_RECORDS = [
    {
        "title": "Alpha - Season 1",
        "directors": ["Dee Director"],
        "cast": ["Cass Actor"],
        "companies": ["Coco Films"],
        "genres": ["Crime"],
    },
    {"title": "Alpha - Season 2", "cast": ["Someone Else"]},
    {"title": "Beta", "year": 2002, "directors": ["Dee Director"]},
    {"title": "Gamma", "year": 2003, "cast": ["Cass Actor"]},
    {"title": "Delta", "year": 2004, "companies": ["Coco Films"], "genres": ["Crime"]},
    {"title": "Epsilon", "year": 2005, "genres": ["Crime"]},
]


def test_related_shows_follow_the_documented_score(backend):
    load_records(backend, "ranking.jsonl", RANKING_RECORDS)
    related = explore.related_shows(backend, "alpha-season-1")
    aa = lambda weight, degree: weight / math.log(2 + degree)  # noqa: E731 - the formula, inline
    expected = [
        ("alpha-season-2", 5.0, "another season of Alpha"),
        ("beta--2002", aa(3, 2), "directed by Dee Director"),
        ("delta--2004", aa(1.5, 2) + aa(0.5, 3), "also made by Coco Films, also Crime"),
        ("gamma--2003", aa(1, 2), "with Cass Actor"),
    ]
    assert [(r["key"], r["explanation"]) for r in related] == [(k, e) for k, _s, e in expected]
    assert [r["score"] for r in related] == [round(s, 4) for _k, s, _e in expected]
    assert related[1]["reasons"] == [
        {
            "kind": "person",
            "key": "dee-director",
            "name": "Dee Director",
            "role": "director",
            "text": "directed by Dee Director",
        }
    ]


def test_suggestions_close_triangles_and_say_through_whom(backend):
    load_records(
        backend,
        "people.jsonl",
        [
            {"title": "One", "year": 2001, "cast": ["Ann Able", "Bob Baker"]},
            {"title": "Two", "year": 2002, "cast": ["Bob Baker", "Cy Cole"]},
            {"title": "Three", "year": 2003, "cast": ["Bob Baker", "Di Dunn"]},
            {"title": "Four", "year": 2004, "cast": ["Ed Evans", "Cy Cole"]},
            {"title": "Five", "year": 2005, "cast": ["Ann Able", "Ed Evans"]},
        ],
    )
    suggested = explore.suggested_collaborators(backend, "ann-able")
    assert [(s["name"], s["count"], s["explanation"]) for s in suggested] == [
        ("Cy Cole", 2, "worked with Bob Baker and Ed Evans"),
        ("Di Dunn", 1, "worked with Bob Baker"),
    ]
    assert [c["name"] for c in explore.collaborators(backend, "ann-able")] == [
        "Bob Baker",
        "Ed Evans",
    ]


def test_the_top_collaborators_are_the_head_of_everyone_ranked(backend):
    """A page asks for its top collaborators only (counted in the database, then those
    people's shows read): they are exactly the head of the full list, ties included, and
    suggestions come out the same from the ranking as from the full list."""
    import random

    rng = random.Random(7)
    people = [f"Person {chr(65 + i)}" for i in range(14)]
    records = [
        {
            "title": f"Show {n}",
            "year": 2000 + n,
            "directors": rng.sample(people, 1),
            "producers": rng.sample(people, 1),
            "cast": rng.sample(people, rng.randint(1, 4)),
        }
        for n in range(40)
    ]
    load_records(backend, "cast.jsonl", records)
    for name in people:
        key = name.lower().replace(" ", "-")
        everyone = explore.collaborators(backend, key, limit=None)
        ranking = explore.collaborator_ranking(backend, key)
        assert [(p["key"], p["count"]) for p in ranking] == [
            (p["key"], p["count"]) for p in everyone
        ]
        for limit in (1, 3, 5):
            assert explore.collaborators(backend, key, limit=limit) == everyone[:limit]
        assert explore.suggested_collaborators(
            backend, key, limit=5
        ) == explore.suggested_collaborators(backend, key, limit=5, known_collaborators=everyone)
