"""Graph-view data for Cytoscape: nodes and edges found in query results.

Node ids are `key@Label`: keys are unique per label only. A console query can
return any value, including maps shaped like nodes (`{label: '/evil.example',
key: 'x', properties: {...}}`): only a string label and key make a node, and
only a domain label (graph/schema.py) gets a link, built by `entity_url`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from screengraph.graph.backend import Backend, Results
from screengraph.graph.schema import Label
from screengraph.queries.namesakes import distinguish
from screengraph.queries.neighbours import ranked_neighbours
from screengraph.webapp.links import entity_url

DISPLAY_CAP = 300
MAX_DEPTH = 64  # nodes nested deeper in a value are not looked for
_ENTITY_LABELS = frozenset(label.value for label in Label)


def node_id(label: str, key: str) -> str:
    """A node's id in graph views: `key@Label` (keys are unique per label only)."""
    return f"{key}@{label}"


def neighbourhood_view(found: dict) -> dict:
    """A neighbourhood (queries/explore.py: entities by label and key) as the graph view
    draws it: each node with its id and link, each edge between two ids."""
    return {
        **found,
        "nodes": [
            {"id": node_id(n["label"], n["key"]), **n, "url": entity_url(n["label"], n["key"])}
            for n in found["nodes"]
        ],
        "edges": [
            {
                "source": node_id(e["start"]["label"], e["start"]["key"]),
                "target": node_id(e["end"]["label"], e["end"]["key"]),
                "type": e["type"],
                "role": e["role"],
            }
            for e in found["edges"]
        ],
        "center": node_id(found["center"]["label"], found["center"]["key"]),
    }


def _node(value: Any) -> tuple[str, str, dict] | None:
    """(label, key, properties) when the value is a node we can draw, else None."""
    if not isinstance(value, dict) or "label" not in value or "properties" not in value:
        return None
    label, key, props = value.get("label"), value.get("key"), value.get("properties")
    if not (isinstance(label, str) and isinstance(key, str) and label and key):
        return None
    return label, key, props if isinstance(props, dict) else {}


def _reference(value: Any) -> tuple[str, str, dict] | None:
    """(label, key, properties) of a map that names an entity: by a domain label and its key
    (`{label: "Show", key, name}`: the questions' rows nest them), or by its page here
    (`{key, name, url: "/show/x"}`), else None."""
    if not isinstance(value, dict) or not isinstance(value.get("key"), str) or not value["key"]:
        return None
    label = value.get("label")
    if label not in _ENTITY_LABELS:
        url = value.get("url")
        if not isinstance(url, str):
            return None
        label = next((lb for lb in _ENTITY_LABELS if url == entity_url(lb, value["key"])), None)
        if label is None:
            return None
    name = value.get("display") or value.get("name") or value.get("title") or value["key"]
    return label, value["key"], {"name": name}


def _is_relationship(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str) and "properties" in value


def _walk(value: Any, nodes: dict, edges: dict, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    found = _node(value) or _reference(value)
    if found:
        label, key, props = found
        nid = node_id(label, key)
        name = props.get("title") or props.get("name") or key
        nodes.setdefault(
            nid,
            {
                "id": nid,
                "key": key,
                "label": label,
                "name": str(name),
                "url": entity_url(label, key) if label in _ENTITY_LABELS else None,
            },
        )
    if isinstance(value, list):
        # A path alternates nodes and relationships: connect the neighbours.
        for i, item in enumerate(value):
            if _is_relationship(item) and 0 < i < len(value) - 1:
                before, after = _node(value[i - 1]), _node(value[i + 1])
                if before and after:
                    ids = {before[1]: node_id(*before[:2]), after[1]: node_id(*after[:2])}
                    source = ids.get(item.get("start"), node_id(*before[:2]))
                    target = ids.get(item.get("end"), node_id(*after[:2]))
                    props = item["properties"] if isinstance(item["properties"], dict) else {}
                    eid = f"{source}-{item['type']}-{target}-{props.get('role', '')}"
                    edges.setdefault(
                        eid,
                        {
                            "source": source,
                            "target": target,
                            "type": item["type"],
                            "role": props.get("role"),
                        },
                    )
            _walk(item, nodes, edges, depth + 1)
    if isinstance(value, dict) and not _node(value):
        for item in value.values():
            _walk(item, nodes, edges, depth + 1)


def members_of(values: Iterable[Any]) -> list[tuple[str, str]]:
    """(label, key) of every node in some results, uncapped (for downloads)."""
    nodes: dict[str, dict] = {}
    for value in values:
        _walk(value, nodes, {})
    return [(node["label"], node["key"]) for node in nodes.values()]


def _row_entity(columns: list[str], row: Any) -> tuple[str, dict] | None:
    """A row that is itself an entity (columns `key` and `label` or `url`, what the Python
    questions answer): its graph-view id and the map it reads as."""
    if not isinstance(row, list) or "key" not in columns:
        return None
    if "url" not in columns and "label" not in columns:
        return None
    record = dict(zip(columns, row, strict=False))
    found = _reference(record)
    return (node_id(found[0], found[1]), record) if found else None


def graph_from_values(
    values: Iterable[Any], center: str | None = None, columns: list[str] | None = None
) -> dict:
    """The nodes in some values and the relationships among them. With the `columns` of
    rows that are entities themselves, each row's entity is linked to the entities nested
    in its other columns (a related show to the people it shares), by the column's name."""
    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}
    for value in values:
        row = _row_entity(columns or [], value)
        if row is None:
            _walk(value, nodes, edges)
            continue
        row_id, record = row
        _walk(record, nodes, edges)
        for column, cell in record.items():
            if column in ("key", "url", "label"):
                continue
            found: dict[str, dict] = {}
            _walk(cell, found, edges)
            for nid in found:
                if nid != row_id:
                    edges.setdefault(
                        f"{row_id}-{column}-{nid}",
                        {"source": row_id, "target": nid, "type": column, "role": None},
                    )
    total = len(nodes)
    shown = list(nodes.values())[:DISPLAY_CAP]
    kept = {n["id"] for n in shown}
    return {
        "nodes": shown,
        "edges": [e for e in edges.values() if e["source"] in kept and e["target"] in kept],
        "shown": len(shown),
        "total": total,
        "center": center,
    }


def graph_from_results(results: Results, backend: Backend | None = None) -> dict:
    """The graph view of a result set; with the backend, namesakes among its nodes get
    their distinguishing detail (`display`: `David Smith (b. 1950)`; queries/namesakes.py)."""
    graph = graph_from_values(results.rows, columns=results.columns)
    if backend is not None:
        distinguish(backend, graph["nodes"])
    return graph


def neighbours_graph(
    backend: Backend, label: str, key: str, offset: int, limit: int
) -> dict | None:
    """A page of an entity's neighbours, best connected first, as graph-view JSON: the
    nodes with their links to the entity, `total` neighbours in all, and `next_offset` (None
    on the last page) for the view's "more". None when there is no such entity."""
    found = ranked_neighbours(backend, label, key, offset=offset, limit=limit)
    if found is None:
        return None
    center = node_id(label, key)
    nodes, edges = [], []
    for neighbour in found["neighbours"]:
        nid = node_id(neighbour["label"], neighbour["key"])
        props = neighbour["properties"]
        nodes.append(
            {
                "id": nid,
                "key": neighbour["key"],
                "label": neighbour["label"],
                "name": str(props.get("title") or props.get("name") or neighbour["key"]),
                "url": entity_url(neighbour["label"], neighbour["key"]),
                "degree": neighbour["degree"],
            }
        )
        for link in neighbour["links"]:
            source, target = (center, nid) if link["outgoing"] else (nid, center)
            edges.append(
                {"source": source, "target": target, "type": link["type"], "role": link["role"]}
            )
    distinguish(backend, nodes)
    end = offset + len(nodes)
    return {
        "center": center,
        "nodes": nodes,
        "edges": edges,
        "offset": offset,
        "shown": len(nodes),
        "total": found["total"],
        "next_offset": end if end < found["total"] else None,
    }
