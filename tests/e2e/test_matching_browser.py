"""A maintainer previews a listing that misspells a known person and sees the near-miss
before anything is written; the duplicates page asks for the token, then lists (Chromium)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.webapp.conftest import INGEST_TOKEN

pytestmark = pytest.mark.e2e

MISSPELT = json.dumps(
    {
        "title": "Browser Near Miss Show",
        "year": 1995,
        "cast": ["Matthieu Kassovitz", "Léa Drucker"],
    },
    ensure_ascii=False,
)


def test_the_preview_shows_a_near_miss_warning(page):
    page.goto("/ingest")
    page.fill("#token", INGEST_TOKEN)
    page.fill("#text", MISSPELT)
    page.click("button[value=preview]")
    expect(page.locator("#preview-h")).to_have_text("Preview: nothing written yet")
    row = page.locator("table.names tr.near-miss")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Matthieu Kassovitz")
    expect(row).to_contain_text("be new")
    expect(row.locator("a")).to_have_text("Mathieu Kassovitz")
    expect(page.locator("main")).to_contain_text(
        "Person 'Matthieu Kassovitz' would be new, but 'Mathieu Kassovitz' (mathieu-kassovitz) "
        "exists and is close"
    )
    joined = page.locator("table.names tr", has_text="Léa Drucker")
    expect(joined).to_contain_text("join Léa Drucker by exact key")
    shot(page, "ingest-near-miss")
    row.locator("a").click()
    expect(page.locator("h1")).to_have_text("Mathieu Kassovitz")
    assert page.goto("/show/browser-near-miss-show--1995").status == 404  # nothing written
    assert page.js_errors == []


def test_the_duplicates_page_asks_for_the_token_then_lists(page):
    page.goto("/duplicates")
    page.fill("#token", INGEST_TOKEN)
    page.click("form.duplicates-token button")
    expect(page.locator("main")).to_contain_text("No search among Person yet")
    page.click("form.duplicates-form button")  # a search runs as a job; the page reloads
    expect(page.locator("main")).to_contain_text(re.compile(r"Person nodes? read"), timeout=30_000)
    page.select_option("#label", "Company")
    page.click("form.duplicates-form button")
    expect(page.locator("main")).to_contain_text(re.compile(r"Company nodes? read"), timeout=30_000)
    assert page.js_errors == []
