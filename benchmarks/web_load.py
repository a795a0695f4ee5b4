"""Entity pages under 50 concurrent clients: latency and throughput, per backend.

    python -m benchmarks.web_load [--shows 100000] [--clients 50] [--seconds 30]
        [--backend embedded|neo4j|both] [--think 1.0] [--serve-args "--threads 8"]
    python -m benchmarks.web_load --shows 20000 --seconds 10      # quick mode for iteration

Builds the synthetic catalogue (as benchmarks.query_latency does), then serves it the
way users do: `screengraph serve` in its own process, on the benchmark's data dir and
graph (Neo4j: the NEO4J_* variables), which for the embedded store owns the FalkorDB
server as it would for a user. The load comes from benchmarks.http_load, another
process: --clients keep-alive HTTP clients, latency measured from sending a request to
the last byte of its body. Pages: show, person and company pages (40/40/20 %) of keys
from the whole graph, in two mixes, so that a cache is judged honestly:
- uniform: every key equally likely (what a crawler does; a page cache rarely helps);
- popular: keys ranked in a seeded random order, the key of rank r drawn with
  probability proportional to 1/r (Zipf, exponent 1: on 100,000 shows the top 1 %
  of pages get about 60 % of the requests, as popularity on the web goes).
Both backends get the same pages.

Phases of --seconds each, after a warm-up:
- user-like (uniform mix): each client requests a page, then pauses for an
  exponentially distributed think time (mean --think, 1 s by default, seeded), and
  repeats: what 50 people reading pages do;
- saturation, uniform mix and popular mix: the same clients with no think time, the
  most the server serves; the target applies to these (issue 14: "50 clients that
  never pause get p95 <= 100 ms");
- saturation against `/openapi.json`, which does not touch the database: what the HTTP
  server, Flask, screengraph's request checks and the load generator cost on their own;
- saturation against benchmarks.flask_floor, waitress and Flask on a trivial route
  with the same threads: the floor under any Python page on this machine.
Also printed per phase: the CPU used by the web server (its processes), by the
database (the embedded FalkorDB server or Neo4j's JVM), by the load generator, and by
the rest of the machine (other people's work on a shared machine), in % of one core,
the server's CPU per answered request, and the page cache's hits and size (from
`/healthz`).

--baseline DIR serves the same graph again with the code of DIR (a checkout of another
revision: `git worktree add DIR REV`, or `git archive REV | tar -x -C DIR` with the
built front end copied in) after this checkout's phases, and runs the saturation phases
against it, so that the two revisions' req/s and p95 are compared within one run.
--store DIR builds the graph there once and keeps it (on Neo4j: keeps the database);
later runs with the same --store and --shows serve it again, so that two versions of
the code can be compared on the same graph in one session.
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
# The Zipf exponent of each mix's popularity (0: uniform), see the module's docstring.
POPULARITY = {"uniform": 0.0, "popular": 1.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_mix(backend, zipf: float, seed: int = 5) -> list[dict]:
    """benchmarks.http_load's mix: per kind its share and every key's page, in a seeded
    random order of popularity, drawn with the Zipf exponent `zipf` (0: uniformly)."""
    mix = []
    for slug, label, share in MIX:
        keys = sorted(
            row[0]
            for row in backend.run_read(
                f"MATCH (n:{label}) RETURN n.key", max_rows=0, timeout_ms=60_000
            ).rows
        )
        random.Random(f"{seed}-{slug}").shuffle(keys)
        mix.append(
            {
                "kind": slug,
                "share": share,
                "paths": [f"/{slug}/{key}" for key in keys],
                "zipf": zipf,
            }
        )
    return mix


class Server:
    """`screengraph serve` in its own process, and the processes whose CPU we count."""

    def __init__(
        self,
        name: str,
        data_dir: Path,
        graph: str,
        serve_args: list[str],
        log_path: Path,
        module: str | None = None,
        code: Path | None = None,
    ):
        self.name, self.data_dir, self.port = name, data_dir, free_port()
        env = dict(os.environ, SCREENGRAPH_GRAPH=graph, SCREENGRAPH_BACKEND=name)
        if code is not None:  # another revision's checkout serves (--baseline)
            env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")])
        if name == "embedded":
            env.pop("NEO4J_URI", None)
        command = (
            [sys.executable, "-m", module, "--port", str(self.port), *serve_args]
            if module
            else [
                sys.executable,
                "-m",
                "screengraph",
                "--data-dir",
                str(data_dir),
                "serve",
                "--port",
                str(self.port),
                *serve_args,
            ]
        )
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=code,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.log_path = log_path

    def get(self, path: str, timeout: float = 30) -> int:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}{path}", timeout=timeout
            ) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def wait_ready(self, probe: str, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"screengraph serve exited ({self.process.returncode}):\n"
                    + self.log_path.read_text()[-3000:]
                )
            try:
                if self.get(probe, 120) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"screengraph serve did not answer within {timeout:.0f} s")

    def database_process(self) -> psutil.Process | None:
        """The embedded FalkorDB server (by its socket) or Neo4j's JVM (by its Bolt port)."""
        if self.name == "floor":
            return None
        if self.name == "embedded":
            # By the socket it listens on: the server rewrites its command line.
            from screengraph.graph.embedded_server import socket_path_for

            sock = str(socket_path_for(self.data_dir.resolve()))
            for conn in psutil.net_connections("unix"):
                if conn.laddr == sock and conn.pid and conn.pid != self.process.pid:
                    return psutil.Process(conn.pid)
            return None
        port = int(os.environ["NEO4J_URI"].rsplit(":", 1)[1].split("/")[0])
        for conn in psutil.net_connections("tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return psutil.Process(conn.pid)
        return None

    def web_processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.process.pid)
        database = self.database_process()
        return [
            p
            for p in [root, *root.children(recursive=True)]
            if database is None or p.pid != database.pid
        ]

    def page_cache(self) -> dict:
        """The page cache's figures from /healthz ({} when the server has none)."""
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/healthz", timeout=30
            ) as response:
                return json.loads(response.read()).get("page_cache", {})
        except (OSError, ValueError):
            return {}

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


def load(
    server: Server, paths_file: Path, clients: int, seconds: float, think: float, seed: int
) -> dict:
    """One phase: the load generator in its own process, CPU counted around it."""
    web, database = server.web_processes(), server.database_process()
    cache_before = server.page_cache()
    before = (
        cpu_seconds(web),
        cpu_seconds([database] if database else []),
        machine_busy_seconds(),
        time.monotonic(),
    )
    generator = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.http_load",
            "--port",
            str(server.port),
            "--paths",
            str(paths_file),
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
            "--think",
            str(think),
            "--seed",
            str(seed),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
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
    result["cache_before"], result["cache"] = cache_before, server.page_cache()
    return result


def percentile(samples: list[float], share: float) -> float:
    return samples[max(0, int(round(len(samples) * share)) - 1)] if samples else float("nan")


def line(label: str, samples: list[float], errors: int, elapsed: float) -> str:
    samples = sorted(samples)
    if not samples:
        return f"    {label:<22} no answers, {errors} errors"
    return (
        f"    {label:<22} {len(samples) / elapsed:7.1f} {statistics.median(samples):8.1f} "
        f"{percentile(samples, 0.95):8.1f} {samples[-1]:8.0f} {errors:6d}"
    )


def report(title: str, result: dict, kinds: bool) -> float:
    samples = [s for values in result["samples"].values() for s in values]
    errors = sum(result["errors"].values())
    print(f"  {title}")
    print(
        line("all" if kinds else ", ".join(result["samples"]), samples, errors, result["elapsed"])
    )
    if kinds:
        for kind, values in result["samples"].items():
            print(line(f"  {kind} pages", values, result["errors"][kind], result["elapsed"]))
    others = result["cpu_machine"] - result["cpu_web"] - result["cpu_db"] - result["cpu_load"]
    print(
        f"    CPU, % of one core: web server {result['cpu_web'] * 100:.0f}, "
        f"database {result['cpu_db'] * 100:.0f}, load generator {result['cpu_load'] * 100:.0f}, "
        f"other processes {max(0.0, others) * 100:.0f}, whole machine "
        f"{result['cpu_machine'] * 100:.0f} of {psutil.cpu_count() * 100}; per answered "
        f"request: web server {result['ms_web']:.1f} ms, database {result['ms_db']:.1f} ms",
        flush=True,
    )
    cache, before = result["cache"], result["cache_before"]
    if cache:
        hits = cache["hits"] - before.get("hits", 0)
        asked = hits + cache["misses"] - before.get("misses", 0)
        print(
            f"    page cache: {hits / max(asked, 1) * 100:.0f} % of pages served from it; "
            f"{cache['entries']:,} pages in {cache['bytes'] / 2**20:.1f} MB "
            f"(bound {cache['max_bytes'] / 2**20:.0f} MB)",
            flush=True,
        )
    for example in result["error_examples"]:
        print(f"    error: {example}")
    return percentile(sorted(samples), 0.95)


def prepare(name: str, args: argparse.Namespace, workdir: Path) -> tuple[Path, str, bool]:
    """The graph to serve: (data dir, graph name, whether to clear it afterwards)."""
    if args.reuse:
        return Path(args.reuse[0]), args.reuse[1], False
    store = args.store or workdir
    data_dir, graph = store / "store", "bench-web"
    built = store / f"built-{name}-{args.shows}"
    backend = open_backend(name, data_dir, graph)
    if not built.exists():
        store.mkdir(parents=True, exist_ok=True)
        backend.clear()
        backend.ensure_schema()
        build(backend, args.shows)
        if args.store:
            built.touch()
    backend.close()
    return data_dir, graph, not args.store


def run(name: str, args: argparse.Namespace, workdir: Path) -> None:
    data_dir, graph, clear_after = prepare(name, args, workdir)
    backend = open_backend(name, data_dir, graph)
    files = {}
    for mix, zipf in POPULARITY.items():
        files[mix] = workdir / f"paths-{name}-{mix}.json"
        files[mix].write_text(json.dumps(page_mix(backend, zipf)))
    # Let `screengraph serve` own the embedded store, as it does for a user.
    backend.close()
    size = f"{args.shows:,} shows" if not args.reuse else f"graph {graph} in {data_dir}"
    print(
        f"\n== {name}: {size}, {args.clients} clients, {args.seconds:g} s per phase, "
        f"`screengraph serve {args.serve_args}`".rstrip()
        + " ==",
        flush=True,
    )
    openapi_file = workdir / "paths-openapi.json"
    openapi_file.write_text(
        json.dumps([{"kind": "openapi", "share": 1, "paths": ["/openapi.json"], "zipf": 0}])
    )
    floor_file = workdir / "paths-floor.json"
    floor_file.write_text(json.dumps([{"kind": "floor", "share": 1, "paths": ["/"], "zipf": 0}]))
    server = Server(
        name, data_dir, graph, shlex.split(args.serve_args), workdir / f"serve-{name}.log"
    )
    saturated: dict[str, float] = {}
    rates: dict[str, float] = {}
    try:
        started = time.monotonic()
        server.wait_ready(json.loads(files["uniform"].read_text())[0]["paths"][0])
        ready = time.monotonic() - started
        busy = machine_busy_seconds()
        time.sleep(3)
        print(
            f"  server ready in {ready:.1f} s; before the load, other "
            f"processes kept {(machine_busy_seconds() - busy) / 3 * 100:.0f} % of one core busy "
            f"(of {psutil.cpu_count() * 100})",
            flush=True,
        )
        load(server, files["uniform"], args.clients, min(10.0, args.seconds), 0, seed=99)  # warm-up
        print(f"  {'':<24} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
        think = f"user-like, uniform mix: think time exponential, mean {args.think:g} s, seeded"
        user_p95 = report(
            think,
            load(server, files["uniform"], args.clients, args.seconds, args.think, seed=1),
            kinds=True,
        )
        for seed, mix in enumerate(POPULARITY, start=2):
            result = load(server, files[mix], args.clients, args.seconds, 0, seed=seed)
            saturated[mix] = report(f"saturation, {mix} mix: no think time", result, kinds=True)
            rates[mix] = answered_per_second(result)
        report(
            "baseline /openapi.json, saturation",
            load(server, openapi_file, args.clients, args.seconds, 0, seed=4),
            kinds=False,
        )
    finally:
        server.stop()
    try:
        if args.baseline:
            against_baseline(name, args, workdir, data_dir, graph, files, saturated, rates)
    finally:
        if clear_after and name == "neo4j":
            backend = open_backend(name, data_dir, graph)
            backend.clear()
            backend.close()
    floor = Server(
        "floor",
        data_dir,
        graph,
        ["--threads", str(serve_threads(args.serve_args))],
        workdir / "floor.log",
        module="benchmarks.flask_floor",
    )
    try:
        floor.wait_ready("/")
        floor_p95 = report(
            "floor: waitress + Flask, a trivial route, saturation",
            load(floor, floor_file, args.clients, args.seconds, 0, seed=5),
            kinds=False,
        )
    finally:
        floor.stop()
    for mix, p95 in saturated.items():
        verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
        print(
            f"  target p95 <= {TARGET_P95_MS:.0f} ms for {args.clients} clients that never "
            f"pause, {mix} mix: {verdict} ({p95:.1f} ms; the floor's p95 {floor_p95:.1f} ms)",
            flush=True,
        )
    print(f"  user-like uniform mix p95: {user_p95:.1f} ms", flush=True)


def answered_per_second(result: dict) -> float:
    return sum(len(values) for values in result["samples"].values()) / result["elapsed"]


def against_baseline(
    name: str,
    args: argparse.Namespace,
    workdir: Path,
    data_dir: Path,
    graph: str,
    files: dict[str, Path],
    p95s: dict[str, float],
    rates: dict[str, float],
) -> None:
    """The saturation phases again, served by --baseline's code on the same graph."""
    server = Server(
        name,
        data_dir,
        graph,
        shlex.split(args.serve_args),
        workdir / f"serve-{name}-baseline.log",
        code=args.baseline,
    )
    try:
        server.wait_ready(json.loads(files["uniform"].read_text())[0]["paths"][0])
        load(server, files["uniform"], args.clients, min(10.0, args.seconds), 0, seed=99)
        for seed, mix in enumerate(POPULARITY, start=2):
            result = load(server, files[mix], args.clients, args.seconds, 0, seed=seed)
            p95 = report(f"BASELINE ({args.baseline}), saturation, {mix} mix", result, kinds=True)
            print(
                f"  {mix} mix, this checkout against the baseline: "
                f"{rates[mix]:.1f} against {answered_per_second(result):.1f} req/s, "
                f"p95 {p95s[mix]:.1f} against {p95:.1f} ms",
                flush=True,
            )
    finally:
        server.stop()


def serve_threads(serve_args: str) -> int:
    """The request threads `screengraph serve` gets (its --threads, 8 by default)."""
    words = shlex.split(serve_args)
    return int(words[words.index("--threads") + 1]) if "--threads" in words else 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time of the user-like phase, in seconds",
    )
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument(
        "--serve-args", default="", help='extra options for `screengraph serve`, e.g. "--threads 4"'
    )
    parser.add_argument(
        "--reuse",
        nargs=2,
        metavar=("DATA_DIR", "GRAPH"),
        help="serve this existing embedded graph (read only) instead of building",
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="build the graph in this folder once and keep it (Neo4j: keep the "
        "database); later runs with the same --shows serve it again",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another revision whose server is measured after this one's, "
        "on the same graph (the saturation phases)",
    )
    args = parser.parse_args()
    if args.baseline is not None:
        args.baseline = args.baseline.resolve()
        if not (args.baseline / "screengraph" / "__main__.py").is_file():
            parser.error(
                f"--baseline {args.baseline}: no screengraph checkout there (make one with "
                "`git worktree add DIR REV`)"
            )
    names = ["embedded"] if args.reuse else chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        for name in names:
            run(name, args, Path(tmp))


if __name__ == "__main__":
    main()
