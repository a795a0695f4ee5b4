"""IMDb loader throughput and peak memory at two sizes (or more), beside a raw UNWIND.

For each backend and each size (synthetic IMDb-format data, benchmarks/synthetic_imdb.py,
gzipped like IMDb's), in one run:

1. screengraph's loader end to end (`screengraph load` of the folder: the streamed join
   of the six files, validation, resolution, batched writes), in a child process whose
   peak resident memory (VmHWM) is the loader's own (the embedded store's server is
   another process);
2. the parser alone (the join and validation, no database), in a child process: the
   part whose memory must not grow with title.principals;
3. the raw baseline: every node and relationship of the graph the loader made, with all
   their properties, read back and written again into an empty graph by plain batched
   `UNWIND ... MERGE` (benchmarks/bulk.py, as benchmarks/load_throughput.py does).

Rows are the data rows of the files read (title.basics, name.basics, title.principals,
title.crew, title.akas; title.episode with --episodes); credits are the relationships
written. Memory is flat when the peak at the largest size is at most FLAT_GROWTH times
the peak at the smallest, at every size (at least ten times apart): a verdict line says whether
it is, for the loader and for the parser alone.

    python -m benchmarks.imdb_load [--titles 8000 80000] [--backend embedded|neo4j|both]
        [--episodes] [--repeat 1] [--json FILE]

Neo4j needs NEO4J_URI (scripts/neo4j-local start; eval "$(scripts/neo4j-local env)").
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bulk import chosen_backends, graph_rows, open_backend
from benchmarks.load_throughput import fresh, measure_same_rows
from benchmarks.synthetic_imdb import Manifest, generate

GRAPH = "bench-imdb"
# Memory is flat when the largest input's peak is within this factor of the smallest's.
FLAT_GROWTH = 1.15


def input_rows(manifest: Manifest, episodes: bool) -> int:
    return sum(
        count for table, count in manifest.rows.items() if episodes or table != "title.episode"
    )


def child(
    kind: str, backend_name: str, folder: str, data_dir: str, episodes: bool, batch_size: int
) -> None:
    """Runs in the child process: one measured load (or parse), its figures as JSON."""
    from screengraph.loaders.formats import read_records
    from screengraph.loaders.identity import Claims
    from screengraph.loaders.pipeline import Loader
    from screengraph.loaders.sources import read_all

    sources = read_all([folder], None, episodes)
    figures: dict = {}
    if kind == "parse":
        started = time.perf_counter()
        listings = credits = 0
        claims = Claims()
        for source in sources:
            for record in read_records(source, None, claims):
                if record.listing is not None:
                    listings += 1
                    credits += len(record.listing.credits)
        figures.update(seconds=time.perf_counter() - started, listings=listings, credits=credits)
    else:
        backend = open_backend(backend_name, Path(data_dir), GRAPH)
        try:
            backend.clear()
            backend.ensure_schema()
            started = time.perf_counter()
            summary = Loader(backend, batch_size=batch_size).load(sources)
            figures.update(
                seconds=time.perf_counter() - started,
                listings=summary.loaded,
                credits=summary.credits,
                rejected=summary.rejected,
            )
        finally:
            backend.close()
    figures["peak_mb"] = peak_mb()
    print(json.dumps(figures))


def peak_mb() -> float:
    """This process's peak resident memory since it started its program. Not ru_maxrss:
    Linux carries that over from the parent through fork and exec, so every child would
    report at least the benchmark's own peak. VmHWM belongs to the memory map exec made."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def in_child(
    kind: str, backend_name: str, folder: Path, data_dir: Path, episodes: bool, batch_size: int
) -> dict:
    command = [
        sys.executable,
        "-m",
        "benchmarks.imdb_load",
        "--child",
        kind,
        backend_name,
        str(folder),
        str(data_dir),
        str(int(episodes)),
        str(batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the measured {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(
    name: str, manifest: Manifest, episodes: bool, batch_size: int, workdir: Path, attempt: int
) -> dict[str, dict]:
    store = workdir / f"loader-{attempt}"
    loader = in_child("load", name, manifest.folder, store, episodes, batch_size)
    backend = open_backend(name, store, GRAPH)
    try:
        written = graph_rows(backend)  # what the loader wrote, for the raw baseline
        backend.clear()
    finally:
        backend.close()
        shutil.rmtree(store, ignore_errors=True)
    with fresh(name, workdir / f"raw-{attempt}", GRAPH) as backend:
        credits, seconds = measure_same_rows(backend, written)
    parse = in_child("parse", name, manifest.folder, workdir, episodes, batch_size)
    return {"loader": loader, "parse": parse, "raw": {"seconds": seconds, "credits": credits}}


def line(what: str, rows: int, figures: dict) -> str:
    seconds = figures["seconds"]
    peak = f", peak {figures['peak_mb']:,.0f} MB" if "peak_mb" in figures else ""
    return (
        f"  {what:<28} {figures['credits']:>9,} credits in {seconds:7.2f} s = "
        f"{rows / seconds:>8,.0f} rows/s, {figures['credits'] / seconds:>8,.0f} "
        f"credits/s{peak}"
    )


def run(
    name: str,
    sizes: dict[int, Manifest],
    episodes: bool,
    batch_size: int,
    workdir: Path,
    repeat: int,
) -> dict:
    print(f"\n== {name} ==", flush=True)
    results: dict = {}
    for titles, manifest in sizes.items():
        rows = input_rows(manifest, episodes)
        print(f"{titles:,} titles: {rows:,} rows", flush=True)
        runs = [
            measure(name, manifest, episodes, batch_size, workdir, attempt)
            for attempt in range(1, repeat + 1)
        ]
        medians = {
            kind: {key: statistics.median(run[kind][key] for run in runs) for key in runs[0][kind]}
            for kind in runs[0]
        }
        print(
            f"  {medians['loader']['listings']:,.0f} listings loaded, "
            f"{medians['loader'].get('rejected', 0):,.0f} rejected"
        )
        print(line("screengraph loader", rows, medians["loader"]))
        print(line("parser alone (no database)", rows, medians["parse"]))
        print(line("raw UNWIND, the same rows", rows, medians["raw"]))
        share = medians["raw"]["seconds"] / medians["loader"]["seconds"]
        print(f"  loader = {share:.0%} of the raw UNWIND's speed", flush=True)
        results[titles] = {"rows": rows, **medians, "share_of_raw": share}
    small, big = min(results), max(results)
    flat = {}
    for kind in ("loader", "parse"):
        peaks = ", ".join(
            f"{results[titles][kind]['peak_mb']:,.0f} MB at {titles:,}" for titles in sizes
        )
        grew = (
            max(results[titles][kind]["peak_mb"] for titles in sizes)
            / results[small][kind]["peak_mb"]
        )
        verdict = "met" if grew <= FLAT_GROWTH else "NOT met"
        print(
            f"{kind} peak memory: {peaks} titles ({big / small:g}x the input: x{grew:.2f}); "
            f"flat (at most x{FLAT_GROWTH:.2f}): {verdict}"
        )
        flat[kind] = verdict == "met"
    return {**results, "flat": flat}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, backend, folder, data_dir, episodes, batch_size = sys.argv[2:8]
        child(kind, backend, folder, data_dir, episodes == "1", int(batch_size))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--titles",
        type=int,
        nargs="+",
        default=[8000, 80000],
        help="Sizes, in rows of title.basics (at least two, 10x apart; the smallest must "
        "fill the loader's pipeline, ~8 batches, or its peak is a warm-up's).",
    )
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--episodes", action="store_true", help="Load the episodes too.")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="Runs per size; medians shown.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    if len(args.titles) < 2 or max(args.titles) < 10 * min(args.titles):
        parser.error(
            "--titles needs two sizes at least ten times apart (memory must stay "
            "flat as the input grows)"
        )
    names = chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-imdb-bench-") as tmp:
        workdir = Path(tmp)
        sizes = {}
        for titles in sorted(args.titles):
            sizes[titles] = generate(workdir / f"imdb-{titles}", titles, args.seed, compress=True)
        figures = {
            name: run(name, sizes, args.episodes, args.batch_size, workdir, max(1, args.repeat))
            for name in names
        }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
