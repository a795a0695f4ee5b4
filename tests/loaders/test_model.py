"""The listing record: what it accepts, what it refuses, and what it warns about."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from screengraph.loaders.model import Listing, ParsedRecord, SourceRef, explain


def refused(**fields) -> str:
    with pytest.raises(ValidationError) as caught:
        Listing.model_validate(fields)
    return explain(caught.value)


def test_names_are_cleaned_of_nbsp_tabs_invisible_characters_and_extra_spaces():
    listing = Listing(
        title="  The\u00a0Bureau ", cast=[" Léa\u00a0 Drucker", "Mathieu\tKassovitz\u200b"]
    )
    assert listing.title == "The Bureau"
    assert listing.cast == ["Léa Drucker", "Mathieu Kassovitz"]


def test_a_single_name_is_a_list_of_one():
    assert Listing(title="X", genres="Drama").genres == ["Drama"]


def test_blank_or_unreadable_names_are_refused_with_their_position():
    assert refused(title="X", cast=["A", " \u00a0"]) == "'cast' name 2 is empty"
    assert (
        refused(title="X", writers=["A", "B", "—"])
        == "'writers' name 3 ('—') has no letters or digits"
    )
    assert refused(title=" ") == "'title' must not be blank"
    assert refused(title="?!") == "'title' '?!' has no letters or digits"
    assert refused(cast=["A"]) == "'title' is required"
    assert refused(title="X", episodes=10) == "'episodes' is not a listing field"


def test_years_are_whole_numbers_in_a_plausible_range():
    assert Listing(title="X", year="1933").year == 1933
    assert refused(title="X", year=1869) == "'year' must be between 1870 and 2100, got 1869"
    assert refused(title="X", year=True) == "'year' must be a whole number, got true/false"
    assert refused(title="X", year=1933.5).startswith("'year' must be a whole number")


def test_synopsis_keeps_paragraphs_but_not_stray_spacing():
    listing = Listing(title="X", synopsis="  One\r\n  line.\r\n\r\n\r\n\r\nTwo\u00a0 words. ")
    assert listing.synopsis == "One\nline.\n\nTwo words."
    assert Listing(title="X", synopsis="  \n ").synopsis is None


def test_extra_fields_get_snake_case_property_names():
    listing = Listing(
        title="X",
        extra={
            "Episodes": 10,
            "Original Title": " Le  Bureau ",
            "Languages": ["French", " ", "Arabic"],
            "Colour": True,
        },
    )
    assert listing.extra == {
        "episodes": 10,
        "original_title": "Le Bureau",
        "languages": ["French", "Arabic"],
        "colour": True,
    }
    assert Listing.model_validate(listing.model_dump()) == listing


def test_extra_values_must_be_simple():
    assert (
        refused(title="X", extra={"ratings": {"imdb": 8}})
        == "extra field 'ratings' must be text, a number, true/false or a list of text"
    )
    assert refused(title="X", extra={"!!": 1}) == "the field name '!!' has no letters or digits"


def test_warnings_cross_check_people_shows_and_unknown_fields():
    listing = Listing(
        title="The Bureau",
        directors=["Eric Rochant"],
        cast=["Léa Drucker"],
        people=["Eric Rochant", "Lea Drucker", "Someone Idle"],
        shows=["Spiral"],
        extra={"Episodes": 10},
    )
    assert listing.warnings({"episodes": "Episodes"}) == [
        "'Someone Idle' is listed under People but has no role",
        "the title 'The Bureau' is missing from Shows",
        "unknown field 'Episodes' kept as property 'episodes'",
    ]
    assert listing.warnings()[-1] == "unknown field 'episodes' kept as property 'episodes'"


def test_role_holders_missing_from_people_are_reported_only_when_people_is_given():
    assert Listing(title="X", cast=["A"]).warnings() == []
    assert Listing(title="X", cast=["A"], people=["B"]).warnings() == [
        "'B' is listed under People but has no role",
        "'A' has a role but is missing from People",
    ]


def test_a_parsed_record_holds_a_listing_or_a_reason():
    ref = SourceRef(source_id="x.json#1", file="x.json", line=1, record=1)
    rejected = ParsedRecord(ref=ref, error="record 1 (line 1): the listing has no title")
    assert rejected.listing is None
    for wrong in ({}, {"error": " "}, {"listing": Listing(title="X"), "error": "why"}):
        with pytest.raises(ValidationError):
            ParsedRecord(ref=ref, **wrong)
