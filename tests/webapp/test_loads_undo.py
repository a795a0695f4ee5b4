"""Undoing a load from its page, for holders of the ingest token: a preview first (what it
would remove, restore, revert, or why it refuses), then a confirmation; and a load's
changes compared with a later load's (the net change of the run)."""

from __future__ import annotations

import json

from screengraph.graph.checksum import LOAD_TIMES, graph_checksum
from tests.webapp.conftest import make_app
from tests.webapp.holders import token_holder
from tests.webapp.test_ingest import ALPHA, BETA, Visitor, error_code

BETA_RECAST = json.dumps({**json.loads(BETA), "cast": ["Bo Beta", "Cy Gamma"]})


def load_ids(visitor) -> list[str]:
    return [row["id"] for row in visitor.get("/loads.json").get_json()["loads"]]


def test_undo_from_the_load_page_previews_then_undoes(backend):
    visitor = token_holder(backend)
    visitor.confirm(visitor.preview_id(ALPHA))
    before = graph_checksum(backend, LOAD_TIMES)
    visitor.confirm(visitor.preview_id(BETA))
    newest = load_ids(visitor)[0]
    assert 'action="/loads/' + newest + '/undo"' in visitor.get(f"/loads/{newest}").get_data(
        as_text=True
    )

    preview = visitor.post(f"/loads/{newest}/undo")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "nothing undone yet" in page
    assert "bo-beta" in page and "remove" in page and 'value="confirm"' in page
    assert visitor.get("/loads.json").get_json()["loads"][0]["undone_by"] is None

    done = visitor.post(f"/loads/{newest}/undo.json", action="confirm")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["done"]["undone"] == [newest]
    assert graph_checksum(backend, LOAD_TIMES) == before
    assert "Undone by" in visitor.get(f"/loads/{newest}").get_data(as_text=True)
    again = visitor.post(f"/loads/{newest}/undo.json", action="confirm")
    assert again.status_code == 409 and error_code(again) == "undo_refused"


def test_a_refused_undo_says_which_later_load_depends_on_it(backend):
    visitor = token_holder(backend)
    visitor.confirm(visitor.preview_id(BETA))
    visitor.confirm(visitor.preview_id(BETA_RECAST))
    newest, first = load_ids(visitor)[:2]
    page = visitor.post(f"/loads/{first}/undo").get_data(as_text=True)
    assert "Refused" in page and newest in page and 'value="confirm"' not in page
    assert 'name="cascade"' in page
    refused = visitor.post(f"/loads/{first}/undo.json", action="confirm")
    assert refused.status_code == 409 and newest in refused.get_json()["error"]["message"]
    cascaded = visitor.post(f"/loads/{first}/undo.json", cascade="yes")
    assert cascaded.get_json()["preview"]["undoes"] == [newest, first]


def test_an_undo_needs_the_token_in_the_session_and_the_csrf_token(backend):
    visitor = Visitor(make_app(backend))
    visitor.confirm(visitor.preview_id(ALPHA))
    stranger = Visitor(make_app(backend))
    no_session = stranger.post("/loads/x/undo.json", action="confirm")
    assert no_session.status_code == 403 and error_code(no_session) == "token_needed"
    forged = token_holder(backend).client.post("/loads/x/undo.json", data={"action": "confirm"})
    assert forged.status_code in (400, 403)


def test_the_load_page_compares_with_a_later_load(backend):
    visitor = token_holder(backend)
    visitor.confirm(visitor.preview_id(BETA))
    visitor.confirm(visitor.preview_id(BETA_RECAST))
    newest, first = load_ids(visitor)[:2]
    page = visitor.get(f"/loads/{first}").get_data(as_text=True)
    assert f'<option value="{newest}">' in page
    net = visitor.get(f"/loads/{first}.json?compare={newest}").get_json()
    assert net["diff"]["loads"] == [first, newest]
    added = {(node["label"], node["key"]) for node in net["diff"]["nodes"]["added"]}
    assert {("Person", "bo-beta"), ("Person", "cy-gamma")} <= added
    # a pasted listing is named by its content: the recast is another listing
    assert net["counts"]["listings_created"] == 2 and net["counts"]["nodes_removed"] == 0
