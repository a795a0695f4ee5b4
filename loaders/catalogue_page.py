"""Parser of screening-catalogue pages saved as text (see samples/the-bureau.txt).

Shape: noise ("Please wait..."), a breadcrumb (`Home > ... > Title`),
`Key: value` fields with comma-separated lists, the title as a heading, a
synopsis of several paragraphs, then `related content` / `More shows from
company` with each item twice (bullet and caption).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Iterator

from pydantic import ValidationError

from loaders.model import Listing, ParsedRecord, SourceRef, explain

NOISE = re.compile(r"^(please wait\.*|loading\.*)$", re.IGNORECASE)
FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ._/-]{0,40}?)\s*:\s*(?P<value>.*)$")
BULLET = re.compile(r"^[•\u2022*\-–·]\s*(?P<item>.+)$")
URL_LIKE = re.compile(r"^[a-z]+://", re.IGNORECASE)

# Page field (normalised) -> listing field.
LIST_FIELDS = {
    "director": "directors", "directors": "directors", "directed by": "directors",
    "producer": "producers", "producers": "producers",
    "executive producer": "executive_producers", "executive producers": "executive_producers",
    "writer": "writers", "writers": "writers", "screenplay": "writers",
    "cast": "cast", "actors": "cast", "starring": "cast",
    "genre": "genres", "genres": "genres",
    "company": "companies", "companies": "companies", "production company": "companies",
    "people": "people", "shows": "shows",
}
SCALAR_FIELDS = {"year": "year", "country": "country", "source url": "source_url",
                 "url": "source_url", "title": "title"}


def _normal_key(key: str) -> str:
    return re.sub(r"[\s._/-]+", " ", key).strip().lower()


def _split_names(value: str, file: str, line: int, key: str, warnings: list[str]) -> list[str]:
    names = []
    parts = value.split(",")
    for position, part in enumerate(parts, 1):
        name = re.sub(r"\s+", " ", part).strip()
        if name:
            names.append(name)
        elif len(parts) > 1:
            warnings.append(f"{file} line {line}: '{key}' has an empty name at position "
                            f"{position} (two commas in a row?); skipped")
    return names


def _lines(text: str) -> list[str]:
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return [line.replace("\u00a0", " ").replace("\t", " ").rstrip() for line in text.split("\n")]


def parse_page(text: str, file: str) -> Iterator[ParsedRecord]:
    """One page is one listing; its source id is the file name."""
    ref = SourceRef(source_id=PurePath(file).name or file, file=file, line=1)
    warnings: list[str] = []
    data: dict = {}
    extra: dict = {}
    breadcrumb_title = None
    heading = None
    synopsis: list[list[str]] = [[]]
    related: list[str] = []
    section = "fields"
    lines = _lines(text)
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or NOISE.match(line):
            if section == "synopsis" and synopsis[-1]:
                synopsis.append([])
            continue
        lowered = line.lower()
        if lowered == "related content":
            section = "related"
            continue
        if section == "related":
            if lowered.startswith("more shows from") or lowered.startswith("more from"):
                continue
            bullet = BULLET.match(line)
            item = re.sub(r"\s+", " ", bullet.group("item") if bullet else line).strip()
            if item and item not in related:
                related.append(item)
            continue
        if section == "fields" and " > " in line and line.lower().startswith("home"):
            breadcrumb_title = line.split(" > ")[-1].strip() or None
            continue
        field = FIELD.match(line) if section == "fields" and not URL_LIKE.match(line) else None
        if field:
            key, value = field.group("key").strip(), field.group("value").strip()
            norm = _normal_key(key)
            if norm in LIST_FIELDS:
                target = LIST_FIELDS[norm]
                data.setdefault(target, [])
                for name in _split_names(value, file, number, key, warnings):
                    if name not in data[target]:
                        data[target].append(name)
            elif norm in SCALAR_FIELDS:
                target = SCALAR_FIELDS[norm]
                if target == "year":
                    if re.fullmatch(r"\d{4}", value):
                        data["year"] = int(value)
                    else:
                        warnings.append(f"{file} line {number}: Year '{value}' is not a year; "
                                        "kept as the property 'year_text'")
                        extra["year_text"] = value
                elif target == "title":
                    heading = heading or value
                else:
                    data[target] = value
            else:
                extra[key] = _extra_value(value)
            continue
        if section == "fields":
            # The first free line after the fields is the title heading.
            heading = line
            section = "synopsis"
            continue
        synopsis[-1].append(line)
    title = heading or breadcrumb_title or (data.get("shows") or [None])[0]
    if not title:
        yield ParsedRecord(ref=ref, error="no title found: the page has no heading, breadcrumb "
                                          "or 'Shows' field naming the show")
        return
    if breadcrumb_title and heading and breadcrumb_title != heading:
        warnings.append(f"{file}: the breadcrumb says '{breadcrumb_title}' but the heading "
                        f"says '{heading}'; using the heading")
    paragraphs = ["\n".join(p) for p in synopsis if p]
    data.update(title=title, synopsis="\n\n".join(paragraphs) or None,
                related_shows=[r for r in related], extra=extra)
    try:
        listing = Listing.model_validate(data)
    except ValidationError as exc:
        yield ParsedRecord(ref=ref, error=explain(exc), warnings=warnings)
        return
    yield ParsedRecord(ref=ref, listing=listing, warnings=warnings + listing.warnings())


def _extra_value(value: str):
    if re.fullmatch(r"-?\d{1,15}", value):
        return int(value)
    if "," in value:
        return [v.strip() for v in value.split(",") if v.strip()]
    return value
