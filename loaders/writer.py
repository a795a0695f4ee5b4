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
from typing import Any, Iterable, Mapping

from graph.backend import Backend
from graph.keys import best_spelling, normalize_name
from graph.schema import LISTING_LABEL, RELATIONSHIPS, Label, RelType
from loaders.plan import Entity, ListingPlan

SEP = "\t"

# A source id goes on a node or an edge once. A listing loaded for the first time
# cannot be there yet (its Listing node, written in the same statement, did not
# exist), so its id is appended unchecked: on hubs the check is what grows with
# every listing. Ids of listings loaded before are appended only where missing.
_APPEND_SOURCES = ("x.sources = coalesce(x.sources, []) + n[1] + "
                   "[s IN n[2] WHERE NOT s IN coalesce(x.sources, [])]")


def _upsert_statement() -> str:
    """Rows are lists, not maps, and edges name their listing by its index in
    $sources: the parameters are text that FalkorDB parses, and half their size
    went on repeated map keys and source ids."""
    parts = [f"UNWIND $listings AS l MERGE (x:{LISTING_LABEL} {{key: l.key}}) "
             "SET x += l.props, x.loaded_at = $loaded_at"]
    for label in Label:
        display = DISPLAY[label.value]
        if label is Label.SHOW:
            # [key, new sources, sources to check, votes, properties]
            parts.append(f"UNWIND $nodes.{label.value} AS n MERGE (x:{label.value} {{key: n[0]}}) "
                         f"SET x += n[4], x.votes = n[3], {_APPEND_SOURCES}")
            continue
        # Renamed (or new): [key, new sources, sources to check, votes, name, search text];
        # the others keep their name and search text untouched (no full-text re-index).
        parts.append(f"UNWIND $nodes.{label.value} AS n MERGE (x:{label.value} {{key: n[0]}}) "
                     f"SET x.votes = n[3], x.{display} = n[4], x.search_text = n[5], "
                     f"{_APPEND_SOURCES}")
        parts.append(f"UNWIND $same_name.{label.value} AS n MERGE (x:{label.value} {{key: n[0]}}) "
                     f"SET x.votes = n[3], {_APPEND_SOURCES}")
    for rel_type, (start, end) in RELATIONSHIPS.items():
        # [start key, end key, index of the listing in $sources(, role)]
        role = " {role: e[3]}" if rel_type is RelType.PRODUCED else ""
        parts.append(
            f"UNWIND $edges.{rel_type.value} AS e "
            f"MATCH (a:{start.value} {{key: e[0]}}) MATCH (b:{end.value} {{key: e[1]}}) "
            f"MERGE (a)-[r:{rel_type.value}{role}]->(b) "
            "SET r.sources = CASE WHEN $sources[e[2]] IN coalesce(r.sources, []) THEN r.sources "
            "ELSE coalesce(r.sources, []) + $sources[e[2]] END")
    return " WITH count(*) AS _ ".join(parts) + " WITH count(*) AS _ RETURN 1"


EXISTING_LISTINGS = (
    f"UNWIND $keys AS k MATCH (x:{LISTING_LABEL} {{key: k}}) "
    "RETURN x.key AS key, x.content_hash AS hash, x.shows AS shows, x.mentions AS mentions")

SHOWS_BY_TITLE = (
    "UNWIND $title_keys AS tk MATCH (s:Show {title_key: tk}) "
    "RETURN tk AS title_key, collect(s.key) AS keys")

# One text per node ("<key>\n<vote>\n<vote>\n...": keys and cleaned names hold no line
# breaks) in one record: both drivers pay per record and per value, and this read
# runs for every entity of every batch (Neo4j: 150 -> 40 ms for 4,500 people).
VOTES = ("UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
         "RETURN collect(n.key + '\n' + reduce(s = '', v IN coalesce(n.votes, []) | s + v + '\n'))")

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

UPSERT = _upsert_statement()


def mention(entity: Entity) -> str:
    return f"{entity.label}{SEP}{entity.key}{SEP}{entity.spelling}"


def parse_mention(text: str) -> tuple[str, str, str]:
    label, key, spelling = text.split(SEP, 2)
    return label, key, spelling


def votes_to_counter(votes: list[str] | None) -> Counter:
    counter: Counter = Counter()
    for entry in votes or []:
        spelling, _, count = entry.rpartition(SEP)
        counter[spelling] = counter.get(spelling, 0) + int(count)
    return counter


def _best(votes: Mapping[str, int]) -> str:
    """best_spelling, without ranking ties when there is nothing to rank (most names)."""
    return next(iter(votes)) if len(votes) == 1 else best_spelling(votes)


def counter_to_votes(counter: Mapping[str, int]) -> list[str]:
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
        texts = self.backend.run_read(VOTES.format(label=label), {"keys": sorted(set(keys))},
                                      max_rows=0).value() or []
        found = {}
        for text in texts:
            key, *votes = text.split("\n")
            found[key] = votes_to_counter(votes[:-1])
        return found

    # -- the batch ----------------------------------------------------------

    def write(self, plans: list[ListingPlan], previous: dict[str, dict] | None = None,
              loaded_at: str | None = None) -> None:
        """Write every plan in one statement (all of them or none)."""
        loaded_at = loaded_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        parameters = self.parameters(plans, previous or {}, loaded_at)
        self.backend.run_write(UPSERT, parameters)
        for label in DEGREES:
            stale = self.stale_degrees[label]
            stale.update(row[0] for row in parameters["nodes"][label])
            stale.update(row[0] for row in parameters["same_name"][label])

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
        delta: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        # Per entity: ids of first-time listings naming it, and of reloaded ones.
        named_by: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        show_properties: dict[str, dict[str, Any]] = {}
        mentions: list[list[str]] = []
        for plan in plans:
            source_id = plan.source_id
            before = previous.get(source_id)
            for old in (before or {}).get("mentions") or []:
                label, key, spelling = parse_mention(old)
                counts = delta[(label, key)]
                counts[spelling] = counts.get(spelling, 0) - 1
            slot = 0 if before is None else 1
            mentioned = plan.mentioned
            for entity in mentioned:
                ident = (entity.label, entity.key)
                counts = delta[ident]
                counts[entity.spelling] = counts.get(entity.spelling, 0) + 1
                if ident not in named_by:
                    named_by[ident] = ([], [])
                named_by[ident][slot].append(source_id)
            mentions.append(sorted({mention(e) for e in mentioned}))
            show_properties[plan.show.key] = plan.show_properties
        for plan in plans:
            for key, properties in plan.related_properties.items():
                show_properties.setdefault(key, properties)

        nodes: dict[str, list[list[Any]]] = {label.value: [] for label in Label}
        same_name: dict[str, list[list[Any]]] = {label.value: [] for label in Label}
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, key in named_by:
            by_label[label].append(key)
        for label, keys in by_label.items():
            existing = self.votes(label, keys)
            is_show = label == Label.SHOW.value
            for key in keys:
                had = existing.get(key)  # as stored: positive counts only
                counts = dict(had) if had else {}
                for spelling, count in delta[(label, key)].items():
                    counts[spelling] = counts.get(spelling, 0) + count
                votes = {s: c for s, c in counts.items() if c > 0}
                name = _best(votes)
                new_ids, reloaded_ids = named_by[(label, key)]
                row: list[Any] = [key, sorted(set(new_ids)), sorted(set(reloaded_ids)),
                                  counter_to_votes(votes)]
                if is_show:
                    props = dict(show_properties.get(key, {}))
                    props["title"] = name
                    nodes[label].append(row + [props])
                elif had and _best(had) == name:
                    same_name[label].append(row)
                else:
                    nodes[label].append(row + [name, normalize_name(name)])

        edges: dict[str, list[list[Any]]] = {rel.value: [] for rel in RelType}
        produced = RelType.PRODUCED.value
        for index, plan in enumerate(plans):
            for edge in plan.edges:
                if edge.type == produced:
                    edges[produced].append([edge.start.key, edge.end.key, index, edge.role])
                else:
                    edges[edge.type].append([edge.start.key, edge.end.key, index])
        listings = [{"key": plan.source_id, "props": {
            "file": plan.ref.file, "line": plan.ref.line, "record": plan.ref.record,
            "content_hash": plan.content_hash,
            "title": plan.listing.title, "shows": plan.asserted_shows,
            "mentions": listing_mentions,
        }} for plan, listing_mentions in zip(plans, mentions)]
        return {"listings": listings, "loaded_at": loaded_at,
                "sources": [plan.source_id for plan in plans],
                "nodes": nodes, "same_name": same_name, "edges": edges}

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
