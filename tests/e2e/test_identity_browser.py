"""A researcher in a real browser: a person found by identifier among namesakes, and a
series with its seasons and episodes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e


def test_a_person_page_by_identifier_shows_who_they_are(catalogue_page):
    page = catalogue_page
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/person/imdb:nm0000002")
    expect(page.locator("h1")).to_have_text("David Smith (b. 1962)")
    expect(page).to_have_title("David Smith (b. 1962) — screengraph")
    link = page.locator("dl.facts a", has_text="imdb:nm0000002")
    expect(link).to_have_attribute("href", "https://www.imdb.com/name/nm0000002/")
    expect(page.locator(".subtitle")).to_have_text("1962–2020 · composer, music department")
    expect(page.get_by_role("region", name="Composer")).to_contain_text("additional music")
    expect(page.locator(".graph-caption")).to_contain_text("Showing")
    shot(page, "30-person-by-identifier")
    # The namesakes, told apart where the researcher types a name.
    page.goto("/search?q=David+Smith")
    for shown in (
        "David Smith (b. 1950)",
        "David Smith (b. 1962)",
        "David Smith (tmdb:person/488)",
    ):
        expect(page.locator(".results")).to_contain_text(shown)
    page.goto("/connect")
    page.fill("#from", "David Smith")
    suggestion = page.locator(".listbox li", has_text="David Smith (b. 1950)").first
    suggestion.click()
    expect(page.locator("input[name=from_key]")).to_have_value("Person:david-smith--nm0000001")
    shot(page, "31-namesake-suggestions")
    assert page.js_errors == [] and refused == []


def test_a_series_page_lists_seasons_and_episodes_in_order(catalogue_page):
    page = catalogue_page
    page.goto("/show/tt0000100")
    expect(page.locator("h1")).to_have_text("Spiral")
    expect(page.locator(".subtitle")).to_contain_text("2005–2020 · tv series")
    expect(page.get_by_role("region", name="Seasons")).to_contain_text("Spiral - Season 7")
    first = page.locator("section", has=page.locator("h2", has_text="Season 1 episodes"))
    expect(first.locator("li")).to_have_text(
        ["Pilot — episode 1 · 2005", "Second Body — episode 2 · 2005"]
    )
    second = page.locator("section", has=page.locator("h2", has_text="Season 2 episodes"))
    expect(second.locator("li")).to_have_count(2)
    shot(page, "32-series")
    first.locator("a", has_text="Second Body").click()
    expect(page.locator(".subtitle")).to_contain_text("episode of Spiral, S1E2")
    expect(page.get_by_role("region", name="Episode of")).to_contain_text("Spiral")
    assert page.js_errors == []
