"""A maintainer merges a likely duplicate from the duplicates page (Chromium): a preview,
a confirmation, and the person then appears merged on their page and in search."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from screengraph.graph.falkor_backend import FalkorBackend
from tests.e2e.conftest import _page, served, shot
from tests.loaders.test_merge import WIRE, WIRE_ELSEWHERE, WIRE_EPISODE
from tests.queries.conftest import load_records
from tests.webapp.conftest import INGEST_TOKEN, make_app
from tests.webapp.test_duplicates_page import CREW

pytestmark = pytest.mark.e2e


@pytest.fixture
def merge_page(browser, tmp_path):
    """A server of its own: the merge changes its graph."""
    backend = FalkorBackend(tmp_path / "store", "e2e-merge")
    backend.ensure_schema()
    load_records(backend, "crew.jsonl", CREW)
    with served(make_app(backend), threads=2) as url:
        yield from _page(browser, url)
    backend.close()


def test_a_duplicate_is_merged_from_the_web_and_appears_merged(merge_page):
    page = merge_page
    page.goto("/duplicates")
    page.fill("#token", INGEST_TOKEN)
    page.click("form.duplicates-token button")
    expect(page.locator("main")).to_contain_text("No search among Person yet")
    page.click("form.duplicates-form button")  # the search runs in the background
    # The page reloads itself until the search is done, then shows its result.
    expect(page.locator("p.duplicates-ran")).to_contain_text("The store has not changed since")
    expect(page.locator("table.duplicates")).to_contain_text("1 shared collaborator.")
    page.click("form.merge-pair button")
    expect(page.locator("h1")).to_have_text("Merge Matthieu Kassovitz into Mathieu Kassovitz?")
    expect(page.locator("dl.merge-preview")).to_contain_text("1 on 1 show")
    page.fill("#why", "one director, two spellings")
    page.click("form.merge-confirm button")
    expect(page.locator("h1")).to_have_text("Merged")
    shot(page, "merge-done")
    page.click("p.merge-done a")
    expect(page.locator("h1")).to_contain_text("Kassovitz")
    main = page.locator("main")
    expect(main).to_contain_text("La Haine")
    expect(main).to_contain_text("Métisse")
    expect(page.locator("section.decisions")).to_contain_text(
        "Matthieu Kassovitz [matthieu-kassovitz] merged into"
    )
    expect(page.locator("section.decisions")).to_contain_text("one director, two spellings")
    page.goto("/search?q=Kassovitz")
    expect(page.locator("main a", has_text="Kassovitz")).to_have_count(1)
    assert page.goto("/person/matthieu-kassovitz").status == 200  # the old link, redirected
    assert page.url.endswith("/person/mathieu-kassovitz")
    page.goto("/decisions")
    expect(page.locator("table.decisions")).to_contain_text("one director, two spellings")
    assert page.js_errors == []
    # The search's result is kept; the page says the merge changed the store since.
    page.goto("/duplicates")
    expect(page.locator("p.duplicates-ran")).to_contain_text("The store has changed since")
    # Split… stays on one line on a phone and on a laptop.
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/decisions")
        button = page.locator("form.split-decision button")
        expect(button).to_be_visible()
        lines = button.evaluate(
            "b => { const r = document.createRange(); r.selectNodeContents(b);"
            " return r.getClientRects().length; }"
        )
        assert lines == 1, f"Split… wraps onto {lines} lines at {width} px"
        shot(page, f"decisions-{width}")
    assert page.js_errors == []


@pytest.fixture
def shows_page(browser, backend):
    """A server of its own over two catalogues' listings of one series ("The Wire" /
    "Wire, The"), on each backend: the merge changes its graph."""
    for name, records in (("hbo.jsonl", [WIRE]), ("guide.jsonl", [WIRE_ELSEWHERE, WIRE_EPISODE])):
        load_records(backend, name, records)
    with served(make_app(backend), threads=2) as url:
        yield from _page(browser, url)


def test_two_shows_are_merged_from_the_web_and_a_yearless_listing_lands_on_the_survivor(
    shows_page,
):
    page = shows_page
    page.goto("/duplicates")
    page.fill("#token", INGEST_TOKEN)
    page.click("form.duplicates-token button")
    page.select_option("#label", "Show")
    page.click("form.duplicates-form button")
    expect(page.locator("p.duplicates-ran")).to_contain_text("Last search among Show")
    pair = page.locator("table.duplicates tr", has_text="Wire, The")
    expect(pair).to_contain_text("The Wire")
    pair.locator("form.merge-pair button").click()
    expect(page.locator("h1")).to_contain_text("Merge")
    # Keep the HBO title, whichever side the finder put first.
    if "Merge The Wire into" in page.locator("h1").inner_text():
        page.click("form.merge-swap button")
    expect(page.locator("h1")).to_have_text("Merge Wire, The into The Wire?")
    expect(page.locator("dl.merge-preview")).to_contain_text("Wire, The")
    page.fill("#why", "one series, two catalogues")
    page.click("form.merge-confirm button")
    expect(page.locator("h1")).to_have_text("Merged")
    shot(page, "merge-shows-done")
    # The survivor keeps its key; it is shown by its most attested title (two listings
    # of the guide's against HBO's one), as the preview said.
    expect(page.locator("p.merge-done")).to_contain_text("was merged into Wire, The")
    page.click("p.merge-done a")
    assert page.url.endswith("/show/the-wire--2002")
    main = page.locator("main")
    for what in ("Dominic West", "Idris Elba", "HBO", "The Target", "Sur écoute"):
        expect(main).to_contain_text(what)
    assert page.goto("/show/wire-the--2002").status == 200  # the old link, redirected
    assert page.url.endswith("/show/the-wire--2002")

    # A listing naming the merged title without a year: the preview says it joins the
    # survivor by the merge decision, and confirming puts the credit there.
    page.goto("/ingest")
    page.fill("#token", INGEST_TOKEN)
    page.fill("#text", json.dumps({"title": "Wire, The", "cast": ["Wood Harris"]}))
    page.click("button[value=preview]")
    row = page.locator("table.names tr", has_text="Wire, The")
    expect(row).to_contain_text("merge decision")
    page.click("button[value=confirm]")
    expect(page.locator("main")).to_contain_text("loaded 1")
    page.goto("/show/the-wire--2002")
    expect(page.locator("main")).to_contain_text("Wood Harris")
    # No new show of the old title: its link, too, leads to the survivor.
    assert page.goto("/show/wire-the").status == 200
    assert page.url.endswith("/show/the-wire--2002")
    assert page.js_errors == []
