"""Entity pages under concurrent load: p50 / p95 latency with 50 clients, per backend.

    python -m benchmarks.web_load [--shows 100000] [--clients 50] [--seconds 30] [--backend both]

Builds the synthetic catalogue (as benchmarks.query_latency does), serves the app with
waitress (the server `screengraph serve` uses) on loopback, and runs --clients keep-alive
HTTP clients in threads of this process, each requesting random show and person pages.
Baseline in the same run: the same clients against `/openapi.json`, a page that does not
touch the database, which shows what the server and the client cost on their own.
Target: entity pages p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.query_latency import build
from graph.settings import load_settings
from webapp import create_app


def serve(backend, threads: int):
    from waitress.server import create_server
    app = create_app(settings=load_settings(env={}), backend=backend)
    server = create_server(app, host="127.0.0.1", port=0, threads=threads,
                           connection_limit=1000, channel_timeout=60, backlog=1024)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server


def hammer(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", rng.choice(paths))
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            samples.extend(mine)

    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    samples.sort()
    return {"requests": len(samples), "rps": len(samples) / seconds,
            "p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1],
            "errors": errors[0]}


def run(name: str, shows: int, clients: int, seconds: float, workdir: Path) -> None:
    print(f"\n== {name} ==", flush=True)
    backend = open_backend(name, workdir / "store", "bench-web")
    backend.clear()
    backend.ensure_schema()
    keys = build(backend, shows)
    rng = random.Random(5)
    pages = [f"/show/{rng.choice(keys['shows'])}" for _ in range(2000)] + \
            [f"/person/{rng.choice(keys['people'])}" for _ in range(2000)]
    server = serve(backend, threads=min(clients, 16))
    port = server.effective_port
    try:
        hammer(port, pages[:200], clients, 3)  # warm up
        baseline = hammer(port, ["/openapi.json"], clients, seconds / 3)
        print(f"  baseline /openapi.json : p50 {baseline['p50']:7.1f} ms  p95 {baseline['p95']:7.1f} ms"
              f"  {baseline['rps']:6.0f} req/s  errors {baseline['errors']}", flush=True)
        figures = hammer(port, pages, clients, seconds)
        print(f"  entity pages           : p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms"
              f"  {figures['rps']:6.0f} req/s  errors {figures['errors']}  "
              f"({clients} clients, {figures['requests']} requests)", flush=True)
    finally:
        try:
            server.close()
        except OSError:
            pass  # waitress may already have torn its trigger pipe down
        backend.clear()
        backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    args = parser.parse_args()
    names = chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        for name in names:
            run(name, args.shows, args.clients, args.seconds, Path(tmp))


if __name__ == "__main__":
    main()
