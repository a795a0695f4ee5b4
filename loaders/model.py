"""The validated listing record every parser produces (pydantic v2).

Its JSON Schema is published as loaders/listing.schema.json
(`python -m loaders.schema_export` regenerates it; a test keeps it current).
"""

from __future__ import annotations

import re
from typing import Annotated, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ExtraValue = Union[str, int, float, bool, list[str]]


def clean_text(value: object) -> object:
    """NBSP and runs of spaces or tabs become one space; ends are trimmed."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        return _SPACES.sub(" ", value.replace("\u00a0", " ").replace("\ufeff", "")).strip()
    return value


CleanName = Annotated[str, BeforeValidator(clean_text), Field(min_length=1, max_length=500)]


def _names(value: object) -> object:
    """A single string is one name; blank names are an error the parser words for the user."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        cleaned = [clean_text(v) for v in value]
        for position, name in enumerate(cleaned, 1):
            if isinstance(name, str) and not name:
                raise ValueError(f"name {position} is empty")
        return cleaned
    return value


NameList = Annotated[list[CleanName], BeforeValidator(_names)]


ROLE_FIELDS = ("directors", "producers", "executive_producers", "writers", "cast")


class Listing(BaseModel):
    """One show as a catalogue lists it, with everyone credited on it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: CleanName
    synopsis: str | None = None
    directors: NameList = Field(default_factory=list)
    producers: NameList = Field(default_factory=list)
    executive_producers: NameList = Field(default_factory=list)
    writers: NameList = Field(default_factory=list)
    cast: NameList = Field(default_factory=list)
    genres: NameList = Field(default_factory=list)
    companies: NameList = Field(default_factory=list)
    related_shows: NameList = Field(
        default_factory=list,
        description="Titles of related shows; on catalogue pages, 'More shows from company': "
                    "shows made by this listing's companies.")
    year: int | None = Field(default=None, ge=1870, le=2100)
    country: str | None = None
    source_url: str | None = None
    people: NameList | None = Field(
        default=None, description="The page's cross-check list of everyone credited.")
    shows: NameList | None = Field(default=None, description="The page's cross-check list of shows.")
    extra: dict[str, ExtraValue] = Field(
        default_factory=dict, description="Fields screengraph does not know, kept as properties.")

    @field_validator("synopsis", "country", "source_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            value = _CONTROL.sub("", value.replace("\ufeff", "")).strip()
            return value or None
        return value

    @field_validator("extra", mode="after")
    @classmethod
    def _clean_extra(cls, value: dict) -> dict:
        return {key: [clean_text(v) for v in item] if isinstance(item, list)
                else clean_text(item) for key, item in value.items()}

    def credited_people(self) -> list[str]:
        seen: list[str] = []
        for field_name in ROLE_FIELDS:
            for name in getattr(self, field_name):
                if name not in seen:
                    seen.append(name)
        return seen

    def warnings(self) -> list[str]:
        """Cross-checks a maintainer wants to hear about; none stops the load."""
        from graph.keys import normalize_name
        found: list[str] = []
        if self.people is not None:
            listed = {normalize_name(p) for p in self.people}
            credited = {normalize_name(p) for p in self.credited_people()}
            for person in self.people:
                if normalize_name(person) not in credited:
                    found.append(f"'{person}' is listed under People but has no role")
            for person in self.credited_people():
                if normalize_name(person) not in listed:
                    found.append(f"'{person}' has a role but is missing from People")
        if self.shows is not None and normalize_name(self.title) not in {
                normalize_name(s) for s in self.shows}:
            found.append(f"the title '{self.title}' is missing from Shows")
        for name in self.extra:
            found.append(f"unknown field '{name}' kept as a show property")
        return found


class SourceRef(BaseModel):
    """Where a record came from: provenance for every node and edge it asserts."""

    source_id: str
    file: str
    line: int | None = None
    record: int | None = None


class ParsedRecord(BaseModel):
    """A parser's verdict on one record: a listing, or the reason it was rejected."""

    ref: SourceRef
    listing: Listing | None = None
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)


def explain(exc: Exception) -> str:
    """A pydantic ValidationError in plain English: "'cast' name 2 is empty"."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for error in errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        index = [p for p in error.get("loc", ()) if isinstance(p, int)]
        message = error.get("msg", "is not valid").removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = "is required"
        elif error.get("type") == "extra_forbidden":
            message = "is not a listing field"
        elif error.get("type") == "list_type":
            message = "must be a list of names"
        elif error.get("type") in ("string_type", "string_too_short"):
            message = "must be non-empty text" if error.get("type") == "string_too_short" else "must be text"
        elif error.get("type") in ("int_type", "int_parsing"):
            message = "must be a whole number"
        position = f" item {index[0] + 1}" if index else ""
        parts.append(f"'{where}'{position} {message}")
    return "; ".join(parts)
