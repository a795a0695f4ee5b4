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
