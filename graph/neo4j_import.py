"""Neo4j's bulk interface: CSV files for `neo4j-admin database import full`, and the command.

neo4j-admin writes a database's store files directly, with no server: into a database
that does not exist yet (a new name, on Enterprise) or over a stopped one
(`--overwrite-destination`; Community has one database, so the server is stopped). The
files follow its header format: `key:ID(<label>)` gives each label its own id space (keys
are unique per label), `:START_ID(<label>)` / `:END_ID(<label>)` name a relationship's
ends by key, and each property column is typed (`name:string`, `year:long`,
`edges:string[]`...), so no value is guessed from its text (a title `1941` stays text).
Nodes of one label whose properties differ in name or type go to separate files, each with
its own header. Fields are always quoted, quotes doubled; arrays are joined with ARRAY_SEP,
a control character no cleaned text holds (the loader's model strips them).

What CSV cannot say is done after the import by `finish_statements`: an empty list (an
identified node's `ids` when a source gave details and no identifier) reads back as no
property at all. Which nodes need one is written to a file per (label, property) as the
nodes are, and read back in batches: it never sits in memory or in the manifest whole.
"""

from __future__ import annotations

import csv
import json
import shlex
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from screengraph.graph.errors import BulkImportRefused

ARRAY_SEP = "\x1f"  # the unit separator
# Written beside the CSV files: what to do once neo4j-admin has imported them.
MANIFEST = "screengraph-import.json"
FINISH_BATCH = 10_000  # keys per statement setting empty lists after the import


def scalar_type(value: Any) -> str | None:
    """A property value's type as Neo4j's import headers and GraphML both name it; None
    for a value that is not one of those four."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return None


def _scalar_type(value: Any) -> str:
    found = scalar_type(value)
    if found is None:
        raise BulkImportRefused(f"a {type(value).__name__} cannot be a Neo4j property value")
    return found


def column_type(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        types = {_scalar_type(item) for item in value} or {"string"}
        if len(types) > 1:
            raise BulkImportRefused(
                f"a list mixing {' and '.join(sorted(types))} values "
                "cannot be a Neo4j property value"
            )
        return f"{types.pop()}[]"
    return _scalar_type(value)


def _text(value: Any, where: str) -> str:
    if isinstance(value, (list, tuple)):
        items = [_text(item, where) for item in value]
        if any(ARRAY_SEP in item for item in items):
            raise BulkImportRefused(f"{where}: a value holds the control character U+001F")
        return ARRAY_SEP.join(items)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class ImportFiles:
    """The files of one import, and what to run on the database after it."""

    folder: Path
    nodes: list[tuple[str, Path]] = field(default_factory=list)
    relationships: list[tuple[str, Path]] = field(default_factory=list)
    # (label, property, file of the keys whose property is an empty list), set after the
    # import: one entry per shape, whatever the number of nodes
    empty_lists: list[tuple[str, str, Path]] = field(default_factory=list)

    def arguments(self, database: str) -> list[str]:
        """neo4j-admin's arguments after `neo4j-admin`."""
        return [
            "database",
            "import",
            "full",
            database,
            "--overwrite-destination=true",
            "--multiline-fields=true",
            f"--array-delimiter={ARRAY_SEP}",
            f"--report-file={self.folder / 'import.report'}",  # not in the current folder
            *(f"--nodes={label}={path}" for label, path in self.nodes),
            *(f"--relationships={rel}={path}" for rel, path in self.relationships),
        ]

    def command(self, database: str, admin: str = "neo4j-admin") -> str:
        """The command as a shell line (the array delimiter written as $'\\x1f')."""
        return " ".join(
            "--array-delimiter=$'\\x1f'"
            if arg.startswith("--array-delimiter")
            else shlex.quote(arg)
            for arg in [admin, *self.arguments(database)]
        )

    def save(self) -> None:
        (self.folder / MANIFEST).write_text(
            json.dumps(
                {
                    "nodes": [[label, path.name] for label, path in self.nodes],
                    "relationships": [[rel, path.name] for rel, path in self.relationships],
                    "empty_lists": [
                        [label, prop, path.name] for label, prop, path in self.empty_lists
                    ],
                }
            ),
            encoding="utf-8",
        )

    @classmethod
    def read(cls, folder: Path) -> ImportFiles:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BulkImportRefused(
                f"{folder} holds no readable {MANIFEST} ({exc}): give the "
                "folder a bulk load wrote for neo4j-admin"
            ) from None
        return cls(
            folder,
            [(label, folder / name) for label, name in data["nodes"]],
            [(rel, folder / name) for rel, name in data["relationships"]],
            [(label, prop, folder / name) for label, prop, name in data["empty_lists"]],
        )

    def finish_statements(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The statements that set the empty lists, FINISH_BATCH keys each, read as sent."""
        for label, prop, path in sorted(self.empty_lists):
            statement = f"UNWIND $keys AS k MATCH (n:`{label}` {{key: k}}) SET n.`{prop}` = []"
            with path.open(encoding="utf-8", newline="") as handle:
                keys = (row[0] for row in csv.reader(handle))
                while batch := list(islice(keys, FINISH_BATCH)):
                    yield statement, {"keys": batch}


class _Writers:
    """One CSV file per (label or type, header); no header line when it is empty."""

    def __init__(self, folder: Path, prefix: str):
        self.folder = folder
        self.prefix = prefix
        self.open: dict[tuple, tuple[Any, Any]] = {}
        self.paths: list[tuple[str, Path]] = []

    def writer(self, name: str, header: tuple[str, ...]):
        found = self.open.get((name, header))
        if found is None:
            path = self.folder / f"{self.prefix}-{name}-{len(self.paths) + 1}.csv"
            handle = path.open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            if header:
                writer.writerow(header)
            found = self.open[(name, header)] = (handle, writer)
            self.paths.append((name, path))
        return found[1]

    def close(self) -> None:
        for handle, _ in self.open.values():
            handle.close()


def write_import_files(
    folder: Path,
    nodes: Iterable[tuple[str, dict[str, Any]]],
    relationships: Iterable[tuple[str, tuple, tuple, dict[str, Any]]],
) -> ImportFiles:
    """Write the graph as neo4j-admin's CSV files into `folder` (emptied first)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files = ImportFiles(folder)
    node_files, rel_files = _Writers(folder, "nodes"), _Writers(folder, "relationships")
    empty = _Writers(folder, "empty-lists")
    try:
        for label, properties in nodes:
            key = properties["key"]
            names = sorted(
                name for name, value in properties.items() if name != "key" and value != []
            )
            for name, value in properties.items():
                if value == []:
                    empty.writer(f"{label}-{name}", ()).writerow([key])
            header = (f"key:ID({label})", *(f"{n}:{column_type(properties[n])}" for n in names))
            node_files.writer(label, header).writerow(
                [key, *(_text(properties[n], f"{label} {key!r}.{n}") for n in names)]
            )
        for rel_type, start_ref, end_ref, properties in relationships:
            # Ends are (label, key), or NodeRefs (label, key, position) from a bulk load.
            (start_label, start), (end_label, end) = start_ref[:2], end_ref[:2]
            names = sorted(properties)
            header = (
                f":START_ID({start_label})",
                f":END_ID({end_label})",
                *(f"{n}:{column_type(properties[n])}" for n in names),
            )
            rel_files.writer(rel_type, header).writerow(
                [
                    start,
                    end,
                    *(_text(properties[n], f"{rel_type} {start!r}->{end!r}.{n}") for n in names),
                ]
            )
    finally:
        node_files.close()
        rel_files.close()
        empty.close()
    files.nodes, files.relationships = node_files.paths, rel_files.paths
    files.empty_lists = [
        (label, name, path) for shape, path in empty.paths for label, name in [shape.split("-", 1)]
    ]
    return files
