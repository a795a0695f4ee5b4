"""One-off CLI commands on the embedded store: cold start and warm, kept server vs today.

    python -m benchmarks.cli_warm [--sizes 10000,100000] [--runs 5] [--cold-runs 3]

For each size, builds a synthetic store (benchmarks/query_latency.build: ~10 credits a
show), then times whole `screengraph related`, `path` and `stats` commands as a user runs
them (a new process each, medians):
- today (SCREENGRAPH_EMBEDDED_IDLE_S=0, the baseline, measured in the same run): every
  command starts the store's server, which reads the whole store, and stops it;
- kept (SCREENGRAPH_EMBEDDED_IDLE_S=300): cold, after `screengraph stop` (the command
  starts a keeper and its server); warm, the server kept up from the previous command.
Also the floor every command pays, `screengraph --version` (interpreter and imports).
Target: a warm one-off command < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bulk import open_backend
from benchmarks.installed import compile_package
from benchmarks.query_latency import build

GRAPH = "bench-cli"
REPO = Path(__file__).resolve().parents[1]


def _env(data_dir: Path, idle_s: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
        SCREENGRAPH_BACKEND="embedded",
        SCREENGRAPH_DATA_DIR=str(data_dir),
        SCREENGRAPH_GRAPH=GRAPH,
        SCREENGRAPH_EMBEDDED_IDLE_S=str(idle_s),
    )
    return env


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "screengraph", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # `path` says 1 when there is no connection
        raise SystemExit(f"screengraph {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def _stop(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "screengraph", "stop"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def measure(data_dir: Path, commands: dict[str, list[str]], runs: int, cold_runs: int) -> dict:
    today, kept = _env(data_dir, 0), _env(data_dir, 300)
    compile_package()  # as installed: not compiling the package again in every command
    figures: dict[str, dict[str, float]] = {}
    for name, args in commands.items():
        _stop(kept)  # today's commands must not find the server kept by the last ones
        row = {"today": statistics.median(_timed(args, today) for _ in range(cold_runs))}
        cold = []
        for _ in range(cold_runs):
            _stop(kept)
            cold.append(_timed(args, kept))
        row["kept, cold"] = statistics.median(cold)
        row["kept, warm"] = statistics.median(_timed(args, kept) for _ in range(runs))
        figures[name] = row
        print(
            f"  {name:<8} today {row['today']:6.2f} s   kept: cold {row['kept, cold']:6.2f} s"
            f"   warm {row['kept, warm']:6.2f} s",
            flush=True,
        )
    _stop(kept)
    return figures


def run(shows: int, runs: int, cold_runs: int, workdir: Path) -> dict:
    print(f"\n== {shows:,} shows ==", flush=True)
    data_dir = workdir / f"store-{shows}"
    backend = open_backend("embedded", data_dir, GRAPH)
    backend.ensure_schema()
    started = time.perf_counter()
    keys = build(backend, shows)
    backend.close()
    print(
        f"  store built in {time.perf_counter() - started:.0f} s, "
        f"{sum(f.stat().st_size for f in data_dir.rglob('*') if f.is_file()) / 1e6:.0f} MB "
        "on disk",
        flush=True,
    )
    rng = random.Random(17)
    floor = statistics.median(_timed(["--version"], _env(data_dir, 0)) for _ in range(runs))
    print(f"  floor (screengraph --version): {floor:.2f} s", flush=True)
    commands = {
        "related": ["related", f"Show:{rng.choice(keys['shows'])}"],
        "path": [
            "path",
            f"Person:{rng.choice(keys['people'][:1000])}",
            f"Person:{rng.choice(keys['people'][:1000])}",
        ],
        "stats": ["stats"],
    }
    return {"floor": floor, **measure(data_dir, commands, runs, cold_runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="Comma-separated numbers of shows.")
    parser.add_argument("--runs", type=int, default=5, help="Warm runs per command.")
    parser.add_argument("--cold-runs", type=int, default=3, help="Cold runs per command.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sg-cli-warm-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            run(size, args.runs, args.cold_runs, Path(tmp))


if __name__ == "__main__":
    main()
