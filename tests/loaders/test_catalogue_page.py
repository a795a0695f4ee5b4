"""Reading the real catalogue page, however it was saved."""

from __future__ import annotations

import pytest

from screengraph.loaders.catalogue_page import parse_page
from tests.conftest import SAMPLE_PAGE

SEED = SAMPLE_PAGE.read_text(encoding="utf-8")


def only(records):
    records = list(records)
    assert len(records) == 1
    return records[0]


def listing_of(text, name="the-bureau.txt"):
    record = only(parse_page(text, name))
    assert record.error is None, record.error
    return record.listing


def test_seed_page_gives_every_field_of_the_listing():
    record = only(parse_page(SEED, "samples/the-bureau.txt"))
    assert record.error is None and record.warnings == []
    assert record.ref.source_id == "the-bureau.txt" and record.ref.file == "samples/the-bureau.txt"
    listing = record.listing
    assert listing.title == "The Bureau"
    assert listing.directors == ["Eric Rochant"]
    assert listing.producers == ["Alex Berger"]
    assert listing.executive_producers == ["Eric Rochant", "Alex Berger", "Pascal Breton"]
    assert listing.writers == ["Eric Rochant"]
    assert listing.cast == [
        "Mathieu Kassovitz",
        "Jean-Pierre Darroussin",
        "Sara Giraudeau",
        "Léa Drucker",
    ]
    assert listing.genres == ["Drama"]
    assert listing.companies == ["Federation Entertainment"]
    assert listing.related_shows == [
        "Spiral - Season 7",
        "Dream the Future",
        "Paris 1900, the City of Lights",
        "To Kill a Queen",
        "Team Dronix",
    ]
    assert listing.shows == ["The Bureau"] and len(listing.people) == 7
    assert listing.year is None and listing.extra == {}


def test_synopsis_keeps_its_paragraphs_and_typography():
    synopsis = listing_of(SEED).synopsis
    paragraphs = synopsis.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("Within the French secret service")
    assert paragraphs[1].endswith("The Office of Legends a.k.a The Bureau.")
    assert "Cyclone’s whereabouts" in paragraphs[3] and "“normal”" in paragraphs[5]
    assert synopsis.endswith("he is willing to take risks…for him and the Bureau.")
    assert "related content" not in synopsis and "Spiral" not in synopsis


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("\n", "\r"),
        lambda t: "\ufeff" + t,
        lambda t: "\ufeff" + t.replace("\n", "\r\n").replace(" ", "\u00a0"),
        lambda t: t.replace("Director: Eric Rochant", "Director :Eric Rochant"),
        lambda t: t.replace("Director: ", "Director:\t"),
        lambda t: t.replace(
            "Cast: Mathieu Kassovitz,Jean-Pierre Darroussin,",
            "Cast :\u00a0 Mathieu  Kassovitz ,  Jean-Pierre Darroussin,\u00a0",
        ),
        lambda t: t.replace(
            "Eric Rochant,Alex Berger,Pascal Breton", "Eric Rochant, Alex Berger, Pascal Breton"
        ),
        lambda t: t.replace("\n", "  \n"),
        lambda t: t.replace("\n\n", "\n\nPlease wait...\n\n"),
        lambda t: (
            t.replace("Director:", "Directors:")
            .replace("Writer:", "Writers:")
            .replace("Executive Producer:", "Executive Producers:")
            .replace("Genres:", "Genre:")
        ),
        lambda t: t.replace("Director:", "DIRECTOR:").replace(
            "Executive Producer:", "executive producer:"
        ),
    ],
    ids=[
        "crlf",
        "cr",
        "bom",
        "bom-crlf-nbsp",
        "space-before-colon",
        "tab",
        "odd-spacing-nbsp",
        "spaces-after-commas",
        "trailing-spaces",
        "more-noise",
        "plurals",
        "case",
    ],
)
def test_the_same_page_saved_differently_gives_the_same_listing(mangle):
    assert listing_of(mangle(SEED)) == listing_of(SEED)


def test_unknown_fields_are_kept_and_reported():
    page = SEED.replace(
        "Genres: Drama",
        "Genres: Drama\n\nYear: 2015\n\nEpisodes: 10\n\nLanguage: French\n\n"
        "Original Title: Le Bureau des légendes",
    )
    record = only(parse_page(page, "the-bureau.txt"))
    assert record.listing.year == 2015
    assert record.listing.extra == {
        "episodes": 10,
        "language": "French",
        "original_title": "Le Bureau des légendes",
    }
    assert "the-bureau.txt: unknown field 'Episodes' kept as property 'episodes'" in record.warnings
    assert (
        "the-bureau.txt: unknown field 'Original Title' kept as property 'original_title'"
        in record.warnings
    )
    assert len(record.warnings) == 3


def test_a_year_that_is_not_a_year_is_kept_as_text_with_a_warning():
    record = only(
        parse_page(SEED.replace("Genres: Drama", "Genres: Drama\nYear: 2015-2020"), "p.txt")
    )
    assert record.listing.year is None
    assert record.listing.extra == {"year_text": "2015-2020"}
    assert record.warnings == [
        "p.txt line 17: 'Year' is '2015-2020', not a year from 1870 to "
        "2100; kept as property 'year_text'"
    ]


def test_country_and_source_url_go_to_their_own_fields():
    listing = listing_of(
        SEED.replace(
            "Genres: Drama",
            "Genres: Drama\nCountry: France\nSource URL: https://example.org/the-bureau",
        )
    )
    assert listing.country == "France" and listing.source_url == "https://example.org/the-bureau"
    assert listing.extra == {}


def test_people_cross_check_warns_about_missing_and_idle_people():
    page = SEED.replace("People: Alex Berger,", "People: Alex Berger, Someone Idle,").replace(
        ", Sara Giraudeau\n", "\n"
    )
    warnings = only(parse_page(page, "p.txt")).warnings
    assert warnings == [
        "p.txt: 'Someone Idle' is listed under People but has no role",
        "p.txt: 'Sara Giraudeau' has a role but is missing from People",
    ]


def test_empty_names_between_commas_are_skipped_with_the_line_named():
    record = only(parse_page(SEED.replace("Mathieu Kassovitz,", "Mathieu Kassovitz,,", 1), "p.txt"))
    assert record.listing.cast == listing_of(SEED).cast
    assert record.warnings == [
        "p.txt line 14: 'Cast' has an empty name between two commas; skipped"
    ]


def test_a_trailing_comma_and_a_name_without_letters_are_skipped_with_warnings():
    record = only(parse_page(SEED.replace("Genres: Drama", "Genres: Drama, —,"), "p.txt"))
    assert record.listing.genres == ["Drama"]
    assert record.warnings == [
        "p.txt line 16: 'Genres' has an empty name after its last comma; skipped",
        "p.txt line 16: 'Genres' has a name with no letters or digits ('—'); skipped",
    ]


def test_a_company_suffix_after_a_comma_stays_with_its_company():
    listing = listing_of(
        SEED.replace(
            "Companies: Federation Entertainment",
            "Companies: Federation Entertainment, Inc., Canal+",
        )
    )
    assert listing.companies == ["Federation Entertainment, Inc.", "Canal+"]


def test_a_page_without_any_title_is_rejected_with_a_reason():
    record = only(parse_page("Please wait...\nDirector: Somebody\n", "empty.txt"))
    assert record.listing is None
    assert record.error == (
        "no title found: the page has no heading, breadcrumb or 'Shows' field naming the show"
    )
    assert record.ref.source_id == "empty.txt" and record.ref.line == 1


def test_an_empty_page_is_rejected_not_an_error():
    assert "no title" in only(parse_page("", "blank.txt")).error


def test_without_a_heading_the_breadcrumb_names_the_show():
    page = SEED.replace("\nThe Bureau\n", "\n", 1).replace("Shows: The Bureau\n", "")
    record = only(parse_page(page, "p.txt"))
    assert record.listing.title == "The Bureau"
    assert record.listing.synopsis == listing_of(SEED).synopsis
    assert (
        "p.txt: the page has no heading; the title 'The Bureau' comes from the breadcrumb"
        in record.warnings
    )


def test_without_heading_or_breadcrumb_a_single_show_names_the_show():
    page = SEED.replace("Home > Screenings > Screenopsis > The Bureau\n", "")
    page = page.replace(
        "Companies: Federation Entertainment\n\nThe Bureau\n",
        "Companies: Federation Entertainment\n",
    )
    assert listing_of(page).title == "The Bureau"
    several = page.replace("Shows: The Bureau", "Shows: The Bureau, Spiral")
    record = only(parse_page(several, "p.txt"))
    assert record.listing is None and "'Shows' field names 2 shows" in record.error


def test_a_heading_with_a_colon_is_the_title_when_the_breadcrumb_agrees():
    page = SEED.replace("The Bureau", "Star Trek: Discovery")
    listing = listing_of(page)
    assert listing.title == "Star Trek: Discovery" and listing.extra == {}


def test_a_heading_that_differs_from_the_breadcrumb_wins_with_a_warning():
    page = SEED.replace("\nThe Bureau\n", "\nLe Bureau des Légendes\n")
    record = only(parse_page(page, "p.txt"))
    assert record.listing.title == "Le Bureau des Légendes"
    assert any("the breadcrumb says 'The Bureau'" in w for w in record.warnings)


def test_related_shows_are_read_even_without_the_related_content_line():
    assert listing_of(SEED.replace("related content\n", "")) == listing_of(SEED)


def test_related_shows_from_other_than_the_company_are_not_loaded():
    page = SEED + "\nMore shows from this genre\n  • Spiral - Season 8\n    Spiral - Season 8\n"
    record = only(parse_page(page, "p.txt"))
    assert record.listing.related_shows == listing_of(SEED).related_shows
    assert any("More shows from this genre" in w for w in record.warnings)


def test_fields_after_the_heading_are_synopsis_text():
    page = SEED.replace(
        "take risks…for him and the Bureau.",
        "take risks…for him and the Bureau.\n\nNote: filmed in Paris",
    )
    listing = listing_of(page)
    assert listing.synopsis.endswith("Note: filmed in Paris") and listing.extra == {}
