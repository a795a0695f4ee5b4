"""Likely duplicates on the web: for holders of the ingest token, with a JSON twin; others
are asked for the token."""

from __future__ import annotations

from screengraph.graph.settings import load_settings
from screengraph.webapp import create_app
from screengraph.webapp.duplicates_state import new_holder, release_lease, take_lease
from tests.queries.conftest import load_records
from tests.webapp.conftest import INGEST_TOKEN, make_app
from tests.webapp.holders import search_duplicates, searches, token_holder
from tests.webapp.test_ingest import Visitor, error_code

CREW = [
    {
        "title": "La Haine",
        "year": 1995,
        "cast": ["Mathieu Kassovitz", "Hubert Koundé"],
        "companies": ["Universal"],
    },
    {
        "title": "Métisse",
        "year": 1993,
        "cast": ["Matthieu Kassovitz", "Hubert Koundé"],
        "companies": ["Universal Pictures"],
    },
]


def test_a_token_holder_sees_likely_duplicates_with_evidence(backend):
    load_records(backend, "crew.jsonl", CREW)
    visitor = Visitor(make_app(backend))
    asked = visitor.get("/duplicates")
    assert asked.status_code == 200 and 'name="token"' in asked.get_data(as_text=True)
    assert "Kassovitz" not in asked.get_data(as_text=True)
    denied = visitor.get("/duplicates.json")
    assert denied.status_code == 403 and error_code(denied) == "token_needed"

    given = visitor.post("/duplicates.json", token=INGEST_TOKEN).get_json()
    assert (given["running"], given["last"]) == (None, None)  # no search started yet
    assert "No search among Person yet" in visitor.get("/duplicates").get_data(as_text=True)
    found = search_duplicates(visitor)["last"]["report"]
    assert [
        (p["a"]["key"], p["b"]["key"], p["evidence"]["shared_neighbours"]) for p in found["pairs"]
    ] == [("mathieu-kassovitz", "matthieu-kassovitz", 1)]
    page = visitor.get("/duplicates").get_data(as_text=True)  # the session holds the token
    assert '<a href="/person/matthieu-kassovitz">Matthieu Kassovitz</a>' in page
    assert "1 shared collaborator." in page and "1 pair compared" in page
    assert "3 Person nodes read" in page
    companies = search_duplicates(visitor, "company")["last"]["report"]["pairs"]
    assert [(p["a"]["name"], p["b"]["name"]) for p in companies] == [
        ("Universal", "Universal Pictures")
    ]
    bad = visitor.post("/duplicates/search.json", min_score="abc")
    assert bad.status_code == 400 and error_code(bad) == "bad_min_score"
    assert error_code(visitor.post("/duplicates/search.json", label="Genre")) == "bad_label"


def test_a_search_runs_in_the_background_one_at_a_time_and_its_result_is_kept(backend):
    load_records(backend, "crew.jsonl", CREW)
    visitor = token_holder(backend, "/duplicates.json")
    forged = visitor.client.post("/duplicates/search.json", data={"label": "Person"})
    assert forged.status_code in (400, 403)  # no CSRF token
    slot = searches(visitor)
    assert slot.state(backend) == (None, {})  # none started
    # A search holding the one slot (as a long one at 10^5 people does for ~20 s).
    other = new_holder()
    assert take_lease(backend, other, "Company", 0.9, "2026-11-30T09:00:00+00:00")[0]
    page = visitor.get("/duplicates").get_data(as_text=True)
    assert "Looking for likely duplicates among Company" in page
    assert 'http-equiv="refresh"' in page  # it reloads itself until done
    busy = visitor.post("/duplicates/search.json", label="Person")
    assert busy.status_code == 409 and error_code(busy) == "search_running"
    release_lease(backend, other)

    last = search_duplicates(visitor, min_score="0.95")["last"]
    assert (last["status"], last["min_score"], last["store_changed"]) == ("done", 0.95, False)
    assert last["started_at"] and last["seconds"] is not None
    page = visitor.get("/duplicates").get_data(as_text=True)
    assert "The store has not changed since." in page and 'http-equiv="refresh"' not in page
    load_records(
        backend, "more.jsonl", [{"title": "Cut", "year": 2003, "cast": ["Vincent Cassel"]}]
    )
    kept = visitor.get("/duplicates.json").get_json()["last"]
    assert kept["store_changed"] is True and kept["report"] == last["report"]
    assert "The store has changed since" in visitor.get("/duplicates").get_data(as_text=True)


def test_a_wrong_token_sees_no_duplicates(backend):
    visitor = Visitor(make_app(backend))
    wrong = visitor.post("/duplicates.json", token="not the token")
    assert wrong.status_code == 403 and error_code(wrong) == "bad_token"
    assert visitor.get("/duplicates.json").status_code == 403


def test_without_an_ingest_token_the_page_is_switched_off(backend):
    app = create_app(
        {"TESTING": True}, settings=load_settings(env={}, secret_key="s"), backend=backend
    )
    client = app.test_client()
    assert "SCREENGRAPH_INGEST_TOKEN" in client.get("/duplicates").get_data(as_text=True)
    refused = client.get("/duplicates.json")
    assert refused.status_code == 403 and error_code(refused) == "ingest_disabled"
