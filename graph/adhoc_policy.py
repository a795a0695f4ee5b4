"""What an analyst's own query may do, whichever surface sends it.

The console, `screengraph cypher` and the JSON API take Cypher from whoever types it;
`Backend.run_adhoc` vets it here before it runs. Canned queries are ours and skip this.

A read-only session is not enough: on Neo4j a read transaction still runs
`SHOW TRANSACTIONS`, `TERMINATE TRANSACTIONS`, `SHOW SETTINGS` and DBMS procedures,
and on both engines `LOAD CSV` makes the server fetch URLs. So each query is first
planned, not run (Neo4j `EXPLAIN`, FalkorDB `GRAPH.EXPLAIN`; each backend's
`adhoc_plan`), and the plan must be a read whose operators, procedures and functions
all appear in the tables below. The plan is what the engine will execute, so comments,
case, backticks and expressions built at run time (`LOAD CSV FROM 'https://' + x`)
cannot hide a clause from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screengraph.graph.errors import QueryRefused, ReadOnlyViolation
from screengraph.graph.param_values import check_values

if TYPE_CHECKING:
    from screengraph.graph.backend import Backend

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# An analyst's parameters, all together (typed into a form; loaders send more, but not here).
ADHOC_MAX_PARAMETER_CHARS = 1_000_000

# How deep a query's text may nest brackets ((), [], {}), by engine. Measured on a 2-core
# machine (Neo4j 5.26.30, FalkorDB in falkordblite 0.11): FalkorDB's parser takes time
# exponential in the depth (a list nested 14 / 16 / 18 levels: 0.08 / 0.5 / 1.6 s, 20
# levels past any time limit, the sandbox killed for it); Neo4j's parser overflows its stack
# near 300 levels and then never answers, holding the connection for minutes. Hand-written
# queries stay far below either.
MAX_NESTING = {"falkordb": 16, "neo4j": 100}
_ENGINES = {"falkordb": "the embedded store (FalkorDB)", "neo4j": "Neo4j"}
_SKIPPED = re.compile(
    r"'(?:[^'\\]|\\.)*'?|\"(?:[^\"\\]|\\.)*\"?|`[^`]*`?|//[^\n]*|/\*.*?(?:\*/|$)", re.DOTALL
)


@dataclass(frozen=True)
class AdhocPlan:
    """What the engine would do with a query, read from its plan (nothing runs).

    query_type: "read", "write" or "schema" (index and DBMS changes);
    operators: plan operator names, normalised (lower case, no spaces: "loadcsv");
    procedures and functions: the names the query calls;
    engine: how error messages name the backend;
    unstoppable: why the engine could not stop some expression at the time limit
    (graph/adhoc_loops.py: Neo4j's loops over range(), nested loops).
    """

    query_type: str
    operators: tuple[str, ...]
    procedures: tuple[str, ...]
    functions: tuple[str, ...]
    engine: str
    unstoppable: tuple[str, ...] = ()


def operator_key(name: str) -> str:
    """ "Load CSV" (FalkorDB), "LoadCSV@neo4j" (Neo4j) -> "loadcsv"."""
    return name.split("@", 1)[0].replace(" ", "").lower()


@dataclass(frozen=True)
class Allowed:
    """A procedure analysts may call, on which dialects, and why it is safe."""

    name: str
    dialects: tuple[str, ...]
    why: str


BOTH = ("neo4j", "falkordb")

PROCEDURES = (
    Allowed("db.labels", BOTH, "the schema: reads token names"),
    Allowed("db.relationshipTypes", BOTH, "the schema: reads token names"),
    Allowed("db.propertyKeys", BOTH, "the schema: reads token names"),
    Allowed("db.indexes", ("falkordb",), "the schema (Neo4j: SHOW INDEXES)"),
    Allowed("db.constraints", ("falkordb",), "the schema (Neo4j: SHOW CONSTRAINTS)"),
    Allowed("db.meta.stats", ("falkordb",), "counts the engine keeps; no scan"),
    Allowed("db.schema.visualization", ("neo4j",), "the schema from the count store"),
    Allowed("db.index.fulltext.queryNodes", ("neo4j",), "full-text search, bounded by its index"),
    Allowed("db.index.fulltext.queryRelationships", ("neo4j",), "full-text search"),
    Allowed("db.idx.fulltext.queryNodes", ("falkordb",), "full-text search, bounded by its index"),
    Allowed("db.idx.fulltext.queryRelationships", ("falkordb",), "full-text search"),
    # FalkorDB's algorithms run to completion whatever the time limit, so only those
    # whose work is linear in the graph (a few passes over its edges) are let through.
    Allowed("algo.BFS", ("falkordb",), "one breadth-first pass from one node: linear"),
    Allowed("algo.WCC", ("falkordb",), "connected components: one pass over the edges"),
    Allowed("algo.pageRank", ("falkordb",), "a bounded number of passes over the edges"),
)

# Procedures refused with a reason worth more than "not on the list".
REFUSED_PROCEDURES = {
    "algo.sppaths": "it enumerates paths and ignores its time limit (it ran 11 s against "
    "100 ms on a 10x10 grid); use shortestPath() in a RETURN, or "
    "'screengraph path'",
    "algo.sspaths": "it enumerates every path from a node and ignores its time limit; use "
    "shortestPath() in a RETURN, or 'screengraph path'",
    "algo.betweenness": "it explores every pair of nodes and ignores its time limit",
    "algo.harmoniccentrality": "it explores every pair of nodes and ignores its time limit",
}

# Functions analysts may call: Cypher's built-ins on either engine (an engine rejects
# the other's own names as unknown). Left out: file() and linenumber() (LOAD CSV only),
# graph.byName()/graph.byElementId() (other databases), intern() (FalkorDB: keeps
# strings for the server's lifetime). Names compare without case, as the engines do.
FUNCTIONS = frozenset(
    name.lower()
    for name in """
    count collect sum avg min max percentileCont percentileDisc stDev stDevP
    all any none single exists isEmpty
    coalesce elementId id endNode startNode head last length properties size type
    timestamp toBoolean toBooleanOrNull toFloat toFloatOrNull toInteger toIntegerOrNull
    nullIf valueType randomUUID typeOf hasLabels indegree outdegree
    keys labels nodes relationships range reduce tail reverse
    toBooleanList toFloatList toIntegerList toStringList
    list.dedup list.insert list.insertListElements list.remove list.sort
    left right ltrim rtrim trim btrim lower upper toLower toUpper replace split substring
    toString toStringOrNull normalize char_length character_length
    string.join string.matchRegEx string.replaceRegEx toJSON
    abs ceil floor isNaN rand round sign e exp log log10 sqrt pow
    acos asin atan atan2 cos cot degrees haversin pi radians sin tan
    date date.realtime date.statement date.transaction date.truncate
    datetime datetime.fromepoch datetime.fromepochmillis datetime.realtime
    datetime.statement datetime.transaction datetime.truncate
    localdatetime localdatetime.realtime localdatetime.statement
    localdatetime.transaction localdatetime.truncate
    localtime localtime.realtime localtime.statement localtime.transaction localtime.truncate
    time time.realtime time.statement time.transaction time.truncate
    duration duration.between duration.inDays duration.inMonths duration.inSeconds
    point point.distance point.withinBBox distance
    vector.similarity.cosine vector.similarity.euclidean
    vecf32 vec.cosineDistance vec.euclideanDistance
    shortestPath allShortestPaths
    getDegree
""".split()
)
# getDegree: written by Neo4j's planner for COUNT { } and size() of a pattern; an
# analyst who types it gets "Unknown function".

# Plan operators refused, by what they do. Neo4j's commands (SHOW ..., TERMINATE ...)
# are refused unless listed in ALLOWED_COMMANDS, so a new SHOW command is refused too.
LOAD_CSV = "loadcsv"
REFUSED_OPERATORS = {
    LOAD_CSV: "LOAD CSV makes the database server read files and fetch URLs; load data "
    "with 'screengraph load' (or the web app's ingest page) instead",
    "transactionapply": "CALL { ... } IN TRANSACTIONS commits in batches outside the "
    "query's time limit; drop IN TRANSACTIONS",
    "transactionforeach": "CALL { ... } IN TRANSACTIONS commits in batches outside the "
    "query's time limit; drop IN TRANSACTIONS",
    "administrationcommand": "administration commands (users, roles, databases, servers) "
    "are for the database's administrator",
}
_COMMAND = re.compile(r"(show|terminate)(\w+)")
ALLOWED_COMMANDS = frozenset({"showindexes", "showconstraints"})


def vet_adhoc(backend: Backend, cypher: str, params: Mapping[str, Any] | None) -> None:
    """Raise QueryRefused (or ReadOnlyViolation for a write), saying why, when an ad-hoc
    query may not run; BadParameter for a parameter value no engine takes."""
    for name in params or {}:
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise QueryRefused(
                f"{name!r} cannot be a parameter name: use letters, digits and underscores, "
                "starting with a letter (then write $name in the query)."
            )
    check_values(params, ADHOC_MAX_PARAMETER_CHARS)
    check_nesting_text(cypher, backend.dialect)
    vet_plan(backend.adhoc_plan(cypher, params), backend.dialect)


def nesting_depth(cypher: str) -> int:
    """The deepest nesting of (), [] and {} in a query's text, outside string literals,
    backquoted names and comments."""
    deepest = depth = 0
    for piece in _SKIPPED.split(cypher):
        for char in piece:
            if char in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")]}":
                depth = max(0, depth - 1)
    return deepest


def check_nesting_text(cypher: str, dialect: str) -> None:
    """Refuse, before the engine parses it, a query nested deeper than its parser copes with."""
    limit = MAX_NESTING[dialect]
    depth = nesting_depth(cypher)
    if depth > limit:
        raise QueryRefused(
            f"This query nests brackets {depth} levels deep; {_ENGINES[dialect]} takes at most "
            f"{limit} here (its parser slows down or fails on deeper text). Build deep values "
            "in steps with WITH, or pass them as a parameter."
        )


def vet_plan(plan: AdhocPlan, dialect: str) -> None:
    for operator in plan.operators:
        reason = REFUSED_OPERATORS.get(operator)
        command = _COMMAND.fullmatch(operator)
        if reason is None and command and operator not in ALLOWED_COMMANDS:
            clause = f"{command.group(1)} {command.group(2)}".upper()
            reason = (
                f"{clause} administers the database server ({plan.engine}); ask its administrator"
            )
        if reason:
            raise QueryRefused(f"This query is refused: {reason}.")
    allowed = {p.name.lower(): p for p in PROCEDURES if dialect in p.dialects}
    for procedure in plan.procedures:
        if procedure.lower() in allowed:
            continue
        reason = REFUSED_PROCEDURES.get(
            procedure.lower(), "it is not one of the procedures analysts may call"
        )
        names = ", ".join(sorted(allowed[key].name for key in allowed))
        raise QueryRefused(
            f"CALL {procedure} is refused: {reason}. Procedures you may call here: {names}."
        )
    for function in plan.functions:
        if function.lower() not in FUNCTIONS:
            raise QueryRefused(
                f"{function}() is refused: analysts may call Cypher's built-in functions for "
                "reading values (graph/adhoc_policy.py lists them), and this is not one."
            )
    if plan.unstoppable:
        raise QueryRefused(
            f"This query is refused: {plan.engine} could not stop it at its time limit "
            f"({'; '.join(plan.unstoppable)}). It checks the limit between rows, not inside "
            "an expression: write UNWIND range(...) AS i (or UNWIND list AS x) and aggregate "
            "with sum(), collect() or count(), so that each step is a row."
        )
    if plan.query_type != "read":
        raise ReadOnlyViolation(plan.engine)
