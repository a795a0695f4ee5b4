"""How a result value reads as text, the same on every surface: the CLI's tables and CSV
(screengraph/output.py) and the web app's result cells (its `cell` template filter).
The browser writes the web's CSV itself (webapp/frontend/src/cells.js, `csvCell`), with
the same neutralising of formula cells as `csv_cell`."""

from __future__ import annotations

import json
from typing import Any


def cell_text(value: Any) -> str:
    """One cell as a person reads it: nodes by display name, lists joined."""
    if value is None:
        return ""
    if isinstance(value, dict) and "label" in value and isinstance(value.get("properties"), dict):
        props = value["properties"]
        return f"{props.get('title') or props.get('name') or value.get('key')} ({value['label']})"
    if isinstance(value, dict) and "type" in value and "properties" in value:
        return f"-[:{value['type']}]-"
    if isinstance(value, list):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def counted(count: int | float, singular: str, plural: str | None = None) -> str:
    """A count and its noun, agreeing: "1 pair", "2 pairs", "0 pairs", "1.5 seconds"
    (`plural` for nouns that do not just take an s: "1 person", "3 people"); the one
    wording of counts for the CLI and the web pages."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count:,} {noun}" if isinstance(count, int) else f"{count:g} {noun}"
