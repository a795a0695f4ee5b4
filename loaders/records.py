"""From a loose mapping (a JSON object, a CSV row) to a validated listing record.

Known fields go to their typed place; any other field is kept in `extra` and
reported, never refused.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from pydantic import ValidationError

from loaders.model import Listing, ParsedRecord, SourceRef, explain

LISTING_FIELDS = tuple(name for name in Listing.model_fields if name != "extra")

# Other spellings of our fields, as catalogue pages and spreadsheets write them.
ALIASES = {
    "director": "directors", "producer": "producers", "executive_producer": "executive_producers",
    "writer": "writers", "actors": "cast", "genre": "genres", "company": "companies",
    "related": "related_shows", "related_show": "related_shows", "url": "source_url",
    "source": "source_url",
}


def field_name(column: str) -> str:
    """`Executive Producer`, `executive-producers` -> `executive_producers`."""
    name = re.sub(r"[\s./-]+", "_", column.strip()).strip("_").lower()
    return ALIASES.get(name, name)


def to_record(data: Mapping[str, Any], ref: SourceRef, where: str) -> ParsedRecord:
    known: dict[str, Any] = {}
    extra: dict[str, Any] = dict(data.get("extra") or {}) if isinstance(data.get("extra"), dict) else {}
    for column, value in data.items():
        if column == "extra" and isinstance(value, dict):
            continue
        name = field_name(str(column))
        if name in LISTING_FIELDS:
            known[name] = value
        elif value not in (None, "", []):
            if isinstance(value, (dict,)) or (isinstance(value, list) and
                                               not all(isinstance(v, str) for v in value)):
                return ParsedRecord(ref=ref, error=f"{where}: extra field '{column}' must be "
                                                   "text, a number, true/false or a list of text")
            extra[str(column)] = value
    if isinstance(known.get("year"), str) and known["year"].strip().isdigit():
        known["year"] = int(known["year"].strip())
    if "title" not in known or known.get("title") in (None, ""):
        return ParsedRecord(ref=ref, error=f"{where}: the listing has no title")
    if not isinstance(known["title"], str):
        # Titles can look like numbers (1941, 300): they are still titles.
        if isinstance(known["title"], (int, float)) and not isinstance(known["title"], bool):
            known["title"] = str(known["title"])
    try:
        listing = Listing.model_validate({**known, "extra": extra})
    except ValidationError as exc:
        return ParsedRecord(ref=ref, error=f"{where}: {explain(exc)}")
    return ParsedRecord(ref=ref, listing=listing, warnings=listing.warnings())
