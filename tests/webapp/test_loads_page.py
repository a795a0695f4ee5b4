"""The load history on the web: for holders of the ingest token, a list of loads and each
load's changes, with JSON twins; others are asked for the token."""

from __future__ import annotations

from screengraph.graph.settings import load_settings
from screengraph.webapp import create_app
from tests.webapp.conftest import INGEST_TOKEN, make_app
from tests.webapp.test_ingest import ALPHA, BETA, Visitor, error_code


def test_a_token_holder_sees_the_loads_and_what_one_changed(backend):
    visitor = Visitor(make_app(backend))
    visitor.confirm(visitor.preview_id(ALPHA))
    visitor.confirm(visitor.preview_id(BETA))
    asked = visitor.get("/loads")
    assert asked.status_code == 200 and 'name="token"' in asked.get_data(as_text=True)
    assert visitor.get("/loads.json").status_code == 403

    listed = visitor.post("/loads.json", token=INGEST_TOKEN)
    assert listed.status_code == 200
    loads = listed.get_json()["loads"]
    assert [(row["via"], row["loaded"]) for row in loads] == [("web", 1), ("web", 1)]
    newest = loads[0]["id"]
    assert newest in visitor.get("/loads").get_data(as_text=True)  # the session holds the token

    page = visitor.get(f"/loads/{newest}").get_data(as_text=True)
    assert "bo-beta" in page and "beta-ingest-show--2022" in page and "added" in page
    twin = visitor.get(f"/loads/{newest}.json").get_json()
    assert twin["counts"]["edges_added"] == 1 and twin["counts"]["listings_created"] == 1
    missing = visitor.get("/loads/19990101.json")
    assert missing.status_code == 404 and error_code(missing) == "load_unknown"


def test_a_wrong_token_reads_no_history(backend):
    visitor = Visitor(make_app(backend))
    wrong = visitor.post("/loads.json", token="not the token")
    assert wrong.status_code == 403 and error_code(wrong) == "bad_token"
    assert visitor.get("/loads.json").status_code == 403


def test_without_an_ingest_token_the_history_is_switched_off(backend):
    app = create_app(
        {"TESTING": True}, settings=load_settings(env={}, secret_key="s"), backend=backend
    )
    client = app.test_client()
    assert "SCREENGRAPH_INGEST_TOKEN" in client.get("/loads").get_data(as_text=True)
    refused = client.get("/loads/19990101.json")
    assert refused.status_code == 403 and error_code(refused) == "ingest_disabled"
