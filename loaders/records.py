"""From a loose mapping (a JSON object, a CSV row) to a validated listing record.

JSON and CSV share one reading of a record, so that the same listing written in
either format gives the same `Listing`. Known fields go to their typed place;
any other field is kept in `extra` and reported, never refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from screengraph.loaders.model import (
    LIST_FIELDS,
    Listing,
    ParsedRecord,
    SourceRef,
    explain,
    property_name,
)

LISTING_FIELDS = tuple(name for name in Listing.model_fields if name != "extra")
TITLE_FIELDS = ("title", "related_shows", "shows")
_INT64 = 2**63

# Other spellings of our fields, as catalogue pages and spreadsheets write them.
ALIASES = {
    "director": "directors",
    "producer": "producers",
    "executive_producer": "executive_producers",
    "writer": "writers",
    "actor": "cast",
    "actors": "cast",
    "genre": "genres",
    "company": "companies",
    "related": "related_shows",
    "related_show": "related_shows",
    "url": "source_url",
    "source": "source_url",
    "person": "people",
    "show": "shows",
}


@lru_cache(maxsize=4096)
def field_name(column: str) -> str:
    """`Executive Producer`, `executive-producers`, `EXECUTIVE_PRODUCERS`: all
    `executive_producers`."""
    name = re.sub(r"[\s./-]+", "_", column.strip()).strip("_").lower()
    return ALIASES.get(name, name)


def text_value(text: str, separator: str) -> str | int | float | list[str]:
    """An unknown field written as text, typed the way a reader would: `10` and
    `1,000,000` are numbers, `French, English` (with the list separator) is a list."""
    text = text.strip()
    if re.fullmatch(r"-?(0|[1-9]\d{0,17})", text):
        return int(text)
    if re.fullmatch(r"[1-9]\d{0,2}(,\d{3}){1,5}", text):
        return int(text.replace(",", ""))
    if re.fullmatch(r"-?(0|[1-9]\d{0,14})\.\d{1,15}", text):
        return float(text)
    items = [item.strip() for item in text.split(separator) if item.strip()]
    return items if len(items) > 1 else (items[0] if items else "")


def _extra_value(value: Any) -> tuple[Any, bool]:
    """An unknown JSON value as a property value, and whether it had to become JSON text."""
    if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        return str(value), False  # databases store 64-bit integers
    if isinstance(value, (str, int, float, bool)):
        return value, False
    if isinstance(value, list) and all(
        v is None or isinstance(v, (str, int, float, bool)) for v in value
    ):
        return [_scalar_text(v) for v in value if v is not None], False
    return json.dumps(value, ensure_ascii=False), True


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _titles(value: Any) -> Any:
    """Titles can look like numbers (`1941`, `300`): a number given as a title is its text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_titles(v) for v in value]
    return value


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def to_record(data: Mapping[str, Any], ref: SourceRef, where: str) -> ParsedRecord:
    """`where` ("record 3 (line 4)") starts every reason and warning, so users find the record."""
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    field_names: dict[str, str] = {}
    notes: list[str] = []

    def keep_extra(column: str, value: Any) -> None:
        if _blank(value):
            return
        value, as_json = _extra_value(value)
        if as_json:
            notes.append(
                f"field '{column}' is not text, a number, true/false or a list of "
                "those; kept as JSON text"
            )
        extra[column] = value
        field_names[property_name(column)] = column

    for column, value in data.items():
        column = str(column)
        if column == "extra":
            if value is None:
                continue
            if not isinstance(value, dict):
                return ParsedRecord(
                    ref=ref, error=f"{where}: 'extra' must be an object of field names and values"
                )
            for inner, inner_value in value.items():
                keep_extra(str(inner), inner_value)
            continue
        name = field_name(column)
        if name not in LISTING_FIELDS:
            keep_extra(column, value)
        elif value is None:
            continue  # null means "not given"
        elif name in known and name in LIST_FIELDS:
            known[name] = _as_list(known[name]) + _as_list(value)
        elif name in known:
            notes.append(f"'{column}' repeats a field already given; the first value is kept")
        else:
            known[name] = value
    if _blank(known.get("title")):
        return ParsedRecord(ref=ref, error=f"{where}: the listing has no title")
    for name in TITLE_FIELDS:
        if name in known:
            known[name] = _titles(known[name])
    try:
        listing = Listing.model_validate({**known, "extra": extra})
    except ValidationError as exc:
        return ParsedRecord(ref=ref, error=f"{where}: {explain(exc)}")
    warnings = notes + listing.warnings(field_names)
    return ParsedRecord(
        ref=ref,
        listing=listing,
        warnings=[f"{ref.file} {where}: {warning}" for warning in warnings],
    )
