"""Reading the real catalogue page, however it was saved."""

from __future__ import annotations

import pytest

from loaders.catalogue_page import parse_page
from tests.conftest import SAMPLE_PAGE

SEED = SAMPLE_PAGE.read_text(encoding="utf-8")


def only(records):
    records = list(records)
    assert len(records) == 1
    return records[0]


def test_seed_page_gives_every_field_of_the_listing():
    record = only(parse_page(SEED, "the-bureau.txt"))
    assert record.error is None and record.warnings == []
    listing = record.listing
    assert listing.title == "The Bureau"
    assert listing.directors == ["Eric Rochant"]
    assert listing.producers == ["Alex Berger"]
    assert listing.executive_producers == ["Eric Rochant", "Alex Berger", "Pascal Breton"]
    assert listing.writers == ["Eric Rochant"]
    assert listing.cast == ["Mathieu Kassovitz", "Jean-Pierre Darroussin", "Sara Giraudeau",
                            "Léa Drucker"]
    assert listing.genres == ["Drama"] and listing.companies == ["Federation Entertainment"]
    assert listing.related_shows == ["Spiral - Season 7", "Dream the Future",
                                     "Paris 1900, the City of Lights", "To Kill a Queen",
                                     "Team Dronix"]
    assert listing.synopsis.startswith("Within the French secret service")
    assert listing.synopsis.endswith("for him and the Bureau.")
    assert len(listing.synopsis.split("\n\n")) == 6
    assert record.ref.source_id == "the-bureau.txt"


@pytest.mark.parametrize("mangle", [
    lambda t: t.replace("\n", "\r\n"),
    lambda t: "\ufeff" + t,
    lambda t: t.replace("\n", "\r"),
    lambda t: t.replace("Cast: Mathieu Kassovitz,Jean-Pierre Darroussin,",
                        "Cast :\u00a0 Mathieu  Kassovitz ,  Jean-Pierre Darroussin,\u00a0"),
    lambda t: t.replace("Director: ", "Director:\t"),
    lambda t: t.replace("Eric Rochant", "Eric\u00a0Rochant"),
], ids=["crlf", "bom", "cr", "odd-spacing-nbsp", "tab", "nbsp-in-name"])
def test_the_same_page_saved_differently_gives_the_same_listing(mangle):
    expected = only(parse_page(SEED, "the-bureau.txt")).listing
    assert only(parse_page(mangle(SEED), "the-bureau.txt")).listing == expected


def test_unknown_fields_are_kept_and_reported():
    page = SEED.replace("Genres: Drama", "Genres: Drama\n\nYear: 2015\n\nEpisodes: 10\n\n"
                                         "Language: French\n\nFormat: 50 x 52'")
    record = only(parse_page(page, "the-bureau.txt"))
    assert record.listing.year == 2015
    assert record.listing.extra == {"Episodes": 10, "Language": "French", "Format": "50 x 52'"}
    assert any("Episodes" in w for w in record.warnings)


def test_people_cross_check_warns_about_missing_and_idle_people():
    page = SEED.replace("People: Alex Berger,", "People: Alex Berger, Someone Idle,").replace(
        ", Sara Giraudeau\n", "\n")
    warnings = only(parse_page(page, "p.txt")).warnings
    assert "'Someone Idle' is listed under People but has no role" in warnings
    assert "'Sara Giraudeau' has a role but is missing from People" in warnings


def test_empty_names_between_commas_are_skipped_with_the_line_named():
    record = only(parse_page(SEED.replace("Mathieu Kassovitz,", "Mathieu Kassovitz,,"), "p.txt"))
    assert record.listing.cast[0:2] == ["Mathieu Kassovitz", "Jean-Pierre Darroussin"]
    assert any("p.txt line 14" in w and "empty name" in w for w in record.warnings)


def test_a_page_without_any_title_is_rejected_with_a_reason():
    record = only(parse_page("Please wait...\nDirector: Somebody\n", "empty.txt"))
    assert record.listing is None and "no title" in record.error
