"""The graph as GraphML, for Gephi, Cytoscape desktop and NetworkX.

GraphML declares every attribute (`<key>`: name, node or edge, type) before the graph, but
which properties the graph holds, and their types, is known only once it has all been read.
So the elements are written to a spool file as they stream by, the attributes and their
types gathered meanwhile, and the declarations are written first at the end, followed by
the spool: memory holds the attribute table, never the graph.

Conventions (those of Neo4j's APOC GraphML export, which these tools' users meet first):
- a node's id is `<label>:<key>` (keys are unique per label), its label in the attribute
  `labels`; an edge's type in the attribute `label`; every property is an attribute of its
  own name. A property named like one of those is written as `property.<name>`.
- types: text `string`, whole numbers `long`, other numbers `double`, true/false
  `boolean`; an attribute holding values of several types is declared `string` (numbers
  and true/false keep their text). GraphML has no lists: a list (an Assertion's `edges`, `ids`,
  `characters`...) is its JSON text, `["a","b"]`.
- edges are directed and each has an id (`e<n>`), so two edges between the same nodes
  (a producer and executive producer credit) stay two (NetworkX reads a MultiDiGraph).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from screengraph.graph.errors import ExportRefused
from screengraph.graph.export_read import Node, Relationship
from screengraph.graph.neo4j_import import scalar_type

NODE_LABELS = "labels"
EDGE_TYPE = "label"
_RESERVED = {"node": NODE_LABELS, "edge": EDGE_TYPE}
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CR = {"\r": "&#13;"}  # a parser reads a bare carriage return as a line feed
_WIDER = {frozenset({"long", "double"}): "double"}


def _type(value: Any) -> str:
    """GraphML's attribute type; lists and anything else travel as (JSON) text."""
    return scalar_type(value) or "string"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def node_id(label: str, key: str) -> str:
    return f"{label}:{key}"


class _Keys:
    """The attributes met so far, for nodes or for edges, and their declared types."""

    def __init__(self, domain: str, prefix: str):
        self.domain, self.prefix = domain, prefix
        self.ids: dict[str, str] = {}
        self.types: dict[str, str] = {}

    def id_for(self, name: str, value: Any) -> str:
        kind = _type(value)
        had = self.types.get(name)
        if had is None:
            self.ids[name] = f"{self.prefix}{len(self.ids)}"
            self.types[name] = kind
        elif had != kind:
            self.types[name] = _WIDER.get(frozenset({had, kind}), "string")
        return self.ids[name]

    def declarations(self) -> str:
        return "".join(
            f'  <key id="{self.ids[name]}" for="{self.domain}" attr.name={quoteattr(name)} '
            f'attr.type="{self.types[name]}"/>\n'
            for name in self.ids
        )


def _checked(text: str, where: str) -> str:
    found = _NOT_XML.search(text)
    if found:
        raise ExportRefused(
            f"{where} holds the character {ascii(found.group())}, which XML "
            "cannot carry: export as JSON Lines instead, or fix the value"
        )
    return text


def _data(keys: _Keys, properties: dict[str, Any], where: str) -> str:
    parts = []
    for name in sorted(properties):
        value = properties[name]
        if value is None:
            continue
        attribute = f"property.{name}" if name == _RESERVED[keys.domain] else name
        parts.append(
            f'<data key="{keys.id_for(attribute, value)}">'
            f"{escape(_checked(_text(value), f'{where} property {name!r}'), _CR)}</data>"
        )
    return "".join(parts)


def write_graphml(
    out: TextIO,
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    on_item: Callable[[], None] = lambda: None,
) -> tuple[int, int]:
    """Write the graph to `out`; returns how many nodes and edges were written."""
    node_keys, edge_keys = _Keys("node", "n"), _Keys("edge", "e")
    node_count = edge_count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for label, properties in nodes:
            where = f"{label} {properties['key']!r}"
            ident = quoteattr(_checked(node_id(label, properties["key"]), where))
            spool.write(
                f'    <node id={ident}><data key="{node_keys.id_for(NODE_LABELS, label)}">'
                f"{escape(label)}</data>{_data(node_keys, properties, where)}</node>\n"
            )
            node_count += 1
            on_item()
        for rel_type, (start_label, start), (end_label, end), properties in relationships:
            where = f"{rel_type} {start!r}->{end!r}"
            spool.write(
                f'    <edge id="e{edge_count}" source={quoteattr(node_id(start_label, start))} '
                f"target={quoteattr(node_id(end_label, end))}>"
                f'<data key="{edge_keys.id_for(EDGE_TYPE, rel_type)}">{escape(rel_type)}</data>'
                f"{_data(edge_keys, properties, where)}</edge>\n"
            )
            edge_count += 1
            on_item()
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        out.write(node_keys.declarations() + edge_keys.declarations())
        out.write('  <graph id="screengraph" edgedefault="directed">\n')
        spool.seek(0)
        shutil.copyfileobj(spool, out)
        out.write("  </graph>\n</graphml>\n")
    return node_count, edge_count
