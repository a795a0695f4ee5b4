"""Batched writes of listing plans: one UNWIND statement per batch, the same on both backends.

A batch is one statement, so it applies whole or not at all on either engine.
Provenance: every node keeps `spellings`, entries "<source id>\\t<spelling>"
(one per listing that named it; they vote for the display name) and every edge
keeps `sources`, the ids of the listings that assert it. A `Listing` node per
source records file, line, record, load time and a content hash, so an
unchanged listing is skipped and a changed one replaces what it asserted
before: new credits are added first, then the dropped ones pruned where no
other listing asserts them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable

from graph.backend import Backend
from graph.keys import best_spelling, normalize_name
from graph.schema import CREDIT_TYPES, RELATIONSHIPS, Label, RelType
from loaders.plan import Entity, ListingPlan

LISTING_LABEL = "Listing"
SEPARATOR = "\t"

_EDGE_ID = "type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '')"


def _upsert_statement() -> str:
    parts = [
        f"UNWIND $listings AS l MERGE (x:{LISTING_LABEL} {{key: l.key}}) SET x += l.props",
    ]
    for label in Label:
        parts.append(
            f"UNWIND $nodes.{label.value} AS n MERGE (x:{label.value} {{key: n.key}}) "
            "SET x += n.props")
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
    "RETURN x.key AS key, x.content_hash AS hash, x.shows AS shows")

SHOWS_BY_TITLE = (
    "UNWIND $title_keys AS tk MATCH (s:Show {title_key: tk}) "
    "RETURN tk AS title_key, collect(s.key) AS keys")

SPELLINGS = "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n.key AS key, n.spellings AS spellings"

PRUNE_EDGES = (
    "UNWIND $shows AS sk MATCH (s:Show {key: sk})-[r]-(o) "
    f"WHERE $src IN coalesce(r.sources, []) AND NOT ({_EDGE_ID}) IN $keep "
    "WITH DISTINCT r "
    "SET r.sources = [x IN r.sources WHERE x <> $src] "
    "WITH r WHERE size(r.sources) = 0 DELETE r RETURN count(*) AS removed")

STALE_NODES = (
    "UNWIND $shows AS sk MATCH (s:Show {key: sk}) "
    "OPTIONAL MATCH (s)-[]-(o) "
    "WITH collect(DISTINCT s) + collect(DISTINCT o) AS nodes UNWIND nodes AS n "
    "WITH DISTINCT n WHERE n IS NOT NULL AND "
    "any(e IN coalesce(n.spellings, []) WHERE e STARTS WITH $prefix) "
    "RETURN labels(n)[0] AS label, n.key AS key, n.spellings AS spellings")

# An entity that lost its last listing and its last edge goes away.
DROP_OR_RENAME = (
    "UNWIND $nodes AS d MATCH (n {key: d.key}) WHERE d.label IN labels(n) "
    "SET n.spellings = d.spellings, n.sources = d.sources, n.name = CASE WHEN n.name IS NULL THEN NULL ELSE d.name END, "
    "n.title = CASE WHEN n.title IS NULL THEN NULL ELSE d.name END "
    "WITH n, d WHERE size(d.spellings) = 0 AND NOT (n)--() DELETE n RETURN count(*) AS deleted")


class ListingWriter:
    """Writes batches of listing plans through any backend."""

    def __init__(self, backend: Backend):
        self.backend = backend

    # -- reads before a batch ---------------------------------------------

    def existing_listings(self, source_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.backend.run_read(EXISTING_LISTINGS, {"keys": source_ids}, max_rows=0)
        return {r["key"]: r for r in rows.records()}

    def shows_by_title(self, title_keys: Iterable[str]) -> dict[str, list[str]]:
        rows = self.backend.run_read(SHOWS_BY_TITLE, {"title_keys": sorted(set(title_keys))},
                                     max_rows=0)
        return {r["title_key"]: r["keys"] for r in rows.records()}

    def spellings(self, label: str, keys: Iterable[str]) -> dict[str, list[str]]:
        rows = self.backend.run_read(SPELLINGS.format(label=label), {"keys": sorted(set(keys))},
                                     max_rows=0)
        return {r["key"]: list(r["spellings"] or []) for r in rows.records()}

    # -- the batch ----------------------------------------------------------

    def write(self, plans: list[ListingPlan], loaded_at: str | None = None) -> None:
        """Write every plan in one statement (all of them or none)."""
        loaded_at = loaded_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        sources = {plan.source_id for plan in plans}
        self.backend.run_write(UPSERT, self.parameters(plans, sources, loaded_at))

    def parameters(self, plans: list[ListingPlan], sources: set[str],
                   loaded_at: str) -> dict[str, Any]:
        mentions: dict[tuple[str, str], list[str]] = defaultdict(list)
        show_properties: dict[str, dict[str, Any]] = {}
        for plan in plans:
            for entity in [plan.show, *plan.related, *plan.entities]:
                entry = f"{plan.source_id}{SEPARATOR}{entity.spelling}"
                if entry not in mentions[(entity.label, entity.key)]:
                    mentions[(entity.label, entity.key)].append(entry)
            show_properties[plan.show.key] = plan.show_properties
        for plan in plans:
            for key, properties in plan.related_properties.items():
                show_properties.setdefault(key, properties)

        nodes: dict[str, list[dict[str, Any]]] = {label.value: [] for label in Label}
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, key in mentions:
            by_label[label].append(key)
        for label, keys in by_label.items():
            existing = self.spellings(label, keys)
            for key in keys:
                kept = [e for e in existing.get(key, []) if e.split(SEPARATOR, 1)[0] not in sources]
                entries = kept + mentions[(label, key)]
                name = best_spelling(Counter(e.split(SEPARATOR, 1)[1] for e in entries))
                props: dict[str, Any] = {"spellings": entries,
                                         "sources": sorted({e.split(SEPARATOR, 1)[0] for e in entries})}
                if label == Label.SHOW.value:
                    props.update(show_properties.get(key, {}))
                    props["title"] = name
                else:
                    props["name"] = name
                    props["search_text"] = normalize_name(name)
                nodes[label].append({"key": key, "props": props})

        edges: dict[str, list[dict[str, Any]]] = {rel.value: [] for rel in RelType}
        for plan in plans:
            for edge in plan.edges:
                edges[edge.type].append({"start": edge.start.key, "end": edge.end.key,
                                         "role": edge.role, "src": plan.source_id})
        listings = [{"key": plan.source_id, "props": {
            "file": plan.ref.file, "line": plan.ref.line, "record": plan.ref.record,
            "loaded_at": loaded_at, "content_hash": plan.content_hash,
            "title": plan.listing.title, "shows": plan.asserted_shows,
        }} for plan in plans]
        return {"listings": listings, "nodes": nodes, "edges": edges}

    # -- replacing a changed listing -------------------------------------

    def prune(self, plan: ListingPlan, previous_shows: list[str]) -> int:
        """Remove what the previous version of this listing asserted and this one does not."""
        shows = sorted(set(previous_shows) | set(plan.asserted_shows))
        keep = [edge.identity for edge in plan.edges]
        prefix = f"{plan.source_id}{SEPARATOR}"
        # Find the entities this listing named before cutting the edges that lead to them.
        candidates = self.backend.run_read(
            STALE_NODES, {"shows": shows, "prefix": prefix}, max_rows=0).records()
        removed = self.backend.run_write(
            PRUNE_EDGES, {"shows": shows, "src": plan.source_id, "keep": keep}).value(0) or 0
        still_named = {(e.label, e.key) for e in [plan.show, *plan.related, *plan.entities]}
        updates = []
        for row in candidates:
            if (row["label"], row["key"]) in still_named:
                continue
            remaining = [e for e in row["spellings"] if not e.startswith(prefix)]
            name = best_spelling(Counter(e.split(SEPARATOR, 1)[1] for e in remaining)) \
                if remaining else None
            updates.append({"label": row["label"], "key": row["key"], "spellings": remaining,
                            "name": name, "sources": sorted({e.split(SEPARATOR, 1)[0]
                                                             for e in remaining})})
        if updates:
            self.backend.run_write(DROP_OR_RENAME, {"nodes": updates})
        return int(removed)
