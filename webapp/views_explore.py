"""Explore: the home page, search, and a page for every show, person, company and genre."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from graph.schema import Label
from queries import explore
from queries.search import SEARCH_LABELS, search as search_entities
from webapp import limits
from webapp.errors import ApiError
from webapp.store import get_backend
from webapp.twins import page

bp = Blueprint("explore", __name__)

LABEL_BY_SLUG = {label.value.lower(): label.value for label in Label}


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_parameter", f"'{name}' must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ApiError(400, "bad_parameter", f"'{name}' must be between {low} and {high}")
    return value


@page(bp, "/", "home.html", json_rule="/index.json")
def home():
    stats = explore.statistics(get_backend(), limit=8)
    figures = {"shows": stats["labels"]["Show"], "people": stats["labels"]["Person"],
               "companies": stats["labels"]["Company"], "genres": stats["labels"]["Genre"],
               "credits": stats["credits"]}
    return {"figures": figures, "top_people": stats["top_people"],
            "largest_companies": stats["largest_companies"]}


@page(bp, "/search", "search.html")
def search():
    q = request.args.get("q", "").strip()
    label = request.args.get("label")
    if label and label not in SEARCH_LABELS:
        raise ApiError(400, "bad_parameter", f"'label' must be one of {', '.join(SEARCH_LABELS)}")
    limit = int_arg("limit", 20, 1, limits.MAX_SEARCH_RESULTS)
    results = search_entities(get_backend(), q, labels=[label] if label else SEARCH_LABELS,
                              limit=limit) if q else []
    return {"q": q, "results": results}


def _sections(detail: dict, backend) -> list[dict]:
    label = detail["label"]
    sections: list[dict] = []
    if label == "Show":
        for group in detail["credits"]:
            sections.append({"title": group["title"], "items": group["people"]})
        sections.append({"title": "Made by", "items": detail["companies"]})
        sections.append({"title": "Genres", "items": detail["genres"]})
        if detail["seasons"]:
            sections.append({"title": "Other seasons", "items": [
                {**s, "note": f"season {s['season']}" if s["season"] else None}
                for s in detail["seasons"]]})
        related = explore.related_shows(backend, detail["key"], limit=10)
        sections.append({"title": "Related shows", "empty": "No related shows yet.", "items": [
            {"name": r["name"], "url": r["url"], "note": r["explanation"]} for r in related]})
        detail["related"] = related
    elif label == "Person":
        for group in detail["credits"]:
            sections.append({"title": group["role"].capitalize(), "items": [
                {**s, "note": str(s["year"]) if s.get("year") else None} for s in group["shows"]]})
        everyone = explore.collaborator_ranking(backend, detail["key"])
        people = explore.collaborators(backend, detail["key"], limit=30, ranking=everyone)
        sections.append({"title": "Worked with", "empty": "Nobody yet.", "items": [
            {"name": p["name"], "url": p["url"],
             "note": "; ".join(f"{'/'.join(s['their_roles'])} on {s['name']}" for s in p["shows"][:3])
             + (f" (+{p['count'] - 3} more)" if p["count"] > 3 else "")} for p in people]})
        suggestions = explore.suggested_collaborators(backend, detail["key"], limit=10,
                                                      known_collaborators=everyone)
        sections.append({"title": "Might work with", "empty": "No suggestions yet.", "items": [
            {"name": s["name"], "url": s["url"], "note": s["explanation"]} for s in suggestions]})
        detail["collaborators"] = people
        detail["suggested_collaborators"] = suggestions
    else:
        shown = detail["shows"]
        note = f" ({len(shown)} of {detail['total']})" if detail.get("total", 0) > len(shown) else ""
        sections.append({"title": f"Shows{note}", "items": [
            {**s, "note": str(s["year"]) if s.get("year") else None} for s in shown]})
    return sections


def entity_page(label: str, key: str) -> dict:
    backend = get_backend()
    detail = explore.DETAILS[label](backend, key)
    if detail is None:
        raise ApiError(404, "not_found", f"There is no {label.lower()} with the key {key!r}. "
                                         "Search for it instead.")
    sections = _sections(detail, backend)
    props = detail["properties"]
    subtitle = " · ".join(str(x) for x in (
        props.get("year"), props.get("country"),
        f"season {props['season']} of {props['series']}" if props.get("season") else None) if x)
    hidden = {"key", "votes", "sources", "search_text", "title", "name", "title_key",
              "series_key", "series", "season", "synopsis", "year"}
    entity = {"label": label, "key": key, "name": detail["name"], "subtitle": subtitle,
              "synopsis": props.get("synopsis"),
              "properties": [(k, v if not isinstance(v, list) else ", ".join(map(str, v)))
                             for k, v in sorted(props.items()) if k not in hidden]}
    graph_src = f"/{label.lower()}/{key}/graph.json"
    return {"entity": entity, "sections": sections, "provenance": detail.get("provenance", []),
            "graph_src": graph_src, "detail": detail}


def _register_entity_routes() -> None:
    for slug, label in LABEL_BY_SLUG.items():
        def view(key: str, label: str = label) -> dict:
            return entity_page(label, key)
        view.__name__ = f"{slug}_page"
        page(bp, f"/{slug}/<key>", "entity.html")(view)

        def graph(key: str, label: str = label):
            depth = int_arg("depth", 1, 1, limits.MAX_NEIGHBOURHOOD_DEPTH)
            limit = int_arg("limit", 60, 1, limits.MAX_NEIGHBOURHOOD_NODES)
            data = explore.neighbourhood(get_backend(), label, key, depth=depth, limit=limit)
            if not data["nodes"]:
                raise ApiError(404, "not_found", f"There is no {label.lower()} with the key {key!r}.")
            return jsonify(data)
        graph.__name__ = f"{slug}_graph"
        bp.add_url_rule(f"/{slug}/<key>/graph.json", graph.__name__, graph)


_register_entity_routes()
