"""Which parser reads which input, and the listing's canonical JSON form."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import TextIO

from screengraph.loaders.catalogue_page import parse_page
from screengraph.loaders.csv_format import looks_like_csv, parse_csv
from screengraph.loaders.identity import Claims
from screengraph.loaders.imdb_format import IndexProgress, parse_imdb
from screengraph.loaders.json_format import parse_json, parse_jsonl
from screengraph.loaders.model import Listing, ParsedRecord
from screengraph.loaders.sources import SourceText

# Each reads text or a stream of it (a file read record by record).
PARSERS: dict[str, Callable[[str | TextIO, str], Iterator[ParsedRecord]]] = {
    "page": parse_page,
    "json": parse_json,
    "jsonl": parse_jsonl,
    "csv": parse_csv,
}
FORMATS = tuple(PARSERS)
# How each format's lines end when read from a stream: JSON Lines end at LF only (U+2028
# and friends may sit inside JSON strings); CSV and pages end lines at CR, LF or both.
NEWLINES = {"page": "", "json": "\n", "jsonl": "\n", "csv": ""}
SNIFFED = 1 << 16  # characters looked at to tell the format of a stream
SUFFIXES = {
    ".txt": "page",
    ".text": "page",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}


def detect_format(path_or_name: str, text: str) -> str:
    """By file suffix, else by content (stdin, pasted text, unknown suffixes)."""
    suffix = PurePath(path_or_name).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("["):
        return "json"
    if body.startswith("{"):
        lines = [line for line in body.split("\n") if line.strip()]
        if len(lines) > 1:
            try:
                if isinstance(json.loads(lines[0]), dict):
                    return "jsonl"  # a whole object on the first line, and more lines
            except ValueError:
                pass
        return "json"
    if looks_like_csv(body):
        return "csv"
    return "page"


def parse(text: str, file: str, fmt: str | None = None) -> Iterator[ParsedRecord]:
    """Every record of one input, valid or rejected; bad input never raises."""
    fmt = fmt or detect_format(file, text)
    if fmt not in PARSERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return PARSERS[fmt](text, file)


def read_records(
    source: SourceText, fmt: str | None, claims: Claims, on_indexed: IndexProgress | None = None
) -> Iterator[ParsedRecord]:
    """Every record of one input, each with its stable id (loaders/identity.py). A file
    is read as it is parsed, not held whole. IMDb's files are read together, whatever
    `fmt` says (they are told by their names); `on_indexed` follows the indexing of
    their people before the first title (loaders/imdb_format.py)."""
    if source.dataset is not None:
        for record in parse_imdb(source.dataset, on_indexed=on_indexed):
            yield claims.identify(record, source.identity)
        return
    if fmt is None and source.text is not None:
        fmt = detect_format(source.name, source.text)
    elif fmt is None:
        with source.open("") as stream:
            fmt = detect_format(source.name, stream.read(SNIFFED))
    if fmt not in PARSERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if source.text is not None:
        for record in PARSERS[fmt](source.text, source.name):
            yield claims.identify(record, source.identity)
        return
    with source.open(NEWLINES[fmt]) as stream:  # decoded: a byte order mark is gone
        for record in PARSERS[fmt](stream, source.name):
            yield claims.identify(record, source.identity)


def listing_to_json(listing: Listing) -> dict:
    """The JSON form of a listing, which the JSON parser reads back to the same listing."""
    return listing.model_dump(mode="json", exclude_none=True)
