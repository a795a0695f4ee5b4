"""Plain batched UNWIND writes: the baseline loader and the benchmarks' graph builder."""

from __future__ import annotations

from screengraph.graph.backend import Backend
from screengraph.graph.schema import HISTORY_LABELS, KEYED_LABELS, RELATIONSHIPS, ROLE_TYPES

BATCH = 5000


def write_nodes(backend: Backend, label: str, rows: list[dict], batch: int = BATCH) -> None:
    """MERGE nodes by key and set every given property."""
    for i in range(0, len(rows), batch):
        backend.run_write(
            f"UNWIND $rows AS r MERGE (n:{label} {{key: r.key}}) SET n += r",
            {"rows": rows[i : i + batch]},
        )


def write_edges(
    backend: Backend, rel_type: str, rows: list[dict], *, merge: bool = True, batch: int = BATCH
) -> int:
    """Rows {s, e, role}: start key, end key, and the PRODUCED role."""
    start, end = RELATIONSHIPS[rel_type]
    role = " {role: r.role}" if rel_type == "PRODUCED" else ""
    verb = "MERGE" if merge else "CREATE"
    for i in range(0, len(rows), batch):
        backend.run_write(
            f"UNWIND $rows AS r MATCH (a:{start} {{key: r.s}}) MATCH (b:{end} {{key: r.e}}) "
            f"{verb} (a)-[:{rel_type}{role}]->(b)",
            {"rows": rows[i : i + batch]},
        )
    return len(rows)


def open_backend(name: str, data_dir, graph: str) -> Backend:
    """A backend for benchmarks: generous write limits, Neo4j from the usual variables."""
    import os

    from screengraph.graph.falkor_backend import FalkorBackend
    from screengraph.graph.neo4j_backend import Neo4jBackend

    if name == "embedded":
        return FalkorBackend(data_dir, graph, write_timeout_ms=600_000)
    return Neo4jBackend(
        os.environ["NEO4J_URI"],
        os.environ.get("NEO4J_USERNAME"),
        os.environ.get("NEO4J_PASSWORD"),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
        write_timeout_ms=600_000,
    )


def chosen_backends(choice: str) -> list[str]:
    """`both`, `embedded` or `neo4j`; Neo4j is left out, saying why, when NEO4J_URI is unset."""
    import os

    names = ["embedded", "neo4j"] if choice == "both" else [choice]
    if "neo4j" in names and not os.environ.get("NEO4J_URI"):
        print(
            "NEO4J_URI is not set: skipping Neo4j (scripts/neo4j-local start; "
            'eval "$(scripts/neo4j-local env)")'
        )
        names.remove("neo4j")
    return names


def graph_rows(
    backend: Backend,
) -> tuple[dict[str, tuple[list[str], list[list]]], dict[str, list[list]]]:
    """Every node and relationship of a graph with all its properties, as list rows: what
    a plain writer would send to rebuild exactly that graph."""
    nodes: dict[str, tuple[list[str], list[list]]] = {}
    for label in KEYED_LABELS:
        if label in HISTORY_LABELS:  # the loader's record of the load, not the graph
            continue
        found = backend.run_read(
            f"MATCH (n:{label}) RETURN n.key, properties(n)", max_rows=0, timeout_ms=600_000
        ).rows
        names = sorted({name for _, props in found for name in props if name != "key"})
        nodes[label] = (
            names,
            [[key, *(props.get(name) for name in names)] for key, props in found],
        )
    edges: dict[str, list[list]] = {}
    for rel_type, (start, end) in RELATIONSHIPS.items():
        edges[rel_type.value] = backend.run_read(
            f"MATCH (a:{start.value})-[r:{rel_type.value}]->(b:{end.value}) "
            "RETURN a.key, b.key, r.role, properties(r)",
            max_rows=0,
            timeout_ms=600_000,
        ).rows
    return nodes, edges


def write_graph_rows(
    backend: Backend,
    nodes: dict[str, tuple[list[str], list[list]]],
    edges: dict[str, list[list]],
    batch: int = BATCH,
) -> int:
    """Plain batched UNWIND MERGE of rows from `graph_rows`; the relationships written."""
    for label, (names, rows) in nodes.items():
        sets = ", ".join(f"n.`{name}` = r[{i}]" for i, name in enumerate(names, 1))
        statement = f"UNWIND $rows AS r MERGE (n:{label} {{key: r[0]}})" + (
            f" SET {sets}" if sets else ""
        )
        for i in range(0, len(rows), batch):
            backend.run_write(statement, {"rows": rows[i : i + batch]})
    total = 0
    for rel_type, rows in edges.items():
        start, end = RELATIONSHIPS[rel_type]
        role = " {role: r[2]}" if rel_type in ROLE_TYPES else ""  # one edge per role
        statement = (
            f"UNWIND $rows AS r MATCH (a:{start} {{key: r[0]}}) "
            f"MATCH (b:{end} {{key: r[1]}}) MERGE (a)-[e:{rel_type}{role}]->(b) "
            "SET e += r[3]"
        )
        for i in range(0, len(rows), batch):
            backend.run_write(statement, {"rows": rows[i : i + batch]})
        total += len(rows)
    return total
