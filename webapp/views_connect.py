"""Connect: the shortest connection between two entities, drawn and listed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from screengraph.graph.shortest_paths import no_path_within
from screengraph.queries import paths
from screengraph.queries.catalogue import catalogue
from screengraph.queries.entity_params import EntityParameterError, resolve_entity_params
from screengraph.queries.errors import AmbiguousEntity
from screengraph.queries.namesakes import distinguish
from screengraph.queries.search import resolve_entity
from screengraph.webapp.errors import ANSWERED, ApiError, as_api_error
from screengraph.webapp.graphview import node_id
from screengraph.webapp.inputs import question_values
from screengraph.webapp.path_sentences import path_sentence, step_sentences
from screengraph.webapp.store import get_backend
from screengraph.webapp.twins import page

bp = Blueprint("connect", __name__)


def _unresolved(exc: EntityParameterError) -> ApiError:
    """An end that names no single entity: its side, and its candidates or suggestions,
    each with the link that re-runs the search with it."""
    side = PATH_FIELDS[exc.parameter]
    ambiguous = isinstance(exc.cause, AmbiguousEntity)
    return ApiError(
        400 if ambiguous else 404,
        "ambiguous" if ambiguous else "not_found",
        f"{side.capitalize()}: {exc.cause}",
        side=side,
        candidates=_reruns(exc.choices, side),
    )


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


# The path question's ends as this form names them: the text typed, and the `Label:key`
# a chosen candidate fills in (which wins when given).
PATH_FIELDS = {"source": "from", "target": "to"}
CHOSEN_FIELDS = {"source": "from_key", "target": "to_key"}
_FIELDS = ("from", "to", "from_key", "to_key", "max_hops", "paths")


def _path_fields() -> dict[str, str]:
    """The field each parameter of the path question is read from in this request."""
    chosen = {p: f for p, f in CHOSEN_FIELDS.items() if request.args.get(f, "").strip()}
    return {**PATH_FIELDS, **chosen}


@page(bp, "/connect", "connect.html")
def connect():
    # The form shows the ends again as they were typed; the question reads its values
    # (the chosen key before the text) through the catalogue's own parameters.
    data = {
        **{field: request.args.get(field, "").strip() for field in _FIELDS[:4]},
        "max_hops": paths.DEFAULT_MAX_HOPS,
        "max_hops_limit": paths.MAX_HOPS,
        "paths_asked": paths.PATHS.default,
        "searched": False,
        "path": None,
    }
    data["from_text"], data["to_text"] = data.pop("from"), data.pop("to")
    try:
        asked = catalogue().get("path")
        values = question_values(asked, _path_fields(), complete=False)
        data["max_hops"], data["paths_asked"] = values["max_hops"], values["paths"]
        if "source" in values and "target" in values:
            try:
                ends = resolve_entity_params(get_backend(), asked, values)
            except EntityParameterError as exc:
                raise _unresolved(exc) from None
            data.update(_connection(ends))
            data["from_text"] = data["from_text"] or data["source"]["name"]
            data["to_text"] = data["to_text"] or data["target"]["name"]
    except (ApiError, *ANSWERED) as exc:  # shown on the form, which keeps what was typed
        error = as_api_error(exc)
        error.page = ("connect.html", data)
        raise error from None
    return data


def _connection(ends: dict) -> dict:
    """The connection between the resolved ends (`Label:key`), within `max_hops`."""
    backend = get_backend()
    source, target = (resolve_entity(backend, ends[end]) for end in ("source", "target"))
    distinguish(backend, [source, target])
    max_hops = ends["max_hops"]
    answer = paths.connection_path(
        backend,
        paths.Ref(source["label"], source["key"]),
        paths.Ref(target["label"], target["key"]),
        max_hops=max_hops,
        paths=ends["paths"],
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
    }
