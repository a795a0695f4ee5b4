"""Several read queries in one round trip: what makes an entity page a few trips, not ten.

Each query of a page is a `Part` (its Cypher, its parameters and the names of the columns
it returns); `read_together` runs them all as one query, each part in a `CALL { ... }`
subquery, the parts joined by `UNION ALL`, every row tagged with its part. One query
means one trip to the database and, on the embedded store, one wait behind a write in
flight instead of one per query (a loader's write blocks the reads that arrive during
it). Both engines take this form (tests/queries/test_dialects.py); a part that finds
nothing simply has no rows, and each part's rows keep their order.

A part's parameters are its own: they are renamed apart (`$key` of the third part is
sent as `$p2_key`), so two parts may take the same name with different values. Queries
given here therefore hold no `$` outside their parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from screengraph.graph.backend import Backend

T = TypeVar("T")

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Part:
    """One query of a bundle: its Cypher, its parameters, and the columns its RETURN names
    (each aliased with `AS` when it is not a plain name)."""

    cypher: str
    columns: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bad = [c for c in self.columns if not _COLUMN.fullmatch(c)]
        if bad or not self.columns:
            raise ValueError(
                f"a part's columns must be plain names its RETURN gives with AS, not {bad}: "
                f"alias them in the query ({self.cypher[:60]!r}...)"
            )


def read_together(backend: Backend, parts: Mapping[str, Part]) -> dict[str, list[dict]]:
    """Run every part in one query; {part name: its rows as dicts}, in each part's order."""
    names = list(parts)
    if not names:
        return {}
    arms, params = [], {}
    for number, name in enumerate(names):
        part = parts[name]
        prefix = f"p{number}_"
        cypher = _PARAMETER.sub(rf"${prefix}\1", part.cypher)
        params.update({prefix + k: v for k, v in part.params.items()})
        arms.append(
            f"CALL {{ {cypher}\n}} RETURN {number} AS part, "
            f"[{', '.join(f'`{column}`' for column in part.columns)}] AS row"
        )
    found: dict[str, list[dict]] = {name: [] for name in names}
    # The parts had a limit each when they ran apart: together they share theirs, so a
    # page's worst case stays what it was (on Neo4j the first run of a query also plans
    # it, and planning a page's parts takes about as long together as apart).
    limit_ms = backend.query_timeout_ms * len(names)
    rows = backend.run_read(" UNION ALL ".join(arms), params, timeout_ms=limit_ms, max_rows=0).rows
    for number, row in rows:
        name = names[number]
        found[name].append(dict(zip(parts[name].columns, row)))
    return found


@dataclass(frozen=True)
class Planned(Generic[T]):
    """What a function reads, as parts, and how it makes its answer of their rows: so a
    page can read what several functions need in one trip (`read_planned`)."""

    parts: Mapping[str, Part]
    finish: Callable[[dict[str, list[dict]]], T]

    def run(self, backend: Backend) -> T:
        return self.finish(read_together(backend, self.parts))


def read_planned(backend: Backend, plans: Mapping[str, Planned[Any]]) -> dict[str, Any]:
    """Every plan's parts in one query; {plan name: its answer}."""
    parts = {
        f"{name}/{part}": found
        for name, plan in plans.items()
        for part, found in plan.parts.items()
    }
    rows = read_together(backend, parts)
    return {
        name: plan.finish({part: rows[f"{name}/{part}"] for part in plan.parts})
        for name, plan in plans.items()
    }
