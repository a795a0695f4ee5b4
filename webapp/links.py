"""Links to entity pages: the one place that turns an entity's label and key into a URL.

The questions (queries/) answer with labels and keys; the web app adds the links as it
shows them, so no other surface carries web addresses and the routes can change here.
A link starts with the app's own root (`request.script_root`: `/screengraph` when a proxy
mounts it there and says so, as url_for's links do), so every link a page or a JSON twin
gives, the graph view's nodes too, works behind the proxy.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import has_request_context, request

from screengraph.graph.schema import Label

_ENTITY_LABELS = frozenset(label.value for label in Label)
MAX_DEPTH = 64  # values nested deeper are left as they are


def entity_url(label: str, key: str) -> str:
    """The address of an entity page: a domain label's (else ValueError), the key quoted,
    under the app's root in a request."""
    root = request.script_root if has_request_context() else ""
    return f"{root}/{Label(label).value.lower()}/{quote(str(key), safe='')}"


def with_urls(value: Any, depth: int = 0) -> Any:
    """`value` with a `url` on every map that names an entity (a domain `label` and a
    text `key`) and has none yet, however deep it sits in lists and maps. Changes the
    maps in place and returns `value`."""
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        label, key = value.get("label"), value.get("key")
        if "url" not in value and label in _ENTITY_LABELS and isinstance(key, str) and key:
            value["url"] = entity_url(label, key)
        for item in value.values():
            with_urls(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            with_urls(item, depth + 1)
    return value
