"""Search and name resolution: what a user types, turned into entities.

Both engines' full-text indexes only supply candidates; the ranking is ours
and the same on both backends: exact name, then name starting with the
words, then every word as a prefix, then fuzzy matches; ties by shorter
name, then key.
"""

from __future__ import annotations

from graph.backend import Backend
from graph.keys import company_key, genre_key, normalize_name, person_key, show_key
from graph.schema import Label
from queries.errors import AmbiguousEntity, UnknownEntity

SEARCH_LABELS = ("Show", "Person", "Company", "Genre")
_KEY_FUNCTIONS = {"Person": person_key, "Company": company_key, "Genre": genre_key}


def entity_url(label: str, key: str) -> str:
    return f"/{label.lower()}/{key}"


def describe(node: dict) -> dict:
    """A node as search results and pages show it."""
    props = node["properties"]
    return {"label": node["label"], "key": node["key"],
            "name": props.get("title") or props.get("name") or node["key"],
            "year": props.get("year"), "url": entity_url(node["label"], node["key"])}


def _rank(query: str, name: str) -> int:
    text = normalize_name(name)
    if text == query:
        return 3
    if text.startswith(query):
        return 2
    words = text.split()
    if all(any(w.startswith(t) for w in words) for t in query.split()):
        return 1
    return 0


def search(backend: Backend, text: str, labels: tuple[str, ...] | list[str] = SEARCH_LABELS,
           limit: int = 20) -> list[dict]:
    query = normalize_name(text)
    if not query:
        return []
    labels = [label for label in labels if label in SEARCH_LABELS]
    found = backend.fulltext_search(text, labels, limit=max(limit * 3, 30))
    results = []
    seen = set()
    for node, _score in found.rows:
        item = describe(node)
        if (item["label"], item["key"]) in seen:
            continue
        seen.add((item["label"], item["key"]))
        item["match"] = _rank(query, item["name"])
        results.append(item)
    results.sort(key=lambda r: (-r["match"], len(r["name"]), r["key"], r["label"]))
    return results[:limit]


def resolve_entity(backend: Backend, text: str, label: str | None = None) -> dict:
    """The one entity a user means by `text` (a name, or `Label:key`).

    Uses the loaders' key functions, so "eric rochant" finds Eric Rochant.
    Raises AmbiguousEntity (two King Kongs) or UnknownEntity with suggestions.
    """
    text = text.strip()
    if ":" in text and text.split(":", 1)[0] in SEARCH_LABELS:
        label, key = text.split(":", 1)
        found = backend.run_read(f"MATCH (n:{Label(label).value} {{key: $key}}) RETURN n",
                                 {"key": key}, max_rows=0)
        if found.rows:
            return describe(found.rows[0][0])
        raise UnknownEntity(text, search(backend, key.replace("-", " "), limit=5))
    labels = [label] if label else list(SEARCH_LABELS)
    candidates: list[dict] = []
    for candidate_label in labels:
        if candidate_label == "Show":
            # Every show of that title (remakes included), else a show whose key was typed.
            rows = backend.run_read(
                "MATCH (s:Show {title_key: $title_key}) RETURN s ORDER BY s.year, s.key",
                {"title_key": show_key(text)}, max_rows=0).rows or backend.run_read(
                "MATCH (s:Show {key: $key}) RETURN s", {"key": text}, max_rows=0).rows
        else:
            rows = backend.run_read(
                f"MATCH (n:{Label(candidate_label).value} {{key: $key}}) RETURN n",
                {"key": _KEY_FUNCTIONS[candidate_label](text)}, max_rows=0).rows
        candidates.extend(describe(row[0]) for row in rows)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise AmbiguousEntity(text, candidates)
    raise UnknownEntity(text, search(backend, text, labels=labels, limit=5))
