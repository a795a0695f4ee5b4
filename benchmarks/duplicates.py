"""The duplicate finder's quality and run time on a generated labelled set
(benchmarks/labelled_names.py): precision and recall at a few least scores, and the time
to find the pairs among 10^5 people, beside a baseline measured in the same run: reading
every person's name alone (the one pass over the label the finder cannot avoid). Then the
load preview's near-miss lookup (queries/near_misses.py) for NEW_NAMES misspelt names,
beside looking the same names up by key (what a preview does for every name anyway).

    python -m benchmarks.duplicates [--people 100000] [--backend embedded|neo4j|both]

Targets (issue 15): precision >= 0.95 at recall >= 0.80; under a minute at 10^5 people.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend
from benchmarks.labelled_names import labelled_people, precision_recall
from screengraph.graph.keys import person_key
from screengraph.loaders.bulk import BulkLoader
from screengraph.loaders.identity import named_identity
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from screengraph.queries.duplicates import DEFAULT_MIN_SCORE, find_duplicates, read_named
from screengraph.queries.near_misses import near_misses

GRAPH = "bench-duplicates"
MIN_SCORES = (0.85, DEFAULT_MIN_SCORE, 0.95)
NEW_NAMES = 1000
_BY_KEY = "UNWIND $keys AS k MATCH (n:Person {key: k}) RETURN k, n.name"


def run(backend_name: str, people: int, seed: int) -> None:
    labelled = labelled_people(people, seed=seed)
    with tempfile.TemporaryDirectory() as data_dir:
        backend = open_backend(backend_name, Path(data_dir), GRAPH)
        try:
            backend.clear()
            started = time.perf_counter()
            summary = _load(
                backend_name,
                backend,
                SourceText("labelled.jsonl", labelled.jsonl(), identity=named_identity("labelled")),
            )
            loaded_s = time.perf_counter() - started
            print(
                f"{backend_name}: {len(labelled.listings):,} listings, {summary.credits:,} "
                f"credits loaded in {loaded_s:.1f} s; {labelled.duplicates:,} true duplicate "
                f"pairs ({', '.join(f'{k} {v}' for k, v in sorted(labelled.kinds.items()))}), "
                f"{labelled.homonyms:,} homonyms with another IMDb id"
            )
            started = time.perf_counter()
            names = sum(1 for _ in read_named(backend, "Person"))
            baseline_s = time.perf_counter() - started
            print(f"  baseline, reading every Person name: {names:,} in {baseline_s:.2f} s")
            for min_score in MIN_SCORES:
                report = find_duplicates(backend, "Person", min_score)
                precision, recall, hits, proposed = precision_recall(labelled, report.pairs)
                print(
                    f"  min score {min_score:.2f}: {proposed:,} proposed, {hits:,} right: "
                    f"precision {precision:.3f}, recall {recall:.3f}; {report.compared:,} "
                    f"pairs compared, {report.seconds:.2f} s "
                    f"({report.seconds / baseline_s:.1f}x the baseline)"
                )
            _near_miss_lookup(backend, labelled)
            backend.clear()
        finally:
            backend.close()


def _load(backend_name: str, backend, source: SourceText):
    """The labelled set into an empty graph: the embedded store's bulk import makes the same
    graph as a load, minutes sooner at 10^5 people; Neo4j's needs the server stopped."""
    if backend_name == "embedded":
        with BulkLoader() as loader:
            return loader.load(backend, [source])
    return Loader(backend).load([source])


def _near_miss_lookup(backend, labelled) -> None:
    """NEW_NAMES names one letter off a stored person's, looked up as a preview does."""
    rng = random.Random(1)
    stored = [node.name for node in read_named(backend, "Person")]
    names = {}
    for name in rng.sample(stored, min(NEW_NAMES, len(stored))):
        at = rng.randrange(1, len(name) - 1)
        names[name[:at] + "q" + name[at + 1 :]] = ()
    started = time.perf_counter()
    backend.run_read(_BY_KEY, {"keys": [person_key(name) for name in names]}, max_rows=0)
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    found = near_misses(backend, "Person", names)
    lookup_s = time.perf_counter() - started
    print(
        f"  near-misses of {len(names):,} misspelt names: {len(found):,} found in "
        f"{lookup_s:.2f} s ({lookup_s / len(names) * 1000:.1f} ms a name); baseline, "
        f"the same names by key: {baseline_s:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="embedded")
    args = parser.parse_args()
    for name in chosen_backends(args.backend):
        run(name, args.people, args.seed)


if __name__ == "__main__":
    main()
