"""Parameter values every engine takes, checked before an analyst's query is sent.

Neo4j's driver and FalkorDB's parameter text both fail on some JSON a user can type:
a lone surrogate (`"\\ud800"`) cannot be encoded as UTF-8 (both), an integer beyond
64 bits overflows the driver and is silently clamped by FalkorDB, and thousands of
nested lists exhaust Python's recursion (FalkorDB's encoder) or make the Neo4j server
drop the connection. The walk below is iterative, so no depth breaks it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from screengraph.graph.errors import BadParameter

# Lists and maps nested deeper than this are refused (a listing nests three levels).
MAX_PARAMETER_DEPTH = 64
_INT64 = (-(2**63), 2**63 - 1)


def check_values(params: Mapping[str, Any] | None, max_chars: int) -> None:
    """Raise BadParameter naming the parameter whose value an engine cannot take."""
    budget = max_chars
    for name, value in (params or {}).items():
        stack = [(value, 0)]
        while stack:
            item, depth = stack.pop()
            budget -= 1
            if isinstance(item, str):
                budget -= len(item)
                _check_text(name, item)
            elif isinstance(item, bool) or item is None:
                pass
            elif isinstance(item, float):
                if not math.isfinite(item):
                    raise BadParameter(
                        f"${name}: {item} is not a number the database stores (JSON's 1e400 "
                        "reads as infinity); send a finite number."
                    )
            elif isinstance(item, int):
                if not _INT64[0] <= item <= _INT64[1]:
                    raise BadParameter(
                        f"${name}: {item} does not fit in 64 bits, the largest integer the "
                        "database stores; send it as a string."
                    )
            elif isinstance(item, (list, tuple, dict)):
                if depth >= MAX_PARAMETER_DEPTH:
                    raise BadParameter(
                        f"${name} nests lists or maps more than {MAX_PARAMETER_DEPTH} levels "
                        "deep: flatten it."
                    )
                if isinstance(item, dict):
                    for key, member in item.items():
                        if not isinstance(key, str):
                            raise BadParameter(f"${name}: map keys must be text, not {key!r}.")
                        budget -= len(key)
                        _check_text(name, key)
                        stack.append((member, depth + 1))
                else:
                    stack.extend((member, depth + 1) for member in item)
            else:
                raise BadParameter(
                    f"${name}: a {type(item).__name__} is not a parameter value; use JSON "
                    "values (text, numbers, true/false, null, lists and maps)."
                )
            if budget < 0:
                raise BadParameter(
                    f"The parameters are larger than {max_chars:,} characters: pass less, or "
                    "anchor the query on keys and let it find the rest."
                )


def _check_text(name: str, text: str) -> None:
    if "\x00" in text:
        raise BadParameter(
            f"${name} holds a NUL character (position {text.index(chr(0))}), which the "
            "embedded store cannot take as text: remove it."
        )
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadParameter(
                f"${name} holds a lone surrogate ({text[exc.start]!r} at position {exc.start}), "
                "which is not text any database can store: remove it or pair it."
            ) from None
