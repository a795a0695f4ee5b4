"""Entity pages read while a loader ingests listings: failed requests, page latency beside
the same without a load, and whether the final graph is the one a load without readers makes.

    python -m benchmarks.readers_during_load [--listings 20000] [--base 20000]
        [--clients 40] [--seconds 20] [--think 1.0] [--backend embedded|neo4j|both]
    python -m benchmarks.readers_during_load --base 5000 --listings 5000 --seconds 10  # quick

Per backend:
1. a catalogue of --base synthetic listings, loaded by the loader, so that pages exist;
2. `screengraph serve` on it, and --clients keep-alive clients on random show, person and
   company pages, each pausing a think time (exponential, mean --think) between pages
   (benchmarks.web_load's server and benchmarks.http_load's clients);
3. readers alone for --seconds: the latency without a load;
4. readers while the loader (in a process of its own, as `screengraph load` is: in this one
   its Python work would hold the clients' interpreter lock and count as page latency; a
   client of the server `screengraph serve` owns) ingests --listings other synthetic listings, measured in phases of a few seconds
   for as long as the load runs; the loader's write times are printed too (a page's query
   waits at most one write on the embedded store);
5. the final graph's checksum (graph/checksum.py) against the same two loads into an
   empty graph with nobody reading.
Targets: no failed request; the same graph; on the embedded store, where a page's query
waits for the loader's write in flight, p95 during the load within ~100 ms of without
(loaders/pacing.py sizes the loader's writes to that budget).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.synthetic import write_jsonl
from benchmarks.web_load import Server, load, page_mix, percentile
from graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from loaders.pipeline import Loader
from loaders.sources import read_all

GRAPH = "bench-readers"
REFERENCE_GRAPH = "bench-readers-reference"
PHASE_S = 3.0


def load_files(backend, *paths: Path) -> tuple[float, str]:
    """Load each file in turn: the time, and the last load's writes."""
    started = time.perf_counter()
    for path in paths:
        loader = Loader(backend)
        loader.load(read_all([str(path)]), "jsonl")
    return time.perf_counter() - started, write_times(loader)


def readers_alone(server: Server, paths_file: Path, clients: int, seconds: float,
                  think: float) -> dict:
    return load(server, paths_file, clients, seconds, think, seed=1)


def readers_during(server: Server, paths_file: Path, clients: int, think: float,
                   loading: Callable[[], None]) -> tuple[dict, float]:
    """Readers in phases of PHASE_S for as long as `loading` runs; its time."""
    merged: dict = {"samples": {}, "errors": {}, "error_examples": [], "elapsed": 0.0}
    done = threading.Event()

    def read() -> None:
        phase = 0
        while not done.is_set():
            phase += 1
            result = load(server, paths_file, clients, PHASE_S, think, seed=100 + phase)
            merged["elapsed"] += result["elapsed"]
            for kind, values in result["samples"].items():
                merged["samples"].setdefault(kind, []).extend(values)
            for kind, count in result["errors"].items():
                merged["errors"][kind] = merged["errors"].get(kind, 0) + count
            merged["error_examples"] += result["error_examples"][:5 - len(merged["error_examples"])]

    readers = threading.Thread(target=read, name="readers")
    readers.start()
    started = time.perf_counter()
    try:
        loading()
    finally:
        loaded_in = time.perf_counter() - started
        done.set()
        readers.join()
    return merged, loaded_in


def load_in_own_process(name: str, data_dir: Path, graph: str, path: Path, reply) -> None:
    """The loader of step 4, in a process of its own; sends back its summary and writes."""
    backend = open_backend(name, data_dir, graph)
    try:
        loader = Loader(backend)
        loader.load(read_all([str(path)]), "jsonl")
        reply.send((loader.summary.line(), write_times(loader)))
    finally:
        backend.close()


def write_times(loader: Loader) -> str:
    """The loader's writes: how many, and how long a page's query could wait behind one."""
    seconds = sorted(loader.writer.batch_pace.seconds + loader.writer.row_pace.seconds)
    return (f"{len(seconds)} writes, p50 {percentile(seconds, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(seconds, 0.95) * 1000:.0f} ms, longest {seconds[-1] * 1000:.0f} ms")


def summary(label: str, result: dict) -> tuple[float, int]:
    samples = sorted(s for values in result["samples"].values() for s in values)
    errors = sum(result["errors"].values())
    p95 = percentile(samples, 0.95)
    print(f"  {label:<28} {len(samples):7d} pages  p50 {percentile(samples, 0.5):7.1f} ms  "
          f"p95 {p95:7.1f} ms  max {samples[-1] if samples else float('nan'):7.0f} ms  "
          f"failed {errors}", flush=True)
    for example in result["error_examples"]:
        print(f"    failed: {example}")
    return p95, errors


def run(name: str, args: argparse.Namespace, workdir: Path) -> dict:
    print(f"\n== {name}: {args.base:,} listings served, {args.listings:,} loaded while "
          f"{args.clients} clients read pages (think {args.think:g} s) ==", flush=True)
    base = write_jsonl(workdir / "base.jsonl", args.base, seed=7)
    new = write_jsonl(workdir / "new.jsonl", args.listings, seed=11)
    data_dir = workdir / f"store-{name}"
    backend = open_backend(name, data_dir, GRAPH)
    backend.clear()
    backend.ensure_schema()
    print(f"  catalogue loaded in {load_files(backend, base)[0]:.1f} s", flush=True)
    paths_file = workdir / f"paths-{name}.json"
    paths_file.write_text(json.dumps(page_mix(backend, zipf=0.0)))
    backend.close()  # `screengraph serve` owns the embedded store, as for a user

    server = Server(name, data_dir, GRAPH, [], workdir / f"serve-{name}.log")
    try:
        server.wait_ready(json.loads(paths_file.read_text())[0]["paths"][0])
        load(server, paths_file, args.clients, 5, 0, seed=99)  # warm-up
        quiet_p95, quiet_errors = summary("readers alone", readers_alone(
            server, paths_file, args.clients, args.seconds, args.think))
        # The loader runs in a process of its own, attached to the server `screengraph serve` owns.
        spawn = multiprocessing.get_context("spawn")
        receive, reply = spawn.Pipe(duplex=False)
        loaded: list = []

        def loading() -> None:
            process = spawn.Process(target=load_in_own_process,
                                    args=(name, data_dir, GRAPH, new, reply))
            process.start()
            loaded.append(receive.recv())
            process.join()

        during, loaded_in = readers_during(server, paths_file, args.clients, args.think, loading)
        busy_p95, busy_errors = summary("readers during the load", during)
        backend = open_backend(name, data_dir, GRAPH)
        with_readers = graph_checksum(backend, LOAD_TIMES)
        backend.close()
    finally:
        server.stop()
    summary_line, writes = loaded[0]
    print(f"  the load took {loaded_in:.1f} s with readers: {summary_line}; {writes}", flush=True)

    backend = open_backend(name, data_dir, GRAPH)
    if name == "embedded":
        backend.close()
        backend = open_backend(name, data_dir, REFERENCE_GRAPH)
    backend.clear()
    backend.ensure_schema()
    load_files(backend, base)
    alone_s, alone_writes = load_files(backend, new)
    reference = graph_checksum(backend, LOAD_TIMES)
    backend.clear()
    backend.close()
    same = with_readers == reference
    print(f"  the same load with nobody reading took {alone_s:.1f} s; {alone_writes}", flush=True)
    print(f"  final graph {'identical to' if same else 'DIFFERENT from'} the loads without "
          f"readers ({with_readers.digest[:16]})"
          + ("" if same else "\n" + describe_difference(with_readers, reference,
                                                        ("with readers", "without"))))
    failed = quiet_errors + busy_errors
    print(f"  failed requests: {failed} (target 0); p95 {quiet_p95:.1f} ms alone, "
          f"{busy_p95:.1f} ms during the load (+{busy_p95 - quiet_p95:.1f} ms)", flush=True)
    return {"failed": failed, "p95_alone_ms": quiet_p95, "p95_during_ms": busy_p95,
            "load_s_with_readers": loaded_in, "load_s_alone": alone_s, "same_graph": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=20_000,
                        help="listings loaded while the clients read")
    parser.add_argument("--base", type=int, default=20_000,
                        help="listings in the catalogue the clients read")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20,
                        help="length of the phase without a load")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time between a client's pages, in seconds")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        figures = {name: run(name, args, Path(tmp)) for name in chosen_backends(args.backend)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
