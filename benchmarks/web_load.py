"""Entity pages under 50 concurrent clients: latency and throughput, per backend.

    python -m benchmarks.web_load [--shows 100000] [--clients 50] [--seconds 30]
        [--backend embedded|neo4j|both] [--think 1.0] [--serve-args "--threads 8"]
    python -m benchmarks.web_load --shows 20000 --seconds 10      # quick mode for iteration

Builds the synthetic catalogue (as benchmarks.query_latency does), then serves it the
way users do: `screengraph serve` in its own process, on the benchmark's data dir and
graph (Neo4j: the NEO4J_* variables), which for the embedded store owns the FalkorDB
server as it would for a user. The load comes from benchmarks.http_load, another
process: --clients keep-alive HTTP clients, latency measured from sending a request to
the last byte of its body. Pages: random show, person and company pages (40/40/20 %),
keys drawn with a fixed seed from the whole graph, so both backends get the same pages.

Four phases of --seconds each, after a warm-up:
- user-like: each client requests a page, then pauses for an exponentially
  distributed think time (mean --think, 1 s by default, seeded), and repeats: what 50
  people reading pages do. This is the phase the target applies to;
- saturation: the same clients with no think time, to show the most the server
  serves (read its req/s, not the user-like one, as throughput);
- the same two against `/openapi.json`, a page that does not touch the database:
  what the HTTP server, Flask and the load generator cost on their own.
Also printed per phase: the CPU used by the web server (its processes), by the
database (the embedded FalkorDB server or Neo4j's JVM), by the load generator, and by
the rest of the machine (other people's work on a shared machine), in % of one core,
and the server's CPU per answered request.
Target: entity pages p95 <= 100 ms under the user-like load.

--reuse DATA_DIR GRAPH serves an existing embedded graph instead of building one (it
is only read, never cleared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.query_latency import build

TARGET_P95_MS = 100.0
MIX = (("show", "Show", 0.4), ("person", "Person", 0.4), ("company", "Company", 0.2))
PAGES = 5000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def entity_paths(backend, seed: int = 5) -> list[list[str]]:
    """[kind, path] pairs in the MIX proportions, keys drawn uniformly from the graph."""
    rng = random.Random(seed)
    paths: list[list[str]] = []
    for slug, label, share in MIX:
        keys = sorted(row[0] for row in backend.run_read(
            f"MATCH (n:{label}) RETURN n.key", max_rows=0, timeout_ms=60_000).rows)
        paths += [[slug, f"/{slug}/{rng.choice(keys)}"] for _ in range(int(PAGES * share))]
    rng.shuffle(paths)
    return paths


class Server:
    """`screengraph serve` in its own process, and the processes whose CPU we count."""

    def __init__(self, name: str, data_dir: Path, graph: str, serve_args: list[str],
                 log_path: Path):
        self.name, self.data_dir, self.port = name, data_dir, free_port()
        env = dict(os.environ, SCREENGRAPH_GRAPH=graph, SCREENGRAPH_BACKEND=name)
        if name == "embedded":
            env.pop("NEO4J_URI", None)
        command = [sys.executable, "-m", "screengraph", "--data-dir", str(data_dir), "serve",
                   "--port", str(self.port), *serve_args]
        self.log = log_path.open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.log_path = log_path

    def get(self, path: str, timeout: float = 30) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}",
                                        timeout=timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def wait_ready(self, probe: str, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"screengraph serve exited ({self.process.returncode}):\n"
                                   + self.log_path.read_text()[-3000:])
            try:
                if self.get("/openapi.json", 5) == 200 and self.get(probe, 120) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"screengraph serve did not answer within {timeout:.0f} s")

    def database_process(self) -> psutil.Process | None:
        """The embedded FalkorDB server (by its socket) or Neo4j's JVM (by its Bolt port)."""
        if self.name == "embedded":
            from graph.embedded_server import socket_path_for
            sock = str(socket_path_for(self.data_dir.resolve()))
            for proc in psutil.process_iter(["cmdline"]):
                if sock in " ".join(proc.info["cmdline"] or []):
                    return proc
            return None
        port = int(os.environ["NEO4J_URI"].rsplit(":", 1)[1].split("/")[0])
        for conn in psutil.net_connections("tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return psutil.Process(conn.pid)
        return None

    def web_processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.process.pid)
        database = self.database_process()
        return [p for p in [root, *root.children(recursive=True)]
                if database is None or p.pid != database.pid]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # exit handlers stop an owned FalkorDB
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def machine_busy_seconds() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def load(server: Server, paths_file: Path, clients: int, seconds: float, think: float,
         seed: int) -> dict:
    """One phase: the load generator in its own process, CPU counted around it."""
    web, database = server.web_processes(), server.database_process()
    before = (cpu_seconds(web), cpu_seconds([database] if database else []),
              machine_busy_seconds(), time.monotonic())
    generator = subprocess.run(
        [sys.executable, "-m", "benchmarks.http_load", "--port", str(server.port),
         "--paths", str(paths_file), "--clients", str(clients), "--seconds", str(seconds),
         "--think", str(think), "--seed", str(seed)],
        check=True, capture_output=True, text=True)
    wall = time.monotonic() - before[3]
    result = json.loads(generator.stdout)
    answered = max(1, sum(len(values) for values in result["samples"].values()))
    web_s = cpu_seconds(web) - before[0]
    db_s = cpu_seconds([database] if database else []) - before[1]
    result["cpu_web"], result["cpu_db"] = web_s / wall, db_s / wall
    result["cpu_machine"] = (machine_busy_seconds() - before[2]) / wall
    result["cpu_load"] = result["cpu"] / wall
    # Requests still in flight at the end used CPU but are not counted: a slight overstatement.
    result["ms_web"], result["ms_db"] = web_s * 1000 / answered, db_s * 1000 / answered
    return result


def percentile(samples: list[float], share: float) -> float:
    return samples[max(0, int(round(len(samples) * share)) - 1)] if samples else float("nan")


def line(label: str, samples: list[float], errors: int, elapsed: float) -> str:
    samples = sorted(samples)
    if not samples:
        return f"    {label:<22} no answers, {errors} errors"
    return (f"    {label:<22} {len(samples) / elapsed:7.1f} {statistics.median(samples):8.1f} "
            f"{percentile(samples, 0.95):8.1f} {samples[-1]:8.0f} {errors:6d}")


def report(title: str, result: dict, kinds: bool) -> float:
    samples = [s for values in result["samples"].values() for s in values]
    errors = sum(result["errors"].values())
    print(f"  {title}")
    print(line("all" if kinds else "/openapi.json", samples, errors, result["elapsed"]))
    if kinds:
        for kind, values in result["samples"].items():
            print(line(f"  {kind} pages", values, result["errors"][kind], result["elapsed"]))
    others = result["cpu_machine"] - result["cpu_web"] - result["cpu_db"] - result["cpu_load"]
    print(f"    CPU, % of one core: web server {result['cpu_web'] * 100:.0f}, "
          f"database {result['cpu_db'] * 100:.0f}, load generator {result['cpu_load'] * 100:.0f}, "
          f"other processes {max(0.0, others) * 100:.0f}, whole machine "
          f"{result['cpu_machine'] * 100:.0f} of {psutil.cpu_count() * 100}; per answered "
          f"request: web server {result['ms_web']:.1f} ms, database {result['ms_db']:.1f} ms",
          flush=True)
    for example in result["error_examples"]:
        print(f"    error: {example}")
    return percentile(sorted(samples), 0.95)


def run(name: str, args: argparse.Namespace, workdir: Path) -> None:
    if args.reuse:
        data_dir, graph = Path(args.reuse[0]), args.reuse[1]
    else:
        data_dir, graph = workdir / "store", "bench-web"
    backend = open_backend(name, data_dir, graph)
    if not args.reuse:
        backend.clear()
        backend.ensure_schema()
        build(backend, args.shows)
    paths = entity_paths(backend)
    # Let `screengraph serve` own the embedded store, as it does for a user.
    backend.close()
    size = f"{args.shows:,} shows" if not args.reuse else f"graph {graph} in {data_dir}"
    print(f"\n== {name}: {size}, {args.clients} clients, {args.seconds:g} s per phase, "
          f"`screengraph serve {args.serve_args}`".rstrip() + " ==", flush=True)
    paths_file = workdir / f"paths-{name}.json"
    paths_file.write_text(json.dumps(paths))
    baseline_file = workdir / "paths-openapi.json"
    baseline_file.write_text(json.dumps([["openapi", "/openapi.json"]]))
    server = Server(name, data_dir, graph, shlex.split(args.serve_args),
                    workdir / f"serve-{name}.log")
    try:
        started = time.monotonic()
        server.wait_ready(paths[0][1])
        ready = time.monotonic() - started
        busy = machine_busy_seconds()
        time.sleep(3)
        print(f"  server ready in {ready:.1f} s; before the load, other "
              f"processes kept {(machine_busy_seconds() - busy) / 3 * 100:.0f} % of one core busy "
              f"(of {psutil.cpu_count() * 100})", flush=True)
        load(server, paths_file, args.clients, min(10.0, args.seconds), 0, seed=99)  # warm-up
        print(f"  {'':<24} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
        think = f"user-like: think time exponential, mean {args.think:g} s, seeded"
        user_p95 = report(f"{think}", load(server, paths_file, args.clients, args.seconds,
                                           args.think, seed=1), kinds=True)
        saturated_p95 = report("saturation: no think time", load(
            server, paths_file, args.clients, args.seconds, 0, seed=2), kinds=True)
        report(f"baseline, {think}", load(server, baseline_file, args.clients,
                                          args.seconds, args.think, seed=3), kinds=False)
        report("baseline, saturation", load(server, baseline_file, args.clients,
                                            args.seconds, 0, seed=4), kinds=False)
        verdict = "met" if user_p95 <= TARGET_P95_MS else "NOT met"
        print(f"  target entity pages p95 <= {TARGET_P95_MS:.0f} ms under the user-like load: "
              f"{verdict} ({user_p95:.1f} ms; saturation {saturated_p95:.1f} ms)", flush=True)
    finally:
        server.stop()
        if not args.reuse and name == "neo4j":
            backend = open_backend(name, data_dir, graph)
            backend.clear()
            backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time of the user-like phase, in seconds")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--serve-args", default="",
                        help="extra options for `screengraph serve`, e.g. \"--threads 4\"")
    parser.add_argument("--reuse", nargs=2, metavar=("DATA_DIR", "GRAPH"),
                        help="serve this existing embedded graph (read only) instead of building")
    args = parser.parse_args()
    names = ["embedded"] if args.reuse else chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        for name in names:
            run(name, args, Path(tmp))


if __name__ == "__main__":
    main()
