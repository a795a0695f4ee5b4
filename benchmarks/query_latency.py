"""Query latency on a synthetic catalogue: p50 / p95 / max per question, per backend.

    python -m benchmarks.query_latency [--shows 100000] [--requests 200] [--backend both]
        [--baseline REV ...]

Builds a graph of --shows shows and ~10 credits each (1,000,000 credits at the default
size) with bulk UNWIND writes (the loaders' keys and properties, without the per-listing
bookkeeping), then times search, related content, collaborators and connection paths
(random people, at most 6 hops) through the same functions the CLI and the web app use.
Paths on the embedded store are timed twice: query-driven (a one-off CLI command) and on
the in-memory copy that long-running processes keep (`screengraph serve`); the copy's
build time and size are printed.
Baseline in the same run: a trivial indexed lookup (`MATCH (s:Show {key: $key}) RETURN s`).
With `--baseline REV` (a git revision, or a checkout's folder; repeat it to compare
several), paths are also timed by that revision's code on the same store and the same
pairs of people: each strategy in child processes (benchmarks/path_timing.py), each
revision's and this checkout's taking turns over ROUNDS rounds, so that a busy machine
weighs on all alike.
Targets on 2 cores: related p95 <= 20 ms, collaborators p95 <= 10 ms, paths p95 <= 50 ms,
no request past its time limit (a timeout counts as a failure, never as a fast answer).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend, write_edges, write_nodes
from benchmarks.synthetic import listings
from screengraph.graph import adjacency
from screengraph.graph.backend import Backend
from screengraph.graph.errors import QueryTimeout
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import RELATIONSHIPS
from screengraph.loaders.model import Listing, SourceRef
from screengraph.loaders.plan import plan_listing
from screengraph.loaders.writer import ListingWriter
from screengraph.queries import explore, paths
from screengraph.queries.search import search

BATCH = 10_000
REPO = Path(__file__).resolve().parent.parent
# Turns the baseline's children and this checkout's take at each path strategy.
ROUNDS = 4
WARM = 5


def build(backend: Backend, shows: int) -> dict:
    """Bulk-write the synthetic catalogue; returns the keys to query."""
    nodes: dict[str, dict[str, dict]] = {"Show": {}, "Person": {}, "Company": {}, "Genre": {}}
    edges: dict[str, list[dict]] = {t.value: [] for t in RELATIONSHIPS}
    for i, record in enumerate(listings(shows, seed=3, people=shows * 2, companies=shows // 20)):
        plan = plan_listing(
            Listing.model_validate(record),
            SourceRef(source_id=f"bench#{i}", file="bench"),
            lambda t: t,
        )
        nodes["Show"][plan.show.key] = {
            "key": plan.show.key,
            "title": plan.show.spelling,
            **{
                k: v
                for k, v in plan.show_properties.items()
                if k in ("title_key", "series", "series_key", "season", "year", "search_text")
            },
        }
        for entity in plan.entities:
            nodes[entity.label].setdefault(
                entity.key,
                {
                    "key": entity.key,
                    "name": entity.spelling,
                    "search_text": normalize_name(entity.spelling),
                },
            )
        for edge in plan.edges:
            edges[edge.type].append({"s": edge.start.key, "e": edge.end.key, "role": edge.role})
    started = time.perf_counter()
    for label, items in nodes.items():
        write_nodes(backend, label, list(items.values()), BATCH)
    credits = sum(
        write_edges(backend, rel_type, rows, merge=False, batch=BATCH)
        for rel_type, rows in edges.items()
    )
    writer = ListingWriter(backend)
    for label in ("Person", "Company", "Genre"):
        keys = list(nodes[label])
        for i in range(0, len(keys), BATCH):
            writer.refresh_degrees({label: keys[i : i + BATCH]})
    print(
        f"  built {len(nodes['Show']):,} shows, {len(nodes['Person']):,} people, "
        f"{credits:,} edges in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return {
        "shows": list(nodes["Show"]),
        "people": list(nodes["Person"]),
        "names": [n["name"] for n in list(nodes["Person"].values())[:5000]],
    }


def timed(action, requests: int, limit_ms: int) -> dict:
    samples, timeouts = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        try:
            action()
        except QueryTimeout:
            timeouts += 1
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples, timeouts, limit_ms)


def summary(samples: list[float], timeouts: int, limit_ms: int) -> dict:
    samples = sorted(samples)
    return {
        "p50": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "max": samples[-1],
        "timeouts": timeouts,
        "over_limit": sum(s > limit_ms + 100 for s in samples),
    }


def run(
    name: str, shows: int, requests: int, workdir: Path, baselines: dict[str, Path] | None = None
) -> dict:
    print(f"\n== {name} ==", flush=True)
    backend = open_backend(name, workdir / "store", "bench-queries")
    backend.clear()
    backend.ensure_schema()
    keys = build(backend, shows)
    rng = random.Random(11)
    limit = backend.query_timeout_ms
    pick = lambda items: items[rng.randrange(len(items))]  # noqa: E731
    cases = {
        "baseline: key lookup": lambda: backend.run_read(
            "MATCH (s:Show {key: $key}) RETURN s", {"key": pick(keys["shows"])}
        ),
        "search": lambda: search(
            backend, pick(keys["names"]).split()[0] + " " + pick(keys["names"]).split()[1][:4]
        ),
        "related content": lambda: explore.related_shows(backend, pick(keys["shows"])),
        "collaborators": lambda: explore.collaborators(backend, pick(keys["people"])),
    }
    path = lambda: paths.connection_path(  # noqa: E731
        backend,
        paths.Ref("Person", pick(keys["people"])),
        paths.Ref("Person", pick(keys["people"])),
        max_hops=6,
    )
    # What a one-off CLI command gets (no copy), then what the web app gets.
    strategies = (
        {"path, shortestPath": False}
        if backend.dialect == "neo4j"
        else {"path, query-driven": False, "path, in-memory copy": True}
    )
    if not baselines:
        cases.update({case: path for case in strategies})
    figures = {}
    for case, action in cases.items():
        if case == "path, in-memory copy":
            adjacency.enable()
            copy = adjacency.wait_until_fresh(backend, tuple(paths.WITHOUT_GENRES.split("|")))
            print(
                f"  (copy of {copy.relationships:,} relationships: {copy.seconds:.1f} s, "
                f"{(copy.offsets.nbytes + copy.neighbours.nbytes) / 1e6:.0f} MB)",
                flush=True,
            )
        for _ in range(5):  # warm caches and query plans
            try:
                action()
            except QueryTimeout:
                pass
        figures[case] = timed(action, requests, limit)
        _print(case, figures[case])
    adjacency.enable(False)
    if baselines:
        people = keys["people"]
        pairs = [[pick(people), pick(people)] for _ in range(requests + WARM)]
        job = {
            "backend": name,
            "data_dir": str(workdir / "store"),
            "graph": "bench-queries",
            "max_hops": 6,
            "warm": pairs[:WARM],
        }
        for case, copy in strategies.items():
            figures.update(
                _paths_ab(case, {**job, "copy": copy}, pairs[WARM:], limit, baselines, workdir)
            )
    backend.clear()
    backend.close()
    return figures


def _print(case: str, f: dict) -> None:
    print(
        f"  {case:<30} p50 {f['p50']:7.1f} ms   p95 {f['p95']:7.1f} ms   "
        f"max {f['max']:7.1f} ms   timeouts {f['timeouts']}   past limit {f['over_limit']}",
        flush=True,
    )


def _paths_ab(
    case: str, job: dict, pairs: list, limit_ms: int, baselines: dict[str, Path], workdir: Path
) -> dict:
    """One path strategy timed by each baseline's code and this checkout's, taking turns
    over ROUNDS rounds of the same pairs; all printed, this checkout's p50 and p95 as a
    multiple of each baseline's."""
    codes = {**{f"{case}, {rev}": code for rev, code in baselines.items()}, case: REPO}
    taken: dict[str, tuple[list[float], int]] = {label: ([], 0) for label in codes}
    for round_ in range(ROUNDS):
        for label, code in codes.items():
            got = _child_paths(code, {**job, "pairs": pairs[round_::ROUNDS]}, workdir)
            samples, timeouts = taken[label]
            taken[label] = (samples + got["samples"], timeouts + got["timeouts"])
    figures = {label: summary(*taken[label], limit_ms) for label in codes}
    for label, f in figures.items():
        _print(label, f)
    after = figures[case]
    for rev in baselines:
        before = figures[f"{case}, {rev}"]
        print(
            f"  {'':<30} p50 {after['p50'] / before['p50']:.2f}x, "
            f"p95 {after['p95'] / before['p95']:.2f}x {rev}'s",
            flush=True,
        )
    return figures


def _child_paths(code: Path, job: dict, workdir: Path) -> dict:
    """Paths timed in a child by the code in `code` (benchmarks/path_timing.py)."""
    job_file = workdir / "path-job.json"
    job_file.write_text(json.dumps(job))
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "path_timing.py"), str(job_file)],
        capture_output=True,
        text=True,
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    if done.returncode != 0:
        raise SystemExit(f"timing paths by the code in {code} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def checkout(revision: str, workdir: Path) -> Path:
    """The code of `revision`: a checkout's folder as it is, else the revision exported
    from this repository's history into `workdir`."""
    if Path(revision).is_dir():
        return Path(revision).resolve()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision], capture_output=True
    )
    if archive.returncode != 0:
        raise SystemExit(
            f"--baseline {revision}: not a folder, and git cannot export it "
            f"({archive.stderr.decode().strip()}); give a commit, branch or tag of this "
            "repository, or a checkout's folder"
        )
    folder = workdir / f"baseline-{len(list(workdir.glob('baseline-*')))}"
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        action="append",
        help="Also time paths by this revision's code (a commit, or a checkout's folder); "
        "repeatable.",
    )
    args = parser.parse_args()
    names = chosen_backends(args.backend)
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        baselines = {rev: checkout(rev, Path(tmp)) for rev in args.baseline or []}
        for rev, code in baselines.items():
            print(f"baseline: {rev} ({code})", flush=True)
        for name in names:
            run(name, args.shows, args.requests, Path(tmp), baselines)


if __name__ == "__main__":
    main()
