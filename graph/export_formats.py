"""The export formats, declared once: the CLI's choices and the web app's downloads read this.

- jsonl: screengraph's own export (graph/export_jsonl.py), which `screengraph import` reads
  back into either engine to the identical graph.
- graphml: for Gephi, Cytoscape desktop, NetworkX (graph/export_graphml.py).
- csv: a folder of CSV files in the header format `neo4j-admin database import` reads,
  written by the bulk load's own writer (graph/neo4j_import.py), with its manifest, so
  `screengraph load --bulk FOLDER` finishes the import as it does after a bulk load.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO, TypeVar

from screengraph.graph.backend import Backend
from screengraph.graph.errors import ExportRefused
from screengraph.graph.export_graphml import write_graphml
from screengraph.graph.export_jsonl import write_jsonl
from screengraph.graph.export_read import ExportReader, Node, Relationship
from screengraph.graph.neo4j_import import MANIFEST, write_import_files


@dataclass(frozen=True)
class ExportFormat:
    name: str
    title: str
    suffix: str  # of the file (or, for a folder, of its download: a zip)
    media_type: str  # of the web download
    folder: bool = False


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("jsonl", "JSON Lines (screengraph import)", ".jsonl", "application/x-ndjson"),
        ExportFormat(
            "graphml", "GraphML (Gephi, Cytoscape, NetworkX)", ".graphml", "application/graphml+xml"
        ),
        ExportFormat("csv", "CSV for neo4j-admin import", ".zip", "application/zip", folder=True),
    )
}

T = TypeVar("T")


def _counted(items: Iterable[T], tally: list[int], on_item: Callable[[], None]) -> Iterator[T]:
    for item in items:
        tally[0] += 1
        on_item()
        yield item


@dataclass
class ExportResult:
    nodes: int
    relationships: int
    next_steps: str | None = None
    keyless: int = 0  # nodes without a key, left out (graph/export_read.py)


def write_export(
    fmt: str,
    target: Path,
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    backend: str,
    on_item: Callable[[], None] = lambda: None,
    neo4j_database: str = "neo4j",
) -> ExportResult:
    """Write nodes and relationships in one format: a file, or for csv a folder (emptied
    first). For csv, `next_steps` says how to import it into `neo4j_database`."""
    if fmt == "csv":
        from screengraph.graph.neo4j_backend import bulk_instructions

        if str(target) == STDIO or target.suffix.lower() == ".gz":
            raise ExportRefused(
                "a csv export is a folder of files: give a folder's name (not - or a .gz file)"
            )
        if target.exists() and (
            not target.is_dir() or (any(target.iterdir()) and not (target / MANIFEST).is_file())
        ):
            raise ExportRefused(
                f"{target} exists and is not an export folder: a csv export "
                "fills a folder of its own (emptied first), so give a new "
                "folder's name"
            )
        node_tally, relationship_tally = [0], [0]
        files = write_import_files(
            target,
            _counted(nodes, node_tally, on_item),
            _counted(relationships, relationship_tally, on_item),
        )
        files.save()
        return ExportResult(
            node_tally[0], relationship_tally[0], bulk_instructions(files, neo4j_database)
        )
    writer = {
        "jsonl": lambda out: write_jsonl(out, nodes, relationships, backend, on_item),
        "graphml": lambda out: write_graphml(out, nodes, relationships, on_item),
    }[fmt]
    with text_file(target, "w") as out:
        return ExportResult(*writer(out))


STDIO = "-"


def format_for(path: Path) -> str | None:
    """The format a file's name says (`graph.graphml`, `graph.jsonl.gz`), if any; standard
    output is JSON Lines."""
    if str(path) == STDIO:
        return "jsonl"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes.pop()
    return next(
        (f.name for f in FORMATS.values() if not f.folder and suffixes[-1:] == [f.suffix]), None
    )


@contextmanager
def text_file(path: Path, mode: Literal["r", "w"]) -> Iterator[TextIO]:
    """A file of an export to write ("w") or read ("r"): `-` is standard output or input,
    a name ending in `.gz` is gzipped."""
    newline = "\n" if mode == "w" else None
    if str(path) == STDIO:
        yield sys.stdout if mode == "w" else sys.stdin
    elif path.suffix.lower() == ".gz":
        with gzip.open(
            path, "wt" if mode == "w" else "rt", encoding="utf-8", newline=newline
        ) as handle:
            yield handle
    else:
        with path.open(mode, encoding="utf-8", newline=newline) as handle:
            yield handle


def export_store(
    backend: Backend,
    fmt: str,
    target: Path,
    on_item: Callable[[], None] = lambda: None,
    neo4j_database: str = "neo4j",
) -> ExportResult:
    """Export the whole graph, streamed. Loads wait until it is done (they take the same
    turn, Backend.one_load_at_a_time), so every listing is in the export whole or not at
    all, and no relationship names a node that was not there when nodes were read."""
    with backend.one_load_at_a_time():
        reader = ExportReader(backend)
        result = write_export(
            fmt,
            target,
            reader.nodes(),
            reader.relationships(),
            backend.name,
            on_item,
            neo4j_database,
        )
        result.keyless = reader.keyless
        return result
