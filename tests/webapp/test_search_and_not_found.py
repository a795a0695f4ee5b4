"""The search page pages with true totals; a wrong address leads somewhere useful. Both backends."""

from __future__ import annotations

import re

from tests.queries.conftest import load_records


def test_search_pages_carry_the_true_total_and_links_to_the_next(client, backend):
    load_records(
        backend,
        "nights.jsonl",
        [{"title": f"Night Shift {n:03d}", "year": 2000 + n % 20} for n in range(25)],
    )
    first = client.get("/search.json?q=night+shift&limit=10").get_json()
    assert first["total"] == 25 and len(first["results"]) == 10 and first["offset"] == 0
    assert "offset=10" in first["pages"]["next"] and "previous" not in first["pages"]
    last = client.get("/search.json?q=night+shift&limit=10&offset=20").get_json()
    assert len(last["results"]) == 5 and "next" not in last["pages"]
    keys = {
        r["key"]
        for offset in (0, 10, 20)
        for r in client.get(f"/search.json?q=night+shift&limit=10&offset={offset}").get_json()[
            "results"
        ]
    }
    assert len(keys) == 25
    html = client.get("/search?q=night+shift&limit=10&offset=10").get_data(as_text=True)
    assert "11–20 of 25 results" in html
    assert re.search(r'<a rel="prev" href="[^"]*offset=0', html)


def test_search_narrows_to_one_kind_by_a_link_that_keeps_the_words(client):
    html = client.get("/search?q=bureau&offset=0").get_data(as_text=True)
    assert '<strong aria-current="true">every kind</strong>' in html
    assert '<a href="/search?q=bureau&amp;label=Company">companies</a>' in html
    shows = client.get("/search?q=bureau&label=Show").get_data(as_text=True)
    assert '<strong aria-current="true">shows</strong>' in shows
    assert '<a href="/search?q=bureau">every kind</a>' in shows
    none = client.get("/search?q=bureau&label=Genre").get_data(as_text=True)
    assert 'among genres (<a href="/search?q=bureau">search every kind</a>)' in none


def test_a_typo_early_in_a_word_is_found_and_said_so(client):
    answer = client.get("/search.json?q=lea+druk").get_json()
    assert answer["results"][0]["name"] == "Léa Drucker" and answer["broadened"]
    html = client.get("/search?q=lea+druk").get_data(as_text=True)
    assert "the closest names" in html


def test_a_bad_offset_is_refused_with_its_range(client):
    answer = client.get("/search.json?q=x&offset=-1")
    assert (
        answer.status_code == 400
        and "'offset' must be between 0" in answer.get_json()["error"]["message"]
    )


def test_wrong_case_keys_and_names_redirect_to_the_entity(client):
    for address in (
        "/person/Eric-Rochant",
        "/person/ERIC-ROCHANT",
        "/person/Eric%20Rochant",
        "/person/eric rochant",
    ):
        answer = client.get(address)
        assert answer.status_code == 302, address
        assert answer.headers["Location"].endswith("/person/eric-rochant"), address
    assert client.get("/show/The-Bureau").headers["Location"].endswith("/show/the-bureau")
    twin = client.get("/person/Eric-Rochant.json")
    assert twin.status_code == 302 and twin.headers["Location"].endswith(
        "/person/eric-rochant.json"
    )
    assert client.get("/person/Eric-Rochant", follow_redirects=True).status_code == 200


def test_an_unknown_key_offers_close_names_and_a_search(client):
    answer = client.get("/person/eric-rochan")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert '<a href="/person/eric-rochant">Eric Rochant</a>' in html
    assert 'href="/search?q=eric+rochan&amp;label=Person"' in html
    error = client.get("/person/eric-rochan.json").get_json()["error"]
    assert error["candidates"][0]["key"] == "eric-rochant"
    assert error["search_url"] == "/search?q=eric+rochan&label=Person"


def test_a_key_longer_than_any_name_is_a_plain_404_with_a_search(client):
    key = "-".join(["word"] * 2000)  # 2,000 words: more than a full-text query takes
    answer = client.get(f"/person/{key}.json")
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert error["candidates"] == [] and len(error["search_url"]) < 300


def test_the_site_has_an_icon(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/dist/favicon.svg" type="image/svg+xml">' in html
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer.headers["Location"].endswith(
        "/static/dist/favicon.svg"
    )
