"""What a load changed, entity by entity, read back from the change record its batches
wrote (loaders/statements.py CHANGE_ENTRY and the Replaced nodes; docs/data-model.md):
listings created, updated (content hash before -> after) and unchanged; nodes and edges
added and removed; properties changed, before -> after.

"After" is the state the load left: the next Replaced image of the same node or edge
(a later load changed it since) or, when none, what the store holds now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypedDict

from graph.backend import Backend, Results
from graph.schema import (
    ASSERTION_LABEL,
    CHANGE_LABEL,
    LISTING_LABEL,
    RELATIONSHIPS,
    REPLACED_LABEL,
    Label,
    RelType,
)
from loaders.history import find_load

SEP = "\t"  # a created node: "<label>\t<key>"
EDGE_SEP = "|"  # an edge's identity: "<type>|<start key>|<end key>|<role>" (plan.edge)

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
_MARKS = frozenset({"_change", "_load", "_label", "_edge", "_removed"})

_CHANGES = (
    f"MATCH (c:{CHANGE_LABEL} {{load: $load}}) RETURN c.key, c.created_listings, "
    "c.created_nodes, c.created_edges, c.created_edge_groups ORDER BY c.key"
)
_REPLACED = f"MATCH (v:{REPLACED_LABEL} {{_load: $load}}) RETURN properties(v) ORDER BY v._change"
_LATER_NODES = (
    f"UNWIND $keys AS k MATCH (v:{REPLACED_LABEL} {{key: k[1]}}) "
    "WHERE v._label = k[0] AND v._change > $after "
    "RETURN k[0], k[1], properties(v) ORDER BY v._change"
)
_LATER_EDGES = (
    f"UNWIND $edges AS e MATCH (v:{REPLACED_LABEL} {{_edge: e}}) "
    "WHERE v._change > $after RETURN e, properties(v) ORDER BY v._change"
)


class EdgeIdentity(TypedDict):
    """An edge as a change record names it: its type, its ends' keys, its role if any."""

    type: str
    start: str
    end: str
    role: str | None


def parse_edge(identity: str) -> EdgeIdentity:
    rel_type, start, end, role = identity.split(EDGE_SEP, 3)
    return {"type": rel_type, "start": start, "end": end, "role": role or None}


def parse_edge_group(text: str) -> list[EdgeIdentity]:
    """The edges of one created row: "<type>\t<show key>\t<role>\t<other key>..."; the
    show is the end of a relationship that ends at a show (credits, EPISODE_OF's series),
    else its start (MADE_BY, IN_GENRE)."""
    rel_type, show, role, *others = text.split(SEP)
    show_is_end = RELATIONSHIPS[RelType(rel_type)][1] is Label.SHOW
    return [
        {
            "type": rel_type,
            "start": other if show_is_end else show,
            "end": show if show_is_end else other,
            "role": role or None,
        }
        for other in others
    ]


def _image(properties: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in properties.items() if name not in _MARKS}


def property_changes(before: dict[str, Any], after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The shown properties whose values differ, in name order."""
    after = after or {}
    return [
        {"name": name, "before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if name not in NOT_SHOWN and name != "key" and before.get(name) != after.get(name)
    ]


def load_diff(backend: Backend, load_id: str) -> dict[str, Any]:
    """Everything one load changed (its id, or a prefix naming one load)."""
    record = find_load(backend, load_id)
    load = record["id"]
    diff: dict[str, Any] = {
        "load": record,
        "recorded": bool(record.get("changes")),
        "listings": {"created": [], "updated": [], "unchanged": record.get("unchanged") or 0},
        "nodes": {"added": [], "removed": [], "changed": []},
        "edges": {"added": [], "removed": [], "changed": []},
    }
    last = ""
    for key, listings, nodes, edges, groups in backend.run_read(
        _CHANGES, {"load": load}, max_rows=0
    ).rows:
        last = max(last, key)
        diff["listings"]["created"].extend(listings or [])
        for text in nodes or []:
            label, node_key = text.split(SEP, 1)
            diff["nodes"]["added"].append({"label": label, "key": node_key})
        for text in groups or []:
            diff["edges"]["added"].extend(parse_edge_group(text))
        diff["edges"]["added"].extend(parse_edge(text) for text in edges or [])
    # The first image of each node and edge in this load is how it was before the load.
    nodes_before: dict[tuple[str, str], dict[str, Any]] = {}
    edges_before: dict[str, dict[str, Any]] = {}
    removed_nodes: set[tuple[str, str]] = set()
    removed_edges: set[str] = set()
    for (properties,) in backend.run_read(_REPLACED, {"load": load}, max_rows=0).rows:
        last = max(last, properties["_change"])
        if properties.get("_edge"):
            edges_before.setdefault(properties["_edge"], _image(properties))
            if properties.get("_removed"):
                removed_edges.add(properties["_edge"])
        elif properties["_label"] == ASSERTION_LABEL:
            continue  # what a listing asserted: its update is the listing's (shown above)
        else:
            ident = (properties["_label"], properties["key"])
            nodes_before.setdefault(ident, _image(properties))
            if properties.get("_removed"):
                removed_nodes.add(ident)
    node_after = _nodes_after(backend, [i for i in nodes_before if i not in removed_nodes], last)
    edge_after = _edges_after(backend, [e for e in edges_before if e not in removed_edges], last)
    added_nodes = {(node["label"], node["key"]) for node in diff["nodes"]["added"]}
    added_edges = {
        EDGE_SEP.join((e["type"], e["start"], e["end"], e["role"] or ""))
        for e in diff["edges"]["added"]
    }
    for (label, key), before in nodes_before.items():
        if (label, key) in removed_nodes:
            diff["nodes"]["removed"].append({"label": label, "key": key, "before": before})
            continue
        after = node_after.get((label, key))
        if label == LISTING_LABEL:
            diff["listings"]["updated"].append(
                {
                    "id": key,
                    "title": (after or before).get("title"),
                    "content_hash": {
                        "before": before.get("content_hash"),
                        "after": (after or {}).get("content_hash"),
                    },
                }
            )
            continue
        changed = property_changes(before, after)
        if changed and (label, key) not in added_nodes:  # new: all of it is the load's
            diff["nodes"]["changed"].append({"label": label, "key": key, "properties": changed})
    for identity, before in edges_before.items():
        edge = parse_edge(identity)
        if identity in removed_edges:
            diff["edges"]["removed"].append({**edge, "before": before})
            continue
        changed = property_changes(before, edge_after.get(identity))
        if changed and identity not in added_edges:
            diff["edges"]["changed"].append({**edge, "properties": changed})
    return diff


def _nodes_after(
    backend: Backend, idents: list[tuple[str, str]], last: str
) -> dict[tuple[str, str], dict[str, Any]]:
    """Each node as this load left it: its image from the next load that changed it, else
    as it is now."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if not idents:
        return found
    for label, key, properties in backend.run_read(
        _LATER_NODES, {"keys": [list(i) for i in idents], "after": last}, max_rows=0
    ).rows:
        found.setdefault((label, key), _image(properties))
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


def _edges_after(backend: Backend, identities: list[str], last: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if not identities:
        return found
    for identity, properties in backend.run_read(
        _LATER_EDGES, {"edges": identities, "after": last}, max_rows=0
    ).rows:
        found.setdefault(identity, _image(properties))
    by_type: dict[str, list[list[str]]] = defaultdict(list)
    for identity in identities:
        if identity not in found:
            edge = parse_edge(identity)
            by_type[edge["type"]].append([edge["start"], edge["end"], edge["role"] or ""])
    for rel_type, rows in by_type.items():
        start, end = RELATIONSHIPS[RelType(rel_type)]
        for a, b, role, properties in backend.run_read(
            f"UNWIND $rows AS e MATCH (a:{start.value} {{key: e[0]}})-[r:{rel_type}]->"
            f"(b:{end.value} {{key: e[1]}}) WHERE coalesce(r.role, '') = e[2] "
            "RETURN a.key, b.key, r.role, properties(r)",
            {"rows": rows},
            max_rows=0,
        ).rows:
            found[EDGE_SEP.join((rel_type, a, b, role or ""))] = properties
    return found


# -- the diff as rows ----------------------------------------------------------------

DIFF_COLUMNS = ["change", "what", "item", "detail"]


def _edge_text(edge: dict[str, Any]) -> str:
    role = f" ({edge['role']})" if edge.get("role") else ""
    return f"{edge['start']} -> {edge['end']}{role}"


def _values(changes: Iterable[dict[str, Any]]) -> str:
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
        rows.append(["~", node["label"], node["key"], _values(node["properties"])])
    for edge in diff["edges"]["added"]:
        rows.append(["+", edge["type"], _edge_text(edge), ""])
    for edge in diff["edges"]["removed"]:
        rows.append(["-", edge["type"], _edge_text(edge), ""])
    for edge in diff["edges"]["changed"]:
        rows.append(["~", edge["type"], _edge_text(edge), _values(edge["properties"])])
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
