"""Show and person pages list at most a capped number of credits, chosen in the database.

The cap is lowered per call (`limit=`) or, for the web pages, by patching
explore.CREDITS_LIMIT: the shape is the same as with the real cap and 10,000 credits.
"""

from __future__ import annotations

import re

import pytest
from flask import render_template

from screengraph.queries import explore
from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

CROWDED = {
    "title": "Crowded Show",
    "year": 2020,
    "directors": ["Zed Director", "Amy Director"],
    "producers": ["Paul Producer"],
    "executive_producers": ["Eve Exec"],
    "writers": ["Walt Writer", "Amy Director"],
    "cast": ["Cara Cast", "Bob Cast", "Amy Director", "Abe Cast", "Dan Cast"],
}
CROWDED_KEY = "crowded-show--2020"
# By section (directors, producers, executive producers, writers, cast), then name.
CROWDED_ORDER = [
    ("DIRECTED", "amy-director"),
    ("DIRECTED", "zed-director"),
    ("producer", "paul-producer"),
    ("executive producer", "eve-exec"),
    ("WROTE", "amy-director"),
    ("WROTE", "walt-writer"),
    ("ACTED_IN", "abe-cast"),
    ("ACTED_IN", "amy-director"),
    ("ACTED_IN", "bob-cast"),
    ("ACTED_IN", "cara-cast"),
    ("ACTED_IN", "dan-cast"),
]

PAT = "Pat Prolific"
PROLIFIC = [
    {"title": "Zeta", "year": 2006, "cast": [PAT]},
    {"title": "Alpha", "year": 2001, "cast": [PAT]},
    {"title": "Beta", "year": 2002, "directors": [PAT]},
    {"title": "Gamma", "year": 2003, "writers": [PAT], "cast": [PAT]},
    {"title": "Delta", "year": 2004, "producers": [PAT]},
    {"title": "Epsilon", "year": 2005, "executive_producers": [PAT], "directors": [PAT]},
]
# By section (director, writer, producer, executive producer, cast), then newest first.
PROLIFIC_ORDER = [
    ("director", "Epsilon"),
    ("director", "Beta"),
    ("writer", "Gamma"),
    ("producer", "Delta"),
    ("executive producer", "Epsilon"),
    ("cast", "Zeta"),
    ("cast", "Gamma"),
    ("cast", "Alpha"),
]


@pytest.fixture
def loaded(backend):
    load_records(backend, "crowded.jsonl", [CROWDED])
    load_records(backend, "prolific.jsonl", PROLIFIC)
    return backend


def show_credits(detail: dict) -> list[tuple[str, str]]:
    return [
        (group["role"], person["key"]) for group in detail["credits"] for person in group["people"]
    ]


def person_credits(detail: dict) -> list[tuple[str, str]]:
    return [(group["role"], show["name"]) for group in detail["credits"] for show in group["shows"]]


@pytest.mark.parametrize("limit", range(1, len(CROWDED_ORDER)))
def test_a_show_over_the_cap_lists_its_first_credits_and_counts_them_all(loaded, limit):
    detail = explore.show_detail(loaded, CROWDED_KEY, limit=limit)
    assert show_credits(detail) == CROWDED_ORDER[:limit]
    assert detail["counts"]["credits"] == len(CROWDED_ORDER)
    assert detail["counts"]["people"] == 9  # Amy Director counted once for her three credits
    assert (detail["shown"], detail["total"], detail["truncated"]) == (
        limit,
        len(CROWDED_ORDER),
        True,
    )


@pytest.mark.parametrize("limit", range(1, len(PROLIFIC_ORDER)))
def test_a_person_over_the_cap_lists_their_first_credits_and_counts_them_all(loaded, limit):
    detail = explore.person_detail(loaded, "pat-prolific", limit=limit)
    assert person_credits(detail) == PROLIFIC_ORDER[:limit]
    assert detail["counts"] == {"credits": len(PROLIFIC_ORDER), "shows": len(PROLIFIC)}
    assert detail["credit_count"] == len(PROLIFIC_ORDER)
    assert (detail["shown"], detail["total"], detail["truncated"]) == (
        limit,
        len(PROLIFIC_ORDER),
        True,
    )


def test_at_or_below_the_cap_nothing_is_cut(loaded):
    for limit in (len(CROWDED_ORDER), explore.CREDITS_LIMIT):
        show = explore.show_detail(loaded, CROWDED_KEY, limit=limit)
        assert show_credits(show) == CROWDED_ORDER
        assert (show["shown"], show["total"], show["truncated"]) == (11, 11, False)
    for limit in (len(PROLIFIC_ORDER), explore.CREDITS_LIMIT):
        person = explore.person_detail(loaded, "pat-prolific", limit=limit)
        assert person_credits(person) == PROLIFIC_ORDER
        assert (person["shown"], person["total"], person["truncated"]) == (8, 8, False)


def test_an_entity_without_credits_counts_none(loaded):
    loaded.run_write(
        "CREATE (:Person {key: 'nobody-yet', name: 'Nobody Yet'}), "
        "(:Show {key: 'empty-show', title: 'Empty Show'})"
    )
    person = explore.person_detail(loaded, "nobody-yet", limit=3)
    assert (person["credits"], person["counts"], person["truncated"]) == (
        [],
        {"credits": 0, "shows": 0},
        False,
    )
    show = explore.show_detail(loaded, "empty-show", limit=3)
    assert (
        show["credits"],
        show["counts"]["credits"],
        show["counts"]["people"],
        show["truncated"],
    ) == ([], 0, 0, False)


@pytest.mark.parametrize(
    ("path", "shown", "total"), [(f"/show/{CROWDED_KEY}", 4, len(CROWDED_ORDER))]
)
def test_pages_say_when_the_list_was_cut(loaded, monkeypatch, path, shown, total):
    monkeypatch.setattr(explore, "CREDITS_LIMIT", 4)
    client = make_app(loaded).test_client()
    html = client.get(path).get_data(as_text=True)
    assert f"Showing the first {shown} of {total} credits." in html
    data = client.get(f"{path}.json").get_json()["detail"]
    assert (data["shown"], data["total"], data["truncated"], data["counts"]["credits"]) == (
        shown,
        total,
        True,
        total,
    )
    assert sum(len(group.get("people") or group.get("shows")) for group in data["credits"]) == shown


def test_a_person_page_pages_their_credits_with_the_true_total(loaded):
    client = make_app(loaded).test_client()
    html = client.get("/person/pat-prolific?limit=4").get_data(as_text=True)
    assert "1–4 of 8 credits." in html and "Showing the first" not in html
    following = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "after=" in following and "offset=4" in following  # the last row's position
    for address in (following, "/person/pat-prolific?limit=4&offset=4"):  # or a jump
        path, _, query = address.partition("?")
        data = client.get(f"{path}.json?{query}").get_json()["detail"]
        assert (data["list"]["offset"], data["list"]["shown"], data["list"]["total"]) == (4, 4, 8)
        assert [(g["role"], s["name"]) for g in data["credits"] for s in g["shows"]] == (
            PROLIFIC_ORDER[4:]
        )


@pytest.mark.parametrize("path", [f"/show/{CROWDED_KEY}", "/person/pat-prolific"])
def test_pages_under_the_cap_say_nothing_about_a_cut(loaded, path):
    client = make_app(loaded).test_client()
    assert "Showing the first" not in client.get(path).get_data(as_text=True)
    assert client.get(f"{path}.json").get_json()["detail"]["truncated"] is False


def test_the_notice_groups_thousands(loaded):
    app = make_app(loaded)
    with app.test_request_context("/person/someone"):
        html = render_template(
            "entity.html",
            entity={"label": "Person", "name": "Someone", "properties": []},
            sections=[],
            provenance=[],
            graph_src="/person/someone/graph.json",
            detail={"truncated": True, "shown": 1000, "total": 7392},
        )
    assert "Showing the first 1,000 of 7,392 credits." in html
