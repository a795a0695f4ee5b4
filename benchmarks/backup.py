"""Backing up the embedded store while it serves: what readers notice, and what it costs.

    python -m benchmarks.backup [--listings 5000] [--seconds 10]

1. a store of --listings synthetic listings (benchmarks.synthetic), loaded by the loader;
2. a reader process (as the web app is: the backup's own Python work must not count as
   page latency) asks for random show pages' data (a show, its credits and companies)
   for --seconds with no backup: the baseline latency;
3. the same reader while `screengraph backup` runs back to back for --seconds: latency
   beside the baseline, and each backup's time and size (beside the store's files);
4. one restore of that backup into a new folder: its time, and the restored graph's
   checksum against the store's (graph/checksum.py).
Target: readers notice no more than the fork (a few ms at p99); the restored graph is the
same.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import write_jsonl
from benchmarks.web_load import percentile
from screengraph.graph.checksum import graph_checksum
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.falkor_snapshot import restore_backup
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all

GRAPH = "screengraph"
PAGE = (
    "MATCH (s:Show {key: $key}) OPTIONAL MATCH (s)<-[r]-(p:Person) "
    "WITH s, collect([type(r), p.name])[..50] AS credits "
    "OPTIONAL MATCH (s)-[:MADE_BY]->(c:Company) RETURN s.title, credits, collect(c.name)"
)


def read_pages(store: str, keys: list[str], stop, out) -> None:
    """In a process of its own: page reads until `stop` is set; their latencies to `out`."""
    backend = FalkorBackend(store, GRAPH)
    rng = random.Random(1)
    samples = []
    try:
        while not stop.is_set():
            started = time.perf_counter()
            backend.run_read(PAGE, {"key": rng.choice(keys)}, max_rows=0)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        backend.close()
    out.put(samples)


def summary(label: str, samples: list[float]) -> str:
    samples = sorted(samples)
    return (
        f"  {label:<26} {len(samples):6d} reads  p50 {statistics.median(samples):6.2f} ms  "
        f"p95 {percentile(samples, 0.95):6.2f} ms  p99 {percentile(samples, 0.99):6.2f} ms  "
        f"max {samples[-1]:7.2f} ms"
    )


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="screengraph-backup-bench-") as tmp:
        work = Path(tmp)
        store = work / "store"
        backend = FalkorBackend(store, GRAPH, write_timeout_ms=600_000)
        started = time.perf_counter()
        Loader(backend).load(
            read_all([str(write_jsonl(work / "in.jsonl", args.listings))]), "jsonl"
        )
        print(
            f"store: {args.listings:,} listings loaded in {time.perf_counter() - started:.1f} s; "
            f"append-only files {folder_bytes(store / 'appendonly') / 1e6:.1f} MB"
        )
        keys = [row[0] for row in backend.run_read("MATCH (s:Show) RETURN s.key", max_rows=0).rows]

        processes = multiprocessing.get_context("spawn")

        def reads_while(action) -> list[float]:
            stop, out = processes.Event(), processes.Queue()
            reader = processes.Process(target=read_pages, args=(str(store), keys, stop, out))
            reader.start()
            time.sleep(1.0)  # its start and first connection are not page reads
            action()
            stop.set()
            samples = out.get()
            reader.join()
            return samples

        alone = reads_while(lambda: time.sleep(args.seconds))
        backups: list[tuple[float, int]] = []

        def back_up() -> None:
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline or not backups:
                began = time.perf_counter()
                manifest = backend.backup(work / "store.backup")
                backups.append((time.perf_counter() - began, manifest.snapshot_bytes))

        during = reads_while(back_up)
        print("page reads (one reader process):")
        print(summary("baseline, no backup", alone))
        print(summary("during backups", during))
        times = [t for t, _ in backups]
        print(
            f"backups: {len(backups)} back to back, each {statistics.median(times):.2f} s "
            f"(median; max {max(times):.2f} s), snapshot {backups[-1][1] / 1e6:.1f} MB, "
            f"file {(work / 'store.backup').stat().st_size / 1e6:.1f} MB"
        )
        original = graph_checksum(backend)
        backend.close()

        began = time.perf_counter()
        restore_backup(work / "restored", work / "store.backup")
        restored_in = time.perf_counter() - began
        restored = FalkorBackend(work / "restored", GRAPH, write_timeout_ms=600_000)
        try:
            same = graph_checksum(restored) == original
        finally:
            restored.close()
        print(f"restore into a new folder: {restored_in:.2f} s; same graph: {same}")


if __name__ == "__main__":
    main()
