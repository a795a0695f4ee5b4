"""Plain shapes for graph values, shared by both backends.

A node becomes {"label", "labels", "key", "properties"}; a relationship
{"type", "start", "end", "properties"} where start and end are node keys when
known; a path a list alternating node and relationship dicts. Nothing of the
engine's internal ids is kept.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from graph.schema import KEY, SCHEMA


def node_value(labels: Iterable[str], properties: Mapping[str, Any]) -> dict[str, Any]:
    labels = sorted(labels)
    ours = [label for label in labels if SCHEMA.is_label(label)]
    primary = ours[0] if ours else (labels[0] if labels else None)
    props = {k: plain(v) for k, v in properties.items()}
    return {"label": primary, "labels": labels, "key": props.get(KEY), "properties": props}


def relationship_value(rel_type: str, properties: Mapping[str, Any],
                       start: str | None = None, end: str | None = None) -> dict[str, Any]:
    return {"type": rel_type, "start": start, "end": end,
            "properties": {k: plain(v) for k, v in properties.items()}}


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
