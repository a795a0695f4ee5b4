"""Runaway ad-hoc queries: when each stops, and what pages feel meanwhile, per backend.

    python -m benchmarks.runaway [--shows 20000] [--pages 200] [--runaway-clients 2]
                                 [--backend both] [--no-baseline]

Builds a synthetic catalogue (benchmarks/query_latency.py's builder), then:
1. runs a corpus of runaway shapes through `Backend.run_adhoc` (the console's and
   `screengraph cypher`'s path) with the default time limit, and prints each one's stop
   time and outcome beside the limit, and the maximum over the corpus (target: limit + 0.5 s):
   when the caller had its answer, and when the server had stopped working on it (on
   Neo4j, when it left SHOW TRANSACTIONS; the embedded sandbox is killed at the
   deadline); the baseline in the same run is each shape on the page path (`run_read`,
   how ad-hoc queries ran before they were isolated), except the ones that would take
   the server past several GB or down (marked);
2. times entity pages (show and person details, as the web app builds them) with nothing
   else running, then while --runaway-clients threads run runaway shapes back to back
   through `run_adhoc`, and (baseline) on the page path; p50 / p95 / max of each.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.query_latency import build
from screengraph.graph.backend import Backend
from screengraph.graph.errors import GraphError
from screengraph.queries import explore

# name: (query, safe to run on the page path for the baseline)
CORPUS: dict[str, tuple[str, bool]] = {
    "sum over a huge UNWIND": ("UNWIND range(1, 100000000) AS x RETURN sum(x)", True),
    "count over range(1, 1e9)": ("UNWIND range(1, 1000000000) AS x RETURN count(x)", False),
    "huge list in one value": ("RETURN size(range(1, 400000000))", False),
    "cartesian product": (
        "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*)",
        True,
    ),
    "cartesian over shows": ("MATCH (a:Show), (b:Show) RETURN count(*)", True),
    "long variable-length pattern": ("MATCH p = (:Person)-[*1..8]-() RETURN count(p)", True),
    "huge collect": (
        "UNWIND range(1, 30000000) AS x WITH collect(toString(x)) AS l RETURN size(l)",
        True,
    ),
    "string building": (
        "UNWIND range(1, 20000) AS x "
        "RETURN size(reduce(s = '', i IN range(1, 20000) | s + 'abcdefgh'))",
        True,
    ),
    "huge result, rows": ("UNWIND range(1, 3000000) AS x RETURN x", True),
    # Loops inside one expression: Neo4j checks its limit only between rows.
    "reduce over a huge range": ("RETURN reduce(a = 0, i IN range(1, 1000000000) | a + i)", False),
    "reduce over a collected list": (
        "UNWIND range(1, 200000) AS i WITH collect('abcdefgh') "
        "AS l RETURN size(reduce(s = '', x IN l | s + x))",
        True,
    ),
    "comprehension in each row": (
        "UNWIND range(1, 1000) AS x RETURN sum(size([i IN range(1, 3000000) WHERE i % 7 = 0]))",
        True,
    ),
    "comprehension over a huge range": (
        "RETURN size([i IN range(1, 300000000) WHERE i % 7 = 0 | i * 2])",
        False,
    ),
    "nested comprehensions": (
        "UNWIND range(1, 30000) AS i WITH collect(i) AS l RETURN size([x IN l | [y IN l | y]])",
        False,
    ),
}
# How long to wait for the server to finish a query the caller gave up on.
SERVER_WAIT_S = 300


def stop_time(backend: Backend, run, query: str, limit_ms: int) -> tuple[float, float, str]:
    """Seconds until the caller had its answer, until the server had stopped working on
    the query (a marker in its text finds it), and the outcome."""
    marker = f"runaway-{uuid.uuid4().hex}"
    started = time.perf_counter()
    try:
        results = run(f"{query} /* {marker} */", timeout_ms=limit_ms)
        outcome = f"{len(results)} rows" + (" (truncated)" if results.truncated else "")
    except GraphError as exc:
        outcome = type(exc).__name__
    answered = time.perf_counter() - started
    while backend.server_still_runs(marker) and time.perf_counter() - started < SERVER_WAIT_S:
        time.sleep(0.02)
    return answered, time.perf_counter() - started, outcome


def page_latencies(backend: Backend, keys: dict, pages: int) -> dict[str, float]:
    rng = random.Random(5)
    samples = []
    for i in range(pages):
        started = time.perf_counter()
        if i % 2:
            explore.show_detail(backend, keys["shows"][rng.randrange(len(keys["shows"]))])
        else:
            explore.person_detail(backend, keys["people"][rng.randrange(len(keys["people"]))])
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50": samples[len(samples) // 2],
        "p95": samples[int(len(samples) * 0.95) - 1],
        "max": samples[-1],
    }


def while_running(
    backend: Backend, keys: dict, pages: int, run, limit_ms: int, clients: int
) -> dict:
    """Page latencies while `clients` threads run runaway shapes back to back through `run`."""
    stop = threading.Event()

    def runaways() -> None:
        shapes = [query for query, safe in CORPUS.values() if safe or run == backend.run_adhoc]
        while not stop.is_set():
            for query in shapes:
                if stop.is_set():
                    return
                try:
                    run(query, timeout_ms=limit_ms)
                except GraphError:
                    pass

    workers = [threading.Thread(target=runaways, daemon=True) for _ in range(clients)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    try:
        return page_latencies(backend, keys, pages)
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def report(label: str, figures: dict) -> None:
    print(
        f"  {label:<44} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
        f"max {figures['max']:7.1f} ms",
        flush=True,
    )


def run(name: str, shows: int, pages: int, clients: int, baseline: bool, workdir: Path) -> None:
    print(f"\n== {name} ==", flush=True)
    backend = open_backend(name, workdir / "store", "bench-runaway")
    backend.clear()
    backend.ensure_schema()
    keys = build(backend, shows)
    limit = backend.query_timeout_ms
    started = time.perf_counter()
    backend.run_adhoc("RETURN 1")
    print(
        f"  first ad-hoc query (starts the sandbox on the embedded store): "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    print(
        f"  stop times, limit {limit} ms (target: within {limit + 500} ms): caller answered"
        " / server stopped"
    )
    worst = 0.0
    for shape, (query, safe) in CORPUS.items():
        answered, stopped, outcome = stop_time(backend, backend.run_adhoc, query, limit)
        worst = max(worst, answered, stopped)
        line = (
            f"    {shape:<32} run_adhoc {answered * 1000:7.0f} / {stopped * 1000:7.0f} ms  "
            f"{outcome:<22}"
        )
        if baseline and safe:
            base_answered, base_stopped, base_outcome = stop_time(
                backend, backend.run_read, query, limit
            )
            line += (
                f" | page path {base_answered * 1000:7.0f} / {base_stopped * 1000:7.0f} ms"
                f"  {base_outcome}"
            )
        elif baseline:
            line += " | page path not run (would grow the server by GBs or take it down)"
        print(line, flush=True)
    print(
        f"  max over the corpus (caller and server): {worst * 1000:.0f} ms for a {limit} ms "
        f"limit ({'within' if worst * 1000 <= limit + 500 else 'PAST'} limit + 500 ms)",
        flush=True,
    )
    report("entity pages, nothing else running", page_latencies(backend, keys, pages))
    report(
        f"entity pages, {clients} clients' runaways via run_adhoc",
        while_running(backend, keys, pages, backend.run_adhoc, limit, clients),
    )
    if baseline:
        report(
            f"baseline: {clients} clients' runaways on page path",
            while_running(backend, keys, pages, backend.run_read, limit, clients),
        )
    backend.clear()
    backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument(
        "--runaway-clients",
        type=int,
        default=2,
        help="threads sending runaways while pages are timed",
    )
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip running runaways on the page path",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        for name in chosen_backends(args.backend):
            run(name, args.shows, args.pages, args.runaway_clients, args.baseline, Path(tmp))


if __name__ == "__main__":
    main()
