"""Loops inside one expression that Neo4j cannot stop, read from its plan.

Neo4j 5.26 checks a transaction's time limit, and its termination by
`TERMINATE TRANSACTIONS`, between rows only: reduce(), list comprehensions and
all()/any()/none()/single() iterate with no check (the interpreted runtime's
ReduceFunction, ExtractFunction and FilterFunction), and what they build is not
counted against db.memory.transaction.max. Measured on Community 5.26 with a 1 s
limit, until the transaction left SHOW TRANSACTIONS (terminating it at 1.3 s changed
nothing; benchmarks/runaway.py):

    UNWIND range(1, 20000) AS x RETURN size(reduce(s = '', i IN range(1, 20000) | s + 'abcdefgh'))  15-20 s
    RETURN reduce(a = 0, i IN range(1, 1000000000) | a + i)                                         37-96 s
    UNWIND range(1, 1000) AS x RETURN sum(size([i IN range(1, 3000000) WHERE i % 7 = 0]))           17-72 s
    UNWIND range(1, 200000) AS i WITH collect('abcdefgh') AS l RETURN size(reduce(s = '', x IN l | s + x))  28 s
    UNWIND range(1, 100000) AS i WITH collect(i) AS l RETURN size(reduce(a = [], x IN l | a + x))  over 120 s
    RETURN size([i IN range(1, 300000000) WHERE i % 7 = 0 | i * 2])     the server exited (heap)

A loop's work is bounded by its list when the list is something the server built
under its checks (a path's nodes, a property, a collected list, a parameter) and each
step's work is bounded: `[x IN collected WHERE x % 7 = 0]` over 3 million stopped at
1.05 s. Three shapes are not bounded that way, and an analyst's query may not use
them on Neo4j:
- reduce(): it carries a value from step to step, and a growing one (a string, a
  list) makes its work quadratic in the list's length;
- a loop over range(): range() is lazy, so a list of a billion numbers costs nothing
  to make and the loop runs to its end;
- a loop in the body of another loop: the work multiplies (and so does the memory
  of nested comprehensions, uncounted).
Each has a form the server checks at every row: `UNWIND range(...) AS i` or
`UNWIND list AS x`, then an aggregation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Text that cannot hold a loop: backticked names (the plan repeats each column's
# original text as its backticked alias) and string literals.
_OPAQUE = re.compile(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_LOOP_START = re.compile(
    r"\b(reduce)\s*\(|\b(all|any|none|single)\s*\((?=\s*\w+\s+IN\s)|(\[)(?=\s*\w+\s+IN\s)",
    re.IGNORECASE,
)
_IN = re.compile(r"\sIN\s", re.IGNORECASE)
_WHERE = re.compile(r"\sWHERE\s", re.IGNORECASE)
_RANGE = re.compile(r"range\s*\(", re.IGNORECASE)
_OPENERS, _CLOSERS = "([{", ")]}"
REDUCE = "reduce()"


@dataclass(frozen=True)
class Loop:
    """One loop in an expression: what it is, the list it runs over, and where its
    body lies in the text (offsets)."""

    kind: str
    source: str
    body_start: int
    end: int


def loops(expression: str) -> list[Loop]:
    """The loops of an expression as Neo4j prints it in a plan's details."""
    text = _OPAQUE.sub(lambda m: "q" * len(m.group()), expression)
    found = []
    for start in _LOOP_START.finditer(text):
        kind = (
            REDUCE
            if start.group(1)
            else f"{start.group(2).lower()}()"
            if start.group(2)
            else "a list comprehension"
        )
        loop = _read_loop(text, start.end(), kind, skip_to_comma=bool(start.group(1)))
        if loop is not None:
            found.append(loop)
    return found


def _read_loop(text: str, position: int, kind: str, skip_to_comma: bool) -> Loop | None:
    """From just inside the loop's bracket: `acc = init,` (reduce only), `x IN list`,
    then `WHERE`/`|` and the body, to the matching bracket."""
    depth, source_start, source_end = 1, None, None
    i = position
    while i < len(text) and depth:
        char = text[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
            if not depth and source_start is not None and source_end is None:
                source_end = i
        elif depth == 1:
            if skip_to_comma and char == ",":
                skip_to_comma = False
            elif not skip_to_comma and source_start is None and _IN.match(text, i):
                source_start = i + 4
            elif (
                source_start is not None
                and source_end is None
                and (char == "|" or _WHERE.match(text, i))
            ):
                source_end = i
        i += 1
    if source_start is None or source_end is None:
        return None
    return Loop(kind, text[source_start:source_end].strip(), source_end, i)


def unstoppable(expression: str) -> list[str]:
    """Why Neo4j could not stop this expression's loops at a time limit (none: it can)."""
    found = loops(expression)
    reasons = []
    if any(loop.kind == REDUCE for loop in found):
        reasons.append(
            f"{REDUCE} carries a value from step to step, and a growing one makes "
            "its work quadratic"
        )
    reasons += [
        f"{loop.kind} over range() runs over a lazy list, whose length costs nothing"
        for loop in found
        if _RANGE.match(loop.source)
    ]
    for inner in found:
        outer = next(
            (
                loop
                for loop in found
                if loop is not inner and loop.body_start <= inner.body_start < loop.end
            ),
            None,
        )
        if outer is not None:
            reasons.append(f"{inner.kind} inside the body of {outer.kind} multiplies the work")
    return reasons
