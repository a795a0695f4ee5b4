"""What analysts' own queries may do: refused with a reason, on both backends."""

import time

import pytest

from screengraph.graph.adhoc_plans import falkor_plan
from screengraph.graph.errors import BadParameter, QueryError, QueryRefused
from screengraph.graph.schema import FULLTEXT_INDEX
from tests.queries.conftest import load_seed


@pytest.mark.parametrize("name", ["a=1 CREATE (n:X) RETURN 1 //", "k`x", "", "1a", "a b"])
def test_parameter_names_must_be_identifiers(backend, name):
    # FalkorDB takes parameters as a `CYPHER name=value` prefix: a raw name would be query text.
    with pytest.raises(QueryRefused, match="parameter name"):
        backend.run_adhoc("RETURN 1 AS one", {name: 1})
    assert backend.run_read("MATCH (n:X) RETURN count(n)").value() == 0


def test_an_ordinary_query_runs(backend):
    assert backend.run_adhoc("RETURN $the_value AS v", {"the_value": 7}).value() == 7


# Defect 19: on Neo4j a read transaction still administers the server.
NEO4J_ADMINISTRATION = [
    ("SHOW USERS", "administration commands"),
    ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    ("SHOW SETTINGS", "SHOW SETTINGS"),
    ("show procedures yield name return name", "SHOW PROCEDURES"),
    ("SHOW DATABASES", "administration commands"),
    ("CALL dbms.listConfig()", "CALL dbms.listConfig"),
    ("CALL dbms.listConnections()", "CALL dbms.listConnections"),
    ("CALL db.clearQueryCaches()", "CALL db.clearQueryCaches"),
    ("CALL dbms.components() YIELD edition RETURN edition", "CALL dbms.components"),
    ("CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN count(n)", "IN TRANSACTIONS"),
]

# Their nearest equivalents on FalkorDB: the procedures beyond analysts' needs.
FALKORDB_BEYOND_NEEDS = [
    ("CALL dbms.procedures()", "CALL dbms.procedures"),
    ("CALL dbms.functions() YIELD name RETURN name", "CALL dbms.functions"),
    (
        "MATCH (a), (b) CALL algo.SPpaths({sourceNode: a, targetNode: b, relTypes: ['X']}) "
        "YIELD path RETURN path",
        "ignores its time limit",
    ),
    (
        "MATCH (a) CALL algo.SSpaths({sourceNode: a, relTypes: ['X']}) YIELD path RETURN path",
        "ignores its time limit",
    ),
    ("CALL algo.betweenness({}) YIELD node, score RETURN node, score", "every pair"),
    ("CALL db.idx.fulltext.drop('Show')", "CALL db.idx.fulltext.drop"),
]


def _refused(backend, query, reason, params=None):
    with pytest.raises(QueryRefused) as refusal:
        backend.run_adhoc(query, params)
    assert reason in str(refusal.value)
    return str(refusal.value)


@pytest.mark.parametrize("query,reason", NEO4J_ADMINISTRATION)
def test_administration_is_refused_on_neo4j(neo4j, query, reason):
    _refused(neo4j, query, reason)


@pytest.mark.parametrize("query,reason", FALKORDB_BEYOND_NEEDS)
def test_procedures_beyond_analysts_needs_are_refused_on_falkordb(embedded, query, reason):
    message = _refused(embedded, query, reason)
    assert "db.labels" in message  # says what may be called instead


def test_a_refused_procedure_is_named_however_it_is_spelled(embedded):
    for query in (
        "call DBMS.PROCEDURES()",
        "CALL `dbms.procedures`()",
        "CALL dbms /* x */ . `procedures` () YIELD name RETURN name",
        "CALL { CALL dbms.procedures() YIELD name RETURN name } RETURN name",
    ):
        _refused(embedded, query, "is refused")


def test_procedure_calls_the_text_does_not_show_are_refused_by_the_plan_count(embedded):
    # FalkorDB's plan names no procedure: names come from the text, and the number of
    # calls must match the plan's. A text the lexer misreads (simulated here by pairing
    # the engine's real plan of two calls with a text of one) is refused.
    two_calls = "CALL db.labels() YIELD label CALL dbms.procedures() YIELD name RETURN label, name"
    reply = embedded._call(
        lambda g: g.client.execute_command("GRAPH.EXPLAIN", embedded.graph_name, two_calls)
    )
    assert len(falkor_plan(reply, two_calls, "FalkorDB").procedures) == 2
    with pytest.raises(QueryRefused, match="2 procedure call"):
        falkor_plan(reply, "CALL db.labels() YIELD label RETURN label, '' AS name", "FalkorDB")


# Defect 4: LOAD CSV makes the server fetch URLs and read files.
LOAD_CSV_DISGUISES = [
    "LOAD CSV FROM 'https://127.0.0.1:8102/' AS r RETURN count(r)",
    "load csv from 'file:///etc/passwd' as r return r",
    "lOaD /* no */ CsV\nWITH HEADERS FROM 'https://' + 'x' + '.example/' AS r RETURN r",
    "// LOAD CSV is not here\nWITH 'https://127.0.0.1:' + toString(8102) AS u LOAD CSV FROM u AS r RETURN r",
    "MATCH (n) WITH 'https://' + n.key + '.example/' AS u LOAD CSV FROM u AS `r` RETURN count(`r`)",
    "CALL { LOAD CSV FROM 'https://127.0.0.1:8102/' AS r RETURN r } RETURN count(*)",
    "UNWIND [1] AS x CALL { WITH x LOAD CSV FROM 'https://127.0.0.1:8102/' AS r RETURN r } RETURN r",
]


@pytest.mark.parametrize("query", LOAD_CSV_DISGUISES)
def test_load_csv_is_refused_however_disguised(backend, query):
    assert "screengraph load" in _refused(backend, query, "LOAD CSV")


def test_load_csv_from_a_parameter_is_refused(backend):
    _refused(
        backend, "LOAD CSV FROM $url AS r RETURN r", "LOAD CSV", {"url": "https://127.0.0.1:8102/"}
    )


def test_load_csv_is_refused_quickly(backend):
    # It used to run 30 s against a 2 s limit: now it is refused before it runs.
    started = time.perf_counter()
    _refused(backend, "LOAD CSV FROM 'https://10.255.255.1:8102/' AS r RETURN count(r)", "LOAD CSV")
    assert time.perf_counter() - started < 1.0


# What analysts need still runs.
def test_schema_procedures_and_full_text_search_still_work(backend):
    load_seed(backend)
    labels = backend.run_adhoc("CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert "Show" in [row[0] for row in labels.rows]
    assert backend.run_adhoc("CALL db.relationshipTypes()").rows
    assert backend.run_adhoc("CALL db.propertyKeys()").rows
    if backend.dialect == "neo4j":
        found = backend.run_adhoc(
            "CALL db.index.fulltext.queryNodes($index, 'bureau') YIELD node RETURN node.title",
            {"index": FULLTEXT_INDEX},
        )
        assert backend.run_adhoc("SHOW INDEXES YIELD name RETURN name").rows
    else:
        found = backend.run_adhoc(
            "CALL db.idx.fulltext.queryNodes('Show', 'bureau') YIELD node RETURN node.title"
        )
        assert backend.run_adhoc("CALL db.indexes()").rows
        assert backend.run_adhoc(
            "MATCH (s:Show) WITH s LIMIT 1 CALL algo.BFS(s, 2, null) YIELD nodes RETURN size(nodes)"
        ).rows
    assert "The Bureau" in [row[0] for row in found.rows]


ANALYST_CORPUS = [
    "MATCH (s:Show) RETURN s.title ORDER BY s.title LIMIT 5",
    "MATCH (p:Person)-[r]->(s:Show) RETURN p.name AS person, type(r) AS role, s.title AS show "
    "ORDER BY show, person LIMIT 25",
    "MATCH (s:Show) OPTIONAL MATCH (s)<-[r]-(p:Person) WITH s, count(p) AS people "
    "RETURN s.title, people ORDER BY people DESC, s.title LIMIT 10",
    "UNWIND range(1, 10) AS x WITH x WHERE x % 2 = 0 RETURN collect(x) AS evens, sum(x) AS total",
    "MATCH (s:Show) RETURN [t IN split(s.title, ' ') | toUpper(t)] AS words, size(s.title) AS n, "
    "CASE WHEN s.year < 2000 THEN 'old' ELSE 'recent' END AS era LIMIT 3",
    "MATCH (s:Show) WHERE s.title STARTS WITH 'The' AND NOT s.title CONTAINS 'x' "
    "RETURN DISTINCT labels(s)[0] AS label, keys(s) AS ks, coalesce(s.year, 0) AS y LIMIT 3",
    "MATCH (s:Show)-[:IN_GENRE]->(g:Genre) RETURN g.name, count(*) AS shows, avg(s.year) AS year, "
    "min(s.year), max(s.year) ORDER BY shows DESC",
    "MATCH (a:Person)-[*1..2]-(b) WITH a, count(DISTINCT b) AS near RETURN a.name, near "
    "ORDER BY near DESC LIMIT 3",
    "WITH {a: 1, b: [1, 2]} AS m RETURN m.a, m.b[1], [x IN m.b WHERE x > 1 | x * 2] AS s, "
    "all(x IN m.b WHERE x > 0) AS positive",
    "MATCH p = (:Show)-[*1..2]-() RETURN [n IN nodes(p) | labels(n)[0]] AS kinds, "
    "any(r IN relationships(p) WHERE type(r) = 'IN_GENRE') AS genred LIMIT 3",
    "MATCH (s:Show) WITH collect(s.title) AS titles RETURN [t IN titles WHERE t <> ''][..3]",
    "MATCH (s:Show) WHERE s.key IN $keys RETURN s.title",
    "MATCH (s:Show) RETURN s.title, size([(s)<--(p:Person) | p]) AS people LIMIT 3",
    "MATCH (p:Person) WHERE (p)-->(:Show) RETURN count(p)",
    # Names inside strings and comments are not calls.
    'RETURN \'CALL dbms.procedures() or LOAD CSV\' AS s, "x\\"CALL y.z()" AS t '
    "// CALL algo.SPpaths()\n/* file() */",
]
NEO4J_CORPUS = [
    "MATCH p = shortestPath((a:Person {key: $a})-[*..6]-(b:Person {key: $b})) RETURN p",
    "MATCH (s:Show) RETURN s.title, COUNT { (s)<--() } AS degree, "
    "EXISTS { (s)-[:IN_GENRE]->() } AS genred LIMIT 3",
    "MATCH (s:Show) WHERE s.title =~ '(?i)the.*' RETURN s.title, date.truncate('day', date()) AS d",
]


@pytest.mark.parametrize("query", ANALYST_CORPUS + NEO4J_CORPUS)
def test_ordinary_analyst_queries_still_run(backend, query):
    if query in NEO4J_CORPUS and backend.dialect != "neo4j":
        pytest.skip("Neo4j-only syntax (docs/cypher-dialects.md)")
    load_seed(backend)
    keys = [row[0] for row in backend.run_read("MATCH (p:Person) RETURN p.key LIMIT 2").rows]
    params = {"keys": keys, "a": keys[0], "b": keys[-1]}
    used = {name: value for name, value in params.items() if f"${name}" in query}
    backend.run_adhoc(query, used)


@pytest.mark.parametrize(
    "dialect,query,function",
    [
        ("falkordb", "RETURN intern('x') AS s", "intern"),  # keeps strings for the server's life
        ("neo4j", "RETURN file() AS f", "file"),  # LOAD CSV's
        ("neo4j", "RETURN linenumber() AS n", "linenumber"),  # LOAD CSV's
    ],
)
def test_functions_beyond_what_analysts_need_are_refused(backend, dialect, query, function):
    if backend.dialect != dialect:
        pytest.skip(f"{function}() is {dialect}'s")
    _refused(backend, query, f"{function}() is refused")


# Defect 13: parameter values the engine cannot take, and results too deep to convert.
def _nested(depth, make):
    value = 1
    for _ in range(depth):
        value = make(value)
    return value


HOSTILE_VALUES = [
    (["\ud800"], "lone surrogate"),
    ({"k": "a\udfffb"}, "lone surrogate"),
    (_nested(3000, lambda v: [v]), "nests"),
    (_nested(3000, lambda v: {"k": v}), "nests"),
    (2**70, "64 bits"),
    ("x" * 1_200_000, "larger than"),
    ([{"k": "y" * 1000}] * 2000, "larger than"),
]


@pytest.mark.parametrize(
    "value,reason",
    HOSTILE_VALUES,
    ids=[
        "surrogate",
        "surrogate-in-map",
        "deep-list",
        "deep-map",
        "huge-int",
        "huge-text",
        "huge-list",
    ],
)
def test_parameter_values_the_engines_cannot_take_are_refused_clearly(backend, value, reason):
    with pytest.raises(BadParameter, match=reason):
        backend.run_adhoc("RETURN $v AS v", {"v": value})
    assert backend.run_adhoc("RETURN 1 AS one").value() == 1  # the connection is fine


@pytest.mark.parametrize("key", ["k`x", ""])
def test_map_keys_falkordb_cannot_take_are_refused_clearly(backend, key):
    if backend.dialect == "neo4j":
        assert backend.run_adhoc("RETURN $v AS v", {"v": {key: 1}}).value() == {key: 1}
        return
    with pytest.raises(BadParameter, match="map key"):
        backend.run_adhoc("RETURN $v AS v", {"v": {key: 1}})


@pytest.mark.parametrize("depth", [101, 500, 3000])
def test_results_too_deep_to_convert_are_a_query_error(embedded, depth):
    # Neo4j refuses reduce() in an analyst's query (graph/adhoc_loops.py): the test below.
    with pytest.raises(QueryError, match="nested more than 100 levels"):
        embedded.run_adhoc(f"RETURN reduce(acc = [], i IN range(1, {depth}) | [acc]) AS v")
    shallow = embedded.run_adhoc("RETURN reduce(acc = [], i IN range(1, 99) | [acc]) AS v").value()
    assert _depth(shallow) == 100  # lists, the innermost empty: right at the limit


def test_results_too_deep_to_convert_are_a_query_error_on_neo4j(neo4j):
    with pytest.raises(QueryError, match="nested more than 100 levels"):
        # Text nested past 100 levels is refused before it runs; collect() adds one.
        neo4j.run_adhoc("WITH " + "[" * 100 + "]" * 100 + " AS v RETURN collect(v) AS v")
    assert _depth(neo4j.run_adhoc("RETURN " + "[" * 100 + "]" * 100 + " AS v").value()) == 100


def _depth(value):
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    return depth + 1 if value == [] else depth


def test_neo4j_itself_refuses_file_urls_in_load_csv(neo4j):
    """Beneath the policy: scripts/neo4j-local turns file URLs off in the server's own config."""
    with pytest.raises(QueryError, match="allow_csv_import_from_file_urls"):
        neo4j.run_read("LOAD CSV FROM 'file:///rows.csv' AS row RETURN count(row)")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("a\x00b", "NUL character"),
        (float("inf"), "not a number the database stores"),
        ({"k": [float("-inf")]}, "finite number"),
    ],
)
def test_values_one_engine_cannot_parse_are_refused_alike_on_both(backend, value, reason):
    # FalkorDB answered these with its raw "Failed to parse query parameter" message.
    with pytest.raises(BadParameter, match=reason):
        backend.run_adhoc("RETURN $v AS v", {"v": value})


@pytest.mark.parametrize("depth", [20, 300])
def test_text_nested_deeper_than_the_parser_copes_with_is_refused_before_it_runs(backend, depth):
    """Neo4j's parser overflows its stack near 300 levels and never answers (the console
    waited 240 s); FalkorDB's takes time exponential in the depth (past the limit at 20)."""
    limit = {"embedded": 16, "neo4j": 100}[backend.name]
    query = "RETURN " + "[" * depth + "1" + "]" * depth + " AS deep"
    if depth <= limit:
        assert backend.run_adhoc(query, {}).rows
        return
    with pytest.raises(QueryRefused, match=f"nests brackets {depth} levels deep"):
        backend.run_adhoc(query, {})
    assert backend.run_adhoc("RETURN 1 AS one", {}).rows == [[1]]


def test_brackets_in_strings_and_comments_do_not_count(backend):
    deep_text = "[" * 400
    rows = backend.run_adhoc(f"RETURN '{deep_text}' AS text // {deep_text}\n", {}).rows
    assert rows == [[deep_text]]
