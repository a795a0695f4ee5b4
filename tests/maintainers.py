"""Set-ups the load history, undo and merge tests share: listings as a named input (so a
later load of the same name updates them), loaded and checked, and the loads recorded."""

from __future__ import annotations

import json

from screengraph.loaders.history import list_loads
from screengraph.loaders.identity import named_identity
from screengraph.loaders.pipeline import Loader, LoadSummary
from screengraph.loaders.sources import SourceText


def named(name: str, *records: dict) -> SourceText:
    """Records as one input named `name`: its listings keep their ids from load to load."""
    text = "".join(json.dumps(record) + "\n" for record in records)
    return SourceText(name, text, identity=named_identity(name))


def load_named(backend, name: str, *records: dict) -> LoadSummary:
    """Load the records as the input `name`; none may be rejected."""
    summary = Loader(backend).load([named(name, *records)])
    assert summary.rejected == 0, summary.rejects
    return summary


def loads(backend) -> list[dict]:
    """The recorded loads, newest first, as dictionaries."""
    results = list_loads(backend)
    return [dict(zip(results.columns, row)) for row in results.rows]


def newest(backend) -> str:
    """The id of the newest load."""
    return loads(backend)[0]["id"]
