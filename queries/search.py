"""Search and name resolution: what a user types, turned into entities.

Both engines' full-text indexes only supply candidates (their query languages
and scores differ); the ranking is ours, in Python, and so the same on both
backends. Tiers: the entity an identifier typed names (`nm0000229`, `imdb:tt0082971`:
4), exact name (3), name starting with the text (2), every word typed is the start of
a word of the name (1), anything else the index found (0, fuzzy). Within a tier, the
closer spelling first (difflib ratio of the normalised texts), then key. `score` = tier
+ that ratio, in [0, 5]. A show found by one of its alternate titles is ranked by the
closest of its titles, and says which one matched (`matched_title`). Namesakes carry
their distinguishing detail (queries/namesakes.py).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from urllib.parse import quote

from graph.backend import Backend
from graph.identifiers import (IDENTIFIED_LABELS, SCHEMES, Identifier, IdentifierError,
                               parse_identifier, try_identifier)
from graph.keys import (Namesake, company_key, genre_key, normalize_name, person_key,
                        resolve_entity as resolve_by_name, show_key)
from graph.schema import Label
from queries.errors import AmbiguousEntity, QueryParameterError, UnknownEntity, UnknownIdentifier
from queries.namesakes import distinguish

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
            "year": props.get("year"), "url": entity_url(node["label"], node["key"]),
            "ids": list(props.get("ids") or [])}


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
    results: dict[tuple[str, str], dict] = {}
    for item in find_identified(backend, text, labels):
        results[(item["label"], item["key"])] = {**item, "match": 4, "score": 5.0}
    # Ask for more than we show: our ranking may promote what the index ranked low.
    found = backend.fulltext_search(text, labels, limit=max(limit * 3, 30))
    for node, _engine_score in found.rows:
        item = describe(node)
        if (item["label"], item["key"]) in results:
            continue
        tier, closeness, title = max(
            ((match_tier(query, name), SequenceMatcher(None, query, normalize_name(name)).ratio(),
              name) for name in _names(node)), key=lambda found: found[:2])
        item["match"] = tier
        item["score"] = round(tier + closeness, 4)
        if title != item["name"]:
            item["matched_title"] = title
        results[(item["label"], item["key"])] = item
    ranked = sorted(results.values(),
                    key=lambda r: (-r["match"], -r["score"], r["key"], r["label"]))
    return distinguish(backend, ranked[:limit])


def _names(node: dict) -> list[str]:
    """Every name an entity is found by: its name, and a show's original and alternate titles."""
    props = node["properties"]
    names = [props.get("title") or props.get("name") or node["key"]]
    if node["label"] == Label.SHOW.value:
        others = [props.get("original_title"), *(props.get("alternate_titles") or [])]
        names += [t for t in others if isinstance(t, str) and t and t not in names]
    return names


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


def _named(backend: Backend, label: str, key: str) -> list[dict]:
    """The entities of a label a name means, by the loaders' own rule (graph.keys.
    resolve_entity): the only entity whose name gives `key` (the one with that key, or an
    identified namesake whose `name_key` it is), or all of them when several share the
    name (the caller says it is ambiguous), or none."""
    found = {item["key"]: item for item in
             _nodes(backend, label, "key", key) + _nodes(backend, label, "name_key", key)}
    namesakes = sorted(found.values(), key=lambda item: (item.get("year") or 0, item["key"]))
    resolution = resolve_by_name(key, (), {}, [Namesake(n["key"], tuple(n["ids"]))
                                               for n in namesakes])
    return [found[resolution.key]] if resolution.rule == "name" else namesakes


def identified(backend: Backend, label: str, identifiers: list[Identifier]) -> dict[str, dict]:
    """The entities of `label` that have these identifiers, by identifier text
    (`imdb:nm0000229`): looked up by each scheme's indexed `<scheme>_id` property, one
    round trip per scheme. The one lookup by identifier: pages, the CLI and search use it."""
    label = Label(check_label(label)).value
    by_scheme: dict[str, set[str]] = {}
    for identifier in identifiers:
        by_scheme.setdefault(identifier.scheme, set()).add(identifier.value)
    found: dict[str, dict] = {}
    for scheme, values in sorted(by_scheme.items()):
        prop = SCHEMES[scheme].property
        for value, node in backend.run_read(
                f"UNWIND $values AS v MATCH (n:{label} {{{prop}: v}}) RETURN v, n",
                {"values": sorted(values)}, max_rows=0).rows:
            found[str(Identifier(scheme, value))] = describe(node)
    return found


def find_identified(backend: Backend, text: str,
                    labels: tuple[str, ...] | list[str] = IDENTIFIED_LABELS) -> list[dict]:
    """The entities `text` names by identifier (`imdb:nm0000229`, bare `nm0000229` or
    `tt0082971`, `tmdb:person/488`) among `labels`: one per label at most (an identifier
    is unique per scheme and label), none when nothing has it or `text` is no identifier."""
    found: list[dict] = []
    for label in labels:
        identifier = identifier_in(text, [label])
        if identifier is not None:
            found += identified(backend, label, [identifier]).values()
    return found


def identifier_in(text: str, labels: tuple[str, ...] | list[str]) -> Identifier | None:
    """The identifier `text` is for one of `labels`, or None."""
    for label in labels:
        if Label(check_label(label)) in IDENTIFIED_LABELS:
            identifier = try_identifier(text, label)
            if identifier is not None:
                return identifier
    return None


def _shows_named(backend: Backend, text: str) -> list[dict]:
    """Every show with that title (remakes included), else the show whose key or title+year it is."""
    found = _nodes(backend, "Show", "title_key", show_key(text)) or _named(backend, "Show", text)
    if not found:
        dated = title_and_year(text)
        if dated:
            found = _named(backend, "Show", show_key(*dated))
    return found


def resolve_entity(backend: Backend, text: str, label: str | None = None) -> dict:
    """The one entity a user means by `text`: an identifier, a name, `Title (year)`, or
    `Label:key` (`Label:identifier` too).

    An identifier is looked up first (`nm0000229`, `imdb:tt0082971`, `tmdb:person/488`);
    one that no entity has raises UnknownIdentifier. Names become keys with the loaders'
    own key functions, so "eric rochant" and "ÉRIC ROCHANT" find Eric Rochant; a name
    shared by namesakes is ambiguous. Raises AmbiguousEntity (two King Kongs, two David
    Smiths, or a person and a company of one name; the candidates carry their
    distinguishing detail) or UnknownEntity with suggestions.
    Returns describe()'s dict: label, key, name, year, url.
    """
    text = (text or "").strip()
    label = check_label(label) if label else None
    reference = split_reference(text)
    if reference and (label is None or reference[0] == label):
        found = _nodes(backend, reference[0], "key", reference[1]) or \
            find_identified(backend, reference[1], [reference[0]])
        if found:
            return found[0]
        raise UnknownEntity(text, search(backend, reference[1].replace("-", " "),
                                         labels=[reference[0]], limit=5))
    labels = [label] if label else list(SEARCH_LABELS)
    identifier = identifier_in(text, labels)
    if identifier is not None:
        found = find_identified(backend, text, labels)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousEntity(text, distinguish(backend, found))
        raise UnknownIdentifier(identifier, [candidate for candidate in labels
                                             if identifier_in(text, [candidate])])
    try:
        return _resolve_name(backend, text, labels)
    except UnknownEntity:
        if label and try_identifier(text) is not None:  # `tt0082971` where a person is needed
            try:
                parse_identifier(text, label)
            except IdentifierError as exc:
                raise QueryParameterError(f"{exc}: this needs a {label.lower()}") from None
        if reference and label:  # `Person:x` where a show is needed, and no show has that title
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
            candidates.extend(_named(backend, candidate_label,
                                     _KEY_FUNCTIONS[candidate_label](text)))
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise AmbiguousEntity(text, distinguish(backend, candidates))
    raise UnknownEntity(text, search(backend, text, labels=labels, limit=5))
