"""What a load changed, or a run of loads, entity by entity, read back from the change
record their batches wrote (loaders/change_record.py; docs/data-model.md): listings
created, updated (content hash before -> after) and unchanged; nodes and edges added and
removed; properties changed, before -> after.

"Before" is the first image of an item in the run of loads (an item they created was not
there). "After" is the state the last load of the run left: the next Replaced image of
the same item (a later load changed it since) or, when none, what the store holds now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypedDict

from screengraph.graph.backend import Backend, Results
from screengraph.graph.schema import (
    LISTING_LABEL,
    LOAD_LABEL,
    RELATIONSHIPS,
    REPLACED_LABEL,
    Label,
    RelType,
)
from screengraph.loaders.change_record import (
    Event,
    edge_identity,
    edge_parts,
    image_of,
    read_record,
)
from screengraph.loaders.history import UNDO_KIND, find_load

# Properties the loader derives or keeps as provenance: their changes are not shown
# (votes show as the display name they elect; counts are recounted from the edges).
NOT_SHOWN = frozenset(
    {
        "asserted_by",
        "sources",
        "votes",
        "search_text",
        "credit_count",
        "show_count",
        "loaded_at",
        "mentions",
        "shows",
    }
)

_LATER_NODES = (
    f"UNWIND $keys AS k MATCH (v:{REPLACED_LABEL} {{key: k[1]}}) "
    "WHERE v._label = k[0] AND v._change > $after "
    "RETURN k[0], k[1], properties(v) ORDER BY v._change"
)
_LATER_EDGES = (
    f"UNWIND $edges AS e MATCH (v:{REPLACED_LABEL} {{_edge: e}}) "
    "WHERE v._change > $after RETURN e, properties(v) ORDER BY v._change"
)
# Every load (an undo writes no change record of its own); a run is picked from them in
# Python: FalkorDB answers a string range over an indexed property from its index, by
# signed bytes, and was seen to return keys past the range (docs/cypher-dialects.md).
_LOADS = (
    f"MATCH (l:{LOAD_LABEL}) WHERE coalesce(l.kind, '') <> '{UNDO_KIND}' "
    "RETURN l.key, l.unchanged, l.undone_by IS NOT NULL"
)


class EdgeIdentity(TypedDict):
    """An edge as a change record names it: its type, its ends' keys, its role if any."""

    type: str
    start: str
    end: str
    role: str | None


def parse_edge(identity: str) -> EdgeIdentity:
    rel_type, start, end, role = edge_parts(identity)
    return {"type": rel_type, "start": start, "end": end, "role": role}


def property_changes(before: dict[str, Any], after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The shown properties whose values differ, in name order."""
    after = after or {}
    return [
        {"name": name, "before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if name not in NOT_SHOWN and name != "key" and before.get(name) != after.get(name)
    ]


def _there_after(events: list[Event]) -> bool:
    """Whether the item was there once the run's last event had happened."""
    return not events[-1].removed


def load_diff(backend: Backend, load_id: str, last_id: str | None = None) -> dict[str, Any]:
    """Everything one load changed (its id, or a prefix naming one load); with `last_id`,
    the net change of the run of loads from just before the first of the two to just
    after the other (in whichever order they are given)."""
    record = find_load(backend, load_id)
    last = find_load(backend, last_id) if last_id else record
    if last["id"] < record["id"]:
        record, last = last, record
    run = sorted(
        (key, unchanged)
        for key, unchanged, undone in backend.run_read(_LOADS, max_rows=0).rows
        if record["id"] <= key <= last["id"]
        and (not undone or key in (record["id"], last["id"]))  # an undone load: taken back
    )
    loads = [key for key, _ in run] or [record["id"]]
    changes = read_record(backend, loads)
    diff: dict[str, Any] = {
        "load": record,
        "last": last if last_id else None,
        "loads": loads,
        "recorded": all(
            bool(r.get("changes")) for r in ({record["id"]: record, last["id"]: last}.values())
        ),
        "listings": {
            "created": [],
            "updated": [],
            "unchanged": sum(unchanged or 0 for _, unchanged in run),
        },
        "nodes": {"added": [], "removed": [], "changed": []},
        "edges": {"added": [], "removed": [], "changed": []},
    }
    after = changes.last_batch
    kept_nodes = [
        item
        for item, events in changes.nodes.items()
        if not events[0].created and _there_after(events)
    ] + [
        (LISTING_LABEL, key)
        for key, events in changes.listings.items()
        if not events[0].created and _there_after(events)
    ]
    kept_edges = [
        item
        for item, events in changes.edges.items()
        if not events[0].created and _there_after(events)
    ]
    node_after = nodes_after(backend, kept_nodes, after)
    edge_after = edges_after(backend, kept_edges, after)
    for key, events in changes.listings.items():
        first = events[0]
        if first.created:
            diff["listings"]["created"].append(key)
            continue
        before = first.image or {}
        now = node_after.get((LISTING_LABEL, key))
        diff["listings"]["updated"].append(
            {
                "id": key,
                "title": (now or before).get("title"),
                "content_hash": {
                    "before": before.get("content_hash"),
                    "after": (now or {}).get("content_hash"),
                },
            }
        )
    for (label, key), events in changes.nodes.items():
        first, there = events[0], _there_after(events)
        if first.created:
            if there:
                diff["nodes"]["added"].append({"label": label, "key": key})
        elif not there:
            diff["nodes"]["removed"].append({"label": label, "key": key, "before": first.image})
        elif changed := property_changes(first.image or {}, node_after.get((label, key))):
            diff["nodes"]["changed"].append({"label": label, "key": key, "properties": changed})
    for identity, events in changes.edges.items():
        first, there, edge = events[0], _there_after(events), parse_edge(identity)
        if first.created:
            if there:
                diff["edges"]["added"].append(edge)
        elif not there:
            diff["edges"]["removed"].append({**edge, "before": first.image})
        elif changed := property_changes(first.image or {}, edge_after.get(identity)):
            diff["edges"]["changed"].append({**edge, "properties": changed})
    return diff


def nodes_after(
    backend: Backend, idents: list[tuple[str, str]], last: str
) -> dict[tuple[str, str], dict[str, Any]]:
    """Each node as the run left it: its image from the next load that changed it, else
    as it is now."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if not idents:
        return found
    for label, key, properties in backend.run_read(
        _LATER_NODES, {"keys": [list(i) for i in idents], "after": last}, max_rows=0
    ).rows:
        found.setdefault((label, key), image_of(properties))
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, key in idents:
        if (label, key) not in found:
            by_label[label].append(key)
    for label, keys in by_label.items():
        if label not in _NODE_LABELS:
            continue
        for key, properties in backend.run_read(
            f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n.key, properties(n)",
            {"keys": keys},
            max_rows=0,
        ).rows:
            found[(label, key)] = properties
    return found


_NODE_LABELS = frozenset({*(label.value for label in Label), LISTING_LABEL})


def edges_after(backend: Backend, identities: list[str], last: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if not identities:
        return found
    for identity, properties in backend.run_read(
        _LATER_EDGES, {"edges": identities, "after": last}, max_rows=0
    ).rows:
        found.setdefault(identity, image_of(properties))
    found.update(current_edges(backend, [i for i in identities if i not in found]))
    return found


def current_edges(backend: Backend, identities: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The properties of these edges as the store holds them now (those it has)."""
    by_type: dict[str, list[list[str]]] = defaultdict(list)
    for identity in identities:
        rel_type, start, end, role = edge_parts(identity)
        by_type[rel_type].append([start, end, role or ""])
    found: dict[str, dict[str, Any]] = {}
    for rel_type, rows in by_type.items():
        start_label, end_label = RELATIONSHIPS[RelType(rel_type)]
        for a, b, role, properties in backend.run_read(
            f"UNWIND $rows AS e MATCH (a:{start_label.value} {{key: e[0]}})-[r:{rel_type}]->"
            f"(b:{end_label.value} {{key: e[1]}}) WHERE coalesce(r.role, '') = e[2] "
            "RETURN a.key, b.key, r.role, properties(r)",
            {"rows": rows},
            max_rows=0,
        ).rows:
            found[edge_identity(rel_type, a, b, role)] = properties
    return found


# -- the diff as rows ----------------------------------------------------------------

DIFF_COLUMNS = ["change", "what", "item", "detail"]


def edge_text(edge: dict[str, Any]) -> str:
    role = f" ({edge['role']})" if edge.get("role") else ""
    return f"{edge['start']} -> {edge['end']}{role}"


def values_text(changes: Iterable[dict[str, Any]]) -> str:
    return "; ".join(f"{c['name']}: {c['before']!r} -> {c['after']!r}" for c in changes)


def diff_rows(diff: dict[str, Any]) -> Results:
    """One row per change, as `screengraph diff` prints them: + added, - removed, ~ changed."""
    rows: list[list[Any]] = []
    for source_id in diff["listings"]["created"]:
        rows.append(["+", "Listing", source_id, "created"])
    for listing in diff["listings"]["updated"]:
        hashes = listing["content_hash"]
        rows.append(
            [
                "~",
                "Listing",
                listing["id"],
                f"updated: content {hashes['before']} -> {hashes['after']}",
            ]
        )
    for node in diff["nodes"]["added"]:
        rows.append(["+", node["label"], node["key"], ""])
    for node in diff["nodes"]["removed"]:
        rows.append(["-", node["label"], node["key"], ""])
    for node in diff["nodes"]["changed"]:
        rows.append(["~", node["label"], node["key"], values_text(node["properties"])])
    for edge in diff["edges"]["added"]:
        rows.append(["+", edge["type"], edge_text(edge), ""])
    for edge in diff["edges"]["removed"]:
        rows.append(["-", edge["type"], edge_text(edge), ""])
    for edge in diff["edges"]["changed"]:
        rows.append(["~", edge["type"], edge_text(edge), values_text(edge["properties"])])
    return Results(DIFF_COLUMNS, rows)


def diff_counts(diff: dict[str, Any]) -> dict[str, int]:
    """How many of each kind of change: the diff's one-line summary."""
    listings = diff["listings"]
    return {
        "listings_created": len(listings["created"]),
        "listings_updated": len(listings["updated"]),
        "listings_unchanged": listings["unchanged"],
        **{
            f"{part}_{kind}": len(diff[part][kind])
            for part in ("nodes", "edges")
            for kind in ("added", "removed", "changed")
        },
    }
