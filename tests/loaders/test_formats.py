"""JSON, JSON Lines and CSV listings, round trips between the formats, and format detection."""

from __future__ import annotations

import csv
import io
import json

import pytest

from screengraph.loaders.catalogue_page import parse_page
from screengraph.loaders.formats import detect_format, listing_to_json, parse
from screengraph.loaders.model import Listing
from screengraph.loaders.schema_export import SCHEMA_PATH, listing_schema
from tests.conftest import SAMPLE_PAGE

PAGE = SAMPLE_PAGE.read_text(encoding="utf-8")
SEED = next(parse_page(PAGE, "the-bureau.txt")).listing
WITH_EXTRAS = next(
    parse_page(
        PAGE.replace(
            "Genres: Drama", "Genres: Drama\nYear: 2015\nEpisodes: 10\nLanguage: French, Arabic"
        ),
        "the-bureau.txt",
    )
).listing

# Spreadsheet authors write the page's names; both are accepted.
CSV_COLUMNS = {
    "title": "Title",
    "synopsis": "synopsis",
    "directors": "Director",
    "producers": "Producer",
    "executive_producers": "Executive Producer",
    "writers": "Writers",
    "cast": "cast",
    "genres": "Genres",
    "companies": "Companies",
    "related_shows": "related shows",
    "people": "People",
    "shows": "Shows",
    "year": "Year",
    "country": "country",
    "source_url": "source_url",
}


def as_csv(*listings: Listing) -> str:
    rows = [listing_to_json(listing) for listing in listings]
    extras = sorted({name for row in rows for name in row.get("extra", {})})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(CSV_COLUMNS.values()) + [name.capitalize() for name in extras])
    for row in rows:
        cells = [row.get(field, "") for field in CSV_COLUMNS]
        cells += [row.get("extra", {}).get(name, "") for name in extras]
        writer.writerow([";".join(c) if isinstance(c, list) else c for c in cells])
    return out.getvalue()


def only(records):
    records = list(records)
    assert len(records) == 1, records
    assert records[0].error is None, records[0].error
    return records[0]


@pytest.mark.parametrize("listing", [SEED, WITH_EXTRAS], ids=["seed", "with-extras"])
def test_page_to_json_and_back_is_the_same_listing(listing):
    assert Listing.model_validate(listing_to_json(listing)) == listing
    text = json.dumps(listing_to_json(listing), ensure_ascii=False, indent=2)
    assert only(parse(text, "bureau.json")).listing == listing


@pytest.mark.parametrize("listing", [SEED, WITH_EXTRAS], ids=["seed", "with-extras"])
def test_json_jsonl_and_csv_of_the_same_listing_give_the_same_listing(listing):
    as_json = json.dumps([listing_to_json(listing)], ensure_ascii=False)
    as_jsonl = json.dumps(listing_to_json(listing)) + "\n"
    from_json = only(parse(as_json, "bureau.json")).listing
    from_jsonl = only(parse(as_jsonl, "bureau.jsonl")).listing
    from_csv = only(parse(as_csv(listing), "bureau.csv")).listing
    assert from_json == from_jsonl == from_csv == listing


def test_extras_are_typed_the_same_way_in_every_format():
    assert WITH_EXTRAS.year == 2015
    assert WITH_EXTRAS.extra == {"episodes": 10, "language": ["French", "Arabic"]}
    record = only(parse(as_csv(WITH_EXTRAS), "bureau.csv"))
    assert (
        "bureau.csv record 1 (line 2): unknown field 'Episodes' kept as property 'episodes'"
        in record.warnings
    )


def test_a_bad_json_line_is_rejected_and_its_neighbours_still_parse():
    text = (
        '{"title": "First"}\n'
        '{"title": "Broken",\n'
        "\n"
        '{"title": "Third", "cast": 3}\n'
        '{"title": "Fourth", "year": "1976"}\n'
    )
    records = list(parse(text, "films.jsonl"))
    assert [r.listing.title if r.listing else None for r in records] == [
        "First",
        None,
        None,
        "Fourth",
    ]
    assert (records[1].ref.line, records[1].ref.record) == (2, 2)
    assert records[1].error.startswith("record 2 (line 2): not valid JSON")
    assert records[2].error == (
        "record 3 (line 4): 'cast' must be a list of names, got a number (3)"
    )
    assert records[3].listing.year == 1976 and records[3].ref.source_id == "films.jsonl#4"


@pytest.mark.parametrize(
    "record, reason",
    [
        ({"directors": ["Somebody"]}, "the listing has no title"),
        ({"title": "   "}, "the listing has no title"),
        ({"title": "X", "cast": ["A", ""]}, "'cast' name 2 is empty"),
        ({"title": "X", "cast": ["A", 2]}, "'cast' item 2 must be text, got a number (2)"),
        ({"title": "X", "year": 1500}, "'year' must be between 1870 and 2100, got 1500"),
        ({"title": "X", "year": "soon"}, "'year' must be a whole number, got text ('soon')"),
        ({"title": "X", "synopsis": ["a"]}, "'synopsis' must be text, got a list"),
        ({"title": "X", "extra": [1]}, "'extra' must be an object of field names and values"),
        (
            {"title": "X", "Language": "fr", "language": "en"},
            "the fields 'Language' and 'language' would both be kept as property 'language'; rename one",
        ),
        (
            {"title": "X", "runtime": float("nan")},
            "NaN and Infinity are not numbers a listing can hold",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_wrong_records_are_rejected_with_a_plain_reason(record, reason):
    [parsed] = list(parse(json.dumps([{"title": "Fine"}, record]), "films.json"))[1:]
    assert parsed.listing is None
    assert parsed.error == f"record 2 (line 1): {reason}"


def test_json_array_records_carry_their_line():
    text = '[\n  {"title": "A"},\n  {\n    "title": "B"\n  },\n  "oops"\n]\n'
    records = list(parse(text, "films.json"))
    assert [(r.ref.record, r.ref.line) for r in records] == [(1, 2), (2, 3), (3, 6)]
    assert records[2].error == "record 3 (line 6): expected an object with a title, got text"


def test_broken_json_is_one_reject_with_its_position():
    [record] = list(parse('[{"title": "A"},\n {"title": }]', "films.json"))
    assert record.error.startswith("not valid JSON: Expecting value at line 2")


def test_lenient_json_shapes_are_accepted():
    [record] = list(
        parse(
            '{"title": 1941, "year": 1979, "Runtime": 118, "cast": "John Belushi",'
            ' "writer": null, "related_shows": [300], "ratings": {"imdb": 5.9}}',
            "x.json",
        )
    )
    listing = record.listing
    assert listing.title == "1941" and listing.related_shows == ["300"]
    assert listing.cast == ["John Belushi"] and listing.writers == []
    assert listing.extra == {"runtime": 118, "ratings": '{"imdb": 5.9}'}
    assert (
        "x.json record 1 (line 1): field 'ratings' is not text, a number, true/false or a "
        "list of those; kept as JSON text"
    ) in record.warnings


def test_a_wrapped_array_of_listings_is_read():
    records = list(parse('{"listings": [{"title": "A"}, {"title": "B"}]}', "x.json"))
    assert [r.listing.title for r in records] == ["A", "B"]


def test_csv_accepts_page_style_columns_and_counts_lines_across_quoted_line_breaks():
    text = (
        "Title,Director,Executive Producer,cast,Episodes\n"
        '"The Bureau","Eric Rochant","Eric Rochant; Alex Berger","Léa Drucker",10\n'
        '"Spiral","","","Caroline Proust;;Grégory Fitoussi",\n'
        ",,,,\n"
        '"Multi\n'
        'line",,,,\n'
        '"Paris 1900, the City of Lights",,,,\n'
    )
    records = list(parse(text, "shows.csv"))
    assert [(r.ref.record, r.ref.line) for r in records] == [(1, 2), (2, 3), (3, 5), (4, 7)]
    first, second = records[0].listing, records[1].listing
    assert first.directors == ["Eric Rochant"] and first.extra == {"episodes": 10}
    assert first.executive_producers == ["Eric Rochant", "Alex Berger"]
    assert second.cast == ["Caroline Proust", "Grégory Fitoussi"]
    assert (
        "shows.csv record 2 (line 3): 'cast' has an empty name between two semicolons; "
        "skipped" in records[1].warnings
    )
    assert records[2].listing.title == "Multi line"
    assert records[3].listing.title == "Paris 1900, the City of Lights"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "the CSV file is empty"),
        ("name,cast\nA,B\n", "the header has no 'title' column (found 'name', 'cast')"),
        ("title;cast\nA;B\n", "columns must be separated by commas"),
        ("title,Title\nA,B\n", "the header names 'title' twice (columns 1 and 2)"),
    ],
)
def test_an_unreadable_csv_header_is_one_reject_that_says_how_to_fix_it(text, reason):
    [record] = list(parse(text, "x.csv"))
    assert record.listing is None and reason in record.error


def test_a_csv_row_with_too_many_cells_is_rejected_alone():
    records = list(parse("title,cast\nA,B\nC,D,E\nF,G\n", "x.csv"))
    assert [r.listing.title if r.listing else None for r in records] == ["A", None, "F"]
    assert records[1].error == (
        "record 2 (line 3): 3 cells but the header has 2 columns "
        "(a cell holding a comma needs double quotes)"
    )


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("a.csv", "", "csv"),
        ("a.TXT", "", "page"),
        ("a.ndjson", "", "jsonl"),
        ("a.jsonl", "", "jsonl"),
        ("a.json", "", "json"),
        ("-", '{"title": "a"}\n{"title": "b"}\n', "jsonl"),
        ("-", '{\n  "title": "a"\n}\n', "json"),
        ("-", '\ufeff [{"title": "a"}]', "json"),
        ("<stdin>", "title,cast\nA,B\n", "csv"),
        ("pasted listing", PAGE, "page"),
        ("notes.md", "Director: Someone, Else\nTitle", "page"),
    ],
)
def test_formats_are_detected_from_name_or_content(name, text, expected):
    assert detect_format(name, text) == expected


def test_an_unknown_format_name_is_refused():
    with pytest.raises(ValueError, match="choose one of page, json, jsonl, csv"):
        parse("", "x", "yaml")


def test_published_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == listing_schema(), (
        "run: python -m loaders.schema_export"
    )
