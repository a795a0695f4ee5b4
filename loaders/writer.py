"""Batched writes of listing plans: one UNWIND statement per batch, the same on both backends.

A batch is one statement, so it applies whole or not at all on either engine.

Provenance and display names:
- every edge and every node keeps `sources`, the ids of the listings that
  assert it (appended server-side, so hub nodes never travel back and forth);
- every node keeps `votes`, entries "<spelling>\\t<count>": how many listings
  wrote its name that way; the most voted spelling is its display name;
- a `Listing` node per source records file, line, record, load time, a
  content hash (an unchanged listing is skipped on reload) and `mentions`,
  the entities it named and how ("<label>\\t<key>\\t<spelling>"), so a changed
  version can take back exactly the votes and credits the old one gave:
  new credits are added first, then the dropped ones pruned where no other
  listing asserts them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable

from graph.backend import Backend
from graph.keys import best_spelling, normalize_name
from graph.schema import LISTING_LABEL, RELATIONSHIPS, Label, RelType
from loaders.plan import Entity, ListingPlan

SEP = "\t"

_APPEND_SOURCES = ("SET x.sources = coalesce(x.sources, []) + "
                   "[s IN n.sources WHERE NOT s IN coalesce(x.sources, [])]")


def _upsert_statement() -> str:
    parts = [f"UNWIND $listings AS l MERGE (x:{LISTING_LABEL} {{key: l.key}}) SET x += l.props"]
    for label in Label:
        parts.append(f"UNWIND $nodes.{label.value} AS n MERGE (x:{label.value} {{key: n.key}}) "
                     f"SET x += n.props {_APPEND_SOURCES}")
    for rel_type, (start, end) in RELATIONSHIPS.items():
        role = " {role: e.role}" if rel_type is RelType.PRODUCED else ""
        parts.append(
            f"UNWIND $edges.{rel_type.value} AS e "
            f"MATCH (a:{start.value} {{key: e.start}}) MATCH (b:{end.value} {{key: e.end}}) "
            f"MERGE (a)-[r:{rel_type.value}{role}]->(b) "
            "SET r.sources = CASE WHEN e.src IN coalesce(r.sources, []) THEN r.sources "
            "ELSE coalesce(r.sources, []) + e.src END")
    return " WITH count(*) AS _ ".join(parts) + " WITH count(*) AS _ RETURN 1"


UPSERT = _upsert_statement()

EXISTING_LISTINGS = (
    f"UNWIND $keys AS k MATCH (x:{LISTING_LABEL} {{key: k}}) "
    "RETURN x.key AS key, x.content_hash AS hash, x.shows AS shows, x.mentions AS mentions")

SHOWS_BY_TITLE = (
    "UNWIND $title_keys AS tk MATCH (s:Show {title_key: tk}) "
    "RETURN tk AS title_key, collect(s.key) AS keys")

VOTES = "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n.key AS key, n.votes AS votes"

PRUNE_EDGES = (
    "UNWIND $shows AS sk MATCH (s:Show {key: sk})-[r]-() "
    "WHERE $src IN coalesce(r.sources, []) AND NOT "
    "(type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '')) IN $keep "
    "WITH DISTINCT r SET r.sources = [x IN r.sources WHERE x <> $src] "
    "WITH r WHERE size(r.sources) = 0 DELETE r RETURN count(*) AS removed")

# An entity the new version no longer names: take back its source and votes,
# and delete it once no listing names it and nothing links to it.
DROP_MENTIONS = (
    "UNWIND $nodes AS d MATCH (n:{label} {{key: d.key}}) "
    "SET n.sources = [x IN coalesce(n.sources, []) WHERE x <> $src], n.votes = d.votes, "
    "n.{display} = coalesce(d.name, n.{display}) "
    "WITH n WHERE size(n.sources) = 0 AND NOT (n)--() DELETE n RETURN count(*) AS deleted")

# How connected each entity is, kept as a property so that ranking queries
# (Adamic-Adar weights) need not count a hub's edges on every request.
DEGREES = {
    Label.PERSON.value: "UNWIND $keys AS k MATCH (n:Person {key: k}) OPTIONAL MATCH (n)-[r]->(:Show) "
                        "WITH n, count(r) AS degree SET n.credit_count = degree",
    Label.COMPANY.value: "UNWIND $keys AS k MATCH (n:Company {key: k}) "
                         "OPTIONAL MATCH (:Show)-[r:MADE_BY]->(n) "
                         "WITH n, count(r) AS degree SET n.show_count = degree",
    Label.GENRE.value: "UNWIND $keys AS k MATCH (n:Genre {key: k}) "
                       "OPTIONAL MATCH (:Show)-[r:IN_GENRE]->(n) "
                       "WITH n, count(r) AS degree SET n.show_count = degree",
}

DISPLAY = {Label.SHOW.value: "title", Label.PERSON.value: "name", Label.COMPANY.value: "name",
           Label.GENRE.value: "name"}


def mention(entity: Entity) -> str:
    return f"{entity.label}{SEP}{entity.key}{SEP}{entity.spelling}"


def parse_mention(text: str) -> tuple[str, str, str]:
    label, key, spelling = text.split(SEP, 2)
    return label, key, spelling


def votes_to_counter(votes: list[str] | None) -> Counter:
    counter: Counter = Counter()
    for entry in votes or []:
        spelling, _, count = entry.rpartition(SEP)
        counter[spelling] += int(count)
    return counter


def counter_to_votes(counter: Counter) -> list[str]:
    return [f"{spelling}{SEP}{count}" for spelling, count in sorted(counter.items()) if count > 0]


class ListingWriter:
    """Writes batches of listing plans through any backend."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self.stale_degrees: dict[str, set[str]] = defaultdict(set)

    # -- reads before a batch ---------------------------------------------

    def existing_listings(self, source_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.backend.run_read(EXISTING_LISTINGS, {"keys": source_ids}, max_rows=0)
        return {r["key"]: r for r in rows.records()}

    def shows_by_title(self, title_keys: Iterable[str]) -> dict[str, list[str]]:
        rows = self.backend.run_read(SHOWS_BY_TITLE, {"title_keys": sorted(set(title_keys))},
                                     max_rows=0)
        return {r["title_key"]: r["keys"] for r in rows.records()}

    def votes(self, label: str, keys: Iterable[str]) -> dict[str, Counter]:
        rows = self.backend.run_read(VOTES.format(label=label), {"keys": sorted(set(keys))},
                                     max_rows=0)
        return {r["key"]: votes_to_counter(r["votes"]) for r in rows.records()}

    # -- the batch ----------------------------------------------------------

    def write(self, plans: list[ListingPlan], previous: dict[str, dict] | None = None,
              loaded_at: str | None = None) -> None:
        """Write every plan in one statement (all of them or none)."""
        loaded_at = loaded_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        parameters = self.parameters(plans, previous or {}, loaded_at)
        self.backend.run_write(UPSERT, parameters)
        for label in DEGREES:
            self.stale_degrees[label].update(n["key"] for n in parameters["nodes"][label])

    def refresh_degrees(self, keys: dict[str, list[str]], chunk: int = 10_000) -> None:
        for label, statement in DEGREES.items():
            wanted = keys.get(label) or []
            for i in range(0, len(wanted), chunk):
                self.backend.run_write(statement, {"keys": wanted[i:i + chunk]})

    def flush_degrees(self) -> None:
        """Recount the degrees of everything written since the last flush, once each:
        per batch, a genre in every batch would be recounted every time."""
        stale = {label: sorted(keys) for label, keys in self.stale_degrees.items()}
        self.stale_degrees.clear()
        self.refresh_degrees(stale)

    def parameters(self, plans: list[ListingPlan], previous: dict[str, dict],
                   loaded_at: str) -> dict[str, Any]:
        # Votes this batch adds, and those the previous versions of its listings take back.
        delta: dict[tuple[str, str], Counter] = defaultdict(Counter)
        sources: dict[tuple[str, str], list[str]] = defaultdict(list)
        show_properties: dict[str, dict[str, Any]] = {}
        for plan in plans:
            for old in (previous.get(plan.source_id) or {}).get("mentions") or []:
                label, key, spelling = parse_mention(old)
                delta[(label, key)][spelling] -= 1
            for entity in plan.mentioned:
                delta[(entity.label, entity.key)][entity.spelling] += 1
                sources[(entity.label, entity.key)].append(plan.source_id)
            show_properties[plan.show.key] = plan.show_properties
        for plan in plans:
            for key, properties in plan.related_properties.items():
                show_properties.setdefault(key, properties)

        nodes: dict[str, list[dict[str, Any]]] = {label.value: [] for label in Label}
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, key in sources:
            by_label[label].append(key)
        for label, keys in by_label.items():
            existing = self.votes(label, keys)
            for key in keys:
                votes = existing.get(key, Counter())
                votes.update(delta[(label, key)])
                votes = Counter({s: c for s, c in votes.items() if c > 0})
                name = best_spelling(votes)
                props: dict[str, Any] = {"votes": counter_to_votes(votes)}
                if label == Label.SHOW.value:
                    props.update(show_properties.get(key, {}))
                    props["title"] = name
                else:
                    props["name"] = name
                    props["search_text"] = normalize_name(name)
                nodes[label].append({"key": key, "props": props,
                                     "sources": sorted(set(sources[(label, key)]))})

        edges: dict[str, list[dict[str, Any]]] = {rel.value: [] for rel in RelType}
        for plan in plans:
            for edge in plan.edges:
                edges[edge.type].append({"start": edge.start.key, "end": edge.end.key,
                                         "role": edge.role, "src": plan.source_id})
        listings = [{"key": plan.source_id, "props": {
            "file": plan.ref.file, "line": plan.ref.line, "record": plan.ref.record,
            "loaded_at": loaded_at, "content_hash": plan.content_hash,
            "title": plan.listing.title, "shows": plan.asserted_shows,
            "mentions": sorted({mention(e) for e in plan.mentioned}),
        }} for plan in plans]
        return {"listings": listings, "nodes": nodes, "edges": edges}

    # -- replacing a changed listing -------------------------------------

    def prune(self, plan: ListingPlan, previous: dict[str, Any]) -> int:
        """Take back what the previous version of this listing asserted and this one does not."""
        shows = sorted(set(previous.get("shows") or []) | set(plan.asserted_shows))
        keep = [edge.identity for edge in plan.edges]
        removed = self.backend.run_write(
            PRUNE_EDGES, {"shows": shows, "src": plan.source_id, "keep": keep}).value(0) or 0
        named_now = {(e.label, e.key) for e in plan.mentioned}
        dropped: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        for old in previous.get("mentions") or []:
            label, key, spelling = parse_mention(old)
            if (label, key) not in named_now:
                dropped[label][key][spelling] += 1
        for label, by_key in dropped.items():
            existing = self.votes(label, by_key)
            rows = []
            for key, taken_back in by_key.items():
                votes = existing.get(key, Counter())
                votes.subtract(taken_back)
                votes = Counter({s: c for s, c in votes.items() if c > 0})
                rows.append({"key": key, "votes": counter_to_votes(votes),
                             "name": best_spelling(votes) if votes else None})
            self.backend.run_write(DROP_MENTIONS.format(label=label, display=DISPLAY[label]),
                                   {"nodes": rows, "src": plan.source_id})
        # Edges went away: the degrees of everything this listing touched may have changed.
        for old in previous.get("mentions") or []:
            label, key, _ = parse_mention(old)
            if label in DEGREES:
                self.stale_degrees[label].add(key)
        return int(removed)
