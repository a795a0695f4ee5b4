"""Connection paths timed by one revision's code, in a child process (query_latency's
--baseline): run by file path with that revision's checkout first on PYTHONPATH, so that
the same harness times the code before and after a change on the same store and pairs.

    python benchmarks/path_timing.py JOB.json   (prints one JSON line: samples, timeouts)

JOB: backend ("embedded" or "neo4j"), data_dir and graph (the embedded store, whose
running server the child attaches to), pairs (person keys), max_hops, copy (time on the
in-memory copy), warm (requests before timing). Imports nothing from this checkout: the
revision's modules are found under `screengraph.` (since the namespace) or at the top.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from types import ModuleType


def _module(name: str) -> ModuleType:
    """graph.X / queries.X of the revision on PYTHONPATH, whichever layout it has."""
    try:
        return importlib.import_module(f"screengraph.{name}")
    except ModuleNotFoundError:
        return importlib.import_module(name)


def main(job_file: str) -> None:
    with open(job_file) as f:
        job = json.load(f)
    paths, adjacency, errors = (
        _module(m) for m in ("queries.paths", "graph.adjacency", "graph.errors")
    )
    if job["backend"] == "embedded":
        backend = _module("graph.falkor_backend").FalkorBackend(
            job["data_dir"], job["graph"], write_timeout_ms=600_000
        )
    else:
        backend = _module("graph.neo4j_backend").Neo4jBackend(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USERNAME"),
            os.environ.get("NEO4J_PASSWORD"),
            os.environ.get("NEO4J_DATABASE", "neo4j"),
            write_timeout_ms=600_000,
        )
    if job["copy"]:
        adjacency.enable()
        adjacency.wait_until_fresh(backend, tuple(paths.WITHOUT_GENRES.split("|")))

    def ask(pair: list[str]) -> None:
        paths.connection_path(
            backend,
            paths.Ref("Person", pair[0]),
            paths.Ref("Person", pair[1]),
            max_hops=job["max_hops"],
        )

    samples, timeouts = [], 0
    for index, pair in enumerate(job["warm"] + job["pairs"]):
        started = time.perf_counter()
        try:
            ask(pair)
        except errors.QueryTimeout:
            timeouts += index >= len(job["warm"])
        if index >= len(job["warm"]):
            samples.append((time.perf_counter() - started) * 1000)
    backend.close()
    print(json.dumps({"samples": samples, "timeouts": timeouts}))


if __name__ == "__main__":
    main(sys.argv[1])
