"""Connect: the shortest connection between two entities, drawn and listed."""

from __future__ import annotations

from flask import Blueprint, request

from queries import paths
from queries.errors import AmbiguousEntity, UnknownEntity
from queries.namesakes import distinguish
from queries.search import resolve_entity
from webapp import limits
from webapp.errors import ApiError
from webapp.store import get_backend
from webapp.twins import page
from webapp.views_explore import int_arg

bp = Blueprint("connect", __name__)


def _entity(text: str, key: str, side: str) -> dict:
    backend = get_backend()
    try:
        return resolve_entity(backend, key if key else text)
    except AmbiguousEntity as exc:
        raise ApiError(400, "ambiguous", f"{side}: {exc}", candidates=exc.candidates) from None
    except UnknownEntity as exc:
        raise ApiError(404, "not_found", f"{side}: {exc}", candidates=exc.suggestions) from None


def _graph(answer: dict) -> dict:
    nodes, edges = [], []
    steps = answer["path"]
    for i, step in enumerate(steps):
        if "label" in step:
            nodes.append({"id": f"{step['key']}@{step['label']}", "key": step["key"],
                          "label": step["label"], "name": step["name"],
                          "display": step.get("display"), "url": step["url"]})
        else:
            before, after = steps[i - 1], steps[i + 1]
            ids = {before["key"]: f"{before['key']}@{before['label']}",
                   after["key"]: f"{after['key']}@{after['label']}"}
            edges.append({"source": ids[step["start"]], "target": ids[step["end"]],
                          "type": step["type"], "role": step["role"]})
    return {"nodes": nodes, "edges": edges, "shown": len(nodes), "total": len(nodes),
            "center": nodes[0]["id"] if nodes else None}


@page(bp, "/connect", "connect.html")
def connect():
    from_text, to_text = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    from_key, to_key = request.args.get("from_key", "").strip(), request.args.get("to_key", "").strip()
    max_hops = int_arg("max_hops", paths.DEFAULT_MAX_HOPS, 1, limits.MAX_CONNECT_HOPS)
    data = {"from_text": from_text, "to_text": to_text, "from_key": from_key, "to_key": to_key,
            "max_hops": max_hops, "searched": False, "path": None}
    if not (from_text or from_key) and not (to_text or to_key):
        return data
    if not (from_text or from_key) or not (to_text or to_key):
        raise ApiError(400, "bad_parameter", "Give both ends: 'from' and 'to'.")
    source, target = _entity(from_text, from_key, "From"), _entity(to_text, to_key, "To")
    distinguish(get_backend(), [source, target])
    answer = paths.connection_path(get_backend(), paths.Ref(source["label"], source["key"]),
                                   paths.Ref(target["label"], target["key"]), max_hops=max_hops)
    steps = []
    for step in answer["path"]:
        if "label" in step:
            steps.append({"kind": "node", **step})
        else:
            role = f" ({step['role']})" if step.get("role") else ""
            steps.append({"kind": "rel", "text": f"{step['type'].replace('_', ' ').lower()}{role}",
                          **step})
    data.update(searched=True, source=source, target=target, path=answer["path"] or None,
                length=answer["length"], steps=steps, message=answer["message"],
                found=answer["found"], graph=_graph(answer))
    if not data["from_text"]:
        data["from_text"] = source["name"]
    if not data["to_text"]:
        data["to_text"] = target["name"]
    return data
