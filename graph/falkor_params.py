"""FalkorDB query parameters, serialised fast.

FalkorDB takes parameters as a `CYPHER name=value ...` prefix of the query
text. Its Python client builds that prefix with a recursive Python function
that dominated the loader's profile. Here the C JSON encoder does the work:
JSON is Cypher literal syntax except for map keys (backticked here) and a few
string escapes FalkorDB does not read (\\u, \\b, \\f, \\r); values needing
those, or keys that are not plain identifiers, take the exact slow path.
A test checks both paths against the client's own output semantics.

Values FalkorDB cannot take raise BadParameter naming the parameter (a 4xx for the
web app, never a 500): map keys that are empty or hold a backtick (a key is written
`key`, with no escape), lone surrogates (the query text must be UTF-8), and nesting
deeper than Python's recursion (the encoders recurse; graph/param_values.py checks
an analyst's parameters against a declared depth before this).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from screengraph.graph.errors import BadParameter

_KEY = re.compile(r'([{,])"([A-Za-z_][A-Za-z0-9_]*)":')
_ESCAPE = re.compile(r"(\\+)([ubfr/])")
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
                raise BadParameter(
                    f"The map key {key!r} cannot be sent to the embedded store (FalkorDB), "
                    "which cannot take an empty key or a backtick in one: rename it."
                )
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
        start = len(out)
        try:
            fast = _fast(value)
            if fast is None:
                _write(value, out)
            else:
                out.append(fast)
        except RecursionError:
            raise BadParameter(
                f"${name} nests lists or maps too deeply to send: flatten it."
            ) from None
        _check_utf8(name, out, start)
        out.append(" ")
    out.append(cypher)
    return "".join(out)


def _check_utf8(name: str, out: list[str], start: int) -> None:
    """The query text goes out as UTF-8, which has no lone surrogates."""
    for piece in out[start:]:
        if not piece.isascii():
            try:
                piece.encode("utf-8")
            except UnicodeEncodeError:
                raise BadParameter(
                    f"${name} holds a lone surrogate (half of a UTF-16 pair), which is not text "
                    "the database can store: remove it or pair it."
                ) from None
