"""Long lists and entity pages in Chromium, on both backends (their queries differ in
each engine's plan): paging, sorting and filtering a 790-show genre; a person's
filmography grouped by role and filtered by years; an entity page at 390 px that puts its
credits and its graph before a long synopsis. No console errors on any page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import open_backend
from tests.e2e.conftest import record_problems, served
from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

pytestmark = pytest.mark.e2e

SHOWS = 790
# 790 war stories, 1950-2019; Vera Prolific directs every 50th and acts in every 10th.
WAR = [
    {
        "title": f"War Story {n:03d}",
        "year": 1950 + n % 70,
        "genres": ["War"],
        "directors": ["Vera Prolific"] if n % 50 == 0 else [],
        "cast": ["Vera Prolific"] if n % 10 == 0 else [],
    }
    for n in range(SHOWS)
]
LONG_SYNOPSIS = "\n\n".join(
    f"Part {n}: a long telling of the story, paragraph after paragraph, " * 6 for n in range(8)
)
LONG_STORY = {
    "title": "The Long Story",
    "year": 2015,
    "synopsis": LONG_SYNOPSIS,
    "directors": ["Ada Director"],
    "cast": ["Ben Actor", "Cy Actor"],
    "genres": ["Drama"],
}


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def site(request):
    """The app on a backend (each in turn) with the 790-show genre, served on loopback."""
    backend = open_backend(request.param, request)
    load_records(backend, "war.jsonl", WAR)
    load_records(backend, "long.jsonl", [LONG_STORY])
    with served(make_app(backend), threads=4) as url:
        yield url


def visit(browser, site, width: int):
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.problems = record_problems(page)
    return context, page


def listed_years(page) -> list[int]:
    notes = page.locator("section.listed .links li .note").all_inner_texts()
    return [int(re.search(r"\d{4}", note).group()) for note in notes]


def test_paging_sorting_and_filtering_a_790_show_genre(browser, site, tmp_path):
    context, page = visit(browser, site, 1200)
    page.goto("/genre/war")  # (the graph view keeps its layout in the address's #fragment)
    expect(page.locator(".list-count")).to_have_text(f"1–50 of {SHOWS} shows.")
    expect(page.locator("section.listed .links li")).to_have_count(50)
    page.click("a[rel=next]")  # starts after the last row's sort key, numbered by offset
    expect(page).to_have_url(re.compile(r"/genre/war\?.*offset=50"))
    assert re.search(r"after=[\w-]+", page.url)
    expect(page.locator(".list-count")).to_have_text(f"51–100 of {SHOWS} shows.")
    expect(page.locator("section.listed .links li").first).to_contain_text("War Story 050")
    page.click(".pager a:has-text('Last')")  # the list read backwards: no offset to skip
    expect(page.locator(".list-count")).to_have_text(f"751–{SHOWS} of {SHOWS} shows.")
    expect(page.locator("section.listed .links li").last).to_contain_text("War Story 789")
    expect(page.locator("a[rel=next]")).to_have_count(0)
    page.click("a[rel=prev]")  # ends before the first row's sort key
    expect(page).to_have_url(re.compile(r"offset=700"))
    assert re.search(r"before=[\w-]+", page.url)
    expect(page.locator(".list-count")).to_have_text(f"701–750 of {SHOWS} shows.")
    expect(page.locator("section.listed .links li").first).to_contain_text("War Story 700")
    page.click(".list-sorts a:has-text('oldest first')")
    expect(page).to_have_url(re.compile(r"\?sort=year(#.*)?$"))  # a new order starts at its top
    assert listed_years(page) == sorted(listed_years(page)) and listed_years(page)[0] == 1950
    page.click(".list-filter-box summary")
    page.fill("#f-from", "1960")
    page.fill("#f-to", "1961")
    page.fill("#f-title", "story 1")
    page.click(".list-filter button[type=submit]")
    expected = [s for s in WAR if 1960 <= s["year"] <= 1961 and " 1" in s["title"]]
    expect(page.locator(".list-count")).to_contain_text(
        f"1–{len(expected)} of {len(expected)} shows within the filters"
    )
    assert set(listed_years(page)) == {1960, 1961}
    assert "year_from=1960" in page.url and "sort=year" in page.url  # the sort was kept
    page.screenshot(path=str(tmp_path / "genre-filtered.png"), full_page=True)
    page.click("a:has-text('clear them')")
    expect(page.locator(".list-count")).to_have_text(f"1–50 of {SHOWS} shows.")
    assert page.problems == []
    context.close()


def test_a_filmography_is_grouped_by_role_newest_first_and_filtered_by_years(
    browser, site, tmp_path
):
    context, page = visit(browser, site, 1200)
    page.goto("/person/vera-prolific")
    headings = page.locator("section.card h2").all_inner_texts()
    assert headings.index("Known for") < headings.index("Director") < headings.index("Cast")
    expect(page.locator(".list-groups")).to_have_text("Roles: director (16) · cast (79)")
    cast = page.locator("section.card", has=page.locator("h2", has_text="Cast"))
    years = [int(y) for y in re.findall(r"— (\d{4})", cast.inner_text())]
    assert years == sorted(years, reverse=True) and len(years) == 79
    page.click(".list-groups a:has-text('cast (79)')")
    page.click(".list-filter-box summary")
    page.fill("#f-from", "1990")
    page.fill("#f-to", "1999")
    page.click(".list-filter button[type=submit]")
    acted = [s for s in WAR if s["cast"] and 1990 <= s["year"] <= 1999]
    expect(page.locator(".list-count")).to_contain_text(
        f"1–{len(acted)} of {len(acted)} credits within the filters"
    )
    assert sorted(listed_years(page), reverse=True) == sorted(
        (s["year"] for s in acted), reverse=True
    )
    assert page.locator("section.card h2", has_text="Director").count() == 0
    page.screenshot(path=str(tmp_path / "filmography.png"), full_page=True)
    assert page.problems == []
    context.close()


def test_on_a_phone_the_credits_and_graph_come_before_a_long_synopsis(browser, site, tmp_path):
    context, page = visit(browser, site, 390)
    page.goto("/show/the-long-story--2015")
    expect(page).to_have_title("The Long Story (2015) — screengraph")

    def top(selector: str) -> float:
        return page.locator(selector).first.bounding_box()["y"]

    assert top(".infobox") < top("h2:has-text('Cast')") < top("#graph") < top("#synopsis")
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    wide_context, wide = visit(browser, site, 1200)
    wide.goto("/show/the-long-story--2015")
    # On a wide screen the synopsis sits beside the credits, near the top.
    synopsis, cast = (
        wide.locator("#synopsis").bounding_box(),
        wide.locator("h2:has-text('Cast')").bounding_box(),
    )
    assert synopsis["x"] > cast["x"] and synopsis["y"] < 900
    assert page.problems == [] and wide.problems == []
    wide_context.close()
    context.close()
