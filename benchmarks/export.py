"""Export and import of a whole graph: time, and peak memory against a graph held whole.

For each size, an IMDb-shaped graph (benchmarks/synthetic_imdb.py) is bulk loaded into an
embedded store; then, each in a child process whose peak resident memory (VmHWM) is its
own (the engine's server is another process):

1. the baseline: every node and every relationship read in one query each and written as
   JSON Lines, what an export that holds the graph in memory does;
2. `screengraph export` in each format (graph/export_read.py reads a page of keys at a
   time), and `screengraph import` of the JSON Lines export into an empty graph.

Bounded memory shows as the export's peak staying flat as the graph grows while the
baseline's grows with it.

    python -m benchmarks.export [--titles 2000 8000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bulk import open_backend
from benchmarks.imdb_load import peak_mb
from benchmarks.synthetic_imdb import generate

GRAPH = "bench-export"
KINDS = ("baseline", "jsonl", "graphml", "csv", "import")


def child(kind: str, data_dir: str, out: str) -> None:
    """In the child: one measured export (or import), its figures as JSON."""
    from screengraph.graph.export_formats import write_export
    from screengraph.graph.export_jsonl import parse_lines
    from screengraph.graph.export_read import ExportReader
    from screengraph.graph.graph_import import GraphImport

    graph = f"{GRAPH}-imported" if kind == "import" else GRAPH
    backend = open_backend("embedded", Path(data_dir), graph)
    started = time.perf_counter()
    try:
        if kind == "baseline":
            nodes = backend.run_read(
                "MATCH (n) RETURN labels(n), properties(n)", max_rows=0, timeout_ms=600_000
            ).rows
            relationships = backend.run_read(
                "MATCH (a)-[r]->(b) RETURN type(r), labels(a), a.key, labels(b), b.key, "
                "properties(r)",
                max_rows=0,
                timeout_ms=600_000,
            ).rows
            with open(out, "w", encoding="utf-8") as handle:
                for row in nodes + relationships:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            items = len(nodes) + len(relationships)
        elif kind == "import":
            backend.clear()
            with open(out, encoding="utf-8") as lines:
                summary = GraphImport(backend).run(parse_lines(lines, out))
            items = summary.nodes + summary.relationships
            backend.drop_graph()
        else:
            reader = ExportReader(backend)
            result = write_export(
                kind, Path(out), reader.nodes(), reader.relationships(), backend.name
            )
            items = result.nodes + result.relationships
    finally:
        backend.close()
    print(
        json.dumps({"seconds": time.perf_counter() - started, "items": items, "peak_mb": peak_mb()})
    )


def in_child(kind: str, data_dir: Path, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.export", "--child", kind, str(data_dir), str(out)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the measured {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _size(path: Path) -> float:
    files = path.iterdir() if path.is_dir() else [path]
    return sum(f.stat().st_size for f in files) / 1024 / 1024


def measure(titles: int, workdir: Path) -> dict[str, dict]:
    from screengraph.loaders.bulk import BulkLoader
    from screengraph.loaders.sources import read_all

    folder = workdir / f"imdb-{titles}"
    generate(folder, titles, seed=5)
    store = workdir / f"store-{titles}"
    backend = open_backend("embedded", store, GRAPH)
    try:
        backend.clear()
        BulkLoader().load(backend, read_all([str(folder)], None, False))
    finally:
        backend.close()
    figures = {}
    for kind in KINDS:
        source = workdir / f"export-{titles}.jsonl"
        out = source if kind in ("import", "jsonl") else workdir / f"{kind}-{titles}"
        figures[kind] = in_child(kind, store, out)
        if kind != "import":
            figures[kind]["mb_written"] = round(_size(out), 1)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DATA_DIR", "OUT"))
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        for titles in args.titles:
            results[titles] = measure(titles, Path(tmp))
    print(f"{'titles':>7} {'what':<9} {'items':>9} {'seconds':>8} {'peak MB':>8} {'MB out':>7}")
    for titles, figures in results.items():
        for kind, f in figures.items():
            print(
                f"{titles:>7} {kind:<9} {f['items']:>9,} {f['seconds']:>8.1f} "
                f"{f['peak_mb']:>8.0f} {f.get('mb_written', ''):>7}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
