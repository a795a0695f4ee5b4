"""Which listings assert a show or an edge, read from the listings' side.

Provenance is kept on Assertion nodes, one per (listing, show it names), holding the
identities of the edges of that show the listing asserts (docs/data-model.md,
"Provenance"). A show or an edge keeps only how many listings assert it, so these are
the reverse lookups: by the indexed `show` property, then (for an edge) by membership of
its identity in the few Assertions of its show.
"""

from __future__ import annotations

from collections import defaultdict

from screengraph.graph.backend import Backend
from screengraph.graph.keys import alias_key
from screengraph.graph.schema import (
    ALIAS_LABEL,
    ASSERTION_LABEL,
    DECISION_LABEL,
    RELATIONSHIPS,
    Label,
    RelType,
)
from screengraph.loaders.decisions import ABOUT, COLUMNS, MERGED, newest_first
from screengraph.queries.together import Part, Planned

EDGE_SEP = "|"  # an edge's identity: "<type>|<start key>|<end key>|<role>" (loaders/plan.py)

_SHOW_LISTINGS = (
    f"MATCH (a:{ASSERTION_LABEL} {{show: $key}}) "
    "WITH a.listing AS listing ORDER BY listing LIMIT $limit RETURN listing"
)
_EDGE_LISTINGS = (
    f"MATCH (a:{ASSERTION_LABEL} {{show: $show}}) WHERE $identity IN a.edges "
    "WITH a.listing AS listing ORDER BY listing LIMIT $limit RETURN listing"
)
_MERGED_INTO = (
    f"MATCH (d:{DECISION_LABEL} {{label: $label, merged: $key}}) WHERE d.status = $merged "
    "RETURN d.survivor ORDER BY d.at DESC LIMIT 1"
)
_ALIAS_INTO = f"MATCH (a:{ALIAS_LABEL} {{key: $key}}) RETURN a.into"
# More merges in a chain than anyone makes by hand: a cycle in damaged records ends here.
_CHAIN = 32
_EVERY_ASSERTION = f"MATCH (a:{ASSERTION_LABEL}) RETURN a.listing, a.show, a.edges"


def edge_identity(rel_type: str, start: str, end: str, role: str | None = None) -> str:
    return EDGE_SEP.join((rel_type, start, end, role or ""))


def edge_show(rel_type: str, start: str, end: str) -> str:
    """The show an edge's provenance is filed under (loaders/plan.py edge_show): its end
    when it ends at a show (credits, EPISODE_OF's series), else its start."""
    return end if RELATIONSHIPS[RelType(rel_type)][1] is Label.SHOW else start


def listings_asserting_show(backend: Backend, key: str, limit: int = 1_000_000) -> list[str]:
    """The ids of the listings that name the show `key`, in id order (the first `limit`)."""
    rows = backend.run_read(_SHOW_LISTINGS, {"key": key, "limit": limit}, max_rows=0).rows
    return [row[0] for row in rows]


def listings_asserting_edge(
    backend: Backend,
    rel_type: str,
    start: str,
    end: str,
    role: str | None = None,
    limit: int = 1_000_000,
) -> list[str]:
    """The ids of the listings that assert an edge, in id order (the first `limit`)."""
    rows = backend.run_read(
        _EDGE_LISTINGS,
        {
            "show": edge_show(rel_type, start, end),
            "identity": edge_identity(rel_type, start, end, role),
            "limit": limit,
        },
        max_rows=0,
    ).rows
    return [row[0] for row in rows]


# What an entity's page says of the merges that made it or took from it: not who made
# them (the OS user or token name is for the decisions page, behind the ingest token).
PUBLIC_DECISION_FIELDS = (
    "id",
    "at",
    "kind",
    "status",
    "survivor",
    "survivor_name",
    "merged",
    "merged_name",
    "why",
    "split_at",
)


def public_decisions(backend: Backend, label: str, key: str) -> list[dict]:
    """The curation decisions (merges) that made this entity or took from it, newest
    first (loaders/decisions.py), as its page shows them."""
    return planned_public_decisions(label, key).run(backend)


def planned_public_decisions(label: str, key: str) -> Planned[list[dict]]:
    """`public_decisions` as a part of a page's read (queries/together.py)."""
    part = Part(ABOUT, COLUMNS, {"label": label, "key": key})
    return Planned(
        {"decisions": part},
        lambda found: [
            {name: decision.get(name) for name in PUBLIC_DECISION_FIELDS}
            for decision in newest_first(found["decisions"])
        ],
    )


def merged_into(backend: Backend, label: str, key: str) -> str | None:
    """The key of the entity a maintainer's merge (in force) folded the entity `key` into,
    following later merges of the survivor; None when no merge took it. Old links and
    `Label:key` references keep working after a merge."""
    survivor = None
    for _ in range(_CHAIN):
        rows = backend.run_read(
            _MERGED_INTO, {"label": label, "key": key, "merged": MERGED}, max_rows=0
        ).rows
        if not rows or rows[0][0] in (None, key):
            break
        survivor = key = rows[0][0]
    return survivor


def alias_target(backend: Backend, label: str, name_key: str) -> str | None:
    """The key of the entity a name now means because a merge took the entity that had
    it (graph.keys.alias_key), or None."""
    rows = backend.run_read(_ALIAS_INTO, {"key": alias_key(label, name_key)}, max_rows=0).rows
    return rows[0][0] if rows else None


def every_assertion(backend: Backend) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For a whole store (checks and tests): the listings asserting each show, and those
    asserting each edge (by identity), ids sorted."""
    shows: dict[str, list[str]] = defaultdict(list)
    edges: dict[str, list[str]] = defaultdict(list)
    for listing, show, identities in backend.run_read(_EVERY_ASSERTION, max_rows=0).rows:
        shows[show].append(listing)
        for identity in identities or ():
            edges[identity].append(listing)
    return ({k: sorted(v) for k, v in shows.items()}, {k: sorted(v) for k, v in edges.items()})
