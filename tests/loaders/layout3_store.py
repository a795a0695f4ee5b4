"""A store as layout 3 wrote it, for the upgrade tests (no binary store is committed).

Layout 3's writer (commit 3927bc5, before provenance moved to the listings' side) kept,
for the same listings as this version:
- `sources` on every show and every edge: the ids of the listings asserting it;
- no Assertion nodes and no `asserted_by` counts;
- `StoreLayout.version` 3.

`to_layout3` rewrites a store this version loaded into that shape, from its Assertions.
"""

from __future__ import annotations

from collections import defaultdict

from screengraph.graph.backend import Backend
from screengraph.graph.schema import (
    ASSERTED_BY,
    ASSERTION_LABEL,
    LAYOUT_LABEL,
    RELATIONSHIPS,
    RelType,
)
from screengraph.queries.provenance import EDGE_SEP, every_assertion


def to_layout3(backend: Backend) -> None:
    """Give the (loaded) store the provenance layout 3 wrote, and its version."""
    shows, edges = every_assertion(backend)
    backend.run_write(
        "UNWIND $rows AS s MATCH (x:Show {key: s[0]}) SET x.sources = s[1]",
        {"rows": [[key, listings] for key, listings in shows.items()]},
    )
    by_type: dict[str, list[list]] = defaultdict(list)
    for identity, listings in edges.items():
        rel_type, start, end, role = identity.split(EDGE_SEP, 3)
        by_type[rel_type].append([start, end, role, listings])
    for rel_type, rows in by_type.items():
        start, end = RELATIONSHIPS[RelType(rel_type)]
        backend.run_write(
            f"UNWIND $rows AS e MATCH (a:{start.value} {{key: e[0]}})-[r:{rel_type}]->"
            f"(b:{end.value} {{key: e[1]}}) WHERE coalesce(r.role, '') = e[2] "
            "SET r.sources = e[3]",
            {"rows": rows},
        )
    backend.run_write(f"MATCH (s:Show) SET s.{ASSERTED_BY} = null")
    backend.run_write(f"MATCH ()-[r]->() SET r.{ASSERTED_BY} = null")
    backend.run_write(f"MATCH (a:{ASSERTION_LABEL}) DELETE a")
    backend.run_write(f"MATCH (l:{LAYOUT_LABEL}) SET l.version = 3")
