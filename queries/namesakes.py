"""Namesakes: different people (or shows, or companies) that share a name, told apart.

Two nodes are namesakes when they have the same label and the same name key (`name_key`,
the key their name alone gives: every David Smith has `david-smith`; a node loaded
without an identifier has it as its `key`). Wherever the app or the CLI shows an entity
by name (search results, suggestions, page headings, graph views, paths), a namesake
gets its distinguishing detail beside the name: `David Smith (b. 1950)`.

The detail is the first of these that no namesake shares (DETAIL_ORDER):
- a person: birth year (`b. 1950`), then main profession (the first listed), then identifier;
- a show: kind (`tv episode`), then season and episode (`S2E3`), then identifier
  (namesake shows share their year already: it is part of their name key);
- a company: identifier.
When none tells it apart, its first identifier does (identifiers are unique); a node
without one among identified namesakes is `no identifier` (a name-only record that could
not be told which of them it meant), else its key (unique too). An entity without namesakes is shown by
its name alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.schema import KEY, Label
from screengraph.queries.together import Part, Planned

UNIDENTIFIED = "no identifier"

# How many namesakes of one entity are read to choose its detail: a name shared by more
# (IMDb has a few hundred John Smiths) still gets a detail, chosen among these (the
# identifier, unique, when none of the others tells it apart).
NAMESAKES_READ = 100

# What each label's details are made of (DETAIL_ORDER reads them): read for an entity
# and each of its namesakes, and nothing else (a popular name's hundred namesakes are
# projected whole).
DETAIL_FIELDS = {
    Label.PERSON.value: ("key", "birth_year", "professions", "ids"),
    Label.SHOW.value: ("key", "kind", "season_number", "episode_number", "ids"),
    Label.COMPANY.value: ("key", "ids"),
}


def _projection(var: str, label: str) -> str:
    fields = ", ".join(f"{field}: {var}.{field}" for field in DETAIL_FIELDS[label])
    return f"CASE WHEN {var} IS NULL THEN NULL ELSE {{{fields}}} END"


def _namesakes_query(label: str) -> str:
    """The entities of $keys by name key, each group with its namesakes (at most $cap by
    name key, and the one whose key is its name key: both lookups are indexed), read once
    for all the entities that share it. A group of one entity (most entities) gets no
    record.

    Projecting every entity and sending it back cost two thirds of the query (4.1 ms
    against 1.6 for fifty people, 10^6 credits); projecting a group again for each of its
    entities cost 104-134 ms for fifty episodes called 'Episode 1.1' of one year (491
    namesakes each, 10^7 credits)."""
    return (
        f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
        "WITH coalesce(n.name_key, n.key) AS nk, collect(n) AS named "
        f"OPTIONAL MATCH (o:{label} {{name_key: nk}}) "
        "WITH nk, named, collect(o)[0..$cap] AS by_name_key "
        f"OPTIONAL MATCH (b:{label} {{key: nk}}) "
        "WITH named, by_name_key, collect(b) AS by_key "
        "WITH named, by_name_key + by_key AS group "
        "WHERE any(x IN group WHERE x.key <> group[0].key) "
        f"RETURN [n IN named | {_projection('n', label)}] AS nodes, "
        f"[x IN group | {_projection('x', label)}] AS namesakes"
    )


DISTINGUISHED_LABELS = (Label.PERSON.value, Label.SHOW.value, Label.COMPANY.value)


def _first_identifier(props: dict) -> str | None:
    ids = props.get("ids")
    return ids[0] if isinstance(ids, list) and ids else None


def _person_details(props: dict) -> list[str | None]:
    professions = props.get("professions")
    return [
        f"b. {props['birth_year']}" if props.get("birth_year") else None,
        professions[0].replace("_", " ") if isinstance(professions, list) and professions else None,
    ]


def _show_details(props: dict) -> list[str | None]:
    season, episode = props.get("season_number"), props.get("episode_number")
    numbered = f"S{season}E{episode}" if season is not None and episode is not None else None
    return [props.get("kind"), numbered]


DETAIL_ORDER = {
    Label.PERSON.value: _person_details,
    Label.SHOW.value: _show_details,
    Label.COMPANY.value: lambda props: [],
}


def details(label: str, props: dict) -> list[str]:
    """An entity's candidate details, in the order they are tried (DETAIL_ORDER)."""
    found = [d for d in DETAIL_ORDER[label](props) if d]
    identifier = _first_identifier(props)
    return found + ([identifier] if identifier else [])


def distinction(label: str, props: dict, namesakes: Iterable[dict]) -> str | None:
    """The detail that tells an entity (its properties, `key` included) from its
    namesakes' (the same), or None when it has none: the first candidate detail no
    namesake shares, else its first identifier, else its key."""
    others = [n for n in namesakes if n and n.get(KEY) != props[KEY]]
    if not others:
        return None
    taken = {d for other in others for d in details(label, other)}
    for detail in details(label, props):
        if detail not in taken:
            return detail
    if _first_identifier(props):
        return _first_identifier(props)
    # A node loaded without identifiers among identified namesakes (a name-only record
    # that could not be told which of them it meant).
    return UNIDENTIFIED if all(_first_identifier(other) for other in others) else props[KEY]


def displayed(name: str | None, detail: str | None) -> str | None:
    """A name as shown: with its distinguishing detail when it has one."""
    return f"{name} ({detail})" if detail and name else name


def _keys_by_label(items: list[dict], label: str | None) -> dict[str, set[str]]:
    by_label: dict[str, set[str]] = defaultdict(set)
    for item in items:
        of = item.get("label") or label
        if of in DISTINGUISHED_LABELS and isinstance(item.get("key"), str):
            by_label[of].add(item["key"])
    return by_label


def planned_distinctions(
    items: list[dict], label: str | None = None, *, every_label: bool = True
) -> Planned[list[dict]]:
    """`distinguish` as a plan (queries/together.py): one part per label that has
    namesakes to tell apart, every such label's (none found for a label without items), so
    that a page's query keeps one text; read with whatever else a page reads in the same
    trip. Without `every_label`, only the labels among the items get a part."""
    by_label: dict[str, set[str]] = (
        {of: set() for of in DISTINGUISHED_LABELS} if every_label else {}
    )
    by_label |= _keys_by_label(items, label)
    parts = {
        of: Part(
            _namesakes_query(Label(of).value),
            ("nodes", "namesakes"),
            {"keys": sorted(keys), "cap": NAMESAKES_READ},
        )
        for of, keys in sorted(by_label.items())
    }

    def finish(found: dict[str, list[dict]]) -> list[dict]:
        details: dict[tuple[Any, Any], str | None] = {
            (of, node[KEY]): distinction(of, node, row["namesakes"])
            for of, rows in found.items()
            for row in rows
            for node in row["nodes"]
        }
        for item in items:
            detail = details.get((item.get("label") or label, item.get("key")))
            item["detail"] = detail
            item["display"] = displayed(item.get("name"), detail)
        return items

    return Planned(parts, finish)


def distinguish(backend: Backend, items: list[dict], label: str | None = None) -> list[dict]:
    """Give every item (a dict with `key`, `name` and `label`, or of `label` when it has
    none: search results, page lists, graph views, paths) its `detail` (None without
    namesakes) and `display` (the name, with the detail when there is one): one round trip
    whatever the labels among the items. Returns the items, changed in place.

    Only the labels among the items are asked about: a part for a label without items
    costs as much as one with fifty (1 ms of a person's collaborators at 10^7 credits).
    """
    planned = planned_distinctions(items, label, every_label=False)
    if not planned.parts:  # nothing to tell apart: no need to ask
        return planned.finish({})
    return planned.run(backend)


def distinguish_one(backend: Backend, label: str, key: str, name: str | None) -> dict[str, Any]:
    """One entity's `detail` and `display` (see distinguish)."""
    item = {"label": label, "key": key, "name": name}
    distinguish(backend, [item])
    return {"detail": item["detail"], "display": item["display"]}
