"""Graph-view data for Cytoscape: nodes and edges found in query results.

Node ids are `key@Label`: keys are unique per label only. A console query can
return any value, including maps shaped like nodes (`{label: '/evil.example',
key: 'x', properties: {...}}`): only a string label and key make a node, and
only a domain label (graph/schema.py) gets a link, built by `entity_url`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.backend import Backend, Results
from graph.schema import Label
from queries.namesakes import distinguish
from webapp.links import entity_url

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


def _is_relationship(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str) and "properties" in value


def _walk(value: Any, nodes: dict, edges: dict, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    found = _node(value)
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
    elif isinstance(value, list):
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
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, nodes, edges, depth + 1)


def members_of(values: Iterable[Any]) -> list[tuple[str, str]]:
    """(label, key) of every node in some results, uncapped (for downloads)."""
    nodes: dict[str, dict] = {}
    for value in values:
        _walk(value, nodes, {})
    return [(node["label"], node["key"]) for node in nodes.values()]


def graph_from_values(values: Iterable[Any], center: str | None = None) -> dict:
    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}
    for value in values:
        _walk(value, nodes, edges)
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
    graph = graph_from_values(results.rows)
    if backend is not None:
        distinguish(backend, graph["nodes"])
    return graph
