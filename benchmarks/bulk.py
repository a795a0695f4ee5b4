"""Plain batched UNWIND writes: the baseline loader and the benchmarks' graph builder."""

from __future__ import annotations

from graph.backend import Backend
from graph.schema import RELATIONSHIPS

BATCH = 5000


def write_nodes(backend: Backend, label: str, rows: list[dict], batch: int = BATCH) -> None:
    """MERGE nodes by key and set every given property."""
    for i in range(0, len(rows), batch):
        backend.run_write(f"UNWIND $rows AS r MERGE (n:{label} {{key: r.key}}) SET n += r",
                          {"rows": rows[i:i + batch]})


def write_edges(backend: Backend, rel_type: str, rows: list[dict], *, merge: bool = True,
                batch: int = BATCH) -> int:
    """Rows {s, e, role}: start key, end key, and the PRODUCED role."""
    start, end = RELATIONSHIPS[rel_type]
    role = " {role: r.role}" if rel_type == "PRODUCED" else ""
    verb = "MERGE" if merge else "CREATE"
    for i in range(0, len(rows), batch):
        backend.run_write(
            f"UNWIND $rows AS r MATCH (a:{start} {{key: r.s}}) MATCH (b:{end} {{key: r.e}}) "
            f"{verb} (a)-[:{rel_type}{role}]->(b)", {"rows": rows[i:i + batch]})
    return len(rows)


def open_backend(name: str, data_dir, graph: str) -> Backend:
    """A backend for benchmarks: generous write limits, Neo4j from the usual variables."""
    import os

    from graph.falkor_backend import FalkorBackend
    from graph.neo4j_backend import Neo4jBackend
    if name == "embedded":
        return FalkorBackend(data_dir, graph, write_timeout_ms=600_000)
    return Neo4jBackend(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME"),
                        os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE", "neo4j"),
                        write_timeout_ms=600_000)


def chosen_backends(choice: str) -> list[str]:
    """`both`, `embedded` or `neo4j`; Neo4j is left out, saying why, when NEO4J_URI is unset."""
    import os
    names = ["embedded", "neo4j"] if choice == "both" else [choice]
    if "neo4j" in names and not os.environ.get("NEO4J_URI"):
        print("NEO4J_URI is not set: skipping Neo4j (scripts/neo4j-local start; "
              "eval \"$(scripts/neo4j-local env)\")")
        names.remove("neo4j")
    return names
