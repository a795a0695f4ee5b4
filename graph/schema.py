"""The graph model, declared once: labels, relationship types, keys and indexes.

Every node carries `key`, a natural key of ours computed by `graph.keys`
(never the engine's internal id: FalkorDB reuses ids after deletes), a display
property (`title` for shows, `name` for the rest) and `search_text`, the
normalised text the full-text index covers on both backends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """The domain labels."""

    SHOW = "Show"
    PERSON = "Person"
    COMPANY = "Company"
    GENRE = "Genre"


class RelType(StrEnum):
    DIRECTED = "DIRECTED"
    PRODUCED = "PRODUCED"
    WROTE = "WROTE"
    ACTED_IN = "ACTED_IN"
    MADE_BY = "MADE_BY"
    IN_GENRE = "IN_GENRE"


KEY = "key"
SEARCH_TEXT = "search_text"

# The display property of each label.
DISPLAY: dict[Label, str] = {
    Label.SHOW: "title",
    Label.PERSON: "name",
    Label.COMPANY: "name",
    Label.GENRE: "name",
}

# (start label, type, end label) of every relationship.
RELATIONSHIPS: dict[RelType, tuple[Label, Label]] = {
    RelType.DIRECTED: (Label.PERSON, Label.SHOW),
    RelType.PRODUCED: (Label.PERSON, Label.SHOW),
    RelType.WROTE: (Label.PERSON, Label.SHOW),
    RelType.ACTED_IN: (Label.PERSON, Label.SHOW),
    RelType.MADE_BY: (Label.SHOW, Label.COMPANY),
    RelType.IN_GENRE: (Label.SHOW, Label.GENRE),
}

# Credits: the relationships from a person to a show.
CREDIT_TYPES: tuple[RelType, ...] = (
    RelType.DIRECTED, RelType.PRODUCED, RelType.WROTE, RelType.ACTED_IN)

# PRODUCED carries `role`: producer or executive producer, both kept.
PRODUCER_ROLES = ("producer", "executive producer")

# Secondary lookup indexes (label, property) besides the unique key.
LOOKUP_INDEXES: tuple[tuple[Label, str], ...] = (
    (Label.SHOW, "title_key"),   # title without year: finds remakes and yearless matches
    (Label.SHOW, "series_key"),  # every season of a series
)

# Provenance records, one per loaded listing (see docs/data-model.md); not a domain label.
LISTING_LABEL = "Listing"

# The store's layout version, one node (see loaders/migrate.py); not a domain label.
LAYOUT_LABEL = "StoreLayout"

# Labels whose `key` is unique.
KEYED_LABELS: tuple[str, ...] = (*(label.value for label in Label), LISTING_LABEL, LAYOUT_LABEL)

FULLTEXT_INDEX = "entity_search"
FULLTEXT_LABELS: tuple[Label, ...] = (Label.SHOW, Label.PERSON, Label.COMPANY, Label.GENRE)


@dataclass(frozen=True)
class Schema:
    labels: tuple[str, ...]
    relationship_types: tuple[str, ...]

    def is_label(self, name: str) -> bool:
        return name in self.labels

    def is_relationship_type(self, name: str) -> bool:
        return name in self.relationship_types


SCHEMA = Schema(
    labels=tuple(label.value for label in Label),
    relationship_types=tuple(rel.value for rel in RelType),
)
