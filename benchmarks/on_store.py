"""The scaling benchmark's query and command steps on an embedded store loaded already.

    python -m benchmarks.on_store STORE --credits 1e7 [--steps queries cli]
        [--graph screengraph] [--sample 200] [--requests 200] [--path-requests 50]
        [--seed 7] [--json FILE]

benchmarks/scaling.py loads a store of its own before it measures it (25 minutes for 10^7
credits on the embedded store). These are its steps on a store you loaded yourself
(`screengraph load --bulk ...`), so that a change to a question or a command is measured
again without loading again:

- `queries`: p50/p95/max of search, related content, collaborators and paths over the
  same seeded sample of ordinary entities and hubs as the scaling benchmark
  (`scaling.sample`, `scaling.query_latency`), with the server's peak memory;
- `cli`: `screengraph stop`, then `screengraph related` cold, then five times warm, and
  the floor, `screengraph --version` (`scaling.cli_times`), about a show of the sample.

The report is a scaling report of one run, marked `on_store`: given after the scaling
report of the run that loaded that size (`--credits`, its nominal size), to
`python -m benchmarks.scaling_report`, it replaces that run's query and command figures
and keeps its load's (scaling_report.MEASURED_ON_STORE). The store's server is stopped
at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.bulk import open_backend
from benchmarks.scaling import (
    TARGETS,
    Clock,
    cli_times,
    machine,
    measure_queries,
    sample,
    stop_embedded,
)

STEPS = ("queries", "cli")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="The store's folder (SCREENGRAPH_DATA_DIR).")
    parser.add_argument(
        "--credits",
        type=float,
        required=True,
        help="The nominal size of the store (its row in the scaling table), e.g. 1e7.",
    )
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--graph", default="screengraph", help="The graph's name.")
    parser.add_argument("--sample", type=int, default=200, help="Entities sampled.")
    parser.add_argument("--requests", type=int, default=200, help="Requests per question.")
    parser.add_argument("--path-requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    run: dict = {"backend": "embedded", "credits_nominal": int(args.credits), "on_store": True}
    report = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": " ".join(sys.argv),
        "store": str(args.store),
        "targets": TARGETS,
        "runs": [run],
    }
    clock = Clock(None)
    try:
        if "queries" in args.steps:
            keys = measure_queries("embedded", args.store, args.graph, args, clock, run)
        else:
            with open_backend("embedded", args.store, args.graph) as backend:
                keys = sample(backend, args.sample, args.seed)
        if "cli" in args.steps:
            show = keys["ordinary"]["shows"][-1]
            run["cli"] = cli_times("embedded", args.store, show, clock, args.graph)
    finally:
        stop_embedded(args.store)
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
