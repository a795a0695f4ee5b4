"""What reading a whole label in key order costs (Backend.keyed_pages), beside the pager
it replaced, measured in the same run on the same graph.

The graph: PEOPLE people whose keys mix scripts as a real catalogue's do (ASCII, accented
Latin, Greek, Cyrillic, CJK), each on one of PEOPLE / 10 shows. For each engine:

`keyed_pages` over the people, then the canonical checksum and a JSON Lines export
(graph/checksum.py, graph/export_read.py). On the embedded store, the same three with the
pager it replaced first (Backend.keyed_pages: `WHERE n.key > $after` answered from the key
index, which skips every key past the ASCII / non-ASCII boundary, so it reads fewer
nodes); on Neo4j that pager is keyed_pages.

    python -m benchmarks.key_pages [--people 50000] [--backend embedded|neo4j|both]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks.bulk import chosen_backends, open_backend
from screengraph.graph.backend import Backend
from screengraph.graph.checksum import PAGE, graph_checksum
from screengraph.graph.export_formats import write_export
from screengraph.graph.export_read import ExportReader

GRAPH = "bench-key-pages"
BATCH = 5_000
# Letters of each script a key is drawn from, and how often (a catalogue's mix).
SCRIPTS = (
    ("abcdefghijklmnopqrstuvwxyz", 0.6),
    ("àáâäçèéêëíîïñóôöøúüýÿßæœ", 0.15),
    ("αβγδεζηθικλμνξοπρστυφχψω", 0.05),
    ("абвгдежзийклмнопрстуфхцчшщыэюя", 0.1),
    ("東京大阪山田中村小林高橋佐藤鈴木渡辺伊藤黒澤明", 0.1),
)


def keys(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    letters, weights = zip(*SCRIPTS)
    found: set[str] = set()
    while len(found) < count:
        words = []
        for _ in range(2):
            script = rng.choices(letters, weights)[0]
            words.append("".join(rng.choice(script) for _ in range(rng.randint(2, 8))))
        found.add("-".join(words))
    return sorted(found, key=lambda _: rng.random())


def build(backend: Backend, people: int, seed: int) -> None:
    backend.clear()
    backend.ensure_schema()
    shows = max(1, people // 10)
    for start in range(0, shows, BATCH):
        backend.run_write(
            "UNWIND range($a, $b) AS i CREATE (:Show {key: 'show-' + toString(i), "
            "title: 'Show ' + toString(i)})",
            {"a": start, "b": min(shows, start + BATCH) - 1},
            timeout_ms=600_000,
        )
    all_keys = keys(people, seed)
    for start in range(0, people, BATCH):
        rows = [
            [key, f"show-{(start + i) % shows}"]
            for i, key in enumerate(all_keys[start : start + BATCH])
        ]
        backend.run_write(
            "UNWIND $rows AS r MATCH (s:Show {key: r[1]}) "
            "CREATE (:Person {key: r[0], name: r[0]})-[:ACTED_IN]->(s)",
            {"rows": rows},
            timeout_ms=600_000,
        )


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def _export(backend: Backend, path: Path) -> int:
    reader = ExportReader(backend)
    return write_export("jsonl", path, reader.nodes(), reader.relationships(), backend.name).nodes


def run(name: str, people: int, seed: int, workdir: Path) -> None:
    backend = open_backend(name, workdir / name, GRAPH)
    try:
        seconds, _ = _timed(lambda: build(backend, people, seed))
        print(f"{name}: {people:,} people and {people // 10:,} shows written in {seconds:.1f} s")
        pagers = [("keyed_pages", backend.keyed_pages)]
        if type(backend).keyed_pages is not Backend.keyed_pages:
            pagers.insert(0, ("old pager (index range)", partial(Backend.keyed_pages, backend)))
        for what, pager in pagers:
            backend.keyed_pages = pager  # the checksum and the export page by this one
            seconds, read = _timed(
                lambda pager=pager: sum(
                    len(page) for page in pager("Person", "n.name", PAGE, timeout_ms=600_000)
                )
            )
            checksum_s, checksum = _timed(lambda: graph_checksum(backend))
            export_s, exported = _timed(lambda: _export(backend, workdir / f"{name}.jsonl"))
            print(
                f"  {what:<24} people read {read:>7,} in {seconds:6.2f} s; checksum "
                f"{checksum.counts.get('node:Person', 0):>7,} people in {checksum_s:6.2f} s; "
                f"export {exported:>7,} nodes in {export_s:6.2f} s"
            )
        del backend.keyed_pages
    finally:
        backend.clear()
        backend.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--backend", default="both", choices=("embedded", "neo4j", "both"))
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-key-pages-") as tmp:
        for name in chosen_backends(args.backend):
            run(name, args.people, args.seed, Path(tmp))


if __name__ == "__main__":
    main()
