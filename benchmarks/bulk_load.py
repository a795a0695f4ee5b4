"""Bulk first load against the incremental loader, on the same IMDb-shaped input.

For each backend and each size (benchmarks/synthetic_imdb.py, gzipped like IMDb's), in
one run, each in a child process whose peak resident memory (VmHWM) is the loader's own:

1. the baseline: the incremental loader (`screengraph load`) into an empty graph;
2. the bulk path (`screengraph load --bulk`): planning (the same plans, merged into a
   scratch file with the entries in use in memory: loaders/bulk_graph.py), then the
   engine's import. On the embedded store that is GRAPH.BULK and the indexes, all in the
   child. On Neo4j the child writes neo4j-admin's files; then the server
   (scripts/neo4j-local's, which must be the one NEO4J_URI names) is stopped,
   `neo4j-admin database import full` runs, the server starts again and the import is
   finished (empty lists, schema): each step timed. The server's restart is reported
   apart; it is not load work. The reading process's CPU time (loaders/bulk_read.py:
   the files read, joined, checked and hashed) is reported per credit;
3. the bulk path again with room in memory for every entry (nothing spilled to disk but
   the tables SQL reads at the end): the time spilling costs, and the memory it saves
   (`--no-in-memory` leaves it out);
4. with `--baseline DIR` (a checkout of another revision, e.g. `git worktree add DIR
   main`), that revision's bulk path on the same input, in the same run, before this
   one's: its time, credits/s and peak beside this one's, and the speed-up.

Then a verdict on memory: the bulk load's peak is flat when, for input 10x larger or
more, it grows by less than FLAT_GROWTH (what the smaller size needs of the scratch
file's memory may be less than its bound, so some growth is expected at small sizes).

    python -m benchmarks.bulk_load [--titles 2000 20000] [--backend embedded|neo4j|both]
        [--episodes] [--no-incremental] [--no-in-memory] [--baseline DIR] [--plans-too]
        [--json FILE]

IMDb's files, which this benchmark loads, are planned over whole tables
(loaders/bulk_sets.py); `--plans-too` measures, in the same run, the plan-by-plan bulk
planner that other formats take (loaders/bulk_graph.py), on the same input.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.imdb_load import in_child, input_rows, peak_mb
from benchmarks.synthetic_imdb import generate
from screengraph.loaders.bulk_spill import CACHED_ENTRIES

GRAPH = "bench-imdb"  # the graph benchmarks.imdb_load's child loads into
# The bulk load's memory is flat when its peak grows by less than this from one size to
# one 10x larger or more (1.25: a quarter more).
FLAT_GROWTH = 1.25
EVERYTHING = 10**12  # entries held in memory when nothing is to be spilled
REPO = Path(__file__).resolve().parent.parent


class ReaderPeak:
    """The peak resident memory of the bulk load's reading process (loaders/bulk_read.py),
    sampled from its VmHWM while it runs (VmHWM only grows: the last sample is within a
    sampling period of its peak)."""

    def __init__(self, every_s: float = 0.2):
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every_s,), daemon=True)
        self._thread.start()

    def _sample(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            for child in multiprocessing.active_children():
                try:
                    status = Path(f"/proc/{child.pid}/status").read_text(encoding="ascii")
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.mb = max(self.mb, int(line.split()[1]) / 1024)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.mb


class ReaderCpu:
    """The CPU time (user + system) of the bulk load's reading process, a grandchild of
    this one (loaders/bulk_read.py's spawned child, in any revision: the baseline's
    too), sampled from /proc while it runs: the last sample is within a sampling period
    of its total."""

    def __init__(self, load_pid: int, every_s: float = 0.1):
        self.seconds: dict[int, float] = {}
        self._load_pid = load_pid
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every_s,), daemon=True)
        self._thread.start()

    def _sample(self, every_s: float) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._stop.wait(every_s):
            for pid in _descendants(self._load_pid):
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
                except OSError:
                    continue
                if b"spawn_main" not in command:
                    continue  # the store's server, DuckDB's threads... not the reader
                fields = stat.rsplit(")", 1)[1].split()
                self.seconds[pid] = (int(fields[11]) + int(fields[12])) / tick

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seconds.values())


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = (task / "children").read_text(encoding="ascii").split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                pending.append(child)
    return found


def bulk_child(
    backend_name: str,
    folder: str,
    data_dir: str,
    episodes: bool,
    batch_size: int,
    files: str,
    cached: int,
    set_based: bool = True,
) -> None:
    """In the child: one bulk load (for Neo4j, up to neo4j-admin's files)."""
    from screengraph.loaders.bulk import BulkLoader
    from screengraph.loaders.bulk_graph import BulkGraph
    from screengraph.loaders.sources import read_all

    backend = open_backend(backend_name, Path(data_dir), GRAPH)
    reader = ReaderPeak()
    try:
        backend.clear()
        started = time.perf_counter()
        planned_listings = [0]

        def progress(listings: int) -> None:
            # read by benchmarks/scaling.py when it stops a load at its time limit
            planned_listings[0] += listings
            print(
                f"planned {planned_listings[0]} listings in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )

        with BulkLoader(
            batch_size=batch_size, cached=cached, on_progress=progress, set_based=set_based
        ) as loader:
            started = time.perf_counter()
            graph = loader.plan(read_all([folder], None, episodes))
            planned = time.perf_counter()
            # Written to disk while planning (at the end, everything is); the set-based
            # planner (loaders/bulk_sets.py) holds no entries: its rows all go to disk.
            spilled = graph.node_table.spilled if isinstance(graph, BulkGraph) else 0
            graph.finish()  # the scratch files' SQL: edges merged, degrees, places
            finished = time.perf_counter()
            backend.check_bulk_target()
            backend.bulk_import(loader.graph.nodes(), loader.graph.relationships(), Path(files))
            done = time.perf_counter()
    finally:
        backend.close()
    print(
        json.dumps(
            {
                "plan_seconds": planned - started,
                "finish_sql_seconds": finished - planned,
                "import_seconds": done - finished,
                "seconds": done - started,
                "credits": loader.summary.credits,
                "listings": loader.summary.loaded,
                "peak_mb": peak_mb(),
                "reader_peak_mb": reader.stop(),
                "spilled": spilled,
            }
        )
    )


def _child(
    backend_name: str,
    folder: Path,
    data_dir: Path,
    episodes: bool,
    batch_size: int,
    files: Path,
    cached: int = CACHED_ENTRIES,
    code: Path = REPO,
    set_based: bool = True,
) -> dict:
    """One bulk load in a child, by the code in `code` (this checkout, or --baseline's)."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.bulk_load",
        "--child",
        backend_name,
        str(folder),
        str(data_dir),
        str(int(episodes)),
        str(batch_size),
        str(files),
        str(cached),
        str(int(set_based)),  # a baseline's child, older, reads no such argument
    ]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
    ) as load:
        reader = ReaderCpu(load.pid)
        out, err = load.communicate()
        reader_cpu = reader.stop()
    if load.returncode != 0:
        raise SystemExit(f"the bulk load ({code}) failed:\n{err[-3000:]}")
    figures = json.loads(out.strip().splitlines()[-1])
    return {**figures, "reader_cpu_seconds": reader_cpu}


def _neo4j_local(*args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(REPO / "scripts" / "neo4j-local"), *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(
            f"scripts/neo4j-local {args[0]} failed:\n{done.stderr[-3000:]}{done.stdout[-3000:]}"
        )
    return time.perf_counter() - started


def neo4j_offline_import(files: Path, data_dir: Path) -> dict:
    """Stop scripts/neo4j-local's server, import, start it, finish: each step timed."""
    from screengraph.graph.neo4j_import import ImportFiles

    port = os.environ.get("NEO4J_LOCAL_BOLT_PORT", "7687")
    if not os.environ.get("NEO4J_URI", "").endswith(f":{port}"):
        raise SystemExit(
            "the Neo4j bulk figures need scripts/neo4j-local's server: set "
            "NEO4J_LOCAL_BOLT_PORT to its port and NEO4J_URI to it"
        )
    imported = ImportFiles.read(files)
    stop = _neo4j_local("stop")
    try:
        admin = _neo4j_local(
            "admin", *imported.arguments(os.environ.get("NEO4J_DATABASE", "neo4j"))
        )
    finally:
        start = _neo4j_local("start")
    backend = open_backend("neo4j", data_dir, GRAPH)
    try:
        started = time.perf_counter()
        backend.finish_bulk_import(imported)
        finish = time.perf_counter() - started
    finally:
        backend.close()
    return {"admin_seconds": admin, "finish_seconds": finish, "restart_seconds": stop + start}


def _bulk(
    name: str,
    manifest,
    store: Path,
    files: Path,
    episodes: bool,
    batch_size: int,
    cached: int,
    code: Path = REPO,
    set_based: bool = True,
) -> dict:
    bulk = _child(
        name, manifest.folder, store, episodes, batch_size, files, cached, code, set_based
    )
    if name == "neo4j":
        bulk.update(neo4j_offline_import(files, store))
        bulk["seconds"] += bulk["admin_seconds"] + bulk["finish_seconds"]
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(files, ignore_errors=True)
    return bulk


def _bulk_line(what: str, name: str, bulk: dict, credits: int) -> str:
    # the baseline's child may predate the split of the scratch file's SQL from the import
    sql = f" + SQL {bulk['finish_sql_seconds']:.2f} s" if "finish_sql_seconds" in bulk else ""
    steps = f"plan {bulk['plan_seconds']:.2f} s{sql} + import {bulk['import_seconds']:.2f} s" + (
        f" (files) + neo4j-admin {bulk['admin_seconds']:.2f} s + finish "
        f"{bulk['finish_seconds']:.2f} s; server stop+start "
        f"{bulk['restart_seconds']:.1f} s not counted"
        if name == "neo4j"
        else ""
    )
    # the baseline's child may predate the reading process, and not report it
    reader = f" + reader {bulk['reader_peak_mb']:,.0f} MB" if bulk.get("reader_peak_mb") else ""
    reading = (
        f"; reading {bulk['reader_cpu_seconds']:.2f} s of CPU = "
        f"{1e6 * bulk['reader_cpu_seconds'] / credits:.1f} µs/credit"
        if bulk.get("reader_cpu_seconds")
        else ""
    )
    return (
        f"  {what:<18} {bulk['seconds']:8.2f} s = {credits / bulk['seconds']:>9,.0f} "
        f"credits/s, peak {bulk['peak_mb']:,.0f} MB{reader}  [{steps}; "
        f"{bulk['spilled']:,} entries spilled while planning{reading}]"
    )


def run(
    name: str,
    sizes: dict,
    episodes: bool,
    batch_size: int,
    workdir: Path,
    incremental_too: bool,
    in_memory_too: bool = True,
    baseline: Path | None = None,
    plans_too: bool = False,
) -> dict:
    print(f"\n== {name} ==", flush=True)
    results = {}
    for titles, manifest in sizes.items():
        rows = input_rows(manifest, episodes)
        store, files = workdir / f"store-{name}-{titles}", workdir / f"files-{titles}"
        figures: dict = {"rows": rows}
        if incremental_too:
            figures["incremental"] = in_child(
                "load", name, manifest.folder, store, episodes, batch_size
            )
            shutil.rmtree(store, ignore_errors=True)
        if baseline is not None:
            figures["bulk_before"] = _bulk(
                name, manifest, store, files, episodes, batch_size, CACHED_ENTRIES, baseline
            )
        if plans_too:
            figures["bulk_plans"] = _bulk(
                name, manifest, store, files, episodes, batch_size, CACHED_ENTRIES, set_based=False
            )
        bulk = figures["bulk"] = _bulk(
            name, manifest, store, files, episodes, batch_size, CACHED_ENTRIES
        )
        if in_memory_too:
            figures["bulk_in_memory"] = _bulk(
                name, manifest, store, files, episodes, batch_size, EVERYTHING
            )
        credits = bulk["credits"]
        print(
            f"{titles:,} titles: {rows:,} rows, {bulk['listings']:,} listings, {credits:,} credits"
        )
        if incremental_too:
            incremental = figures["incremental"]
            print(
                f"  incremental load   {incremental['seconds']:8.2f} s = "
                f"{credits / incremental['seconds']:>9,.0f} credits/s, "
                f"peak {incremental['peak_mb']:,.0f} MB"
            )
        if baseline is not None:
            before = figures["bulk_before"]
            print(_bulk_line("bulk load, before", name, before, credits))
        if plans_too:
            plans = figures["bulk_plans"]
            print(_bulk_line("bulk, plan by plan", name, plans, credits))
        print(_bulk_line("bulk load", name, bulk, credits))
        if plans_too:
            print(
                f"  set-based planner = {plans['seconds'] / bulk['seconds']:.2f}x the plan-by-plan "
                f"bulk load's speed (planning {plans['plan_seconds'] / bulk['plan_seconds']:.2f}x)",
                flush=True,
            )
        if baseline is not None:
            print(
                f"  bulk load = {before['seconds'] / bulk['seconds']:.2f}x the baseline's speed "
                f"(planning {before['plan_seconds'] / bulk['plan_seconds']:.2f}x; baseline: "
                f"{baseline})",
                flush=True,
            )
        if in_memory_too:
            _in_memory_lines(name, bulk, figures["bulk_in_memory"], credits)
        if incremental_too:
            print(
                f"  bulk = {figures['incremental']['seconds'] / bulk['seconds']:.1f}x the "
                "incremental loader's speed",
                flush=True,
            )
        results[titles] = figures
    _memory_verdict(results)
    return results


def _in_memory_lines(name: str, bulk: dict, held: dict, credits: int) -> None:
    print(_bulk_line("bulk, all in RAM", name, held, credits))
    difference = (
        f"{bulk['seconds'] - held['seconds']:+.2f} s ({bulk['seconds'] / held['seconds'] - 1:+.0%})"
    )
    if bulk["spilled"]:
        print(
            f"  spilling costs {difference} and saves "
            f"{held['peak_mb'] - bulk['peak_mb']:,.0f} MB of peak memory"
        )
    else:
        print(
            f"  nothing spilled while planning at this size: the two runs are the same "
            f"work, {difference} apart (the machine's noise)"
        )


def _memory_verdict(results: dict) -> None:
    small, big = min(results), max(results)
    for kind in ("incremental", "bulk_before", "bulk_plans", "bulk", "bulk_in_memory"):
        if kind not in results[small]:
            continue
        low, high = results[small][kind]["peak_mb"], results[big][kind]["peak_mb"]
        print(
            f"{kind} peak memory: {low:,.0f} MB at {small:,} titles, {high:,.0f} MB at "
            f"{big:,} ({big / small:g}x the input: x{high / low:.2f})"
        )
    if "incremental" in results[small]:
        own = {
            size: results[size]["bulk"]["peak_mb"] - results[size]["incremental"]["peak_mb"]
            for size in (small, big)
        }
        print(
            f"bulk peak beyond the incremental loader's (the reader and the identities' "
            f"memory are the same in both): {own[small]:+,.0f} MB at {small:,} titles, "
            f"{own[big]:+,.0f} MB at {big:,}"
        )
    sizes = sorted(results)
    # 10x apart to a title: benchmarks.scaling's 1e5 and 1e6 credits are 10,417 and
    # 104,167 titles (9.9997x)
    steps = [(a, b) for a in sizes for b in sizes if round(b / a) >= 10]
    if not steps:
        print("memory flat: not judged (no two sizes 10x apart)")
        return
    for a, b in steps:
        growth = results[b]["bulk"]["peak_mb"] / results[a]["bulk"]["peak_mb"]
        print(
            f"memory flat from {a:,} to {b:,} titles: "
            f"{'YES' if growth < FLAT_GROWTH else 'NO'} (bulk peak x{growth:.2f} for "
            f"{b / a:g}x the input; flat means under x{FLAT_GROWTH:g})"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        backend, folder, data_dir, episodes, batch_size, files, cached = sys.argv[2:9]
        set_based = sys.argv[9] == "1" if len(sys.argv) > 9 else True
        bulk_child(
            backend,
            folder,
            data_dir,
            episodes == "1",
            int(batch_size),
            files,
            int(cached),
            set_based,
        )
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--titles",
        type=int,
        nargs="+",
        default=[2000, 20000],
        help="Sizes, in rows of title.basics (two at least).",
    )
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--episodes", action="store_true", help="Load the episodes too.")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--no-incremental",
        action="store_true",
        help="Leave out the incremental baseline (for the large sizes).",
    )
    parser.add_argument(
        "--no-in-memory",
        action="store_true",
        help="Leave out the bulk load with every entry in memory (for the large sizes).",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="A checkout of another revision whose bulk path to measure beside this one's.",
    )
    parser.add_argument(
        "--plans-too",
        action="store_true",
        help="Also the bulk load planned plan by plan (loaders/bulk_graph.py), which IMDb's "
        "files no longer take, on the same input: the set-based planner's A/B.",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    if len(args.titles) < 2:
        parser.error("--titles needs two sizes at least (memory against the input's size)")
    with tempfile.TemporaryDirectory(prefix="sg-bulk-bench-") as tmp:
        workdir = Path(tmp)
        sizes = {
            titles: generate(workdir / f"imdb-{titles}", titles, args.seed, compress=True)
            for titles in sorted(args.titles)
        }
        figures = {
            name: run(
                name,
                sizes,
                args.episodes,
                args.batch_size,
                workdir,
                not args.no_incremental,
                not args.no_in_memory,
                args.baseline.resolve() if args.baseline else None,
                args.plans_too,
            )
            for name in chosen_backends(args.backend)
        }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
