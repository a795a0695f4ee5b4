"""The scaling table: each size on each backend, in one run, beside the issue's targets.

    python -m benchmarks.scaling --credits 1e5 1e6 1e7 --backend embedded neo4j
        [--data DIR] [--incremental-budget 600] [--requests 200] [--json FILE]

For each size, IMDb-shaped data (benchmarks/synthetic.py, gzipped, episodes loaded: series,
seasons, namesakes, heavy-tailed careers) is made once (or found in --data, where it is
kept for the next run), then on each backend:

1. the incremental loader (`screengraph load`) into an empty graph, in a child process
   (benchmarks/imdb_load.py), when the time the smaller sizes' rate predicts fits
   --incremental-budget; otherwise not run, and the estimate from that rate is given, marked
   as an estimate;
2. the bulk path (`screengraph load --bulk`, benchmarks/bulk_load.py: planning in a child,
   then GRAPH.BULK, or neo4j-admin's import between a stop and a start of
   scripts/neo4j-local's server, whose stop and start are not counted);
3. store size on disk, and the database's peak resident memory (VmHWM of every process
   whose command line names the store: FalkorDB's server, Neo4j's server and neo4j-admin),
   sampled through the load and the queries;
4. p50/p95 of search, related content, collaborators and paths over a fixed sample of
   entities drawn uniformly with a fixed seed (what a typical request asks about), and the
   same apart over hubs (the most credited people, and shows they are credited on) with
   their neighbourhoods' sizes: latency follows a neighbourhood's size, not the graph's;
   embedded paths on the in-memory copy `screengraph serve` keeps, and query-driven as a
   one-off command runs them;
5. whole one-off CLI commands (`screengraph related`): cold (embedded: after `screengraph
   stop`, so the command starts the store's server; Neo4j: the first command) and warm
   (median of the next ones, the embedded server kept).

The load average is recorded beside each measurement (other work may share the machine).
Results go to --json (default benchmarks/results/scaling-<date>.json); render them with
`python -m benchmarks.scaling_report`. Neo4j needs scripts/neo4j-local's server:
NEO4J_LOCAL_BOLT_PORT set to its port and NEO4J_URI to it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bulk import open_backend
from benchmarks.bulk_load import neo4j_offline_import
from benchmarks.installed import compile_package
from benchmarks.query_latency import timed
from benchmarks.synthetic import generate, titles_for
from screengraph.loaders.bulk_spill import CACHED_ENTRIES

REPO = Path(__file__).resolve().parent.parent
GRAPH = "bench-imdb"  # the graph benchmarks.imdb_load's and bulk_load's children load into
BACKENDS = ("embedded", "neo4j")
EPISODES = True
BATCH_SIZE = 500
HUB_SHARE = 0.1  # of the sampled entities, the share that are hubs
CLI_WARM_RUNS = 5

# The targets (issue 14, "Done means"): figure -> (limit, unit, at which size).
TARGETS = {
    "bulk_seconds": {"embedded": 600, "neo4j": 300, "at": 10**7, "unit": "s"},
    "related content": {"p95": 20, "at": 10**7, "unit": "ms"},
    "collaborators": {"p95": 10, "at": 10**7, "unit": "ms"},
    "path": {"p95": 50, "at": 10**7, "unit": "ms"},
    "cli_warm_seconds": {"embedded": 0.5, "at": 10**7, "unit": "s"},
}


def neo4j_home() -> Path:
    return Path(os.environ.get("NEO4J_LOCAL_HOME", REPO / ".neo4j-local")).resolve()


def database_pids(name: str, store: Path):
    """A function listing the processes of that store's database: FalkorDB's server (its
    process title hides its folder, so it is asked), or every process whose command line
    names scripts/neo4j-local's home (the server, neo4j-admin)."""
    if name == "embedded":
        from screengraph.graph.embedded_server import EmbeddedServer, server_pid

        server = EmbeddedServer(store)  # for its paths: it starts nothing

        def embedded() -> list[int]:
            pid = server_pid(server.socket_path, server.password)
            return [pid] if pid else []

        return embedded
    marker = str(neo4j_home()).encode()

    def neo4j() -> list[int]:
        found = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                        if marker in cmdline.read():
                            found.append(int(entry.name))
                except OSError:  # gone meanwhile
                    continue
        return found

    return neo4j


def store_bytes(name: str, store: Path) -> int:
    database = os.environ.get("NEO4J_DATABASE", "neo4j")
    folders = (
        [store]
        if name == "embedded"
        else [
            neo4j_home() / "data" / "databases" / database,
            neo4j_home() / "data" / "transactions" / database,
        ]
    )
    return sum(
        f.stat().st_size
        for folder in folders
        if folder.exists()
        for f in folder.rglob("*")
        if f.is_file()
    )


class PeakMemory:
    """The largest VmHWM of the database's processes (`pids` lists them), sampled twice a
    second in a thread (VmHWM is a process's own peak, so a sample shortly before it ends
    suffices)."""

    def __init__(self, pids):
        self.pids = pids
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> None:
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status", encoding="ascii") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
            except OSError:  # gone meanwhile
                continue


class TimeLimit(Exception):
    """A step passed the run's time limit (--stop-at) or its own budget."""


class Clock:
    """The run's time limit: what is left of it, for each step's own limit."""

    def __init__(self, stop_at: float | None):
        self.stop_at = stop_at

    def left(self, budget: float | None = None) -> float | None:
        limits = [
            x
            for x in (budget, None if self.stop_at is None else self.stop_at - time.time())
            if x is not None
        ]
        if limits and min(limits) <= 0:
            raise TimeLimit("the run's time limit (--stop-at) had passed before this step")
        return min(limits) if limits else None


def child(module: str, args: list, limit: float | None, what: str) -> dict:
    """`python -m module --child ARGS` (benchmarks/imdb_load.py, bulk_load.py): its JSON
    line, or TimeLimit saying how far it got (its last progress line) when stopped."""
    command = [sys.executable, "-m", module, "--child", *map(str, args)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        peak = PeakMemory(lambda: [process.pid])
        peak.sample()  # the loader's own peak so far, before it goes
        process.kill()
        out, err = process.communicate()
        progress = [line for line in err.splitlines() if line.startswith("planned ")]
        raise TimeLimit(
            f"{what} stopped at its time limit after "
            f"{time.perf_counter() - started:.0f} s"
            + (f" ({progress[-1]})" if progress else "")
            + f"; its peak memory by then {peak.peak_mb:,.0f} MB"
        ) from None
    if process.returncode != 0:
        raise SystemExit(f"{what} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- loads ------------------------------------------------------------------------------


def incremental(
    name: str,
    folder: Path,
    store: Path,
    credits: int,
    budget_s: float,
    rate: float | None,
    clock: Clock,
) -> dict:
    """The incremental load, or why not and the estimate."""
    estimate = credits / rate if rate else None
    if budget_s <= 0:
        return {
            "run": False,
            "estimated_seconds": estimate,
            "why": "not run (--incremental-budget 0)"
            + (
                f": est. {estimate / 60:.0f} min from the measured rate {rate:,.0f} credits/s"
                if estimate
                else ""
            ),
        }
    if estimate is not None and estimate > budget_s:
        return {
            "run": False,
            "estimated_seconds": estimate,
            "why": f"not run: est. {estimate / 60:.0f} min from the measured rate "
            f"{rate:,.0f} credits/s, past the budget of {budget_s / 60:.0f} min",
        }
    averages = load_average()
    try:
        with PeakMemory(database_pids(name, store)) as database:
            figures = child(
                "benchmarks.imdb_load",
                ["load", name, folder, store, int(EPISODES), BATCH_SIZE],
                clock.left(budget_s),
                "the incremental load",
            )
    except (SystemExit, TimeLimit) as failed:  # recorded; the bulk load still runs
        return {
            "run": False,
            "failed": " ".join(str(failed).split())[-1500:],
            "budget_seconds": budget_s,
            "load_average": averages,
        }
    finally:
        if name == "embedded":
            stop_embedded(store)
        shutil.rmtree(store, ignore_errors=True)
    return {
        "run": True,
        "seconds": figures["seconds"],
        "credits": figures["credits"],
        "credits_per_s": figures["credits"] / figures["seconds"],
        "loader_peak_mb": figures["peak_mb"],
        "database_peak_mb": database.peak_mb,
        "rejected": figures.get("rejected", 0),
        "load_average": averages,
    }


def bulk(name: str, folder: Path, store: Path, files: Path, clock: Clock) -> dict:
    averages = load_average()
    with PeakMemory(database_pids(name, store)) as database:
        figures = child(
            "benchmarks.bulk_load",
            [name, folder, store, int(EPISODES), BATCH_SIZE, files, CACHED_ENTRIES],
            clock.left(),
            "the bulk load",
        )
        if name == "neo4j":
            figures.update(neo4j_offline_import(files, store))
            figures["seconds"] += figures["admin_seconds"] + figures["finish_seconds"]
    shutil.rmtree(files, ignore_errors=True)
    figures["loader_peak_mb"] = figures.pop("peak_mb")
    return {
        **figures,
        "credits_per_s": figures["credits"] / figures["seconds"],
        "database_peak_mb": database.peak_mb,
        "load_average": averages,
    }


# -- queries ----------------------------------------------------------------------------


def sample(backend, count: int, seed: int) -> dict:
    """Fixed samples, drawn with `seed`: `ordinary` people and shows drawn uniformly from
    the whole store (what a typical request asks about), and `hubs` apart: the most credited
    people and shows they are on, a tenth of `count` each, with their neighbourhoods' sizes
    (credits), since a hub's latency follows its neighbourhood, not the graph."""
    rng = random.Random(seed)
    hubs = max(1, int(count * HUB_SHARE))
    wait = {"max_rows": 0, "timeout_ms": 600_000}

    def column(query: str, params: dict | None = None) -> list:
        return [row[0] for row in backend.run_read(query, params or {}, **wait).rows]

    top = backend.run_read(
        "MATCH (p:Person) WHERE p.credit_count IS NOT NULL "
        "RETURN p.key, p.credit_count ORDER BY p.credit_count DESC, p.key LIMIT $n",
        {"n": hubs},
        **wait,
    ).rows
    hub_people = [key for key, _credits in top]
    hub_shows = sorted(
        set(
            column(
                "MATCH (p:Person)--(s:Show) WHERE p.key IN $keys RETURN DISTINCT s.key",
                {"keys": hub_people[:3]},
            )
        )
    )
    hub_shows = rng.sample(hub_shows, min(len(hub_shows), hubs))
    show_credits = column(
        "UNWIND $keys AS key MATCH (:Show {key: key})<--(p:Person) WITH key, count(p) AS n RETURN n",
        {"keys": hub_shows},
    )
    people = sorted(column("MATCH (p:Person) RETURN p.key"))
    shows = sorted(column("MATCH (s:Show) RETURN s.key"))
    ordinary = {
        "people": rng.sample(people, min(len(people), count - hubs)),
        "shows": rng.sample(shows, min(len(shows), count - hubs)),
    }
    chosen = ordinary["people"] + hub_people
    names = sorted(column("MATCH (p:Person) WHERE p.key IN $keys RETURN p.name", {"keys": chosen}))
    return {
        "ordinary": ordinary,
        "hubs": {"people": hub_people, "shows": hub_shows},
        "names": names,
        "hub_credits": {
            "people": [credits for _key, credits in top],
            "shows": sorted(show_credits, reverse=True),
        },
    }


def sample_sizes(keys: dict) -> dict:
    """What the results record of a sample: how many of each, and the hubs' credits."""
    return {
        "ordinary_people": len(keys["ordinary"]["people"]),
        "ordinary_shows": len(keys["ordinary"]["shows"]),
        "hub_people": len(keys["hubs"]["people"]),
        "hub_shows": len(keys["hubs"]["shows"]),
        "names": len(keys["names"]),
        "hub_credits": {
            kind: {"max": max(c, default=0), "median": statistics.median(c) if c else 0}
            for kind, c in keys["hub_credits"].items()
        },
    }


def query_latency(
    backend, keys: dict, requests: int, path_requests: int, seed: int, clock: Clock, figures: dict
) -> None:
    """p50/p95/max per question over the ordinary sample, cycling through it in a seeded
    order, and the same over the hubs (`hubs`, a fifth as many requests): paths from a hub
    to an ordinary person."""
    from screengraph.graph import adjacency
    from screengraph.queries import explore, paths
    from screengraph.queries.search import search

    def cycling(items: list[str], salt: int):
        order = list(items)
        random.Random(seed + salt).shuffle(order)
        position = iter(range(10**9))
        return lambda: order[next(position) % len(order)]

    def asking(group: dict, salt: int) -> dict:
        person, show = cycling(group["people"], salt + 1), cycling(group["shows"], salt + 2)
        other = cycling(keys["ordinary"]["people"], salt + 4)

        def path():
            return paths.connection_path(
                backend, paths.Ref("Person", person()), paths.Ref("Person", other()), max_hops=6
            )

        return {
            "related content": lambda: explore.related_shows(backend, show()),
            "collaborators": lambda: explore.collaborators(backend, person()),
            "path": path,
        }

    name = cycling(keys["names"], 3)

    def search_text() -> str:
        words = name().split()
        return " ".join([words[0], *(w[:4] for w in words[1:2])])

    ordinary, hubs = asking(keys["ordinary"], 0), asking(keys["hubs"], 10)
    hub_requests = max(1, requests // 5)
    cases = {
        "search": (lambda: search(backend, search_text()), requests, None),
        "related content": (ordinary["related content"], requests, hubs["related content"]),
        "collaborators": (ordinary["collaborators"], requests, hubs["collaborators"]),
    }
    if backend.dialect == "neo4j":
        cases["path"] = (ordinary["path"], requests, hubs["path"])
    else:
        cases["path, query-driven"] = (ordinary["path"], path_requests, None)
        cases["path"] = (ordinary["path"], requests, hubs["path"])  # on serve's copy
    limit = backend.query_timeout_ms
    try:
        for case, (action, count, at_hubs) in cases.items():
            clock.left()
            if case == "path" and backend.dialect != "neo4j":
                started = time.perf_counter()
                adjacency.enable()
                copy = adjacency.wait_until_fresh(backend, tuple(paths.WITHOUT_GENRES.split("|")))
                figures["path copy"] = {
                    "seconds": time.perf_counter() - started,
                    "relationships": copy.relationships,
                    "mb": (copy.offsets.nbytes + copy.neighbours.nbytes) / 1e6,
                }
            for _ in range(3):  # warm caches and query plans
                try:
                    action()
                except Exception:  # noqa: BLE001 - a warm-up; the timed runs count failures
                    pass
            figures[case] = {
                **timed(action, count, limit),
                "requests": count,
                "load_average": load_average(),
            }
            if at_hubs is not None:
                figures[case]["hubs"] = {
                    **timed(at_hubs, hub_requests, limit),
                    "requests": hub_requests,
                }
            f = figures[case]
            hub = f.get("hubs")
            print(
                f"    {case:<20} p50 {f['p50']:8.1f} ms  p95 {f['p95']:8.1f} ms  "
                f"max {f['max']:8.1f} ms  timeouts {f['timeouts']}"
                + (
                    f"  | hubs p50 {hub['p50']:.1f} max {hub['max']:.1f} ms "
                    f"timeouts {hub['timeouts']}"
                    if hub
                    else ""
                ),
                flush=True,
            )
    finally:
        adjacency.enable(False)


# -- one-off commands -------------------------------------------------------------------


def cli_env(name: str, store: Path, graph: str = GRAPH) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
        SCREENGRAPH_BACKEND=name,
        SCREENGRAPH_GRAPH=graph,
        SCREENGRAPH_DATA_DIR=str(store),
        SCREENGRAPH_EMBEDDED_IDLE_S="300",
    )
    return env


def cli_once(args: list[str], env: dict[str, str], limit: float | None = 1800) -> float:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "screengraph", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        raise TimeLimit(
            f"screengraph {' '.join(args)} stopped at the run's time limit "
            f"after {time.perf_counter() - started:.0f} s"
        ) from None
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"screengraph {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return seconds


def cli_times(name: str, store: Path, show: str, clock: Clock, graph: str = GRAPH) -> dict:
    env = cli_env(name, store, graph)
    command = ["related", f"Show:{show}"]
    compile_package()  # as installed: not compiling the package again in every command
    if name == "embedded":
        cli_once(["stop"], env)
    cold = cli_once(command, env, clock.left())
    warm = [cli_once(command, env, clock.left()) for _ in range(CLI_WARM_RUNS)]
    if name == "embedded":
        cli_once(["stop"], env)
    return {
        "command": f"screengraph {' '.join(command)}",
        "cold_seconds": cold,
        "warm_seconds": statistics.median(warm),
        "warm_runs": warm,
        "floor_seconds": cli_once(["--version"], env),
        "load_average": load_average(),
    }


# -- one size on one backend ------------------------------------------------------------


def run_one(
    name: str,
    credits: int,
    folder: Path,
    workdir: Path,
    args,
    rates: dict[str, float],
    clock: Clock,
) -> dict:
    store, files = workdir / f"store-{name}-{credits}", workdir / f"files-{name}-{credits}"
    shutil.rmtree(store, ignore_errors=True)
    result: dict = {"backend": name, "credits_nominal": credits}
    started_at = time.time()
    print(f"\n== {name}, {credits:,} credits ==", flush=True)
    try:
        if args.loaded:
            # Measured on a store loaded already: the report keeps the load's figures of
            # the run that loaded it (scaling_report.merged).
            result["on_store"] = True
            result["credits"] = loaded_credits(name, store)
            print(
                f"  not loaded (--loaded): {result['credits']:,} credit relationships held",
                flush=True,
            )
        else:
            result["incremental"] = incremental(
                name, folder, store, credits, args.incremental_budget, rates.get(name), clock
            )
            done = result["incremental"]
            if done["run"]:
                rates[name] = done["credits_per_s"]
                print(f"  incremental {done['seconds']:.1f} s", flush=True)
            else:
                print(f"  incremental {done.get('why') or 'FAILED: ' + done['failed']}", flush=True)
            result["bulk"] = bulk(name, folder, store, files, clock)
            result["credits"] = result["bulk"]["credits"]
            print(
                f"  bulk {result['bulk']['seconds']:.1f} s, {result['credits']:,} credits",
                flush=True,
            )
        result["store_mb"] = store_bytes(name, store) / 1e6
        keys = measure_queries(name, store, GRAPH, args, clock, result)
        result["cli"] = cli_times(name, store, keys["ordinary"]["shows"][-1], clock)
        print(
            f"  cli cold {result['cli']['cold_seconds']:.2f} s, warm "
            f"{result['cli']['warm_seconds']:.2f} s",
            flush=True,
        )
        result["store_mb"] = max(result["store_mb"], store_bytes(name, store) / 1e6)
    except (SystemExit, Exception) as exc:  # noqa: BLE001 - recorded: what stopped this size
        if isinstance(exc, TimeLimit) and "cli" not in result:
            result["stopped_at_seconds"] = time.time() - started_at
        result["stopped_by"] = f"{type(exc).__name__}: {str(exc)[-1500:]}"
        print(f"  STOPPED: {result['stopped_by']}", flush=True)
    finally:
        if name == "embedded":
            stop_embedded(store)
            shutil.rmtree(store, ignore_errors=True)
    return result


def measure_queries(name: str, store: Path, graph: str, args, clock: Clock, result: dict) -> dict:
    """Open the store (`open_seconds`: its server started and the graph read), draw the
    sample (`args.sample`, `args.seed`) and time the questions on it (`args.requests`,
    `args.path_requests`), with the database's peak memory meanwhile; returns the sample."""
    with PeakMemory(database_pids(name, store)) as database:
        backend = open_backend(name, store, graph)
        try:
            started = time.perf_counter()
            backend.run_read("MATCH (s:Show) RETURN count(s)", timeout_ms=600_000)
            result["open_seconds"] = time.perf_counter() - started
            keys = sample(backend, args.sample, args.seed)
            result["sample"] = sample_sizes(keys)
            result["queries"] = {}  # filled as each question is measured
            query_latency(
                backend,
                keys,
                args.requests,
                args.path_requests,
                args.seed,
                clock,
                result["queries"],
            )
        finally:
            backend.close()
    result["queries_database_peak_mb"] = database.peak_mb
    return keys


def loaded_credits(name: str, store: Path) -> int:
    """The credit relationships a store already holds (for --loaded: Neo4j's server keeps
    its graph); a person credited twice on a title (two jobs) is one."""
    from screengraph.graph.schema import CREDIT_TYPES

    types = "|".join(rel.value for rel in CREDIT_TYPES)
    backend = open_backend(name, store, GRAPH)
    try:
        return backend.run_read(
            f"MATCH ()-[r:{types}]->(:Show) RETURN count(r)", timeout_ms=600_000
        ).value()
    finally:
        backend.close()


def stop_embedded(store: Path) -> None:
    """No server left behind on a folder about to be deleted."""
    subprocess.run(
        [sys.executable, "-m", "screengraph", "stop"],
        env=cli_env("embedded", store),
        capture_output=True,
        timeout=600,
    )


def data_for(credits: int, data_dir: Path, seed: int) -> tuple[Path, float | None]:
    """The size's data folder, made unless a complete one is already there."""
    folder = data_dir / f"imdb-{credits}-seed{seed}"
    done = data_dir / f"{folder.name}.complete"  # beside it: the folder is read whole
    if done.exists():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    generate(folder, credits, "imdb", seed, compress=True)
    seconds = time.perf_counter() - started
    done.write_text(f"{titles_for(credits)} titles, seed {seed}\n")
    return folder, seconds


def stop_time(text: str) -> float:
    """Today's (or tomorrow's) HH:MM UTC as a timestamp."""
    hours, minutes = (int(part) for part in text.split(":"))
    now = datetime.now(UTC)
    at = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return (at if at > now else at + timedelta(days=1)).timestamp()


def previous_rates(paths: list[Path]) -> dict[str, float]:
    """Per backend, the incremental rate measured at the largest size in earlier results."""
    best: dict[str, tuple[int, float]] = {}
    for path in paths:
        for run in json.loads(path.read_text(encoding="utf-8"))["runs"]:
            done = run.get("incremental", {})
            if done.get("run") and run["credits"] > best.get(run["backend"], (0, 0))[0]:
                best[run["backend"]] = (run["credits"], done["credits_per_s"])
    return {name: rate for name, (_, rate) in best.items()}


def machine() -> dict:
    memory = {}
    with open("/proc/meminfo", encoding="ascii") as info:
        for line in info:
            key, value = line.split(":", 1)
            if key in ("MemTotal", "MemAvailable"):
                memory[key] = int(value.split()[0]) // 1024
    return {
        "cpus": os.cpu_count(),
        "memory_mb": memory,
        "python": platform.python_version(),
        "neo4j_heap": os.environ.get("NEO4J_LOCAL_HEAP", "1g (scripts/neo4j-local)"),
        "neo4j_pagecache": os.environ.get("NEO4J_LOCAL_PAGECACHE", "512m (scripts/neo4j-local)"),
        "tmpdir": os.environ.get("TMPDIR", "/tmp"),
        "disk_free_gb": shutil.disk_usage(os.environ.get("TMPDIR", "/tmp")).free / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--credits", type=float, nargs="+", default=[1e5, 1e6])
    parser.add_argument("--backend", choices=BACKENDS, nargs="+", default=list(BACKENDS))
    parser.add_argument(
        "--data",
        type=Path,
        help="Keep the generated data here for the next run (default: a temporary folder).",
    )
    parser.add_argument(
        "--incremental-budget",
        type=float,
        default=600,
        help="Seconds an incremental load may be predicted to take.",
    )
    parser.add_argument("--sample", type=int, default=200, help="Entities sampled.")
    parser.add_argument("--requests", type=int, default=200, help="Requests per question.")
    parser.add_argument(
        "--path-requests",
        type=int,
        default=50,
        help="Requests for query-driven embedded paths (slow at scale).",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        nargs="*",
        default=[],
        help="Earlier results whose incremental rates predict this run's.",
    )
    parser.add_argument(
        "--stop-at",
        help="UTC time (HH:MM) by which to stop: a step still "
        "running then is stopped and recorded as what stopped its size.",
    )
    parser.add_argument(
        "--loaded",
        action="store_true",
        help="Load nothing: measure the queries and commands on the graph Neo4j's server "
        "already holds (e.g. again with other memory settings).",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--json",
        type=Path,
        help="Where the results go (default benchmarks/results/scaling-<date>.json).",
    )
    args = parser.parse_args()
    if args.loaded and args.backend != ["neo4j"]:
        parser.error("--loaded needs --backend neo4j: the embedded store is a run's own")
    if "neo4j" in args.backend and not os.environ.get("NEO4J_URI"):
        parser.error(
            "--backend neo4j needs NEO4J_URI (scripts/neo4j-local start; "
            'eval "$(scripts/neo4j-local env)")'
        )
    # scripts/neo4j-local asks this interpreter for the settings when it restarts the server
    os.environ.setdefault("SCREENGRAPH_PYTHON", sys.executable)
    stamp = datetime.now(UTC)
    out = args.json or REPO / "benchmarks" / "results" / f"scaling-{stamp:%Y-%m-%d}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sg-scaling-") as tmp:
        workdir = Path(tmp)
        data_dir = args.data or workdir
        report = {
            "started": stamp.isoformat(timespec="seconds"),
            "machine": machine(),
            "command": " ".join(sys.argv),
            "targets": TARGETS,
            "runs": [],
        }
        rates = previous_rates(args.previous)
        clock = Clock(stop_time(args.stop_at) if args.stop_at else None)
        for credits in sorted(int(c) for c in args.credits):
            folder, made = data_for(credits, data_dir, args.seed)
            if made is not None:
                print(f"{credits:,} credits of data made in {made:.0f} s", flush=True)
            for name in args.backend:
                run = run_one(name, credits, folder, workdir, args, rates, clock)
                run["data_seconds"] = made
                report["runs"].append(run)
                report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
                out.write_text(json.dumps(report, indent=2) + "\n")  # after every run
    from benchmarks.scaling_report import table

    print("\n" + table(report))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
