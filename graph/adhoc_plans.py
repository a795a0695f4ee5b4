"""Each engine's plan of an ad-hoc query, read into one `AdhocPlan` for the policy.

Neo4j (`EXPLAIN`, from the driver's summary): the query type is the server's own
("r", "w", "rw", "s"); every operator's details print its expressions, and a
ProcedureCall's details start with the procedure's name; the loops in those
expressions that Neo4j cannot stop are read there too (graph/adhoc_loops.py).

FalkorDB (`GRAPH.EXPLAIN`): one line per operator, indented, "Name | details"; index
commands answer with a plain string instead. The plan shows a bare `ProcedureCall`
and no expressions, so procedure and function names are read from the query text
(graph/cypher_names.py) and the number of procedure calls must match the plan's:
a call the lexer misread would show as a difference, and the query is refused.
"""

from __future__ import annotations

from typing import Any

from screengraph.graph.adhoc_loops import unstoppable
from screengraph.graph.adhoc_policy import AdhocPlan, operator_key
from screengraph.graph.cypher_names import called_names
from screengraph.graph.errors import QueryRefused

_NEO4J_TYPES = {"r": "read", "w": "write", "rw": "write", "s": "schema"}
_COMMANDS = ("show", "terminate")
_FALKOR_WRITES = frozenset({"create", "merge", "mergecreate", "delete", "update"})


def neo4j_plan(query_type: Any, plan: Any, engine: str) -> AdhocPlan:
    """From `ResultSummary.query_type` and `ResultSummary.plan` (nested dicts)."""
    operators: list[str] = []
    procedures: list[str] = []
    functions: list[str] = []
    reasons: list[str] = []
    pending = [plan] if plan else []
    while pending:
        step = pending.pop()
        name = operator_key(step.get("operatorType", ""))
        details = str((step.get("args") or {}).get("Details") or "")
        operators.append(name)
        if name == "procedurecall" and "(" in details:
            procedure, details = details.split("(", 1)
            procedures.append(procedure.strip())
        if name.startswith(_COMMANDS):
            details = ""  # "allIndexes, columns(name)": what a SHOW command lists
        functions.extend(called_names(details, labels_may_precede_parens=True).functions)
        reasons.extend(unstoppable(details))
        pending.extend(step.get("children") or [])
    kind = getattr(query_type, "value", query_type)
    return AdhocPlan(
        _NEO4J_TYPES.get(str(kind), "schema"),
        tuple(operators),
        tuple(procedures),
        tuple(functions),
        engine,
        tuple(dict.fromkeys(reasons)),
    )


def falkor_plan(reply: Any, cypher: str, engine: str) -> AdhocPlan:
    """From the `GRAPH.EXPLAIN` reply and the query text."""
    if isinstance(reply, (str, bytes)):
        return AdhocPlan("schema", (operator_key(_text(reply)),), (), (), engine)
    operators = [operator_key(_text(line).split("|", 1)[0]) for line in reply]
    names = called_names(cypher)
    calls = operators.count("procedurecall")
    if calls != len(names.procedures):
        raise QueryRefused(
            f"This query is refused: its plan has {calls} procedure call(s) but "
            f"{len(names.procedures)} could be read from its text "
            f"({', '.join(names.procedures) or 'none'}); write each as "
            "CALL namespace.name(...) outside strings and comments."
        )
    kind = "write" if _FALKOR_WRITES.intersection(operators) else "read"
    return AdhocPlan(kind, tuple(operators), names.procedures, names.functions, engine)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
