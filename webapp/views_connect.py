"""Connect: the shortest connection between two entities, drawn and listed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from screengraph.graph.shortest_paths import no_path_within
from screengraph.queries import paths
from screengraph.queries.catalogue import catalogue
from screengraph.queries.errors import AmbiguousEntity, UnknownEntity
from screengraph.queries.namesakes import distinguish
from screengraph.queries.search import resolve_entity
from screengraph.webapp.errors import ANSWERED, ApiError, as_api_error
from screengraph.webapp.graphview import node_id
from screengraph.webapp.inputs import question_values
from screengraph.webapp.path_sentences import path_sentence, step_sentences
from screengraph.webapp.store import get_backend
from screengraph.webapp.twins import page

bp = Blueprint("connect", __name__)


def _entity(text: str, key: str, side: str) -> dict:
    """The entity one end names; ambiguous or unknown names carry their candidates, each
    with the link that re-runs the search with it."""
    backend = get_backend()
    try:
        return resolve_entity(backend, key if key else text)
    except AmbiguousEntity as exc:
        raise ApiError(
            400,
            "ambiguous",
            f"{side.capitalize()}: {exc}",
            side=side,
            candidates=_reruns(exc.candidates, side),
        ) from None
    except UnknownEntity as exc:
        raise ApiError(
            404,
            "not_found",
            f"{side.capitalize()}: {exc}",
            side=side,
            candidates=_reruns(exc.suggestions, side),
        ) from None


def _rerun_url(**changes) -> str:
    """This search again with some of its fields changed (a chosen candidate, more hops)."""
    args: dict[str, Any] = {name: request.args.get(name, "") for name in _FIELDS}
    args.update(changes)
    return url_for("connect.connect", **{k: v for k, v in args.items() if v not in ("", None)})


def _reruns(candidates: list[dict], side: str) -> list[dict]:
    return [
        {**c, "rerun": _rerun_url(**{side: c["name"], f"{side}_key": f"{c['label']}:{c['key']}"})}
        for c in candidates
    ]


def _graph(answer: dict) -> dict:
    """Every path found, drawn together: each entity once, each step once."""
    nodes: dict[str, dict] = {}
    edges: dict[tuple, dict] = {}
    for steps in answer["paths"]:
        for i, step in enumerate(steps):
            if "label" in step:
                nodes.setdefault(
                    node_id(step["label"], step["key"]),
                    {
                        "id": node_id(step["label"], step["key"]),
                        "key": step["key"],
                        "label": step["label"],
                        "name": step["name"],
                        "display": step.get("display"),
                    },
                )
                continue
            before, after = steps[i - 1], steps[i + 1]
            ids = {
                before["key"]: node_id(before["label"], before["key"]),
                after["key"]: node_id(after["label"], after["key"]),
            }
            edge = (ids[step["start"]], step["type"], ids[step["end"]], step["role"] or "")
            edges.setdefault(
                edge,
                {
                    "source": edge[0],
                    "target": edge[2],
                    "type": step["type"],
                    "role": step["role"],
                },
            )
    first = answer["path"]
    return {
        "nodes": list(nodes.values()),
        "edges": list(edges.values()),
        "shown": len(nodes),
        "total": len(nodes),
        "center": node_id(first[0]["label"], first[0]["key"]) if first else None,
    }


# The path question's parameters as this form names them; the keys a chosen candidate
# fills in are the form's own.
PATH_FIELDS = {"source": "from", "target": "to"}
_FIELDS = ("from", "to", "from_key", "to_key", "max_hops", "paths")


@page(bp, "/connect", "connect.html")
def connect():
    from_text, to_text = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    from_key, to_key = (
        request.args.get("from_key", "").strip(),
        request.args.get("to_key", "").strip(),
    )
    data = {
        "from_text": from_text,
        "to_text": to_text,
        "from_key": from_key,
        "to_key": to_key,
        "max_hops": paths.DEFAULT_MAX_HOPS,
        "max_hops_limit": paths.MAX_HOPS,
        "paths_asked": paths.PATHS.default,
        "searched": False,
        "path": None,
    }
    try:
        asked = question_values(catalogue().get("path"), PATH_FIELDS, complete=False)
        data["max_hops"], data["paths_asked"] = asked["max_hops"], asked["paths"]
        if (from_text or from_key) and (to_text or to_key):
            data.update(
                _connection(
                    from_text, from_key, to_text, to_key, data["max_hops"], data["paths_asked"]
                )
            )
    except (ApiError, *ANSWERED) as exc:  # shown on the form, which keeps what was typed
        error = as_api_error(exc)
        error.page = ("connect.html", data)
        raise error from None
    return data


def _connection(
    from_text: str, from_key: str, to_text: str, to_key: str, max_hops: int, how_many: int
) -> dict:
    source, target = _entity(from_text, from_key, "from"), _entity(to_text, to_key, "to")
    distinguish(get_backend(), [source, target])
    answer = paths.connection_path(
        get_backend(),
        paths.Ref(source["label"], source["key"]),
        paths.Ref(target["label"], target["key"]),
        max_hops=max_hops,
        paths=how_many,
    )
    steps = []
    for step in answer["path"]:
        if "label" in step:
            steps.append({"kind": "node", **step})
        else:
            role = f" ({step['role']})" if step.get("role") else ""
            steps.append(
                {"kind": "rel", "text": f"{step['type'].replace('_', ' ').lower()}{role}", **step}
            )
    path = answer["path"] or None
    longer = None
    if answer["message"] == no_path_within(max_hops) and max_hops < paths.MAX_HOPS:
        longer = {"max_hops": paths.MAX_HOPS, "url": _rerun_url(max_hops=paths.MAX_HOPS)}
    return {
        "searched": True,
        "source": source,
        "target": target,
        "path": path,
        "paths": answer["paths"],
        "length": answer["length"],
        "steps": steps,
        "message": answer["message"],
        "found": answer["found"],
        "graph": _graph(answer),
        "sentence": path_sentence(path) if path else None,
        "step_sentences": step_sentences(path) if path else [],
        # The other equally short connections, each as one sentence.
        "alternatives": [path_sentence(other) for other in answer["paths"][1:]],
        "longer": longer,
        "from_text": from_text or source["name"],
        "to_text": to_text or target["name"],
    }
