"""An entity's neighbours a page at a time, best connected first: what the graph view
brings when a reader expands a node (a genre of 790 shows shows its 25 busiest, then
"more" brings the next 25).

Keys and labels only: the web app adds URLs and graph-view ids.
"""

from __future__ import annotations

from screengraph.graph.backend import Backend
from screengraph.graph.schema import RELATIONSHIPS, Label
from screengraph.queries.catalogue import Param, Question
from screengraph.queries.search import check_label

_TYPES = "|".join(rel.value for rel in RELATIONSHIPS)

# Declared as a question so the web reads its parameters through the catalogue's checks;
# a building block of the graph view, not listed in the gallery.
NEIGHBOURS = Question(
    name="neighbours",
    title="Neighbours, best connected first",
    description="The entities linked to one, most connected first (ties by key), a page at "
    "a time, with the links to each and how many neighbours there are in all.",
    parameters=(
        Param("label", "str", choices=tuple(label.value for label in Label)),
        Param("key", "str"),
        Param("offset", "int", 0, required=False, low=0, high=100_000),
        Param("limit", "int", 25, required=False, low=1, high=200),
    ),
    listed=False,
)


def ranked_neighbours(
    backend: Backend, label: str, key: str, offset: int = 0, limit: int = 25
) -> dict | None:
    """{"neighbours": [{label, key, properties, degree, links: [{type, role, outgoing}]}],
    "total", "offset"}, or None when there is no such entity.

    `degree` counts a neighbour's own relationships: the hubs of a hub come first, the
    order is stable (key breaks ties), so `offset` pages through every neighbour once.
    """
    label = check_label(label)
    found = backend.run_read(
        f"MATCH (n:{label} {{key: $key}}) "
        f"OPTIONAL MATCH (n)-[:{_TYPES}]-(m) RETURN n.key, count(DISTINCT m)",
        {"key": key},
        max_rows=0,
    )
    if not found.rows:
        return None
    rows = backend.run_read(
        f"MATCH (n:{label} {{key: $key}})-[r:{_TYPES}]-(m) "
        "WITH m, collect({type: type(r), role: r.role, outgoing: startNode(r) = n}) AS links "
        f"WITH m, links, size([(m)-[:{_TYPES}]-() | 1]) AS degree "
        "ORDER BY degree DESC, m.key SKIP $offset LIMIT $limit "
        "RETURN m, links, degree",
        {"key": key, "offset": offset, "limit": limit},
        max_rows=0,
    ).rows
    return {
        "neighbours": [
            {
                "label": node["label"],
                "key": node["key"],
                "properties": node["properties"],
                "degree": degree,
                "links": links,
            }
            for node, links, degree in rows
        ],
        "total": found.rows[0][1],
        "offset": offset,
    }
