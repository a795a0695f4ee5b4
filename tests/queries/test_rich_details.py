"""What a show or person page is made of, from a catalogue with rich credits and a series
(both backends): characters, jobs, categories, every other credit kept, seasons and episodes."""

from __future__ import annotations

import pytest

from screengraph.queries import explore
from tests.queries.catalogue_graph import RAIDERS_KEY, load_catalogue

SPIRAL_KEY = "spiral--2005--tt0000100"


@pytest.fixture
def catalogue(backend):
    load_catalogue(backend)
    return backend


def sections(detail: dict, items: str) -> dict[str, list[dict]]:
    return {group["role"]: group[items] for group in detail["credits"]}


def test_a_show_lists_every_credit_with_characters_jobs_and_billing(catalogue):
    detail = explore.show_detail(catalogue, RAIDERS_KEY)
    groups = sections(detail, "people")
    # Known sections first, then every other category by name: none is dropped.
    assert [g["role"] for g in detail["credits"]] == [
        "DIRECTED",
        "WROTE",
        "ACTED_IN",
        "composer",
        "editor",
    ]
    assert [g["title"] for g in detail["credits"]][-2:] == ["Composer", "Editor"]
    cast = [(p["name"], p["characters"], p["category"], p["order"]) for p in groups["ACTED_IN"]]
    assert cast == [
        ("Harrison Ford", ["Indiana Jones"], "actor", 1),
        ("Karen Allen", ["Marion Ravenwood"], "actress", 2),
        ("David Smith", ["Guard", "Driver"], "actor", 3),
    ]
    assert [(p["name"], p["job"]) for p in groups["composer"]] == [
        ("John Williams", None),
        ("David Smith", "additional music"),
    ]
    assert groups["WROTE"][0]["job"] == "screenplay"
    assert detail["counts"]["credits"] == 8 and detail["truncated"] is False


def test_a_person_lists_characters_categories_and_known_for(catalogue):
    detail = explore.person_detail(catalogue, "harrison-ford--nm0000148")
    (credit,) = sections(detail, "shows")["cast"]
    assert (credit["name"], credit["characters"], credit["category"]) == (
        "Raiders of the Lost Ark",
        ["Indiana Jones"],
        "actor",
    )
    known = [(k["id"], k["key"]) for k in detail["known_for"]]
    assert known == [("imdb:tt0082971", RAIDERS_KEY), ("imdb:tt0000999", None)]
    composer = explore.person_detail(catalogue, "david-smith--nm0000002")
    assert [(g["role"], [s["job"] for s in g["shows"]]) for g in composer["credits"]] == [
        ("composer", ["additional music"])
    ]


def test_a_series_lists_its_seasons_and_its_episodes_by_season(catalogue):
    detail = explore.show_detail(catalogue, SPIRAL_KEY)
    episodes = [
        (s["season"], [(e["episode"], e["name"]) for e in s["episodes"]])
        for s in detail["episodes"]["seasons"]
    ]
    assert episodes == [
        (1, [(1, "Pilot"), (2, "Second Body")]),
        (2, [(1, "Ripple Effect"), (2, "Last Call")]),
    ]
    assert detail["counts"]["episodes"] == 4
    # Its cast with the episodes each is in (their credits are on the series).
    assert [(p["name"], p["episodes"]) for p in sections(detail, "people")["ACTED_IN"]] == [
        ("Caroline Proust", 4),
        ("Grégory Fitoussi", 4),
    ]
    assert [(s["name"], s["season"]) for s in detail["seasons"] if s["season"]] == [
        ("Spiral - Season 7", 7)
    ]


def test_an_episode_names_its_series_season_and_number(catalogue):
    detail = explore.show_detail(catalogue, "second-body--2005--tt0000102")
    assert [(s["key"], s["season"], s["episode"]) for s in detail["series"]] == [(SPIRAL_KEY, 1, 2)]
    # The episode's credits are written on its series; its own are those its listing asserts.
    (cast,) = detail["credits"]
    assert [(p["name"], p["characters"]) for p in cast["people"]] == [
        ("Caroline Proust", ["Laure Berthaud"]),
        ("Grégory Fitoussi", ["Pierre Clément"]),
    ]


def test_a_person_in_several_episodes_has_one_credit_on_the_series(catalogue):
    person = explore.person_detail(catalogue, "gregory-fitoussi--nm0000501")
    assert [
        (s["key"], s["episodes"], s["characters"]) for g in person["credits"] for s in g["shows"]
    ] == [(SPIRAL_KEY, 4, ["Pierre Clément"])]
    lead = explore.person_detail(catalogue, "caroline-proust--nm0000500")
    assert sorted((s["name"], s["episodes"]) for g in lead["credits"] for s in g["shows"]) == [
        ("Spiral", 4),
        ("Spiral - Season 7", 0),
    ]


def test_a_long_series_lists_its_first_episodes_and_counts_them_all(catalogue):
    found = explore.series_episodes(catalogue, SPIRAL_KEY, limit=3)
    assert (found["shown"], found["total"], found["truncated"]) == (3, 4, True)
    assert [[e["name"] for e in s["episodes"]] for s in found["seasons"]] == [
        ["Pilot", "Second Body"],
        ["Ripple Effect"],
    ]
