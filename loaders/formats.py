"""Which parser reads which input, and the listing's canonical JSON form."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Iterator

from loaders.catalogue_page import parse_page
from loaders.csv_format import parse_csv
from loaders.json_format import parse_json, parse_jsonl
from loaders.model import Listing, ParsedRecord

PARSERS = {"page": parse_page, "json": parse_json, "jsonl": parse_jsonl, "csv": parse_csv}
SUFFIXES = {".txt": "page", ".text": "page", ".json": "json", ".jsonl": "jsonl",
            ".ndjson": "jsonl", ".csv": "csv"}


def detect_format(name: str, text: str) -> str:
    """By file suffix, else by content (stdin, pasted text)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("["):
        return "json"
    if body.startswith("{"):
        lines = [line for line in body.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.strip().startswith("{") for line in lines[:5]):
            try:
                json.loads(lines[0])
                return "jsonl"
            except json.JSONDecodeError:
                return "json"
        return "json"
    first = body.splitlines()[0] if body else ""
    if "," in first and "title" in first.lower() and ":" not in first:
        return "csv"
    return "page"


def parse(text: str, file: str, fmt: str | None = None) -> Iterator[ParsedRecord]:
    fmt = fmt or detect_format(file, text)
    if fmt not in PARSERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(PARSERS)}")
    return PARSERS[fmt](text, file)


def listing_to_json(listing: Listing) -> dict:
    """The JSON form of a listing, which the JSON parser reads back to the same listing."""
    return listing.model_dump(mode="json", exclude_none=True)
