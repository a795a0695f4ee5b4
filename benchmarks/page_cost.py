"""What one entity page costs, per kind: web CPU, database CPU and round trips.

    python -m benchmarks.page_cost [--shows 10000] [--pages 80] [--store DIR] [--baseline DIR]

Builds the synthetic catalogue on the embedded store (as benchmarks.query_latency does;
--store keeps it for later runs), then renders --pages random pages of each kind (show,
person, company) in a child process, one at a time, the page cache off: the web
process's CPU is the request thread's CPU time, the database's the embedded FalkorDB
server's CPU time over the same pages, and the round trips the calls to `run_read`.
With --baseline DIR (a checkout of another revision: `git worktree add DIR REV`), the
same pages are rendered by DIR's code in the same run, and printed beside this one's.
One page at a time, so the figures are the cost of a page, not of contention: the
saturated throughput is benchmarks.web_load's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
GRAPH = "bench-pages"
KINDS = (("show", "Show"), ("person", "Person"), ("company", "Company"))


def measure(data_dir: Path, pages: int) -> dict:
    """In the child: each kind's cost per page, by whatever code PYTHONPATH gives."""
    import psutil

    from screengraph.graph.embedded_server import socket_path_for
    from screengraph.graph.falkor_backend import FalkorBackend
    from screengraph.graph.settings import load_settings
    from screengraph.webapp import create_app

    backend = FalkorBackend(data_dir, GRAPH)
    backend.run_read("RETURN 1")
    sock = str(socket_path_for(data_dir.resolve()))
    database = next(
        psutil.Process(c.pid)
        for c in psutil.net_connections("unix")
        if c.laddr == sock and c.pid and c.pid != os.getpid()
    )
    settings = load_settings(env={}, secret_key="bench", page_cache_mb=0)
    client = create_app({"TESTING": True}, settings=settings, backend=backend).test_client()
    real, trips = backend.run_read, [0]

    def counted(cypher, params=None, **options):
        trips[0] += 1
        return real(cypher, params, **options)

    backend.run_read = counted  # type: ignore[method-assign]
    rng = random.Random(11)
    found = {}
    for slug, label in KINDS:
        keys = sorted(r[0] for r in real(f"MATCH (n:{label}) RETURN n.key", max_rows=0).rows)
        paths = [f"/{slug}/{key}" for key in rng.sample(keys, min(pages, len(keys)))]
        for path in paths[:5]:  # plans cached, templates compiled
            client.get(path)
        trips[0], web, wall = 0, 0.0, 0.0
        db_before = sum(database.cpu_times()[:2])
        for path in paths:
            cpu, started = time.thread_time(), time.perf_counter()
            status = client.get(path).status_code
            web += time.thread_time() - cpu
            wall += time.perf_counter() - started
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        found[slug] = {
            "web_ms": web * 1000 / len(paths),
            "db_ms": (sum(database.cpu_times()[:2]) - db_before) * 1000 / len(paths),
            "trips": trips[0] / len(paths),
            "wall_ms": wall * 1000 / len(paths),
        }
    backend.close()
    return found


def child(code: Path, data_dir: Path, pages: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code), SCREENGRAPH_EMBEDDED_IDLE_S="0")
    env.pop("NEO4J_URI", None)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", str(data_dir), str(pages)],
        env=env,
        cwd=code,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=80, help="pages of each kind")
    parser.add_argument("--store", type=Path, help="build the graph here once and keep it")
    parser.add_argument("--baseline", type=Path, help="another revision's checkout")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), int(args.measure[1]))))
        return
    if args.baseline and not (args.baseline / "screengraph" / "__main__.py").is_file():
        parser.error(f"--baseline {args.baseline}: no screengraph checkout there")
    from benchmarks.query_latency import build
    from screengraph.graph.falkor_backend import FalkorBackend

    with tempfile.TemporaryDirectory(prefix="sg-pages-") as tmp:
        data_dir = (args.store or Path(tmp)) / f"store-{args.shows}"
        if not data_dir.exists():
            data_dir.mkdir(parents=True)
            backend = FalkorBackend(data_dir, GRAPH)
            backend.ensure_schema()
            build(backend, args.shows)
            backend.close()
        runs = {"this checkout": child(HERE, data_dir, args.pages)}
        if args.baseline:
            runs[f"baseline {args.baseline}"] = child(args.baseline.resolve(), data_dir, args.pages)
    print(f"\n== {args.shows:,} shows, embedded store, {args.pages} pages of each kind ==")
    print(f"  {'':<40} {'web CPU ms':>10} {'db CPU ms':>10} {'trips':>6} {'wall ms':>8}")
    for slug, _label in KINDS:
        for name, found in runs.items():
            row = found[slug]
            print(
                f"  {slug + ' page, ' + name:<40} {row['web_ms']:10.2f} {row['db_ms']:10.2f} "
                f"{row['trips']:6.2f} {row['wall_ms']:8.1f}"
            )


if __name__ == "__main__":
    main()
