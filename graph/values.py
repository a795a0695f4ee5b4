"""Plain shapes for graph values, shared by both backends.

A node becomes {"label", "labels", "key", "properties"}; a relationship
{"type", "start", "end", "properties"} where start and end are node keys when
known; a path a list alternating node and relationship dicts. Nothing of the
engine's internal ids is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from screengraph.graph.errors import QueryError
from screengraph.graph.schema import KEY, SCHEMA


def node_value(labels: Iterable[str], properties: Mapping[str, Any]) -> dict[str, Any]:
    labels = sorted(labels)
    ours = [label for label in labels if SCHEMA.is_label(label)]
    primary = ours[0] if ours else (labels[0] if labels else None)
    props = {k: plain(v) for k, v in properties.items()}
    return {"label": primary, "labels": labels, "key": props.get(KEY), "properties": props}


def relationship_value(
    rel_type: str, properties: Mapping[str, Any], start: str | None = None, end: str | None = None
) -> dict[str, Any]:
    return {
        "type": rel_type,
        "start": start,
        "end": end,
        "properties": {k: plain(v) for k, v in properties.items()},
    }


def plain(value: Any) -> Any:
    """Scalars and containers as JSON-friendly Python values."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    iso = getattr(value, "isoformat", None) or getattr(value, "iso_format", None)
    if callable(iso):
        return iso()
    return str(value)


# An analyst's result may nest lists and maps this deep; deeper is refused the same way
# on both engines (the web page and JSON encoders recurse too).
MAX_RESULT_DEPTH = 100


def check_nesting(rows: list[list[Any]], engine: str) -> None:
    """Raise QueryError when a converted value nests deeper than MAX_RESULT_DEPTH."""
    pending = [(value, 1) for row in rows for value in row]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (list, dict)):
            if depth > MAX_RESULT_DEPTH:
                raise nested_too_deep(engine)
            members = value.values() if isinstance(value, dict) else value
            pending.extend((member, depth + 1) for member in members)


def nested_too_deep(engine: str) -> QueryError:
    """A result whose lists or maps nest too deep to convert or show
    (`reduce(acc = [], i IN range(1, 500) | [acc])`): FalkorDB's client and redis'
    reply parser give up at a few hundred levels, this module at about a thousand."""
    return QueryError(
        f"The query returned lists or maps nested more than {MAX_RESULT_DEPTH} levels deep "
        f"({engine}), too deep to convert and show: return a flatter value."
    )
