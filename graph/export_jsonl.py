"""The graph as JSON Lines: screengraph's own export, which `screengraph import` reads back.

One JSON object a line (docs/export.md says why this shape):

    {"type": "header", "format": "screengraph-graph", "version": 1, "exported_at": ...,
     "backend": ...}
    {"type": "node", "labels": ["Show"], "properties": {"key": ..., "title": ..., "asserted_by": 1}}
    {"type": "relationship", "label": "DIRECTED", "start": {"label": "Person", "key": ...},
     "end": {"label": "Show", "key": ...}, "properties": {"asserted_by": 1, ...}}
    {"type": "end", "nodes": <n>, "relationships": <m>}

every node before any relationship. The `end` line says the file is whole: a file cut
short (a full disk, a copy stopped half way) is told apart from a smaller graph.

`parse_lines` is the reading half, a pure function from lines to items or the reason a
line cannot be imported (named by its line number), so the import writes only what parsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from screengraph.graph.errors import ExportRefused
from screengraph.graph.export_read import Node, Relationship

FORMAT = "screengraph-graph"
VERSION = 1
# Labels and types are written into Cypher (`MATCH (n:`Show`)`): names only.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def _sorted(properties: dict[str, Any]) -> dict[str, Any]:
    """Properties in name order: engines return them in orders of their own."""
    return dict(sorted(properties.items()))


def write_jsonl(
    out: TextIO,
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    backend: str,
    on_item: Callable[[], None] = lambda: None,
) -> tuple[int, int]:
    """Write the graph to `out`; returns how many nodes and relationships were written."""
    out.write(
        _line(
            {
                "type": "header",
                "format": FORMAT,
                "version": VERSION,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "backend": backend,
            }
        )
    )
    node_count = relationship_count = 0
    for label, properties in nodes:
        out.write(_line({"type": "node", "labels": [label], "properties": _sorted(properties)}))
        node_count += 1
        on_item()
    for rel_type, (start_label, start), (end_label, end), properties in relationships:
        out.write(
            _line(
                {
                    "type": "relationship",
                    "label": rel_type,
                    "start": {"label": start_label, "key": start},
                    "end": {"label": end_label, "key": end},
                    "properties": _sorted(properties),
                }
            )
        )
        relationship_count += 1
        on_item()
    out.write(_line({"type": "end", "nodes": node_count, "relationships": relationship_count}))
    return node_count, relationship_count


# -- reading ------------------------------------------------------------------


@dataclass(frozen=True)
class NodeItem:
    line: int
    labels: tuple[str, ...]
    properties: dict[str, Any]


@dataclass(frozen=True)
class RelationshipItem:
    line: int
    type: str
    start: tuple[str, str]
    end: tuple[str, str]
    properties: dict[str, Any]


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


@dataclass(frozen=True)
class EndItem:
    line: int
    nodes: int
    relationships: int


Item = NodeItem | RelationshipItem | BadLine | EndItem


class LineError(ValueError):
    pass


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, int, float)) and value == value  # not NaN


def _properties(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LineError("'properties' must be an object of property names and values")
    for name, item in value.items():
        if not name or "`" in name:
            raise LineError(f"the property name {name!r} cannot be stored")
        if isinstance(item, list):
            if not all(_scalar(x) for x in item):
                raise LineError(
                    f"property '{name}' is a list holding something other than "
                    "text, numbers or true/false"
                )
        elif item is not None and not _scalar(item):
            raise LineError(
                f"property '{name}' must be text, a number, true/false or a list of them"
            )
    return {name: item for name, item in value.items() if item is not None}


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise LineError(f"{what} must be a name of letters, digits and '_', got {value!r}")
    return value


def _end(value: Any, what: str) -> tuple[str, str]:
    if not isinstance(value, dict) or not isinstance(value.get("key"), str):
        raise LineError(f"'{what}' must be an object with a 'label' and a text 'key'")
    return _name(value.get("label"), f"'{what}.label'"), value["key"]


def _item(number: int, record: Any) -> Item:
    if not isinstance(record, dict):
        raise LineError("a line must be a JSON object")
    kind = record.get("type")
    if kind == "node":
        labels = record.get("labels")
        if not isinstance(labels, list) or not labels:
            raise LineError("'labels' must be a list of one or more labels")
        properties = _properties(record.get("properties"))
        if not isinstance(properties.get("key"), str):
            raise LineError("a node needs a text 'key' property")
        return NodeItem(number, tuple(_name(x, "a label") for x in labels), properties)
    if kind == "relationship":
        return RelationshipItem(
            number,
            _name(record.get("label"), "'label'"),
            _end(record.get("start"), "start"),
            _end(record.get("end"), "end"),
            _properties(record.get("properties")),
        )
    if kind == "end":
        nodes, relationships = record.get("nodes"), record.get("relationships")
        if not (isinstance(nodes, int) and isinstance(relationships, int)):
            raise LineError(
                "the end line must say how many 'nodes' and 'relationships' the file holds"
            )
        return EndItem(number, nodes, relationships)
    raise LineError(f"'type' must be node, relationship or end, got {kind!r}")


def check_header(first: str, name: str) -> None:
    """Refuse a file that is not a graph export, or one of a newer version, before reading on."""
    try:
        header = json.loads(first) if first.strip() else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ExportRefused(
            f"{name} is not a screengraph graph export (its first line is not the "
            f'{{"type": "header", "format": "{FORMAT}"...}} line `screengraph export '
            "--format jsonl` writes). Listing files are loaded with `screengraph load`."
        )
    version = header.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ExportRefused(
            f"{name} is a graph export of version {version!r}; this "
            f"screengraph reads version {VERSION} and earlier: import it with "
            "the screengraph that exported it, or a newer one"
        )


def parse_lines(lines: Iterable[str], name: str) -> Iterator[Item]:
    """The items of an export's lines (after checking its header), a bad line as BadLine."""
    numbered = enumerate(lines, 1)
    first = next(numbered, (1, ""))[1]
    check_header(first, name)
    for number, text in numbered:
        if not text.strip():
            continue
        try:
            yield _item(number, json.loads(text))
        except LineError as exc:
            yield BadLine(number, str(exc))
        except ValueError as exc:
            yield BadLine(number, f"not JSON ({exc})")
