"""Links are the web app's: the questions answer with labels and keys (queries/ builds no
URL, tests/test_layering.py), and every entity a page names gets its page's address here
(webapp/links.py), in the HTML and the JSON twin alike."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from screengraph.graph.schema import Label

LABELS = {label.value for label in Label}


def _entities(value, found=None) -> list[dict]:
    found = [] if found is None else found
    if isinstance(value, dict):
        if value.get("label") in LABELS and isinstance(value.get("key"), str):
            found.append(value)
        for item in value.values():
            _entities(item, found)
    elif isinstance(value, list):
        for item in value:
            _entities(item, found)
    return found


@pytest.mark.parametrize(
    "address",
    [
        "/index.json",
        "/search.json?q=bureau",
        "/show/the-bureau.json",
        "/person/eric-rochant.json",
        "/company/federation-entertainment.json",
        "/genre/drama.json",
        "/connect.json?from=lea+drucker&to=team+dronix",
    ],
)
def test_every_entity_a_page_names_links_to_its_page(client, address):
    entities = _entities(client.get(address).get_json())
    assert entities, address
    for entity in entities:
        expected = f"/{entity['label'].lower()}/{quote(entity['key'], safe='')}"
        assert entity.get("url") == expected, (address, entity)


def test_the_credits_on_a_show_page_link_to_the_people(client):
    page = client.get("/show/the-bureau").get_data(as_text=True)
    assert (
        'href="/person/eric-rochant"' in page and 'href="/company/federation-entertainment"' in page
    )


def test_an_analysts_results_are_passed_on_as_the_database_returned_them(client):
    answer = client.get(
        "/console.json", query_string={"query": "MATCH (p:Person {key: 'eric-rochant'}) RETURN p"}
    ).get_json()
    (node,) = answer["results"]["rows"][0]
    assert "url" not in node and node["key"] == "eric-rochant"
