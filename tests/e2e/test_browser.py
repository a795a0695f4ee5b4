"""A researcher, an analyst and a maintainer, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.webapp.conftest import INGEST_TOKEN

pytestmark = pytest.mark.e2e


def test_search_open_a_show_and_follow_a_related_show(page):
    page.goto("/")
    shot(page, "01-home")
    page.fill("#home-q", "bureau")
    page.press("#home-q", "Enter")
    expect(page.locator("h1")).to_have_text("Search")
    shot(page, "02-search")
    page.click(".results >> text=The Bureau")
    expect(page.locator("h1")).to_have_text("The Bureau")
    expect(page.locator(".graph-caption")).to_contain_text("Showing")
    shot(page, "03-show")
    page.click("text=Team Dronix >> nth=0")
    expect(page.locator("h1")).to_have_text("Team Dronix")
    expect(page.locator("main")).to_contain_text("Federation Entertainment")
    shot(page, "04-related-show")
    assert page.js_errors == []


def test_find_a_path_between_two_people_with_autocomplete(page):
    page.goto("/connect")
    page.fill("#from", "Léa")
    page.locator(".listbox li", has_text="Léa Drucker").first.click()
    expect(page.locator("input[name=from_key]")).to_have_value("Person:lea-drucker")
    page.fill("#to", "Pascal")
    page.keyboard.press("ArrowDown")
    page.locator(".listbox li", has_text="Pascal Breton").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.click("button:has-text('Find the path')")
    expect(page.locator("#path-h")).to_contain_text("2 hops")
    expect(page.locator("ol.path")).to_contain_text("The Bureau")
    expect(page.locator(".graph-view canvas").first).to_be_visible()
    shot(page, "05-connect")


def test_run_a_console_query_and_switch_to_the_graph_view(page):
    page.goto("/console")
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("MATCH p = (:Person)-[:DIRECTED]->(:Show) RETURN p")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".result-summary")).to_contain_text("1 row")
    expect(page.locator(".console-results table")).to_contain_text("Eric Rochant")
    shot(page, "06-console-table")
    page.click("button[role=tab]:has-text('Graph')")
    expect(page.locator(".console-results .graph-view canvas").first).to_be_visible()
    expect(page.locator(".console-results .graph-caption")).to_contain_text("Showing all 2")
    shot(page, "07-console-graph")
    page.reload()
    page.click("summary:has-text('History')")
    expect(page.locator(".history")).to_contain_text("MATCH p = (:Person)-[:DIRECTED]->(:Show)")


def test_a_write_in_the_console_is_refused_clearly(page):
    page.goto("/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("CREATE (:Show {key: 'sneaky'})")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".console-results .error-box")).to_contain_text("only read queries")


def test_add_a_listing_through_the_form(page):
    page.goto("/ingest")
    page.fill("#token", INGEST_TOKEN)
    page.fill(
        "#text",
        '{"title": "Browser Made Show", "year": 2025, "cast": ["Léa Drucker"], '
        '"companies": ["Federation Entertainment"]}',
    )
    page.click("button[value=preview]")
    expect(page.locator("#preview-h")).to_have_text("Preview: nothing written yet")
    expect(page.locator("main")).to_contain_text("would create")
    shot(page, "08-ingest-preview")
    page.click("button[value=confirm]")
    expect(page.locator("#preview-h")).to_have_text("Loaded")
    shot(page, "09-ingest-loaded")
    page.goto("/show/browser-made-show--2025")
    expect(page.locator("h1")).to_have_text("Browser Made Show")


def test_hostile_names_titles_and_synopses_are_shown_as_text(page):
    page.goto("/search?q=night")
    page.click(".results a")
    expect(page.locator("h1")).to_have_text(
        re.compile(r"^<script>alert\('title'\)</script> Night$")
    )
    expect(page.locator("main")).to_contain_text("<img src=x onerror=alert('synopsis')>")
    expect(page.locator("main")).to_contain_text("<b onmouseover=alert('name')>Bold</b> Person")
    page.locator("text=Bold</b> Person").first.hover()
    shot(page, "10-hostile")
    assert page.dialogs == [], f"a payload ran: {page.dialogs}"
    assert page.locator("main b").count() == 0 and page.locator("main img").count() == 0
