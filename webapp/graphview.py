"""Graph-view data for Cytoscape: nodes and edges found in query results.

Node ids are `key@Label`: keys are unique per label only.
"""

from __future__ import annotations

from typing import Any, Iterable

from graph.backend import Results

DISPLAY_CAP = 300


def node_id(label: str, key: str) -> str:
    return f"{key}@{label}"


def entity_url(label: str, key: str) -> str:
    return f"/{label.lower()}/{key}"


def _walk(value: Any, nodes: dict, edges: dict, pending: list) -> None:
    if isinstance(value, dict) and "label" in value and "properties" in value:
        if value.get("key") is None or value.get("label") is None:
            return
        nid = node_id(value["label"], value["key"])
        props = value["properties"]
        nodes.setdefault(nid, {"id": nid, "key": value["key"], "label": value["label"],
                               "name": props.get("title") or props.get("name") or value["key"],
                               "url": entity_url(value["label"], value["key"])})
    elif isinstance(value, list):
        # A path alternates nodes and relationships: connect the neighbours.
        for i, item in enumerate(value):
            if (isinstance(item, dict) and "type" in item and "properties" in item
                    and 0 < i < len(value) - 1):
                before, after = value[i - 1], value[i + 1]
                if all(isinstance(x, dict) and x.get("key") for x in (before, after)):
                    ids = {before["key"]: node_id(before["label"], before["key"]),
                           after["key"]: node_id(after["label"], after["key"])}
                    source = ids.get(item.get("start"), node_id(before["label"], before["key"]))
                    target = ids.get(item.get("end"), node_id(after["label"], after["key"]))
                    eid = f"{source}-{item['type']}-{target}-{item['properties'].get('role', '')}"
                    edges.setdefault(eid, {"source": source, "target": target,
                                           "type": item["type"],
                                           "role": item["properties"].get("role")})
            _walk(item, nodes, edges, pending)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, nodes, edges, pending)


def graph_from_values(values: Iterable[Any], center: str | None = None) -> dict:
    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}
    for value in values:
        _walk(value, nodes, edges, [])
    total = len(nodes)
    shown = list(nodes.values())[:DISPLAY_CAP]
    kept = {n["id"] for n in shown}
    return {"nodes": shown,
            "edges": [e for e in edges.values() if e["source"] in kept and e["target"] in kept],
            "shown": len(shown), "total": total, "center": center}


def graph_from_results(results: Results) -> dict:
    return graph_from_values(results.rows)
