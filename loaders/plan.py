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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from screengraph.graph.identifiers import (
    SCHEMES,
    Identifier,
    node_identifier_properties,
    parse_identifier,
)
from screengraph.graph.keys import (
    Resolution,
    company_key,
    genre_key,
    normalize_name,
    parse_show_title,
    person_key,
    series_key,
    show_key,
)
from screengraph.graph.schema import NAME_KEY, RelType, credit_relationship

if TYPE_CHECKING:  # the model (pydantic) is the loaders' own: queries read plan's names only
    from screengraph.loaders.model import Credit, Listing, SourceRef

# Properties of ours on a Show; extra listing fields never overwrite them.
# Show properties a listing gives besides those (Listing fields of the same names).
SHOW_DETAILS = (
    "kind",
    "end_year",
    "runtime_minutes",
    "original_title",
    "alternate_titles",
    "season_number",
    "episode_number",
)
RESERVED_SHOW_PROPERTIES = frozenset(
    {
        "key",
        "title",
        "title_key",
        "series",
        "series_key",
        "season",
        "year",
        "synopsis",
        "country",
        "source_url",
        "search_text",
        "sources",
        "votes",
        "ids",
        NAME_KEY,
        *SHOW_DETAILS,
        *(scheme.property for scheme in SCHEMES.values()),
    }
)

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
_ACTED_IN, _EPISODE_OF = RelType.ACTED_IN.value, RelType.EPISODE_OF.value


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
    # What the source says of the credit besides its identity: characters, order, job.
    properties: dict[str, Any] | None = None


def assertion_key(source_id: str, show_key: str) -> str:
    """The key of the Assertion node of a listing and a show it names."""
    return f"{source_id}\t{show_key}"


def edge_show(asserted: Edge) -> Entity:
    """The show an edge belongs to, for provenance: the end of a relationship that ends
    at a show (credits, EPISODE_OF's series), else its start (MADE_BY, IN_GENRE). A
    listing that asserts an edge names its show."""
    return asserted.end if asserted.end.label == "Show" else asserted.start


def edge(
    rel_type: str,
    start: Entity,
    end: Entity,
    role: str | None = None,
    properties: dict[str, Any] | None = None,
) -> Edge:
    return Edge(
        rel_type, start, end, role, f"{rel_type}|{start.key}|{end.key}|{role or ''}", properties
    )


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
    # Node properties only identified sources give: (label, key) -> (properties, ids).
    details: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = field(default_factory=dict)

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

    @cached_property
    def asserted_edges(self) -> dict[str, set[str]]:
        """The identities of the edges this listing asserts, by the show each belongs to
        (edge_show): what its Assertion nodes hold."""
        found: dict[str, set[str]] = {}
        for asserted in self.edges:
            found.setdefault(edge_show(asserted).key, set()).add(asserted.identity)
        return found


def merged_details(
    plans: list[ListingPlan],
) -> dict[tuple[str, str], tuple[dict[str, Any], list[str]]]:
    """What a batch's plans say of identified nodes, by (label, key): a later listing wins a
    property, identifiers add up."""
    merged: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {}
    for plan in plans:
        for ident, (properties, ids) in plan.details.items():
            held = merged.setdefault(ident, ({}, []))
            held[0].update(properties)
            held[1].extend(i for i in ids if i not in held[1])
    return merged


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


# identify(label, base key, identifiers, name) -> Resolution: which node a name (and its
# identifiers) means. The pipeline's answers come from the store (loaders/identities.py);
# with none, a name is its base key and an identifier its own node.
Identify = Callable[[str, str, Sequence[Identifier], str], Resolution]


def _identifiers(texts: Sequence[str]) -> list[Identifier]:
    return [parse_identifier(text) for text in texts]  # validated by the model already


class _Planner:
    """Builds one plan: entities resolved to their nodes, edges once each by identity."""

    def __init__(self, plan: ListingPlan, identify: Identify):
        self.plan = plan
        self.identify = identify
        self.edges: dict[str, Edge] = {}

    def entity(
        self,
        label: str,
        base_key: str,
        name: str,
        ids: Sequence[str] = (),
        details: dict[str, Any] | None = None,
    ) -> Entity:
        identifiers = _identifiers(ids)
        resolution = self.identify(label, base_key, identifiers, name)
        if resolution.rule == "ambiguous":
            self.plan.warnings.append(
                f"'{name}' could be any of {len(resolution.namesakes)} {label.lower()}s with "
                f"identifiers ({', '.join(resolution.namesakes[:5])}"
                f"{', ...' if len(resolution.namesakes) > 5 else ''}): not merged into any; "
                f"kept as '{resolution.key}' (give an identifier to settle it)"
            )
        entity = Entity(label, resolution.key, name)
        written = dict(details or {})
        if identifiers:
            written.update(node_identifier_properties(identifiers))
        if resolution.key != base_key:
            written[NAME_KEY] = base_key
        if written or identifiers:
            held = self.plan.details.setdefault((label, resolution.key), ({}, []))
            for prop, value in written.items():
                if value not in (None, []) or prop not in held[0]:
                    held[0][prop] = value
            held[1].extend(str(i) for i in identifiers if str(i) not in held[1])
        return entity

    def add_edge(self, new: Edge) -> None:
        """A credit given twice is one edge, with what both say: every character and job
        (a writer credited for the teleplay and as creator), the first billing."""
        had = self.edges.get(new.identity)
        if had is None or not had.properties:
            self.edges[new.identity] = new if had is None or new.properties else had
        elif new.properties:
            self.edges[new.identity] = had._replace(
                properties=_merged_properties(had.properties, new.properties)
            )


def _merged_properties(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    merged = {**second, **first}
    if first.get("characters") or second.get("characters"):
        merged["characters"] = list(
            dict.fromkeys([*(first.get("characters") or []), *(second.get("characters") or [])])
        )
    jobs = [job for props in (first, second) for job in (props.get("job") or "").split(", ") if job]
    if jobs:
        merged["job"] = ", ".join(dict.fromkeys(jobs))
    orders = [props["order"] for props in (first, second) if props.get("order") is not None]
    if orders:
        merged["order"] = min(orders)
    return merged


def _credit_properties(credit: Credit, rel_type: str) -> dict[str, Any] | None:
    found = {
        "characters": credit.characters or None,
        "order": credit.order,
        "job": credit.job if credit.job != credit.category else None,
    }
    if rel_type == _ACTED_IN:  # actor, actress or self: one edge, the category kept on it
        found["category"] = credit.category
    return {name: value for name, value in found.items() if value is not None} or None


def _person_details(credit: Credit) -> dict[str, Any]:
    return {
        "birth_year": credit.birth_year,
        "death_year": credit.death_year,
        "professions": credit.professions or None,
        "known_for": credit.known_for or None,
    }


def _episode_of_series(
    listing: Listing, plan: ListingPlan, planner: _Planner, show: Entity, resolve_yearless
) -> Entity | None:
    """The series an episode listing names (linked by EPISODE_OF), or None."""
    if listing.episode_of is None:
        return None
    series_ref = listing.episode_of
    named, series_properties = show_entity(series_ref.title, series_ref.year, resolve_yearless)
    series = planner.entity("Show", named.key, named.spelling, series_ref.ids)
    if series.key == show.key:
        return None
    plan.related.append(series)
    plan.related_properties[series.key] = series_properties
    planner.add_edge(
        edge(
            _EPISODE_OF,
            show,
            series,
            None,
            {
                name: value
                for name, value in (
                    ("season", listing.season_number),
                    ("episode", listing.episode_number),
                )
                if value is not None
            }
            or None,
        )
    )
    return series


def listing_show(listing: Listing, resolve_yearless) -> tuple[Entity, dict[str, Any]]:
    """The show a listing is about (its key before identities resolve it), and every
    property the listing gives it (a null removes one)."""
    base, show_properties = show_entity(listing.title, listing.year, resolve_yearless)
    show_properties.update(
        {
            "year": listing.year,
            "synopsis": listing.synopsis,
            "country": listing.country,
            "source_url": listing.source_url,
        }
    )
    for name in SHOW_DETAILS:
        value = getattr(listing, name)
        show_properties[name] = value if value not in ([], "") else None
    if listing.alternate_titles:  # full-text search finds a show by any of its titles
        show_properties["search_text"] = " ".join(
            dict.fromkeys(
                normalize_name(title) for title in (listing.title, *listing.alternate_titles)
            )
        )
    for name, value in listing.extra.items():
        show_properties[property_name(name)] = value
    return base, show_properties


def later_show_properties(earlier: dict[str, Any] | None, later: dict[str, Any]) -> dict[str, Any]:
    """A show's properties once two listings about it are written in turn (in one batch
    or two alike): the later one's columns replace the earlier's (a null removes one), its
    extra fields are added to the earlier's."""
    return later if earlier is None else {**earlier, **later}


def plan_listing(
    listing: Listing,
    ref: SourceRef,
    resolve_yearless,
    listing_hash: str | None = None,
    identify: Identify | None = None,
) -> ListingPlan:
    """Everything one listing asserts. `resolve_yearless(title) -> key` picks the show a
    title without a year refers to (an existing one when unambiguous); `identify` which
    node each name and its identifiers mean (graph.keys.resolve_entity)."""
    base, show_properties = listing_show(listing, resolve_yearless)
    plan = ListingPlan(ref, listing, listing_hash or content_hash(listing), base, show_properties)
    if identify is None:  # offline: only this listing's own names count
        from screengraph.loaders.identities import Identities

        identify = Identities().identify
    planner = _Planner(plan, identify)
    show = planner.entity("Show", base.key, base.spelling, listing.ids)
    plan.show = show
    # An episode's credits count at its series' level: a person in 40 episodes worked on
    # the series once, beside its regular cast (the episode listing is among the edge's
    # sources, so the episode's own credits are those its listing asserts).
    credited = _episode_of_series(listing, plan, planner, show, resolve_yearless) or show

    for credit in listing.credits:
        rel_type, role = credit_relationship(credit.category)
        person = planner.entity(
            "Person", person_key(credit.name), credit.name, credit.ids, _person_details(credit)
        )
        plan.entities.append(person)
        planner.add_edge(
            edge(rel_type.value, person, credited, role, _credit_properties(credit, rel_type.value))
        )
    for field_name, role_type, role in _ROLE_FIELDS:
        for name in getattr(listing, field_name):
            person = planner.entity("Person", person_key(name), name)
            plan.entities.append(person)
            planner.add_edge(edge(role_type, person, credited, role))
    companies = [
        planner.entity("Company", company_key(ref.name), ref.name, ref.ids)
        for ref in listing.identified_companies
    ]
    companies += [planner.entity("Company", company_key(name), name) for name in listing.companies]
    for company in companies:
        plan.entities.append(company)
        planner.add_edge(edge(_MADE_BY, show, company))
    for name in listing.genres:
        genre = planner.entity("Genre", genre_key(name), name)
        plan.entities.append(genre)
        planner.add_edge(edge(_IN_GENRE, show, genre))
    # "More shows from company": shows made by the listing's companies.
    for title in listing.related_shows:
        named, related_properties = show_entity(title, None, resolve_yearless)
        related = planner.entity("Show", named.key, named.spelling)
        if related.key == show.key or related.key in plan.related_properties:
            continue
        plan.related.append(related)
        plan.related_properties[related.key] = related_properties
        for company in companies:
            planner.add_edge(edge(_MADE_BY, related, company))
    plan.edges = list(planner.edges.values())
    if listing.related_shows and not companies:
        plan.warnings.append(
            f"{len(listing.related_shows)} related show(s) listed but no company: they are "
            "stored as shows without a MADE_BY edge"
        )
    return plan
