"""The graph a first load would make, accumulated from the writer's own plans.

The bulk path (loaders/bulk.py) must give exactly the graph the incremental loader
(loaders/writer.py) gives for the same input loaded into an empty store. So it does not
re-derive the rules: it takes the same `ListingPlan`s, batch by batch as the pipeline cuts
them, and applies what each batch's statement (loaders/statements.py) would do to a store
that held only the earlier batches:

- a Listing node per listing (file, line, record, content hash, title, shows, mentions);
- a show's `sources` grow per batch by the sorted ids of the batch's listings naming it,
  its spelling votes add up and its title is their best spelling; the show properties a
  batch's listing gives replace those before (a null removes one), those of a show only
  named as related only the naming ones;
- a person, company or genre keeps its first spelling and no votes until a listing spells
  it otherwise; from then on `votes` are every listing's spelling and its name their best;
- identified sources' details are set batch by batch, identifiers appended once each;
- an edge's `sources` are the listings asserting it, in input order, and its properties
  what each says, a later listing's value of a property winning;
- degrees (`credit_count`, `show_count`) are the edges of each hub, as the load's final
  recount leaves them; the StoreLayout node records the layout version and which labels
  have identified nodes.

It also answers what the incremental loader asks the store before planning a batch
(loaders/identities.py: nodes by identifier, namesakes by name key), so a name the load's
memory of identities has forgotten resolves as it would against the store.

Everything is held in memory (nodes and edges by key), so peak memory grows with the
input: 129 MB at 2,000 IMDb-shaped titles (11,502 credits), 386 MB at 20,000 (120,684),
about 2.3 KB per credit, against 103 and 153 MB for the incremental loader (embedded
store, benchmarks/bulk_load.py). Bounding it (rows spilled to disk and merged by key) is
not done yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from graph.identifiers import SCHEMES
from graph.keys import normalize_name
from graph.schema import (DISPLAY, LAYOUT_LABEL, LISTING_LABEL, NAME_KEY, RELATIONSHIPS,
                          ROLE_TYPES)
from graph.store_layout import LAYOUT_VERSION
from loaders.plan import LISTING_PROPERTIES, NAMING_PROPERTIES, ListingPlan, merged_details
from loaders.spellings import SEP, best, votes_to_text
from loaders.statements import DEGREE, HUB_LABELS, SHOW, SHOW_COLUMNS

_ROLE_TYPES = frozenset(rel.value for rel in ROLE_TYPES)
_INDEXED = (NAME_KEY, *(scheme.property for scheme in SCHEMES.values()))
_END_LABELS = {rel.value: (start.value, end.value) for rel, (start, end) in RELATIONSHIPS.items()}


@dataclass
class _Show:
    votes: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    ids: list[str] | None = None


@dataclass
class _Hub:
    name: str
    votes: dict[str, int]
    kept: bool  # whether the node keeps its votes (a second spelling was met)
    properties: dict[str, Any] = field(default_factory=dict)
    ids: list[str] | None = None


@dataclass
class _Edge:
    type: str
    start: str
    end: str
    role: str | None
    sources: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)


def _assign(target: dict[str, Any], name: str, value: Any) -> None:
    """SET x.name = value: a null removes the property."""
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value


class BulkGraph:
    """The nodes and relationships a first load of some batches of plans makes."""

    def __init__(self, loaded_at: str):
        self.loaded_at = loaded_at
        self.listings: dict[str, dict[str, Any]] = {}
        self.shows: dict[str, _Show] = {}
        self.hubs: dict[str, dict[str, _Hub]] = {label: {} for label in HUB_LABELS}
        self.edges: dict[str, _Edge] = {}
        self.identified: set[str] = set()
        # title_key -> keys of the shows with that title key (SHOWS_BY_TITLE)
        self.by_title: dict[str, set[str]] = {}
        # What loaders/identities.py asks the store: nodes by name key, and by identifier
        # property ((label, property, value) -> key).
        self.by_name_key: dict[tuple[str, str], set[str]] = {}
        self.by_identifier: dict[tuple[str, str, Any], str] = {}

    # -- one batch ------------------------------------------------------------

    def add_batch(self, plans: list[ListingPlan]) -> None:
        delta: dict[tuple[str, str], dict[str, int]] = {}
        show_sources: dict[str, list[str]] = {}
        main: dict[str, dict[str, Any]] = {}
        related: dict[str, dict[str, Any]] = {}
        for plan in plans:
            for entity in plan.mentioned:
                counts = delta.setdefault((entity.label, entity.key), {})
                counts[entity.spelling] = counts.get(entity.spelling, 0) + 1
                if entity.label == SHOW:
                    show_sources.setdefault(entity.key, []).append(plan.source_id)
            main[plan.show.key] = plan.show_properties
        for plan in plans:
            for key, properties in plan.related_properties.items():
                related.setdefault(key, properties)
        for plan in plans:
            self.listings[plan.source_id] = {
                "key": plan.source_id, "file": plan.ref.file, "line": plan.ref.line,
                "record": plan.ref.record, "content_hash": plan.content_hash,
                "title": plan.listing.title, "shows": plan.asserted_shows,
                "mentions": sorted({SEP.join(entity) for entity in plan.mentioned}),
                "loaded_at": self.loaded_at}
        for (label, key), changes in delta.items():
            if label == SHOW:
                self._show(key, changes, sorted(set(show_sources[key])),
                           main.get(key), related.get(key))
            else:
                self._hub(label, key, changes)
        self._details(plans)
        for plan in plans:
            for edge in plan.edges:
                held = self.edges.get(edge.identity)
                if held is None:
                    held = self.edges[edge.identity] = _Edge(
                        edge.type, edge.start.key, edge.end.key, edge.role)
                held.sources.append(plan.source_id)
                if edge.properties:
                    held.properties.update(edge.properties)

    def _show(self, key: str, changes: dict[str, int], sources: list[str],
              main: dict[str, Any] | None, related: dict[str, Any] | None) -> None:
        show = self.shows.get(key)
        created = show is None
        if created:
            show = self.shows[key] = _Show()
        for spelling, count in changes.items():
            show.votes[spelling] = show.votes.get(spelling, 0) + count
        show.sources.extend(sources)
        before = show.properties.get("title_key")
        if main is not None:
            for name in NAMING_PROPERTIES + LISTING_PROPERTIES:
                _assign(show.properties, name, main.get(name))
            for name, value in main.items():
                if name not in SHOW_COLUMNS:
                    _assign(show.properties, name, value)
        elif created:  # a show only named as related keeps what it has (statements.py)
            for name in NAMING_PROPERTIES:
                _assign(show.properties, name, related.get(name))
        after = show.properties.get("title_key")
        if before != after:
            if before is not None:
                self.by_title[before].discard(key)
            if after is not None:
                self.by_title.setdefault(after, set()).add(key)

    def _hub(self, label: str, key: str, changes: dict[str, int]) -> None:
        hub = self.hubs[label].get(key)
        if hub is None:
            votes = {s: c for s, c in changes.items() if c > 0}
            self.hubs[label][key] = _Hub(best(votes), votes, len(votes) > 1)
            return
        for spelling, count in changes.items():
            hub.votes[spelling] = hub.votes.get(spelling, 0) + count
        if not hub.kept and any(s != hub.name for s, c in changes.items() if c):
            hub.kept = True
        if hub.kept:
            hub.name = best(hub.votes)

    def _details(self, plans: list[ListingPlan]) -> None:
        for (label, key), (properties, ids) in merged_details(plans).items():
            node = self.shows[key] if label == SHOW else self.hubs[label][key]
            before = {name: node.properties.get(name) for name in _INDEXED}
            for name, value in properties.items():
                _assign(node.properties, name, value)
            node.ids = (node.ids or []) + [i for i in ids if i not in (node.ids or [])]
            for name, had in before.items():
                now = node.properties.get(name)
                if now == had:
                    continue
                if name == NAME_KEY:
                    if had is not None:
                        self.by_name_key[(label, had)].discard(key)
                    if now is not None:
                        self.by_name_key.setdefault((label, now), set()).add(key)
                else:
                    if had is not None:
                        self.by_identifier.pop((label, name, had), None)
                    if now is not None:
                        self.by_identifier[(label, name, now)] = key

    # -- what the identities ask (loaders/identities.py's reads of the store) ----------

    def _node(self, label: str, key: str):
        return self.shows.get(key) if label == SHOW else self.hubs[label].get(key)

    def namesakes(self, label: str, base: str, by_name_key: bool) -> dict[str, tuple[str, ...]]:
        """The nodes whose key is `base`, and (`by_name_key`) whose name gives it: {key: ids}."""
        keys = [base] + (sorted(self.by_name_key.get((label, base), ())) if by_name_key else [])
        found = {}
        for key in keys:
            node = self._node(label, key)
            if node is not None:
                found[key] = tuple(node.ids or ())
        return found

    def identified_key(self, label: str, prop: str, value: Any) -> str | None:
        return self.by_identifier.get((label, prop, value))

    def shows_by_title(self, title_keys: set[str]) -> dict[str, set[str]]:
        return {tk: set(self.by_title[tk]) for tk in title_keys if self.by_title.get(tk)}

    # -- the result -------------------------------------------------------------

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(label, properties) of every node, nulls left out."""
        for listing in self.listings.values():
            yield LISTING_LABEL, _present(listing)
        for key, show in self.shows.items():
            properties = {**show.properties, "key": key, "sources": show.sources,
                          "votes": votes_to_text(show.votes), "title": best(show.votes)}
            if show.ids is not None:
                properties["ids"] = show.ids
            yield SHOW, properties
        degrees = self._degrees()
        for label, hubs in self.hubs.items():
            for key, hub in hubs.items():
                properties = {"key": key, DISPLAY[label]: hub.name,
                              "search_text": normalize_name(hub.name),
                              DEGREE[label]: degrees.get((label, key), 0),
                              **hub.properties}
                if hub.kept:
                    properties["votes"] = votes_to_text(hub.votes)
                if hub.ids is not None:
                    properties["ids"] = hub.ids
                yield label, properties
        layout = {"key": "layout", "version": LAYOUT_VERSION, "legacy_listings": 0}
        if self.identified:
            layout["identified"] = sorted(self.identified)
        yield LAYOUT_LABEL, layout

    def relationships(self) -> Iterator[tuple[str, tuple[str, str], tuple[str, str],
                                              dict[str, Any]]]:
        """(type, (start label, key), (end label, key), properties) of every relationship."""
        for edge in self.edges.values():
            start, end = _END_LABELS[edge.type]
            properties = {**edge.properties, "sources": edge.sources}
            if edge.type in _ROLE_TYPES and edge.role is not None:
                properties["role"] = edge.role
            yield edge.type, (start, edge.start), (end, edge.end), properties

    def _degrees(self) -> dict[tuple[str, str], int]:
        degrees: dict[tuple[str, str], int] = {}
        for edge in self.edges.values():
            start, end = _END_LABELS[edge.type]
            for label, key in ((start, edge.start), (end, edge.end)):
                if label in DEGREE:
                    degrees[(label, key)] = degrees.get((label, key), 0) + 1
        return degrees

    def counts(self) -> tuple[int, int]:
        nodes = len(self.listings) + len(self.shows) + sum(map(len, self.hubs.values())) + 1
        return nodes, len(self.edges)


def _present(properties: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in properties.items() if value is not None}
