"""The app mounted under a path prefix behind a proxy (X-Forwarded-Prefix), in Chromium, on
both backends: the graph view's nodes open and expand at addresses under the prefix, as
every other link does (they pointed at the site's root: /person/x, a 404 behind the proxy)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import UnderPrefix, record_problems

pytestmark = pytest.mark.e2e
PREFIX = UnderPrefix.PREFIX


def test_graph_nodes_open_and_expand_under_the_path_prefix(browser, prefixed_site, tmp_path):
    context = browser.new_context(base_url=prefixed_site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems = record_problems(page)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.removeprefix(prefixed_site)))
    page.goto(f"{PREFIX}/show/the-bureau")
    graph = page.locator(".graph-view[data-ready]")
    expect(graph).to_be_visible()
    panel = page.locator(".graph-panel")
    graph.focus()
    page.keyboard.press("n")  # select a neighbour: its details and its page's link
    expect(panel.locator("h3")).not_to_have_text("The Bureau")
    chosen = panel.locator("h3").text_content()
    opened = panel.locator("a.graph-open").get_attribute("href")
    assert opened.startswith(f"{PREFIX}/"), opened
    graph.focus()
    page.keyboard.press("e")  # expand: its neighbours fetched under the prefix
    expect(panel).to_contain_text("neighbours shown")
    page.wait_for_load_state("networkidle")
    expanded = [url for url in fetched if "/neighbours.json" in url]
    assert expanded and all(url.startswith(f"{PREFIX}/") for url in expanded), expanded
    page.screenshot(path=str(tmp_path / "prefixed-graph.png"), full_page=True)
    graph.focus()
    page.keyboard.press("Enter")  # open: the node's page, under the prefix
    expect(page.locator("h1")).to_have_text(chosen)
    assert page.url.removeprefix(prefixed_site) == opened
    twin = page.locator("a:has-text('this page as JSON')").get_attribute("href")
    assert twin == f"{opened}.json", twin  # the footer's link too
    assert problems == []
    context.close()


def test_the_console_runs_and_links_under_the_path_prefix(browser, prefixed_site):
    """The console's requests (its query, the schema sidebar, exports) and the links in its
    results table went to the site's root: behind the proxy, a query never ran."""
    context = browser.new_context(base_url=prefixed_site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems = record_problems(page)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.removeprefix(prefixed_site)))
    page.goto(f"{PREFIX}/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("MATCH (p:Person {name: 'Eric Rochant'}) RETURN p")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".result-summary")).to_contain_text("1 row")
    link = page.locator(".console-results table a:has-text('Eric Rochant')")
    assert link.get_attribute("href") == f"{PREFIX}/person/eric-rochant"
    page.wait_for_load_state("networkidle")
    asked = [url for url in fetched if url.split("?")[0].endswith(".json")]
    assert asked and all(url.startswith(f"{PREFIX}/") for url in asked), asked
    link.click()
    expect(page.locator("h1")).to_have_text("Eric Rochant")
    assert problems == []
    context.close()
