"""The queries behind long lists stay bounded on both engines: each starts from the
entity's key (an index, never a scan of every show or person), and a page keeps only
offset + limit rows as it sorts (Neo4j's Top; FalkorDB's Sort under a Limit), never
collecting the whole list."""

from __future__ import annotations

from screengraph.queries.lists import planned_queries

SCANS = ("nodebylabelscan", "allnodesscan", "alllnodesscan")


def test_every_list_query_starts_from_an_index(backend):
    backend.ensure_schema()
    for name, (cypher, params) in planned_queries("war", "someone").items():
        operators = backend.adhoc_plan(cypher, params).operators
        assert not any(op.startswith(SCANS) for op in operators), (name, operators)
        assert any("index" in op for op in operators), (name, operators)


def test_a_page_sorts_with_a_bound(backend):
    for name in ("shows page", "credits page"):
        cypher, params = planned_queries("war", "someone")[name]
        operators = list(backend.adhoc_plan(cypher, params).operators)
        assert not any(op.startswith(("aggregate", "eageraggregation")) for op in operators[:4])
        if "top" in operators:  # Neo4j: a heap of offset + limit rows
            assert "sort" not in operators, (name, operators)
        else:  # FalkorDB: its Sort under a Limit keeps a heap of the same size
            assert operators.index("limit") < operators.index("sort"), (name, operators)
