"""Search and name resolution: what a user types, turned into entities.

Both engines' full-text indexes only supply candidates (their query languages
and scores differ); the ranking is ours, in Python, and so the same on both
backends. Tiers: exact name (3), name starting with the text (2), every word
typed is the start of a word of the name (1), anything else the index found
(0, fuzzy). Within a tier, the closer spelling first (difflib ratio of the
normalised texts), then key. `score` = tier + that ratio, in [0, 4].
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from urllib.parse import quote

from graph.backend import Backend
from graph.keys import company_key, genre_key, normalize_name, person_key, show_key
from graph.schema import Label
from queries.errors import AmbiguousEntity, QueryParameterError, UnknownEntity

SEARCH_LABELS = tuple(label.value for label in Label)
_KEY_FUNCTIONS = {"Person": person_key, "Company": company_key, "Genre": genre_key}
_LABELS_BY_LOWER = {label.lower(): label for label in SEARCH_LABELS}
# "King Kong (1933)", "King Kong 1933", "King Kong, 1933": a title and its year.
# The title ends on a character that is not a separator (or is one separator
# alone): a lazy title that could end anywhere in a run of spaces or commas made
# the engine rescan that run from every position, quadratic in its length
# (40,000 commas took 22 s). Here each run is scanned from its start only.
_TITLE_AND_YEAR = re.compile(
    r"^(?P<title>(?:,|[^\S\n])|.*?[^\s,])[\s,]*\(?(?P<year>1[89]\d\d|2[01]\d\d)\)?$")


def title_and_year(text: str) -> tuple[str, int] | None:
    """`King Kong (1933)` -> ("King Kong", 1933); None when the text ends in no year."""
    found = _TITLE_AND_YEAR.match(text)
    return (found.group("title"), int(found.group("year"))) if found else None


def entity_url(label: str, key: str) -> str:
    """The web app's route of an entity page: a domain label's (else ValueError), the key quoted."""
    return f"/{Label(label).value.lower()}/{quote(str(key), safe='')}"


def describe(node: dict) -> dict:
    """A node as search results and pages show it."""
    props = node["properties"]
    return {"label": node["label"], "key": node["key"],
            "name": props.get("title") or props.get("name") or node["key"],
            "year": props.get("year"), "url": entity_url(node["label"], node["key"])}


def check_label(label: str) -> str:
    """`person` or `Person` -> `Person`; anything else is refused before it reaches Cypher."""
    found = _LABELS_BY_LOWER.get(str(label).strip().lower())
    if found is None:
        raise QueryParameterError(
            f"{label!r} is not a kind of entity; use one of {', '.join(SEARCH_LABELS)}")
    return found


def match_tier(query: str, name: str) -> int:
    """3 exact, 2 prefix, 1 every word a word prefix, 0 fuzzy (normalised texts)."""
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
    """Entities matching `text`, best first, ranked identically on both backends."""
    query = normalize_name(text)
    if not query or limit < 1:
        return []
    labels = [check_label(label) for label in labels]
    # Ask for more than we show: our ranking may promote what the index ranked low.
    found = backend.fulltext_search(text, labels, limit=max(limit * 3, 30))
    results: dict[tuple[str, str], dict] = {}
    for node, _engine_score in found.rows:
        item = describe(node)
        if (item["label"], item["key"]) in results:
            continue
        tier = match_tier(query, item["name"])
        closeness = SequenceMatcher(None, query, normalize_name(item["name"])).ratio()
        item["match"] = tier
        item["score"] = round(tier + closeness, 4)
        results[(item["label"], item["key"])] = item
    ranked = sorted(results.values(),
                    key=lambda r: (-r["match"], -r["score"], r["key"], r["label"]))
    return ranked[:limit]


def split_reference(text: str) -> tuple[str, str] | None:
    """`Person:eric-rochant` (any case of the label) -> ("Person", "eric-rochant"), else None."""
    head, sep, key = text.partition(":")
    label = _LABELS_BY_LOWER.get(head.strip().lower())
    if sep and label and key.strip():
        return label, key.strip()
    return None


def _nodes(backend: Backend, label: str, prop: str, value: str) -> list[dict]:
    rows = backend.run_read(
        f"MATCH (n:{Label(label).value} {{{prop}: $value}}) RETURN n ORDER BY n.year, n.key",
        {"value": value}, max_rows=0).rows
    return [describe(row[0]) for row in rows]


def _shows_named(backend: Backend, text: str) -> list[dict]:
    """Every show with that title (remakes included), else the show whose key or title+year it is."""
    found = _nodes(backend, "Show", "title_key", show_key(text)) or \
        _nodes(backend, "Show", "key", text)
    if not found:
        dated = title_and_year(text)
        if dated:
            found = _nodes(backend, "Show", "key", show_key(*dated))
    return found


def resolve_entity(backend: Backend, text: str, label: str | None = None) -> dict:
    """The one entity a user means by `text`: a name, `Title (year)`, or `Label:key`.

    Names become keys with the loaders' own key functions, so "eric rochant" and
    "ÉRIC ROCHANT" find Eric Rochant. Raises AmbiguousEntity (two King Kongs,
    or a person and a company of one name) or UnknownEntity with suggestions.
    Returns describe()'s dict: label, key, name, year, url.
    """
    text = (text or "").strip()
    label = check_label(label) if label else None
    reference = split_reference(text)
    if reference and (label is None or reference[0] == label):
        found = _nodes(backend, reference[0], "key", reference[1])
        if found:
            return found[0]
        raise UnknownEntity(text, search(backend, reference[1].replace("-", " "),
                                         labels=[reference[0]], limit=5))
    labels = [label] if label else list(SEARCH_LABELS)
    try:
        return _resolve_name(backend, text, labels)
    except UnknownEntity:
        if reference:  # `Person:x` where a show is needed, and no show has that title
            raise QueryParameterError(
                f"{text!r} names a {reference[0]}, but this needs a {label}: give a "
                f"{label.lower()}'s name or {label}:key") from None
        raise


def _resolve_name(backend: Backend, text: str, labels: list[str]) -> dict:
    candidates: list[dict] = []
    for candidate_label in labels:
        if candidate_label == "Show":
            candidates.extend(_shows_named(backend, text))
        elif normalize_name(text):
            candidates.extend(_nodes(backend, candidate_label, "key",
                                     _KEY_FUNCTIONS[candidate_label](text)))
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise AmbiguousEntity(text, candidates)
    raise UnknownEntity(text, search(backend, text, labels=labels, limit=5))
