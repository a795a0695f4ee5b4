"""JSON, JSON Lines and CSV listings, and round trips between the formats."""

from __future__ import annotations

import json

from loaders.catalogue_page import parse_page
from loaders.formats import detect_format, listing_to_json, parse
from loaders.model import Listing
from loaders.schema_export import SCHEMA_PATH, listing_schema
from tests.conftest import SAMPLE_PAGE

SEED = next(parse_page(SAMPLE_PAGE.read_text(encoding="utf-8"), "the-bureau.txt")).listing


def as_csv(listing: Listing) -> str:
    data = listing_to_json(listing)
    columns = ["title", "synopsis", "directors", "producers", "Executive Producer", "writers",
               "cast", "genres", "companies", "related_shows", "people", "shows"]
    def cell(column):
        value = data.get(column.lower().replace(" ", "_") + ("s" if column == "Executive Producer" else ""))
        value = ";".join(value) if isinstance(value, list) else (value or "")
        return '"' + value.replace('"', '""') + '"'
    return ",".join(columns) + "\n" + ",".join(cell(c) for c in columns) + "\n"


def test_page_to_json_and_back_is_the_same_listing():
    text = json.dumps(listing_to_json(SEED), ensure_ascii=False)
    [record] = list(parse(text, "bureau.json"))
    assert record.listing == SEED


def test_csv_and_jsonl_of_the_same_listing_give_the_same_listing():
    [from_csv] = list(parse(as_csv(SEED), "bureau.csv"))
    [from_jsonl] = list(parse(json.dumps(listing_to_json(SEED)) + "\n", "bureau.jsonl"))
    assert from_csv.error is None, from_csv.error
    assert from_csv.listing == from_jsonl.listing == SEED


def test_a_bad_json_line_is_rejected_and_its_neighbours_still_parse():
    text = ('{"title": "First"}\n'
            '{"title": "Broken",\n'
            '\n'
            '{"title": "Third", "cast": 3}\n'
            '{"title": "Fourth", "year": "1976"}\n')
    records = list(parse(text, "films.jsonl"))
    assert [r.listing.title if r.listing else None for r in records] == ["First", None, None, "Fourth"]
    assert records[1].ref.line == 2 and "not valid JSON" in records[1].error
    assert "line 4" in records[2].error and "'cast'" in records[2].error
    assert records[3].listing.year == 1976


def test_a_record_without_a_title_is_rejected():
    [record] = list(parse('[{"directors": ["Somebody"]}]', "films.json"))
    assert record.error == "record 1: the listing has no title"


def test_numeric_titles_are_text_and_unknown_fields_are_kept():
    [record] = list(parse('{"title": 1941, "year": 1979, "runtime": 118}', "x.json"))
    assert record.listing.title == "1941" and record.listing.extra == {"runtime": 118}


def test_formats_are_detected_from_name_or_content():
    assert detect_format("a.csv", "") == "csv"
    assert detect_format("-", '{"title": "a"}\n{"title": "b"}\n') == "jsonl"
    assert detect_format("-", '[{"title": "a"}]') == "json"
    assert detect_format("-", SAMPLE_PAGE.read_text()) == "page"


def test_published_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == listing_schema(), \
        "run: python -m loaders.schema_export"
