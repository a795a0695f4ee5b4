"""A one-off command, cold then warm, on an embedded store loaded already.

    python -m benchmarks.cli_on_store STORE SHOW_KEY [--graph screengraph] [--json FILE]

The scaling benchmark's CLI step (benchmarks/scaling.py `cli_times`: `screengraph stop`,
then `screengraph related Show:SHOW_KEY` cold, then five times warm, and the floor,
`screengraph --version`) on a store you loaded yourself (`screengraph load --bulk ...`),
so that a change to what a command does is measured again without loading 10^7 credits
again (25 minutes). The store's server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.scaling import Clock, cli_times, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="The store's folder (SCREENGRAPH_DATA_DIR).")
    parser.add_argument("show", help="A show's key to ask `related` about.")
    parser.add_argument("--graph", default="screengraph", help="The graph's name.")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    figures = cli_times("embedded", args.store, args.show, Clock(None), args.graph)
    report = {
        "started": started,
        "machine": machine(),
        "command": " ".join(sys.argv),
        "store": str(args.store),
        "cli": figures,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
