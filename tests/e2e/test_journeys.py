"""A researcher's journeys in Chromium, on both backends where their data differ: search that
takes you to the entity (keyboard and mouse, typos included), connect with an ambiguous name
and a longer search, and every kind of page free of console errors, warnings and failed
requests. Screenshots go to each test's tmp dir."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import open_backend
from tests.e2e.conftest import record_problems, served
from tests.queries.conftest import load_records, load_seed
from tests.webapp.conftest import make_app

pytestmark = pytest.mark.e2e

# Martin Scorsese directs four films, so he outranks the other Martins; two Jo Smiths
# (told apart by birth year) make "Jo Smith" ambiguous.
EXTRA = [
    {"title": f"Film {n}", "year": 1990 + n, "directors": ["Martin Scorsese"]} for n in range(4)
] + [
    {"title": "Quiet One", "year": 2001, "directors": ["Martin Scorza"]},
    {
        "title": "Smith Story",
        "year": 2001,
        "credits": [
            {"name": "Jo Smith", "ids": ["imdb:nm0000011"], "birth_year": 1950, "category": "actor"}
        ],
    },
    {
        "title": "Other Smith Story",
        "year": 2002,
        "cast": ["Léa Drucker"],
        "credits": [
            {"name": "Jo Smith", "ids": ["imdb:nm0000012"], "birth_year": 1970, "category": "actor"}
        ],
    },
]


@pytest.fixture(params=["embedded", "neo4j"])
def site(request):
    """The app on a fresh backend (each in turn) with the seed and EXTRA, served on loopback."""
    backend = open_backend(request.param, request)
    load_seed(backend)
    load_records(backend, "extra.jsonl", EXTRA)
    with served(make_app(backend), threads=4) as url:
        yield url


@pytest.fixture
def watched(browser, site, tmp_path):
    """A page that records console errors and warnings, uncaught errors and failed requests."""
    context = browser.new_context(base_url=site, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.problems = record_problems(page)
    page.shot = lambda name: page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    yield page
    context.close()


def test_search_boxes_open_the_chosen_entity_by_keyboard_and_mouse(watched):
    page = watched
    page.goto("/")
    page.fill("#home-q", "lea druk")  # a typo inside the word
    expect(page.locator(".listbox li").first).to_contain_text("Léa Drucker")
    page.shot("search-home-suggestions")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/person/lea-drucker$"))
    expect(page.locator("h1")).to_have_text("Léa Drucker")
    page.fill("#header-q", "martin scorces")
    suggestion = page.locator(".header-search .listbox li").first
    expect(suggestion).to_contain_text("Martin Scorsese")
    page.shot("search-header-suggestions")
    suggestion.click()
    expect(page.locator("h1")).to_have_text("Martin Scorsese")
    assert page.url.endswith("/person/martin-scorsese")
    page.fill("#header-q", "martin")
    page.press("#header-q", "Enter")  # nothing chosen: the search page, most credited first
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.locator(".results li").first).to_contain_text("Martin Scorsese")
    expect(page.locator(".result-count")).to_contain_text("2 results")
    page.shot("search-results")
    assert page.problems == []


def test_connect_an_ambiguous_name_then_search_longer_then_from_an_entity(watched):
    page = watched
    page.goto("/connect")
    page.fill("#from", "Jo Smith")
    page.fill("#to", "Eric Rochant")
    page.press("#to", "Escape")
    page.select_option("#max_hops", "2")
    page.click("button:has-text('Find the path')")
    expect(page.locator(".error-box")).to_contain_text("Which one?")
    expect(page.locator("#from")).to_have_value("Jo Smith")  # the form kept what was typed
    expect(page.locator("#max_hops")).to_have_value("2")
    page.shot("connect-ambiguous")
    page.click(".candidates a:has-text('Jo Smith (b. 1970)')")
    expect(page.locator(".notice")).to_contain_text("No connection within 2 hops")
    page.shot("connect-too-short")
    page.click("a:has-text('Search up to 10 hops')")
    expect(page.locator(".path-sentence")).to_contain_text(
        "Jo Smith (b. 1970) acted in Other Smith Story, starring Léa Drucker, who acted in "
        "The Bureau"
    )
    expect(page.locator(".graph-view canvas").first).to_be_visible()
    page.shot("connect-longer")
    page.goto("/show/team-dronix")
    page.click("a:has-text('Connect from here')")
    expect(page.locator("#from")).to_have_value("Team Dronix")
    expect(page.locator("#to")).to_be_focused()
    page.keyboard.type("Léa Dru")
    page.locator(".listbox li", has_text="Léa Drucker").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.click("button:has-text('Find the path')")
    expect(page.locator(".path-sentence")).to_contain_text(
        "Team Dronix was made by Federation Entertainment, which made The Bureau, starring "
        "Léa Drucker"
    )
    page.shot("connect-from-here")
    # The ambiguous name's 400 is the only failed request, and it is the page itself.
    assert [p for p in page.problems if "status of 400" not in p and "HTTP 400" not in p] == []


PAGES = [
    "/",
    "/search?q=bureau",
    "/search?q=lea+druk",
    "/show/the-bureau",
    "/person/eric-rochant",
    "/company/federation-entertainment",
    "/genre/drama",
    "/connect",
    "/connect?from=L%C3%A9a+Drucker&to=Team+Dronix",
    "/console",
    "/queries",
    "/queries/top_people",
    "/loads",
    "/ingest",
]


def test_every_kind_of_page_loads_without_console_errors_or_failed_requests(watched):
    page = watched
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.problems == [], path
    page.goto("/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("MATCH p = (:Person)-[:DIRECTED]->(:Show) RETURN p LIMIT 1")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".result-summary")).to_contain_text("1 row")
    page.click("button[role=tab]:has-text('Graph')")
    expect(page.locator(".console-results .graph-view canvas").first).to_be_visible()
    icon = page.evaluate("fetch(document.querySelector('link[rel=icon]').href).then(r => r.status)")
    assert icon == 200
    page.shot("console")
    assert page.problems == []
    # A wrong-case address lands on the entity; a wrong one is a helpful 404.
    page.goto("/person/Eric%20Rochant")
    expect(page.locator("h1")).to_have_text("Eric Rochant")
    page.goto("/person/eric-rochan")
    expect(page.locator(".error-box a", has_text="Eric Rochant")).to_have_attribute(
        "href", "/person/eric-rochant"
    )
    page.click("a:has-text('Search for it')")
    expect(page.locator(".results li").first).to_contain_text("Eric Rochant")
    page.shot("not-found-then-search")
    assert [p for p in page.problems if not p.endswith("/person/eric-rochan")] == []


def test_the_front_end_loads_its_chunks_under_a_path_prefix(browser, prefixed_site):
    """The graph view's and the console's chunks resolve against app.js, wherever it is
    served (they were fetched from /static/dist/ at the site root: 404 behind the proxy)."""
    context = browser.new_context(base_url=prefixed_site)
    page = context.new_page()
    assets: list[str] = []
    page.on(
        "response",
        lambda r: (
            assets.append(
                f"{'ok' if r.status in (200, 304) else r.status} {r.url.split(prefixed_site)[1]}"
            )
            if "/static/" in r.url
            else None
        ),
    )
    page.goto("/sg/show/the-bureau")
    expect(page.locator(".graph-view canvas").first).to_be_visible()  # its chunk and its data
    page.goto("/sg/console")
    expect(page.locator(".cm-content")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert sorted(set(assets)) == [
        f"ok /sg/static/dist/{name}"
        for name in (
            "app.css",
            "app.js",
            "console.js",
            "favicon.svg",
            "graph-view.js",
            "results-view.js",
        )
    ]
    context.close()
