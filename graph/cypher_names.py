"""The procedures and functions a piece of Cypher names, read by a lexer.

Used where an engine's plan does not name them itself: FalkorDB's `GRAPH.EXPLAIN`
shows a bare `ProcedureCall` and no expressions (so its query text is read, and the
count of calls checked against the plan), and Neo4j's plan shows expressions as
text in each operator's details. The lexer skips what the engines skip: strings
('...' and "..." with backslash escapes), comments (// and /* */), and it reads
backticked names (`db.labels`, db.`labels`) and dotted names split by spaces or
comments (`db /* x */ . labels`) as the engines do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$(?:\w+|`(?:[^`]|``)*`))
  | (?P<number>\d[\w.]*)
  | (?P<word>[^\W\d]\w*)
  | (?P<symbol>.)
""",
    re.VERBOSE | re.DOTALL,
)

# Words that can stand before "(" without being a call (all(), any(), count() and
# exists() are calls, so they are not here).
KEYWORDS = frozenset(
    """
    and as asc ascending by call case constraint contains create csv
    delete desc descending detach distinct else end ends fieldterminator for
    foreach from headers if in index is key limit load match merge node not null on
    optional options or order remove require return set show skip starts terminate then
    union unique unwind use when where with xor yield
""".split()
)


@dataclass(frozen=True)
class Token:
    kind: str  # "name" (plain or backticked), "symbol", or "other"
    text: str
    quoted: bool = False
    spaced: bool = False  # whitespace or a comment comes right before it


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    spaced = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            spaced = True
            continue
        value = match.group()
        if kind == "word":
            tokens.append(Token("name", value, spaced=spaced))
        elif kind == "quoted":
            tokens.append(Token("name", value[1:-1].replace("``", "`"), quoted=True, spaced=spaced))
        else:
            tokens.append(Token("symbol" if kind == "symbol" else "other", value, spaced=spaced))
        spaced = False
    return tokens


@dataclass(frozen=True)
class Names:
    """What a text calls: procedure names after CALL, function names before "("."""

    procedures: tuple[str, ...]
    functions: tuple[str, ...]


def called_names(text: str, *, labels_may_precede_parens: bool = False) -> Names:
    """Procedures and functions named in `text`.

    `labels_may_precede_parens`: in Neo4j's plan details an index reads `n:Show(key)`,
    so a name right after ":" is a label there, not a call (a map entry is printed
    `{a: size(x)}`, with a space).
    """
    tokens = _tokens(text)
    procedures: list[str] = []
    functions: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind != "name":
            i += 1
            continue
        start = i
        parts = [token.text]
        while (
            i + 2 < len(tokens)
            and tokens[i + 1].text == "."
            and tokens[i + 1].kind == "symbol"
            and tokens[i + 2].kind == "name"
        ):
            parts.append(tokens[i + 2].text)
            i += 2
        name = ".".join(parts)
        before = tokens[start - 1] if start else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        i += 1
        if before is not None and before.kind == "symbol" and before.text in ".$":
            continue
        if (
            before is not None
            and before.kind == "name"
            and not before.quoted
            and before.text.lower() == "call"
        ):
            procedures.append(name)
            continue
        if after is None or after.kind != "symbol" or after.text != "(":
            continue
        if len(parts) == 1 and not token.quoted and name.lower() in KEYWORDS:
            continue
        if (
            labels_may_precede_parens
            and before is not None
            and before.text == ":"
            and not token.spaced
        ):
            continue
        functions.append(name)
    return Names(tuple(procedures), tuple(functions))
