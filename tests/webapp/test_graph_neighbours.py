"""The graph view's expansions: an entity's neighbours a page at a time, best connected
first, with the true number of neighbours, on both backends."""

from __future__ import annotations

import pytest

from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

# A genre of 40 shows; show n has n % 6 cast members, so the busiest shows are those with 5.
HUB = [
    {
        "title": f"Hub Show {n}",
        "year": 2000,
        "genres": ["Hub"],
        "cast": [f"Cast {n}-{m}" for m in range(n % 6)],
    }
    for n in range(40)
]


@pytest.fixture
def client(backend):
    load_records(backend, "hub.jsonl", HUB)
    return make_app(backend).test_client()


def test_expanding_a_hub_brings_its_best_connected_neighbours_first_with_more(client):
    first = client.get("/genre/hub/neighbours.json?limit=10").get_json()
    assert first["total"] == 40 and first["shown"] == 10 and first["next_offset"] == 10
    degrees = [node["degree"] for node in first["nodes"]]
    assert degrees == sorted(degrees, reverse=True) and degrees[0] == 6  # 5 cast + the genre
    assert all(
        edge["target"] == "hub@Genre" and edge["type"] == "IN_GENRE" for edge in first["edges"]
    )
    assert first["nodes"][0]["url"].startswith("/show/")

    seen = [node["id"] for node in first["nodes"]]
    offset = first["next_offset"]
    while offset is not None:
        page = client.get(f"/genre/hub/neighbours.json?limit=10&offset={offset}").get_json()
        seen += [node["id"] for node in page["nodes"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == 40  # every neighbour once, in a stable order


def test_neighbours_keep_the_direction_of_each_link(client):
    page = client.get("/show/hub-show-5--2000/neighbours.json").get_json()
    acted = [edge for edge in page["edges"] if edge["type"] == "ACTED_IN"]
    assert len(acted) == 5 and all(edge["target"] == "hub-show-5--2000@Show" for edge in acted)
    assert page["total"] == 6 and page["next_offset"] is None


def test_neighbours_of_nothing_and_out_of_range_pages_are_clear_errors(client):
    missing = client.get("/genre/nope/neighbours.json")
    assert (
        missing.status_code == 404
        and "no genre with the key 'nope'" in missing.get_json()["error"]["message"]
    )
    too_many = client.get("/genre/hub/neighbours.json?limit=100000")
    assert (
        too_many.status_code == 400
        and "'limit' must be between 1 and" in too_many.get_json()["error"]["message"]
    )


def test_the_neighbours_route_is_documented_with_its_declared_limits(client):
    route = client.get("/openapi.json").get_json()["paths"]["/genre/{key}/neighbours.json"]["get"]
    limit = next(p for p in route["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200 and limit["schema"]["minimum"] == 1
