"""Query latency on a synthetic catalogue: p50 / p95 / max per question, per backend.

    python -m benchmarks.query_latency [--shows 100000] [--requests 200] [--backend both]

Builds a graph of --shows shows and ~10 credits each (1,000,000 credits at the default
size) with bulk UNWIND writes (the loaders' keys and properties, without the per-listing
bookkeeping), then times search, related content, collaborators and connection paths
(random people, at most 6 hops) through the same functions the CLI and the web app use.
Paths on the embedded store are timed twice: query-driven (a one-off CLI command) and on
the in-memory copy that long-running processes keep (`screengraph serve`); the copy's
build time and size are printed.
Baseline in the same run: a trivial indexed lookup (`MATCH (s:Show {key: $key}) RETURN s`).
Targets on 2 cores: related p95 <= 20 ms, collaborators p95 <= 10 ms, paths p95 <= 50 ms,
no request past its time limit (a timeout counts as a failure, never as a fast answer).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend, write_edges, write_nodes
from benchmarks.synthetic import listings
from screengraph.graph import adjacency
from screengraph.graph.backend import Backend
from screengraph.graph.errors import QueryTimeout
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import RELATIONSHIPS
from screengraph.loaders.model import Listing, SourceRef
from screengraph.loaders.plan import plan_listing
from screengraph.loaders.writer import ListingWriter
from screengraph.queries import explore, paths
from screengraph.queries.search import search

BATCH = 10_000


def build(backend: Backend, shows: int) -> dict:
    """Bulk-write the synthetic catalogue; returns the keys to query."""
    nodes: dict[str, dict[str, dict]] = {"Show": {}, "Person": {}, "Company": {}, "Genre": {}}
    edges: dict[str, list[dict]] = {t.value: [] for t in RELATIONSHIPS}
    for i, record in enumerate(listings(shows, seed=3, people=shows * 2, companies=shows // 20)):
        plan = plan_listing(
            Listing.model_validate(record),
            SourceRef(source_id=f"bench#{i}", file="bench"),
            lambda t: t,
        )
        nodes["Show"][plan.show.key] = {
            "key": plan.show.key,
            "title": plan.show.spelling,
            **{
                k: v
                for k, v in plan.show_properties.items()
                if k in ("title_key", "series", "series_key", "season", "year", "search_text")
            },
        }
        for entity in plan.entities:
            nodes[entity.label].setdefault(
                entity.key,
                {
                    "key": entity.key,
                    "name": entity.spelling,
                    "search_text": normalize_name(entity.spelling),
                },
            )
        for edge in plan.edges:
            edges[edge.type].append({"s": edge.start.key, "e": edge.end.key, "role": edge.role})
    started = time.perf_counter()
    for label, items in nodes.items():
        write_nodes(backend, label, list(items.values()), BATCH)
    credits = sum(
        write_edges(backend, rel_type, rows, merge=False, batch=BATCH)
        for rel_type, rows in edges.items()
    )
    writer = ListingWriter(backend)
    for label in ("Person", "Company", "Genre"):
        keys = list(nodes[label])
        for i in range(0, len(keys), BATCH):
            writer.refresh_degrees({label: keys[i : i + BATCH]})
    print(
        f"  built {len(nodes['Show']):,} shows, {len(nodes['Person']):,} people, "
        f"{credits:,} edges in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return {
        "shows": list(nodes["Show"]),
        "people": list(nodes["Person"]),
        "names": [n["name"] for n in list(nodes["Person"].values())[:5000]],
    }


def timed(action, requests: int, limit_ms: int) -> dict:
    samples, timeouts = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        try:
            action()
        except QueryTimeout:
            timeouts += 1
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "max": samples[-1],
        "timeouts": timeouts,
        "over_limit": sum(s > limit_ms + 100 for s in samples),
    }


def run(name: str, shows: int, requests: int, workdir: Path) -> dict:
    print(f"\n== {name} ==", flush=True)
    backend = open_backend(name, workdir / "store", "bench-queries")
    backend.clear()
    backend.ensure_schema()
    keys = build(backend, shows)
    rng = random.Random(11)
    limit = backend.query_timeout_ms
    pick = lambda items: items[rng.randrange(len(items))]  # noqa: E731
    cases = {
        "baseline: key lookup": lambda: backend.run_read(
            "MATCH (s:Show {key: $key}) RETURN s", {"key": pick(keys["shows"])}
        ),
        "search": lambda: search(
            backend, pick(keys["names"]).split()[0] + " " + pick(keys["names"]).split()[1][:4]
        ),
        "related content": lambda: explore.related_shows(backend, pick(keys["shows"])),
        "collaborators": lambda: explore.collaborators(backend, pick(keys["people"])),
    }
    path = lambda: paths.connection_path(  # noqa: E731
        backend,
        paths.Ref("Person", pick(keys["people"])),
        paths.Ref("Person", pick(keys["people"])),
        max_hops=6,
    )
    if backend.dialect == "neo4j":
        cases["path, shortestPath"] = path
    else:
        # What a one-off CLI command gets (no copy), then what the web app gets.
        cases["path, query-driven"] = path
        cases["path, in-memory copy"] = path
    figures = {}
    for case, action in cases.items():
        if case == "path, in-memory copy":
            adjacency.enable()
            copy = adjacency.wait_until_fresh(backend, tuple(paths.WITHOUT_GENRES.split("|")))
            print(
                f"  (copy of {copy.relationships:,} relationships: {copy.seconds:.1f} s, "
                f"{(copy.offsets.nbytes + copy.neighbours.nbytes) / 1e6:.0f} MB)",
                flush=True,
            )
        for _ in range(5):  # warm caches and query plans
            try:
                action()
            except QueryTimeout:
                pass
        figures[case] = timed(action, requests, limit)
        f = figures[case]
        print(
            f"  {case:<22} p50 {f['p50']:7.1f} ms   p95 {f['p95']:7.1f} ms   "
            f"max {f['max']:7.1f} ms   timeouts {f['timeouts']}   past limit {f['over_limit']}",
            flush=True,
        )
    adjacency.enable(False)
    backend.clear()
    backend.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    args = parser.parse_args()
    names = chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        for name in names:
            run(name, args.shows, args.requests, Path(tmp))


if __name__ == "__main__":
    main()
