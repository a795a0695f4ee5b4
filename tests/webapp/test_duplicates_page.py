"""Likely duplicates on the web: for holders of the ingest token, with a JSON twin; others
are asked for the token."""

from __future__ import annotations

from graph.settings import load_settings
from tests.queries.conftest import load_records
from tests.webapp.conftest import INGEST_TOKEN, make_app
from tests.webapp.test_ingest import Visitor, error_code
from webapp import create_app

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

    found = visitor.post("/duplicates.json", token=INGEST_TOKEN).get_json()["report"]
    assert [
        (p["a"]["key"], p["b"]["key"], p["evidence"]["shared_neighbours"]) for p in found["pairs"]
    ] == [("mathieu-kassovitz", "matthieu-kassovitz", 1)]
    page = visitor.get("/duplicates").get_data(as_text=True)  # the session holds the token
    assert '<a href="/person/matthieu-kassovitz">Matthieu Kassovitz</a>' in page
    assert "1 shared collaborator(s)" in page
    companies = visitor.get("/duplicates.json?label=company").get_json()["report"]["pairs"]
    assert [(p["a"]["name"], p["b"]["name"]) for p in companies] == [
        ("Universal", "Universal Pictures")
    ]
    bad = visitor.get("/duplicates.json?min_score=abc")
    assert bad.status_code == 400 and error_code(bad) == "bad_min_score"
    assert error_code(visitor.get("/duplicates.json?label=Genre")) == "bad_label"


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
