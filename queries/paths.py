"""Degrees of separation: the shortest connection between two entities.

A true shortest path within the hop limit, or "none" with the reason, inside
the request's time limit. How it is searched is the backend's business
(`Backend.shortest_paths`, graph/shortest_paths.py): this module names the ends,
chooses what a path may follow, and shapes the answer.

Paths follow credits and companies in either direction. Genres are left out
unless an end of the path is a genre: every drama is two hops from every
other drama, which says nothing about how two people are connected.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from screengraph.graph.backend import Backend
from screengraph.graph.errors import QueryTimeout
from screengraph.graph.identifiers import try_identifier
from screengraph.graph.schema import Label, RelType
from screengraph.queries.catalogue import ANY_ENTITY, Param, question
from screengraph.queries.errors import QueryParameterError
from screengraph.queries.namesakes import distinguish
from screengraph.queries.search import check_label, resolve_entity, split_reference

DEFAULT_MAX_HOPS = 6
# The hop limit of every surface (CLI, web form, JSON, canned query), declared once.
MAX_HOPS = 10
HOPS = Param(
    "max_hops",
    "int",
    DEFAULT_MAX_HOPS,
    required=False,
    low=1,
    high=MAX_HOPS,
    help="The longest connection to look for, in hops.",
)
# How many of the equally short paths to show, first the same one on every engine.
PATHS = Param(
    "paths",
    "int",
    3,
    required=False,
    low=1,
    high=10,
    help="How many of the equally short connections to show (the first always the same).",
)
WITHOUT_GENRES = "|".join(r.value for r in RelType if r is not RelType.IN_GENRE)
WITH_GENRES = "|".join(r.value for r in RelType)


@dataclass(frozen=True)
class Ref:
    label: str
    key: str


EntityRef = Ref | str | Mapping


def parse_ref(text: str) -> Ref:
    """`Person:eric-rochant` (any case of the label) -> Ref."""
    reference = split_reference(text)
    if reference is None:
        raise QueryParameterError(
            f"{text!r} is not an entity reference: write Label:key, e.g. Person:eric-rochant"
        )
    return Ref(*reference)


def as_ref(backend: Backend, entity: EntityRef) -> Ref:
    """A Ref from a Ref, a `Label:key` text, a dict with label and key (resolve_entity's),
    or any other text a user names an entity by (resolved like a search: names,
    identifiers)."""
    if isinstance(entity, Ref):
        return Ref(check_label(entity.label), entity.key)
    if isinstance(entity, str):
        named = ":" not in entity or try_identifier(entity) is not None
        if split_reference(entity) is None and named:
            return as_ref(backend, resolve_entity(backend, entity))
        return parse_ref(entity)
    return Ref(check_label(entity["label"]), entity["key"])


@question(
    "path",
    "Connection path",
    "The shortest connections between two entities (names, Label:key or identifiers), "
    "within a hop limit: several when there are equally short ones, in a fixed order.",
    Param(
        "source",
        "str",
        argument=True,
        entity=ANY_ENTITY,
        help="One end: a name, Label:key or an identifier.",
    ),
    Param(
        "target",
        "str",
        argument=True,
        entity=ANY_ENTITY,
        help="The other end, named the same ways.",
    ),
    HOPS,
    PATHS,
)
def connection_path(
    backend: Backend,
    source: EntityRef,
    target: EntityRef,
    max_hops: int = DEFAULT_MAX_HOPS,
    paths: int = PATHS.default,
    timeout_ms: int | None = None,
) -> dict:
    """Up to `paths` shortest paths from source to target within max_hops, each as
    alternating nodes and relationships, ordered by the (label, key) of their entities
    (so the first is the same on both engines, whatever the store's history).

    Ends are Refs, `Label:key` texts or resolve_entity() dicts. Returns
    {"found", "length", "path" (the first), "paths", "max_hops", "message"}: no path
    within the limit is an answer (found False, with the reason), not an error; running
    past `timeout_ms` (default: the backend's query limit) raises QueryTimeout.
    """
    HOPS.coerce(max_hops)
    PATHS.coerce(paths)
    source, target = as_ref(backend, source), as_ref(backend, target)
    timeout_ms = timeout_ms or backend.query_timeout_ms
    started = time.monotonic()
    types = WITH_GENRES if Label.GENRE.value in (source.label, target.label) else WITHOUT_GENRES
    ends = _ends(backend, source, target)
    for ref in (source, target):
        if ref not in ends:
            return _answer([], max_hops, f"{ref.label} {ref.key!r} is not in the graph")
    if source == target:
        return _distinguished(backend, _answer([([_node(source, ends[source])], [])], max_hops))
    left_ms = timeout_ms - int((time.monotonic() - started) * 1000)
    if left_ms <= 0:
        raise QueryTimeout(timeout_ms, backend.name)
    try:
        found = backend.shortest_paths(
            (source.label, source.key),
            (target.label, target.key),
            tuple(types.split("|")),
            max_hops,
            left_ms,
            paths,
        )
    except QueryTimeout:
        raise QueryTimeout(timeout_ms, backend.name) from None
    if isinstance(found, str):
        return _answer([], max_hops, found)
    return _distinguished(
        backend,
        _answer(
            [
                (
                    [_node(Ref(label, key), name) for label, key, name in nodes],
                    [
                        {"type": t, "role": role, "start": start, "end": end}
                        for t, role, start, end in rels
                    ],
                )
                for nodes, rels in found
            ],
            max_hops,
        ),
    )


def _distinguished(backend: Backend, answer: dict) -> dict:
    """The paths' entities with their namesake detail (queries/namesakes.py)."""
    distinguish(backend, [step for path in answer["paths"] for step in path if "label" in step])
    return answer


def _ends(backend: Backend, source: Ref, target: Ref) -> dict[Ref, str | None]:
    """The display name of each end that exists, in one round trip."""
    row = backend.run_read(
        f"OPTIONAL MATCH (a:{source.label} {{key: $a}}) "
        f"OPTIONAL MATCH (b:{target.label} {{key: $b}}) "
        "RETURN a IS NOT NULL, coalesce(a.title, a.name), b IS NOT NULL, "
        "coalesce(b.title, b.name)",
        {"a": source.key, "b": target.key},
        max_rows=0,
    ).rows[0]
    found = {}
    for ref, (exists, name) in ((source, row[0:2]), (target, row[2:4])):
        if exists:
            found[ref] = name
    return found


def _node(ref: Ref, name: str | None) -> dict:
    return {
        "label": ref.label,
        "key": ref.key,
        "name": name if name is not None else ref.key,
    }


def _answer(found: list[tuple[list[dict], list[dict]]], max_hops: int, message: str = "") -> dict:
    """The answer for the paths found (each its nodes and the relationships between them),
    or, when there are none, the reason."""
    if not found:
        return {
            "found": False,
            "length": None,
            "path": [],
            "paths": [],
            "max_hops": max_hops,
            "message": message,
        }
    steps = []
    for nodes, rels in found:
        path: list[dict] = []
        for index, node in enumerate(nodes):
            path.append(node)
            if index < len(rels):
                path.append(dict(rels[index]))
        steps.append(path)
    length = len(found[0][1])
    return {
        "found": True,
        "length": length,
        "path": steps[0],
        "paths": steps,
        "max_hops": max_hops,
        "message": f"{length} hop{'s' if length != 1 else ''}",
    }
