"""A maintainer undoes a load from its page (Chromium): gives the ingest token, opens the
newest load, previews the undo, confirms it; a load a later one depends on is refused,
with the reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from screengraph.graph.checksum import LOAD_TIMES, graph_checksum
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.loaders.pipeline import Loader
from tests.e2e.conftest import _page, served, shot
from tests.maintainers import named, newest
from tests.webapp.conftest import INGEST_TOKEN, make_app

pytestmark = pytest.mark.e2e

HEAT = {"title": "Heat", "year": 1995, "directors": ["Michael Mann"], "genres": ["Crime"]}
THIEF = {"title": "Thief", "year": 1981, "directors": ["Michael Mann"], "cast": ["James Caan"]}


@pytest.fixture
def store(tmp_path):
    backend = FalkorBackend(tmp_path / "store", "undo-e2e")
    backend.ensure_schema()
    with served(make_app(backend), threads=2) as url:
        yield backend, url
    backend.close()


@pytest.fixture
def undo_page(browser, store):
    yield from _page(browser, store[1])


def test_a_maintainer_undoes_a_load_from_its_page(undo_page, store):
    backend, _ = store
    page = undo_page
    Loader(backend).load([named("films", HEAT)])
    before = graph_checksum(backend, LOAD_TIMES)
    Loader(backend).load([named("films", HEAT, THIEF)])
    mistake = newest(backend)

    page.goto("/loads")
    page.fill("#token", INGEST_TOKEN)
    page.click(".loads-form button")
    page.click(f"a:text('{mistake}')")
    expect(page.locator("h1")).to_have_text(f"Load {mistake}")
    page.click("#undo")
    expect(page.locator("#preview-h")).to_have_text("Preview: nothing undone yet")
    expect(page.locator("table.diff")).to_contain_text("james-caan")
    expect(page.locator("table.diff")).to_contain_text("remove")
    shot(page, "undo-preview")
    assert graph_checksum(backend, LOAD_TIMES) != before  # a preview writes nothing

    page.click("#confirm")
    expect(page.locator("#done-h")).to_have_text("Undone")
    shot(page, "undo-done")
    assert graph_checksum(backend, LOAD_TIMES) == before
    page.goto(f"/loads/{mistake}")
    expect(page.locator("#undone")).to_contain_text("Undone by")
    assert page.goto("/show/thief--1981").status == 404
    assert page.js_errors == []


def test_an_undo_a_later_load_depends_on_is_refused_with_the_reason(undo_page, store):
    backend, _ = store
    page = undo_page
    Loader(backend).load([named("films", HEAT)])
    first = newest(backend)
    Loader(backend).load([named("films", {**HEAT, "synopsis": "Heist."})])
    later = newest(backend)

    page.goto("/loads")
    page.fill("#token", INGEST_TOKEN)
    page.click(".loads-form button")
    page.goto(f"/loads/{first}")
    page.click("#undo")
    expect(page.locator("#refused")).to_contain_text(later)
    expect(page.locator("#confirm")).to_have_count(0)
    page.click("#cascade")
    expect(page.locator("main")).to_contain_text(f"load {later}, then load {first}")
    page.click("#confirm")
    expect(page.locator("#done-h")).to_have_text("Undone")
    assert backend.run_read("MATCH (s:Show) RETURN count(s)").value() == 0
    assert page.js_errors == []
