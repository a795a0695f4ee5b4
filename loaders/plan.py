"""Turn one validated listing into the nodes and edges it asserts (pure, no database).

The plan is what the writer MERGEs: the listing's show, its people by role,
companies, genres and related shows, each with its key from `graph.keys` and
the spelling this listing used. Spellings are voted on across listings by the
writer to pick display names.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from graph.keys import (company_key, genre_key, normalize_name, parse_show_title, person_key,
                        series_key, show_key)
from graph.schema import RelType
from loaders.model import Listing, SourceRef

# Properties of ours on a Show; extra listing fields never overwrite them.
RESERVED_SHOW_PROPERTIES = frozenset({
    "key", "title", "title_key", "series", "series_key", "season", "year", "synopsis",
    "country", "source_url", "search_text", "sources", "votes",
})

# What a show's title implies, and what the listing about it says (extra fields aside).
NAMING_PROPERTIES = ("title_key", "series", "series_key", "season", "search_text")
LISTING_PROPERTIES = ("year", "synopsis", "country", "source_url")

ROLE_FIELDS: tuple[tuple[str, RelType, str | None], ...] = (
    ("directors", RelType.DIRECTED, None),
    ("producers", RelType.PRODUCED, "producer"),
    ("executive_producers", RelType.PRODUCED, "executive producer"),
    ("writers", RelType.WROTE, None),
    ("cast", RelType.ACTED_IN, None),
)
# The same with plain strings: Enum `.value` costs a descriptor call per credit.
_ROLE_FIELDS = tuple((name, rel.value, role) for name, rel, role in ROLE_FIELDS)
_MADE_BY, _IN_GENRE = RelType.MADE_BY.value, RelType.IN_GENRE.value


class Entity(NamedTuple):
    """One name a listing uses, resolved to its node (tuples: a load makes millions)."""

    label: str
    key: str
    spelling: str


class Edge(NamedTuple):
    type: str
    start: Entity
    end: Entity
    role: str | None
    # Stable id of the edge, computable in Cypher as well (see statements.PARTS["pruned"]).
    identity: str


def edge(rel_type: str, start: Entity, end: Entity, role: str | None = None) -> Edge:
    return Edge(rel_type, start, end, role, f"{rel_type}|{start.key}|{end.key}|{role or ''}")


@dataclass
class ListingPlan:
    ref: SourceRef
    listing: Listing
    content_hash: str
    show: Entity
    show_properties: dict[str, Any]
    entities: list[Entity] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    related: list[Entity] = field(default_factory=list)
    related_properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def source_id(self) -> str:
        return self.ref.source_id

    @cached_property
    def mentioned(self) -> list[Entity]:
        """Every entity this listing names, with the spelling it used (one per key)."""
        seen: dict[tuple[str, str], Entity] = {}
        for entity in [self.show, *self.related, *self.entities]:
            seen.setdefault((entity.label, entity.key), entity)
        return list(seen.values())

    @property
    def asserted_shows(self) -> list[str]:
        return [self.show.key] + [r.key for r in self.related]


def content_hash(listing: Listing) -> str:
    """Fingerprint of a listing's content: unchanged listings are skipped on reload."""
    canonical = json.dumps(listing.canonical(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def property_name(field_name: str) -> str:
    """A listing's extra field as a Show property: snake_case, never one of ours."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", field_name).strip("_").lower() or "field"
    if name[0].isdigit():
        name = f"f_{name}"
    return f"extra_{name}" if name in RESERVED_SHOW_PROPERTIES else name


def show_entity(title: str, year: int | None, resolve_yearless) -> tuple[Entity, dict[str, Any]]:
    """The show a title (and maybe year) names, and the properties its title implies."""
    parsed = parse_show_title(title)
    key = show_key(title, year) if year is not None else resolve_yearless(title)
    properties = {
        "title_key": show_key(title),
        "series": parsed.series,
        "series_key": series_key(parsed.series),
        "season": parsed.season,
        "search_text": normalize_name(title),
    }
    return Entity("Show", key, title.strip()), properties


def plan_listing(listing: Listing, ref: SourceRef, resolve_yearless,
                 listing_hash: str | None = None) -> ListingPlan:
    """Everything one listing asserts. `resolve_yearless(title) -> key` picks the show a
    title without a year refers to (an existing one when unambiguous)."""
    show, show_properties = show_entity(listing.title, listing.year, resolve_yearless)
    show_properties.update({
        "year": listing.year,
        "synopsis": listing.synopsis,
        "country": listing.country,
        "source_url": listing.source_url,
    })
    for name, value in listing.extra.items():
        show_properties[property_name(name)] = value
    plan = ListingPlan(ref, listing, listing_hash or content_hash(listing), show, show_properties)
    edges: dict[str, Edge] = {}  # by identity: a name given twice in a role is one credit

    def add_edge(new: Edge) -> None:
        edges.setdefault(new.identity, new)

    for field_name, rel_type, role in _ROLE_FIELDS:
        for name in getattr(listing, field_name):
            person = Entity("Person", person_key(name), name)
            plan.entities.append(person)
            add_edge(edge(rel_type, person, show, role))
    companies = [Entity("Company", company_key(name), name) for name in listing.companies]
    for company in companies:
        plan.entities.append(company)
        add_edge(edge(_MADE_BY, show, company))
    for name in listing.genres:
        genre = Entity("Genre", genre_key(name), name)
        plan.entities.append(genre)
        add_edge(edge(_IN_GENRE, show, genre))
    # "More shows from company": shows made by the listing's companies.
    for title in listing.related_shows:
        related, related_properties = show_entity(title, None, resolve_yearless)
        if related.key == show.key or related.key in plan.related_properties:
            continue
        plan.related.append(related)
        plan.related_properties[related.key] = related_properties
        for company in companies:
            add_edge(edge(_MADE_BY, related, company))
    plan.edges = list(edges.values())
    if listing.related_shows and not companies:
        plan.warnings.append(
            f"{len(listing.related_shows)} related show(s) listed but no company: they are "
            "stored as shows without a MADE_BY edge")
    return plan
