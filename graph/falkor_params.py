"""FalkorDB query parameters, serialised fast.

FalkorDB takes parameters as a `CYPHER name=value ...` prefix of the query
text. Its Python client builds that prefix with a recursive Python function
that dominated the loader's profile. Here the C JSON encoder does the work:
JSON is Cypher literal syntax except for map keys (backticked here) and a few
string escapes FalkorDB does not read (\\u, \\b, \\f, \\r); values needing
those, or keys that are not plain identifiers, take the exact slow path.
A test checks both paths against the client's own output semantics.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

_KEY = re.compile(r'([{,])"([A-Za-z_][A-Za-z0-9_]*)":')
_ESCAPE = re.compile(r'(\\+)([ubfr/])')
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _fast(value: Any) -> str | None:
    try:
        text = _encode(value)
    except (TypeError, ValueError):
        return None
    if "\\" in text:
        for match in _ESCAPE.finditer(text):
            if len(match.group(1)) % 2:
                return None
    if '":' in text:
        # Inside a JSON string a quote is always escaped, so `{"` and `,"` only start
        # keys: once the plain ones are backticked, any `":` left is an odd key (or a
        # value holding an escaped quote before a colon): the exact slow path takes it.
        text = _KEY.sub(r"\1`\2`:", text)
        if '":' in text:
            return None
    return text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_quote(value) if value else '""')
    elif value is None:
        out.append("null")
    elif kind is dict:
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            key = str(key)
            if not key or "`" in key:
                raise ValueError(f"FalkorDB cannot take the map key {key!r} as a parameter")
            out.append(f"`{key}`:")
            _write(item, out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, str):
        out.append(_quote(str(value)))
    else:
        out.append(str(value))


def with_parameters(cypher: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return cypher
    out = ["CYPHER "]
    for name, value in params.items():
        out.append(f"{name}=")
        fast = _fast(value)
        if fast is None:
            _write(value, out)
        else:
            out.append(fast)
        out.append(" ")
    out.append(cypher)
    return "".join(out)
