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
   for as long as the load runs; the loader's writes are timed by kind (its batches, the
   degrees it adds and recounts, its journal and history): a page's query waits at most
   one write on the embedded store;
5. meanwhile, in both phases, a probe (a process of its own) reads one show by key every
   PROBE_EVERY_S: how long a read waited during the load is its latency beyond its median
   without the load;
6. the final graph's checksum (graph/checksum.py) against the same two loads into an
   empty graph with nobody reading, and how long that load took.
Targets: no failed request; the same graph; on the embedded store, where a page's query
waits for the loader's write in flight, no write longer than ~100 ms and so no read
waiting longer (loaders/pacing.py sizes the loader's writes to that budget).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.synthetic import write_jsonl
from benchmarks.web_load import Server, load, page_mix, percentile
from screengraph.graph.backend import Statement
from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.loaders.pacing import READ_WAIT_BUDGET_S
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from screengraph.loaders.statements import ADD_DEGREES, DEGREES, DROP_JOURNALS

GRAPH = "bench-readers"
REFERENCE_GRAPH = "bench-readers-reference"
PHASE_S = 3.0
PROBE_EVERY_S = 0.02
PROBE = "MATCH (s:Show {key: $key}) RETURN s.title"
ENGINE = "engine: "  # a kind's times as the engine measured them


def load_files(backend, *paths: Path) -> tuple[float, dict[str, list[float]]]:
    """Load each file in turn: the time, and the last load's writes by kind."""
    started = time.perf_counter()
    for path in paths:
        writes = timed_writes(backend)
        try:
            Loader(backend).load(read_all([str(path)]), "jsonl")
        finally:
            del backend.run_write  # what runs next (a clear, say) is not the load's
    return time.perf_counter() - started, writes


def write_kind(statement) -> str:
    """What a loader's write is, for the report."""
    if isinstance(statement, Statement):
        return "batches"
    for label, cypher in ADD_DEGREES.items():
        if statement == cypher:
            return f"degrees added ({label})"
    for label, cypher in DEGREES.items():
        if statement == cypher:
            return f"degrees recounted ({label})"
    if statement == DROP_JOURNALS:
        return "journal dropped"
    return f"other ({' '.join(str(statement).split()[:4])[:40]}...)"


def timed_writes(backend) -> dict[str, list[float]]:
    """Time every write `backend` sends from now on, by kind (the dict fills as it goes);
    also, under "engine: KIND", how long the engine says it took, where it says."""
    writes: dict[str, list[float]] = defaultdict(list)
    run_write = type(backend).run_write

    def timed(statement, params=None, **options):
        started = time.perf_counter()
        result = None
        try:
            result = run_write(backend, statement, params, **options)
            return result
        finally:
            writes[write_kind(statement)].append(time.perf_counter() - started)
            if result is not None and result.engine_seconds is not None:
                writes[f"{ENGINE}{write_kind(statement)}"].append(result.engine_seconds)

    backend.run_write = timed
    return writes


def write_times(writes: dict[str, list[float]]) -> str:
    """The loader's writes: how many, and how long a page's query could wait behind one;
    the longest of each kind."""
    summaries = []
    for measured_by in ("", ENGINE):
        mine = {
            kind.removeprefix(ENGINE): values
            for kind, values in writes.items()
            if kind.startswith(ENGINE) == bool(measured_by)
        }
        seconds = sorted(s for values in mine.values() for s in values)
        if not seconds:
            continue
        kinds = ", ".join(
            f"{kind} {len(values)}: longest {max(values) * 1000:.0f} ms"
            for kind, values in sorted(mine.items(), key=lambda kv: -max(kv[1]))
        )
        summaries.append(
            f"{'as the engine timed them: ' if measured_by else ''}"
            f"{len(seconds)} writes, p50 {percentile(seconds, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(seconds, 0.95) * 1000:.0f} ms, longest "
            f"{seconds[-1] * 1000:.0f} ms ({kinds})"
        )
    return "; ".join(summaries) or "no writes"


def probe_reads(name: str, data_dir: Path, graph: str, key: str, stop, reply) -> None:
    """Read one show by key every PROBE_EVERY_S until `stop`; send back the latencies (ms)."""
    backend = open_backend(name, data_dir, graph)
    samples: list[float] = []
    try:
        while not stop.is_set():
            started = time.perf_counter()
            backend.run_read(PROBE, {"key": key})
            samples.append((time.perf_counter() - started) * 1000)
            time.sleep(PROBE_EVERY_S)
    finally:
        reply.send(samples)
        backend.close()


class Probe:
    """A probe reader in a process of its own, for the length of a `with` block."""

    def __init__(self, name: str, data_dir: Path, graph: str, key: str):
        self.spawn = multiprocessing.get_context("spawn")
        self.args = (name, data_dir, graph, key)
        self.samples: list[float] = []

    def __enter__(self) -> Probe:
        self.stop = self.spawn.Event()
        self.receive, reply = self.spawn.Pipe(duplex=False)
        self.process = self.spawn.Process(target=probe_reads, args=(*self.args, self.stop, reply))
        self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.samples = sorted(self.receive.recv())
        self.process.join()


def readers_alone(
    server: Server, paths_file: Path, clients: int, seconds: float, think: float
) -> dict:
    return load(server, paths_file, clients, seconds, think, seed=1)


def readers_during(
    server: Server, paths_file: Path, clients: int, think: float, loading: Callable[[], None]
) -> tuple[dict, float]:
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
            merged["error_examples"] += result["error_examples"][
                : 5 - len(merged["error_examples"])
            ]

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
        writes = timed_writes(backend)
        loader = Loader(backend)
        loader.load(read_all([str(path)]), "jsonl")
        reply.send((loader.summary.line(), dict(writes)))
    finally:
        backend.close()


def summary(label: str, result: dict) -> tuple[float, int]:
    samples = sorted(s for values in result["samples"].values() for s in values)
    errors = sum(result["errors"].values())
    p95 = percentile(samples, 0.95)
    print(
        f"  {label:<28} {len(samples):7d} pages  p50 {percentile(samples, 0.5):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {samples[-1] if samples else float('nan'):7.0f} ms  "
        f"failed {errors}",
        flush=True,
    )
    for example in result["error_examples"]:
        print(f"    failed: {example}")
    return p95, errors


def run(name: str, args: argparse.Namespace, workdir: Path) -> dict:
    print(
        f"\n== {name}: {args.base:,} listings served, {args.listings:,} loaded while "
        f"{args.clients} clients read pages (think {args.think:g} s) ==",
        flush=True,
    )
    base = write_jsonl(workdir / "base.jsonl", args.base, seed=7)
    new = write_jsonl(workdir / "new.jsonl", args.listings, seed=11)
    data_dir = workdir / f"store-{name}"
    backend = open_backend(name, data_dir, GRAPH)
    backend.clear()
    backend.ensure_schema()
    print(f"  catalogue loaded in {load_files(backend, base)[0]:.1f} s", flush=True)
    paths_file = workdir / f"paths-{name}.json"
    paths_file.write_text(json.dumps(page_mix(backend, zipf=0.0)))
    probed = backend.run_read("MATCH (s:Show) RETURN s.key ORDER BY s.key LIMIT 1").value()
    backend.close()  # `screengraph serve` owns the embedded store, as for a user

    server = Server(name, data_dir, GRAPH, [], workdir / f"serve-{name}.log")
    try:
        server.wait_ready(json.loads(paths_file.read_text())[0]["paths"][0])
        load(server, paths_file, args.clients, 5, 0, seed=99)  # warm-up
        with Probe(name, data_dir, GRAPH, probed) as probe_alone:
            quiet_p95, quiet_errors = summary(
                "readers alone",
                readers_alone(server, paths_file, args.clients, args.seconds, args.think),
            )
        # The loader runs in a process of its own, attached to the server `screengraph serve` owns.
        spawn = multiprocessing.get_context("spawn")
        receive, reply = spawn.Pipe(duplex=False)
        loaded: list = []

        def loading() -> None:
            process = spawn.Process(
                target=load_in_own_process, args=(name, data_dir, GRAPH, new, reply)
            )
            process.start()
            loaded.append(receive.recv())
            process.join()

        with Probe(name, data_dir, GRAPH, probed) as probe_during:
            during, loaded_in = readers_during(
                server, paths_file, args.clients, args.think, loading
            )
        busy_p95, busy_errors = summary("readers during the load", during)
        backend = open_backend(name, data_dir, GRAPH)
        with_readers = graph_checksum(backend, LOAD_TIMES)
        backend.close()
    finally:
        server.stop()
    summary_line, writes = loaded[0]
    print(
        f"  the load took {loaded_in:.1f} s with readers: {summary_line}; {write_times(writes)}",
        flush=True,
    )
    waited = probe_waits(probe_alone.samples, probe_during.samples)

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
    print(
        f"  the same load with nobody reading took {alone_s:.1f} s; {write_times(alone_writes)}",
        flush=True,
    )
    print(
        f"  final graph {'identical to' if same else 'DIFFERENT from'} the loads without "
        f"readers ({with_readers.digest[:16]})"
        + (
            ""
            if same
            else "\n" + describe_difference(with_readers, reference, ("with readers", "without"))
        )
    )
    failed = quiet_errors + busy_errors
    longest = (
        max(
            (s for kind, values in writes.items() if not kind.startswith(ENGINE) for s in values),
            default=0.0,
        )
        * 1000
    )
    longest_in_engine = max(
        (s for kind, values in writes.items() if kind.startswith(ENGINE) for s in values),
        default=None,
    )
    print(
        f"  in short: failed requests {failed} (target 0); longest write {longest:.0f} ms "
        + (
            f"({longest_in_engine * 1000:.0f} ms in the engine) "
            if longest_in_engine is not None
            else ""
        )
        + f"(target ~100 ms); a read waited p95 {waited['p95']:.0f} ms, max {waited['max']:.0f} "
        f"ms, {waited['over_budget']} of {waited['reads_during']} over {READ_WAIT_BUDGET_S * 1000:.0f} ms "
        f"(alone p95 {waited['p95_alone']:.0f} ms, max {waited['max_alone']:.0f} ms); page p95 {quiet_p95:.1f} ms alone, {busy_p95:.1f} ms during the load; the "
        f"load took {loaded_in:.1f} s with readers, {alone_s:.1f} s without",
        flush=True,
    )
    return {
        "failed": failed,
        "p95_alone_ms": quiet_p95,
        "p95_during_ms": busy_p95,
        "longest_write_ms": longest,
        "longest_write_in_engine_ms": (
            None if longest_in_engine is None else longest_in_engine * 1000
        ),
        "read_waited_p95_ms": waited["p95"],
        "read_waited_max_ms": waited["max"],
        "reads_waited_over_budget": waited["over_budget"],
        "probe_reads_during": waited["reads_during"],
        "read_waited_alone_p95_ms": waited["p95_alone"],
        "read_waited_alone_max_ms": waited["max_alone"],
        "load_s_with_readers": loaded_in,
        "load_s_alone": alone_s,
        "same_graph": same,
    }


def probe_waits(alone: list[float], during: list[float]) -> dict[str, float]:
    """How long the probe's reads waited, during the load and without it: their latency
    beyond the median of the same read without the load (ms); and how many of the reads
    during the load waited past the loader's budget (loaders/pacing.py)."""
    usual = statistics.median(alone) if alone else 0.0
    waits = {
        phase: sorted(max(0.0, sample - usual) for sample in samples)
        for phase, samples in (("alone", alone), ("during", during))
    }
    figures = {
        f"{stat}_{phase}": (
            percentile(values, 0.95) if stat == "p95" else values[-1] if values else float("nan")
        )
        for phase, values in waits.items()
        for stat in ("p95", "max")
    }
    budget_ms = READ_WAIT_BUDGET_S * 1000
    figures["over_budget"] = sum(wait > budget_ms for wait in waits["during"])
    figures["reads_during"] = len(waits["during"])
    print(
        f"  probe read ({PROBE!r}, every {PROBE_EVERY_S * 1000:.0f} ms): median "
        f"{usual:.1f} ms alone; beyond it, a read waited p95 {figures['p95_alone']:.0f} ms, "
        f"max {figures['max_alone']:.0f} ms alone ({len(alone)} reads), p95 "
        f"{figures['p95_during']:.0f} ms, max {figures['max_during']:.0f} ms during the load "
        f"({len(during)} reads, {figures['over_budget']} of them waited over "
        f"{budget_ms:.0f} ms)",
        flush=True,
    )
    return {"p95": figures["p95_during"], "max": figures["max_during"], **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--listings", type=int, default=20_000, help="listings loaded while the clients read"
    )
    parser.add_argument(
        "--base", type=int, default=20_000, help="listings in the catalogue the clients read"
    )
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument(
        "--seconds", type=float, default=20, help="length of the phase without a load"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time between a client's pages, in seconds",
    )
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        figures = {name: run(name, args, Path(tmp)) for name in chosen_backends(args.backend)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
