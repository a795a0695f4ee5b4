"""Search and name resolution: what a user types, turned into entities.

Both engines' full-text indexes only supply candidates (their query languages
and scores differ); the ranking is ours, in Python, and so the same on both
backends. Tiers: the entity an identifier typed names (`nm0000229`, `imdb:tt0082971`:
4), exact name (3), name starting with the text (2), every word typed is the start of
a word of the name (1), anything else the index found (0, fuzzy). Within a tier the more
prominent first (a person's credits, a company's or genre's shows): for fuzzy matches,
among those equally close (rapidfuzz's partial ratio, in tenths); then the closer
spelling (rapidfuzz's ratio), then key. `score` = tier + closeness, in [0, 5]. A show found by one of its
alternate titles is ranked by the closest of its titles, and says which one matched
(`matched_title`). Namesakes carry their distinguishing detail (queries/namesakes.py).

Typos: each engine's index matches a word one edit away (`bureu`, `drucket`). A typo
earlier in a word (`lea druk`, `martin scorces`) is found by broadening, only when the
words as typed match nothing: each long word is cut to its first half and matched as a
prefix, still through the index (so bounded), and the closest names come first.

Paging: the first candidates in the engine's order (three per result a page holds, 30 at
least: ranked_window) are ranked as above, whatever page is asked, so pages of one size
never overlap or skip; any further ones follow in the engine's order. `total` is the
index's own count of what matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from screengraph.graph.backend import Backend
from screengraph.graph.identifiers import (
    IDENTIFIED_LABELS,
    SCHEMES,
    Identifier,
    IdentifierError,
    parse_identifier,
    try_identifier,
)
from screengraph.graph.keys import (
    Namesake,
    company_key,
    genre_key,
    normalize_name,
    person_key,
    show_key,
)
from screengraph.graph.keys import resolve_entity as resolve_by_name
from screengraph.graph.schema import Label
from screengraph.loaders.statements import (
    DEGREE as PROMINENCE,  # credits, shows: kept by every load
)
from screengraph.queries.catalogue import Param, question
from screengraph.queries.errors import (
    AmbiguousEntity,
    QueryParameterError,
    UnknownEntity,
    UnknownIdentifier,
)
from screengraph.queries.namesakes import distinguish
from screengraph.queries.paging import paging_params
from screengraph.queries.provenance import alias_target, merged_into
from screengraph.queries.together import Part, Planned

SEARCH_LABELS = tuple(label.value for label in Label)
# How many of the index's candidates are ranked by match quality and prominence, per result
# asked for (the rest follow in the engine's order): every page of a search with one page
# size ranks the same candidates, so pages neither overlap nor skip.
RANKED_PER_RESULT, RANKED_AT_LEAST = 3, 30
# Words shorter than this are matched as typed (a prefix); longer ones are broadened.
BROADEN_FROM = 4
_KEY_FUNCTIONS = {"Person": person_key, "Company": company_key, "Genre": genre_key}
_LABELS_BY_LOWER = {label.lower(): label for label in SEARCH_LABELS}
# "King Kong (1933)", "King Kong 1933", "King Kong, 1933": a title and its year.
# The title ends on a character that is not a separator (or is one separator
# alone): a lazy title that could end anywhere in a run of spaces or commas made
# the engine rescan that run from every position, quadratic in its length
# (40,000 commas took 22 s). Here each run is scanned from its start only.
_TITLE_AND_YEAR = re.compile(
    r"^(?P<title>(?:,|[^\S\n])|.*?[^\s,])[\s,]*\(?(?P<year>1[89]\d\d|2[01]\d\d)\)?$"
)


def title_and_year(text: str) -> tuple[str, int] | None:
    """`King Kong (1933)` -> ("King Kong", 1933); None when the text ends in no year."""
    found = _TITLE_AND_YEAR.match(text)
    return (found.group("title"), int(found.group("year"))) if found else None


def describe(node: dict) -> dict:
    """A node as search results and pages show it."""
    props = node["properties"]
    return {
        "label": node["label"],
        "key": node["key"],
        "name": props.get("title") or props.get("name") or node["key"],
        "year": props.get("year"),
        "ids": list(props.get("ids") or []),
    }


def check_label(label: str) -> str:
    """`person` or `Person` -> `Person`; anything else is refused before it reaches Cypher."""
    found = _LABELS_BY_LOWER.get(str(label).strip().lower())
    if found is None:
        raise QueryParameterError(
            f"{label!r} is not a kind of entity; use one of {', '.join(SEARCH_LABELS)}"
        )
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


@dataclass
class SearchPage:
    """One page of a search: its results, best first, and how many entities match in all.
    `broadened`: the words as typed matched nothing, so these are names close to them."""

    results: list[dict] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    broadened: bool = False


def search(
    backend: Backend,
    text: str,
    labels: tuple[str, ...] | list[str] = SEARCH_LABELS,
    limit: int = 20,
) -> list[dict]:
    """Entities matching `text`, best first, ranked identically on both backends."""
    return search_page(backend, text, labels, limit=limit).results


@question(
    "search",
    "Search",
    "Find shows, people, companies and genres; accents, case and small typos don't matter.",
    Param("text", "str", argument=True, help="Words to look for."),
    Param(
        "label",
        "str",
        (),
        required=False,
        choices=SEARCH_LABELS,
        multiple=True,
        help="Only these kinds (all when none is given).",
    ),
    *paging_params(20, most=100),
)
def search_results(
    backend: Backend,
    text: str,
    label: list[str] | tuple[str, ...] = (),
    limit: int = 20,
    offset: int = 0,
) -> list[dict]:
    """One page of the search, of the kinds in `label` (every kind when empty)."""
    return search_page(
        backend, text, list(label) or SEARCH_LABELS, offset=offset, limit=limit
    ).results


def search_page(
    backend: Backend,
    text: str,
    labels: tuple[str, ...] | list[str] = SEARCH_LABELS,
    *,
    offset: int = 0,
    limit: int = 20,
) -> SearchPage:
    """The page of `limit` results from `offset` of the search for `text`, with the total."""
    query = normalize_name(text)
    if not query or limit < 1:
        return SearchPage(offset=offset)
    labels = [check_label(label) for label in labels]
    identified_items = [
        {**item, "match": 4, "score": 5.0} for item in find_identified(backend, text, labels)
    ]
    typed, broadened = query, False
    total = backend.fulltext_count(typed, labels)
    if total == 0:
        wider = broadened_text(query)
        if wider != query:
            typed, broadened = wider, True
            total = backend.fulltext_count(typed, labels)
    window = ranked_window(limit)
    wanted = max(offset + limit, window)
    nodes = (
        [node for node, _engine_score in backend.fulltext_search(typed, labels, limit=wanted).rows]
        if total
        else []
    )
    seen = {(item["label"], item["key"]) for item in identified_items}
    found = []
    for node in nodes:
        if (node["label"], node["key"]) not in seen:
            seen.add((node["label"], node["key"]))
            found.append(node)
    best_first = sorted((_ranked(query, node) for node in found[:window]), key=lambda pair: pair[0])
    ranked = [item for _rank, item in best_first] + [
        item for _rank, item in (_ranked(query, node) for node in found[window:])
    ]
    indexed = {(node["label"], node["key"]) for node in nodes}
    extra = sum((item["label"], item["key"]) not in indexed for item in identified_items)
    page = (identified_items + ranked)[offset : offset + limit]
    return SearchPage(
        distinguish(backend, page), total=total + extra, offset=offset, broadened=broadened
    )


def ranked_window(limit: int) -> int:
    """How many candidates a search with pages of `limit` results ranks."""
    return max(limit * RANKED_PER_RESULT, RANKED_AT_LEAST)


def broadened_text(query: str) -> str:
    """`martin scorces` -> `martin scor`: each word of BROADEN_FROM characters or more cut to
    its first half (three characters at least), for a typo past the half of a word."""
    return " ".join(
        word if len(word) < BROADEN_FROM else word[: max(3, (len(word) + 1) // 2)]
        for word in query.split()
    )


def closeness(query: str, name: str) -> float:
    """How close a name's normalised text is to the normalised query, in [0, 1] (1: the same)."""
    return fuzz.ratio(query, normalize_name(name)) / 100


def partial_closeness(query: str, name: str) -> int:
    """In tenths, how close the best alignment of the shorter text within the longer is:
    a typed prefix with a typo in it (`lea druk`) is as close to every name it may begin."""
    return int(fuzz.partial_ratio(query, normalize_name(name)) // 10)


def _ranked(query: str, node: dict) -> tuple[tuple, dict]:
    """A candidate as a result, with its rank: tier; for fuzzy matches, closeness in
    tenths; prominence; closeness; key."""
    item = describe(node)
    tier, close, title = max(
        ((match_tier(query, name), closeness(query, name), name) for name in _names(node)),
        key=lambda found: found[:2],
    )
    item["match"] = tier
    item["score"] = round(tier + close, 4)
    if title != item["name"]:
        item["matched_title"] = title
    prominence = node["properties"].get(PROMINENCE.get(node["label"], ""))
    bucket = partial_closeness(query, title) if tier == 0 else 0
    return (-tier, -bucket, -(prominence or 0), -close, item["key"], item["label"]), item


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
        {"value": value},
        max_rows=0,
    ).rows
    return [describe(row[0]) for row in rows]


def _named(backend: Backend, label: str, key: str) -> list[dict]:
    """The entities of a label a name means, by the loaders' own rule (graph.keys.
    resolve_entity): the only entity whose name gives `key` (the one with that key, or an
    identified namesake whose `name_key` it is), or all of them when several share the
    name (the caller says it is ambiguous), or none."""
    found = {
        item["key"]: item
        for item in _nodes(backend, label, "key", key) + _nodes(backend, label, "name_key", key)
    }
    if not found:  # a name a maintainer's merge took: it means the survivor now
        survivor = alias_target(backend, label, key)
        if survivor is not None:
            found = {item["key"]: item for item in _nodes(backend, label, "key", survivor)}
    namesakes = sorted(found.values(), key=lambda item: (item.get("year") or 0, item["key"]))
    resolution = resolve_by_name(
        key, (), {}, [Namesake(n["key"], tuple(n["ids"])) for n in namesakes]
    )
    return [found[resolution.key]] if resolution.rule == "name" else namesakes


def identified(backend: Backend, label: str, identifiers: list[Identifier]) -> dict[str, dict]:
    """The entities of `label` that have these identifiers, by identifier text
    (`imdb:nm0000229`): looked up by each scheme's indexed `<scheme>_id` property, one
    round trip per scheme. The one lookup by identifier: pages, the CLI and search use it."""
    if not identifiers:
        return {}
    return planned_identified(label, identifiers).run(backend)


def planned_identified(label: str, identifiers: list[Identifier]) -> Planned[dict[str, dict]]:
    """`identified` as a part of a page's read (queries/together.py): one part per scheme,
    every scheme's (none found for a scheme without identifiers), all in one round trip,
    so that a page's query keeps one text whatever identifiers it holds."""
    label = Label(check_label(label)).value
    by_scheme: dict[str, set[str]] = {scheme: set() for scheme in SCHEMES}
    for identifier in identifiers:
        by_scheme[identifier.scheme].add(identifier.value)
    parts = {
        scheme: Part(
            f"UNWIND $values AS v MATCH (n:{label} {{{SCHEMES[scheme].property}: v}}) "
            "RETURN v AS value, n AS node",
            ("value", "node"),
            {"values": sorted(values)},
        )
        for scheme, values in sorted(by_scheme.items())
    }
    return Planned(
        parts,
        lambda found: {
            str(Identifier(scheme, row["value"])): describe(row["node"])
            for scheme, rows in found.items()
            for row in rows
        },
    )


def find_identified(
    backend: Backend, text: str, labels: tuple[str, ...] | list[str] = IDENTIFIED_LABELS
) -> list[dict]:
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
    Returns describe()'s dict: label, key, name, year, ids.
    """
    text = (text or "").strip()
    label = check_label(label) if label else None
    reference = split_reference(text)
    if reference and (label is None or reference[0] == label):
        found = _nodes(backend, reference[0], "key", reference[1]) or find_identified(
            backend, reference[1], [reference[0]]
        )
        survivor = None if found else merged_into(backend, reference[0], reference[1])
        if survivor is not None:
            found = _nodes(backend, reference[0], "key", survivor)
        if found:
            return found[0]
        raise UnknownEntity(
            text, search(backend, reference[1].replace("-", " "), labels=[reference[0]], limit=5)
        )
    labels = [label] if label else list(SEARCH_LABELS)
    identifier = identifier_in(text, labels)
    if identifier is not None:
        found = find_identified(backend, text, labels)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousEntity(text, distinguish(backend, found))
        raise UnknownIdentifier(
            identifier, [candidate for candidate in labels if identifier_in(text, [candidate])]
        )
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
                f"{label.lower()}'s name or {label}:key"
            ) from None
        raise


def _resolve_name(backend: Backend, text: str, labels: list[str]) -> dict:
    candidates: list[dict] = []
    for candidate_label in labels:
        if candidate_label == "Show":
            candidates.extend(_shows_named(backend, text))
        elif normalize_name(text):
            candidates.extend(
                _named(backend, candidate_label, _KEY_FUNCTIONS[candidate_label](text))
            )
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise AmbiguousEntity(text, distinguish(backend, candidates))
    raise UnknownEntity(text, search(backend, text, labels=labels, limit=5))
