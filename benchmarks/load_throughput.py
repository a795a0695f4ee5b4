"""Load throughput in credits (edges) per second, three ways, in one run, per backend.

1. screengraph's loader end to end: parse JSON Lines, validate, resolve, write batches;
2. the raw baseline: the same rows (every node and relationship of the graph the loader
   made, with all their properties, read back beforehand) through plain batched
   `UNWIND ... MERGE` statements: the same writes with none of the loader's work
   (parsing, validation, resolution, provenance and spelling bookkeeping, reads);
3. for reference, the same nodes and edges with keys only (no properties at all);
4. a naive loader, end to end like ours (reads and parses its file): one transaction per
   listing, one MERGE statement per node and edge, on the first --naive-listings listings.

    python -m benchmarks.load_throughput [--listings 20000] [--naive-listings 500]
        [--backend embedded|neo4j|both] [--repeat 5]
    python -m benchmarks.load_throughput --one-show 10000 40000 [--backend ...]

--one-show loads, instead, one-line listings that all name the same show (and one genre),
at each size: with the same cast member in every listing, with a cast member each, and
beside them an ordinary catalogue of as many listings; the loader's time, batches and
longest batch per size, and the embedded store's append-only file. Many listings
asserting the same edges once made loading quadratic (every listing rewrote the edge's
whole list of sources); target: twice the listings in at most 2.5 times the time.

Neo4j needs NEO4J_URI (scripts/neo4j-local start; eval "$(scripts/neo4j-local env)").
Targets: loader >= 60 % of the raw UNWIND of the same rows, >= 20x naive.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.bulk import (
    chosen_backends,
    graph_rows,
    open_backend,
    write_edges,
    write_graph_rows,
    write_nodes,
)
from benchmarks.synthetic import write_jsonl
from screengraph.graph.backend import Backend
from screengraph.graph.keys import show_key
from screengraph.graph.schema import RELATIONSHIPS
from screengraph.loaders.formats import parse
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.plan import plan_listing
from screengraph.loaders.sources import read_all

RAW_BATCH = 5000


@contextmanager
def fresh(name: str, data_dir: Path, graph: str) -> Iterator[Backend]:
    """An empty graph for one measured write, wiped afterwards. The embedded store gets a
    folder of its own: in a shared one, the append-only file kept growing from run to run
    and the server rewrote it in the background during later runs (halving a naive run)."""
    backend = open_backend(name, data_dir, graph)
    try:
        backend.clear()
        backend.ensure_schema()
        yield backend
        backend.clear()
    finally:
        backend.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def plans_of(path: Path):
    """Every listing's nodes and edges (yearless titles as their own shows), unhashed."""
    return [
        plan_listing(record.listing, record.ref, show_key, "not kept")
        for record in parse(path.read_text(encoding="utf-8"), str(path), "jsonl")
        if record.listing is not None
    ]


def first_listings(path: Path, count: int, name: str) -> Path:
    """The first `count` listings of a JSON Lines file, as a file of their own beside it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[:count]
    small = path.with_name(name)
    small.write_text("".join(lines), encoding="utf-8")
    return small


def measure_loader(backend: Backend, path: Path, batch_size: int) -> tuple[int, float]:
    started = time.perf_counter()
    summary = Loader(backend, batch_size=batch_size).load(read_all([str(path)]), "jsonl")
    return summary.credits, time.perf_counter() - started


def measure_raw(backend: Backend, plans) -> tuple[int, float]:
    nodes: dict[str, set[str]] = {}
    edges: dict[str, list[dict]] = {}
    for plan in plans:
        for entity in [plan.show, *plan.related, *plan.entities]:
            nodes.setdefault(entity.label, set()).add(entity.key)
        for edge in plan.edges:
            edges.setdefault(edge.type, []).append(
                {"s": edge.start.key, "e": edge.end.key, "role": edge.role}
            )
    started = time.perf_counter()
    for label, keys in nodes.items():
        write_nodes(backend, label, [{"key": k} for k in sorted(keys)], RAW_BATCH)
    total = sum(
        write_edges(backend, rel_type, rows, batch=RAW_BATCH) for rel_type, rows in edges.items()
    )
    return total, time.perf_counter() - started


def measure_same_rows(backend: Backend, rows) -> tuple[int, float]:
    started = time.perf_counter()
    total = write_graph_rows(backend, *rows, batch=RAW_BATCH)
    return total, time.perf_counter() - started


def measure_naive(backend: Backend, path: Path) -> tuple[int, float]:
    """The simplest loader, end to end like ours (read, parse and validate the file), then
    one transaction per listing with one MERGE statement per node and edge."""
    started = time.perf_counter()
    total = 0
    for plan in plans_of(path):
        statements = []
        for entity in [plan.show, *plan.related, *plan.entities]:
            statements.append(
                (
                    f"MERGE (n:{entity.label} {{key: $key}}) SET n.name = $name",
                    {"key": entity.key, "name": entity.spelling},
                )
            )
        for edge in plan.edges:
            start, end = RELATIONSHIPS[edge.type]
            statements.append(
                (
                    f"MATCH (a:{start} {{key: $s}}) MATCH (b:{end} {{key: $e}}) "
                    f"MERGE (a)-[r:{edge.type}]->(b) SET r.role = $role",
                    {"s": edge.start.key, "e": edge.end.key, "role": edge.role},
                )
            )
        backend.run_write_many(statements)
        total += len(plan.edges)
    return total, time.perf_counter() - started


KINDS = {
    "loader": "screengraph loader",
    "same_rows": "raw UNWIND, the same rows",
    "keys_only": "raw UNWIND, keys only",
    "naive": "naive, 1 tx/listing",
}


def run_kind(
    kind: str, backend: Backend, path: Path, plans, rows, naive_path: Path, batch_size: int
) -> tuple[int, float, object]:
    """One measured write of one kind on an empty graph: (credits, seconds, rows read back)."""
    if kind == "loader":
        credits, seconds = measure_loader(backend, path, batch_size)
        return credits, seconds, rows if rows is not None else graph_rows(backend)
    if kind == "same_rows":
        return (*measure_same_rows(backend, rows), rows)
    if kind == "keys_only":
        return (*measure_raw(backend, plans), rows)
    return (*measure_naive(backend, naive_path), rows)


def warm_up(name: str, path: Path, workdir: Path, listings: int, batch_size: int) -> None:
    """Each kind once on the first listings, not counted: a freshly started Neo4j runs its
    first load ~15 % slower (the JVM compiles as it goes), which would fall on one kind."""
    small = first_listings(path, listings, "warm-up.jsonl")
    naive = first_listings(path, 100, "warm-up-naive.jsonl")
    plans, rows = plans_of(small), None
    for kind in KINDS:
        with fresh(name, workdir / f"warm-up-{kind}", f"bench-{kind}") as backend:
            _, _, rows = run_kind(kind, backend, small, plans, rows, naive, batch_size)


def run(
    name: str, path: Path, naive_listings: int, batch_size: int, workdir: Path, repeat: int
) -> dict:
    """The kinds run in turn, `repeat` times each, after a warm-up, and the medians are
    compared: these machines are noisy, and drift then weighs on all alike."""
    print(f"\n== {name} ==", flush=True)
    warm_up(name, path, workdir, 2000, batch_size)
    plans = plans_of(path)
    naive_path = first_listings(path, naive_listings, "naive.jsonl")
    rows = None
    rates: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for attempt in range(1, repeat + 1):
        for kind, what in KINDS.items():
            with fresh(name, workdir / f"{kind}-{attempt}", f"bench-{kind}") as backend:
                credits, seconds, rows = run_kind(
                    kind, backend, path, plans, rows, naive_path, batch_size
                )
            if kind == "naive":
                what += f" ({naive_listings} listings)"
            rates[kind].append(credits / seconds)
            print(
                f"  run {attempt}: {what:<38} {credits:>8,} credits in {seconds:6.2f} s = "
                f"{credits / seconds:>9,.0f} credits/s",
                flush=True,
            )
    results = {kind: statistics.median(values) for kind, values in rates.items()}
    share = results["loader"] / results["same_rows"]
    speedup = results["loader"] / results["naive"]
    print(f"medians of {repeat}: " + ", ".join(f"{KINDS[k]} {v:,.0f}" for k, v in results.items()))
    print(
        f"loader = {share:.0%} of raw UNWIND of the same rows (target >= 60%), "
        f"{results['loader'] / results['keys_only']:.0%} of keys only; "
        f"{speedup:.1f}x naive (target >= 20x); the same-rows UNWIND itself is "
        f"{results['same_rows'] / results['naive']:.1f}x naive"
    )
    results.update(share_of_raw=share, times_naive=speedup, runs=rates)
    return results


# What --one-show loads at each size, beside each other in one run: listings that all name
# one show and the same cast member (one edge asserted by every listing), listings of one
# show each with a cast member of its own (the show's degree grows with the load), and an
# ordinary catalogue of as many listings (benchmarks/synthetic.py) as the baseline.
ONE_SHOW_SHAPES = {
    "one show, one cast member": "same",
    "one show, a cast member each": "own",
    "ordinary catalogue": "ordinary",
}


def one_show_file(path: Path, count: int, shape: str) -> Path:
    if shape == "ordinary":
        return write_jsonl(path, count, seed=7)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            cast = "Ann Lee" if shape == "same" else f"Cast Member {number}"
            listing = {"title": "The Same Show", "year": 2001, "cast": [cast], "genres": ["Drama"]}
            out.write(json.dumps(listing) + "\n")
    return path


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def run_one_show(name: str, sizes: list[int], batch_size: int, workdir: Path) -> dict:
    """Each shape at each size into an empty store: time, writes and, on the embedded
    store, how much its append-only file grew; then how each shape's time grew with size."""
    print(f"\n== {name}: listings that all name one show, beside an ordinary catalogue ==")
    figures: dict[str, dict[int, dict[str, float]]] = {what: {} for what in ONE_SHOW_SHAPES}
    for count in sizes:
        for what, shape in ONE_SHOW_SHAPES.items():
            path = one_show_file(workdir / f"{shape}-{count}.jsonl", count, shape)
            store = workdir / f"{shape}-store-{count}"
            with fresh(name, store, "bench-one-show") as backend:
                started = time.perf_counter()
                loader = Loader(backend, batch_size=batch_size)
                summary = loader.load(read_all([str(path)]), "jsonl")
                seconds = time.perf_counter() - started
                writes = loader.writer.batch_pace.seconds if loader.writer else []
                aof = folder_mb(store / "appendonly") if (store / "appendonly").exists() else 0
            figures[what][count] = {
                "seconds": seconds,
                "writes": len(writes),
                "longest_write_ms": max(writes, default=0) * 1000,
                "append_only_mb": aof,
            }
            print(
                f"  {what:<30} {count:>7,} listings ({path.stat().st_size / 1e6:4.1f} MB): "
                f"{seconds:6.2f} s, {summary.credits:>7,} edges, {len(writes):>4} batches "
                f"(longest {max(writes, default=0) * 1000:4.0f} ms)"
                + (f", append-only file {aof:6.1f} MB" if aof else ""),
                flush=True,
            )
    for small, big in zip(sizes, sizes[1:]):
        allowed = 1.25 * big / small
        for what, by_size in figures.items():
            growth = by_size[big]["seconds"] / by_size[small]["seconds"]
            print(
                f"  {what:<30} {big / small:g}x the listings took {growth:4.1f}x the time "
                f"(target <= {allowed:.1f}x): {'met' if growth <= allowed else 'NOT met'}"
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--naive-listings", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--repeat", type=int, default=5, help="Runs of each kind, alternated; medians are compared."
    )
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    parser.add_argument(
        "--one-show",
        type=int,
        nargs="+",
        metavar="LISTINGS",
        help="Instead: load this many listings of one show (several sizes).",
    )
    args = parser.parse_args()
    names = chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        workdir = Path(tmp)
        if args.one_show:
            figures = {
                name: run_one_show(name, sorted(args.one_show), args.batch_size, workdir)
                for name in names
            }
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2))
            return
        path = write_jsonl(workdir / "listings.jsonl", args.listings)
        print(f"{args.listings:,} synthetic listings in {path.stat().st_size / 1e6:.1f} MB")
        figures = {
            name: run(
                name,
                path,
                args.naive_listings,
                args.batch_size,
                workdir / "store",
                max(1, args.repeat),
            )
            for name in names
        }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
