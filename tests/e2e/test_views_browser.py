"""The graph view, the console and the canned queries in Chromium, on both backends: select
and expand by keyboard with true totals and "more", a console permalink opened in a fresh
page, a canned query run with a name. No console errors, warnings or failed requests.
Screenshots go to each test's tmp dir."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import open_backend
from tests.e2e.conftest import record_problems, served
from tests.queries.conftest import load_records, load_seed
from tests.webapp.conftest import make_app

pytestmark = pytest.mark.e2e

# A genre of 100 shows: the page's graph draws 59 of them and the genre (by key); the 20 busiest
# (5 cast members each) are among the last by key, so expanding the genre brings them.
HUB = [
    {
        "title": f"Hub Show {n:02d}",
        "year": 2001,
        "genres": ["Hub"],
        "cast": [f"Hub Cast {n}-{m}" for m in range(5 if n >= 80 else 0)],
    }
    for n in range(100)
]


@pytest.fixture(params=["embedded", "neo4j"])
def site(request):
    backend = open_backend(request.param, request)
    load_seed(backend)
    load_records(backend, "hub.jsonl", HUB)
    with served(make_app(backend), threads=4) as url:
        yield url


def _watched(browser, site, tmp_path, name):
    context = browser.new_context(base_url=site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.problems = record_problems(page)
    page.shot = lambda shot: page.screenshot(path=str(tmp_path / f"{name}-{shot}.png"))
    return context, page


@pytest.fixture
def watched(browser, site, tmp_path):
    context, page = _watched(browser, site, tmp_path, "first")
    yield page
    context.close()


@pytest.fixture
def fresh(browser, site, tmp_path):
    """A second browser context: no history, no storage, nothing shared with `watched`."""
    context, page = _watched(browser, site, tmp_path, "fresh")
    yield page
    context.close()


def _positions(page):
    return page.evaluate(
        "[...document.querySelectorAll('.graph-view')].find(v => v.cy).cy.nodes()"
        ".map(n => [n.id(), Math.round(n.position('x')), Math.round(n.position('y'))])"
    )


def test_graph_select_and_expand_a_hub_by_keyboard_with_true_totals_and_more(watched, fresh):
    page = watched
    page.goto("/genre/hub")
    graph = page.locator(".graph-view[data-ready]")
    expect(graph).to_be_visible()
    caption = page.locator(".graph-caption")
    expect(caption).to_have_text("Showing 60 of 101 entities")
    panel = page.locator(".graph-panel")
    expect(panel.locator("h3")).to_have_text("Hub")  # the page's own entity, selected
    page.shot("hub")

    graph.focus()
    page.keyboard.press("e")  # expand: the best connected first
    expect(caption).to_have_text("Showing 80 entities; Hub: 79 of 100 neighbours shown")
    expect(panel).to_contain_text("79 of 100 neighbours shown")
    page.shot("hub-expanded")
    more = panel.get_by_role("button", name="More neighbours")
    more.focus()
    page.keyboard.press("Enter")
    expect(caption).to_have_text("Showing 101 entities; Hub: 100 of 100 neighbours shown")
    expect(more).to_have_count(0)  # nothing more to bring

    graph.focus()
    page.keyboard.press("n")  # select another node: its details, nothing opens
    expect(panel.locator("h3")).not_to_have_text("Hub")
    chosen = panel.locator("h3").text_content()
    assert page.url.split("#")[0].endswith("/genre/hub")
    page.shot("selected")

    # The permalink: the same picture in a fresh page.
    expect(page).to_have_url(re.compile(r"#graph="))
    page.wait_for_timeout(400)  # the hash follows the last change
    link = page.url
    before = _positions(page)
    fresh.goto(link)
    expect(fresh.locator(".graph-view[data-ready]")).to_be_visible()
    expect(fresh.locator(".graph-caption")).to_have_text(
        "Showing 101 entities; Hub: 100 of 100 neighbours shown"
    )
    expect(fresh.locator(".graph-panel h3")).to_have_text(chosen)
    assert _positions(fresh) == before
    fresh.shot("permalink")

    graph.focus()
    page.keyboard.press("Enter")  # open is explicit
    expect(page.locator("h1")).to_have_text(chosen)
    assert page.problems == [] and fresh.problems == []


def test_console_permalink_opens_the_same_query_params_view_and_results(watched, fresh):
    page = watched
    page.goto("/console")
    expect(page.locator(".cm-editor")).to_be_visible()
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(
        "MATCH (p:Person)-[r]->(s:Show {key: $key}) RETURN p, r, s ORDER BY p.key LIMIT 4"
    )
    page.fill("textarea[name=params]", '{"key": "the-bureau"}')
    page.keyboard.press("Control+Enter")
    expect(page.locator(".console-results table tbody tr")).to_have_count(4)
    rows = page.locator(".console-results table tbody").inner_text()
    page.get_by_role("tab", name="Graph").click()
    expect(page.locator(".console-results .graph-view[data-ready]")).to_be_visible()
    expect(page.locator(".permalink")).to_have_attribute("href", re.compile(r"view=Graph"))
    page.shot("console-graph")
    page.wait_for_timeout(400)
    link = page.url
    assert "query=" in link and "params=" in link and "view=Graph" in link

    fresh.goto(link)
    expect(fresh.get_by_role("tab", name="Graph")).to_have_attribute("aria-selected", "true")
    expect(fresh.locator(".console-results .graph-view[data-ready]")).to_be_visible()
    expect(fresh.locator(".cm-content")).to_have_text(
        "MATCH (p:Person)-[r]->(s:Show {key: $key}) RETURN p, r, s ORDER BY p.key LIMIT 4"
    )
    expect(fresh.locator("textarea[name=params]")).to_have_value('{"key": "the-bureau"}')
    fresh.get_by_role("tab", name="Table").click()
    assert fresh.locator(".console-results table tbody").inner_text() == rows
    fresh.shot("console-permalink")
    assert page.problems == [] and fresh.problems == []


def test_console_saves_a_named_query_and_marks_a_syntax_error(watched):
    page = watched
    page.goto("/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("MATCH (n)\nRETRUN n")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Enter")
    error = page.locator(".console-results .error-box")
    expect(error).to_contain_text("The query cannot be read at line 2")
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    page.shot("syntax-error")
    page.locator(".saved-box summary").click()
    page.fill(".saved-form input", "Broken on purpose")
    page.click(".saved-form button")
    page.reload()
    page.locator(".saved-box summary").click()
    page.click(".saved button:has-text('Broken on purpose')")
    expect(page.locator(".cm-content")).to_contain_text("RETRUN n")
    # The only problem is the 400 that carried the syntax error, logged by the browser.
    assert all("400" in problem for problem in page.problems)


def test_a_canned_query_runs_with_a_name_and_shows_table_graph_and_json(watched):
    page = watched
    page.goto("/queries/collaborators_ranked")
    page.fill("#p-key", "Eric Rochant")
    page.keyboard.press("Escape")
    page.click("button:has-text('Run')")
    table = page.locator(".canned-results table")
    expect(table).to_contain_text("Léa Drucker")
    expect(table.locator("a:has-text('The Bureau')").first).to_have_attribute(
        "href", "/show/the-bureau"
    )  # a nested value is a link
    page.get_by_role("tab", name="Graph").click()
    expect(page.locator(".canned-results .graph-view[data-ready]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=Graph"))
    page.reload()  # the address it shows opens the same view
    expect(page.get_by_role("tab", name="Graph")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".canned-results .graph-view[data-ready]")).to_be_visible()
    page.shot("canned-graph")
    page.get_by_role("tab", name="JSON").click()
    expect(page.locator(".canned-results pre.json")).to_contain_text('"columns"')
    with page.expect_download() as download:
        page.click(".canned-results button:has-text('Download CSV')")
    assert download.value.suggested_filename == "results.csv"
    assert page.problems == []
