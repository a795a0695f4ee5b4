"""The console refuses what analysts may not do with 403 and the reason, and parameter
values or results the engines cannot take with 400, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.webapp.conftest import csrf_from


def _console(client, query, params=""):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    return client.post(
        "/console.json", data={"query": query, "params": params, "csrf_token": token}
    )


@pytest.mark.parametrize(
    "query,reason",
    [
        ("LOAD CSV FROM 'https://127.0.0.1:8102/' AS r RETURN count(r)", "LOAD CSV"),
        ("lOaD /* x */ CsV FROM 'https://' + 'x.example/' AS r RETURN r", "LOAD CSV"),
        (
            "CALL db.labels() YIELD label CALL dbms.procedures() YIELD name RETURN name",
            "dbms.procedures",
        ),
    ],
)
def test_a_refused_query_is_a_403_with_the_reason(client, backend, query, reason):
    if "dbms.procedures" in query and backend.dialect == "neo4j":
        query = "CALL db.labels() YIELD label CALL dbms.listConfig() YIELD name RETURN name"
        reason = "dbms.listConfig"
    response = _console(client, query)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "query_refused" and reason in error["message"]


def test_server_administration_is_a_403_on_neo4j(client, backend):
    if backend.dialect != "neo4j":
        pytest.skip("Neo4j's administration commands")
    for query in (
        "SHOW TRANSACTIONS",
        "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
        "SHOW USERS",
        "CALL dbms.listConnections()",
    ):
        response = _console(client, query)
        assert response.status_code == 403, query
        assert response.get_json()["error"]["code"] == "query_refused"


@pytest.mark.parametrize(
    "params",
    [
        '{"v": ["\\ud800"]}',
        json.dumps({"v": json.loads("[" * 200 + "1" + "]" * 200)}),
        '{"v": 100000000000000000000000}',
    ],
)
def test_parameter_values_no_engine_takes_are_a_400(client, params):
    response = _console(client, "RETURN $v AS v", params)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query_error"
    assert "$v" in response.get_json()["error"]["message"]


def test_a_result_too_deep_to_show_is_a_400(client, backend):
    query = "RETURN reduce(acc = [], i IN range(1, 500) | [acc]) AS v"
    if backend.dialect == "neo4j":  # refuses reduce() (graph/adhoc_loops.py)
        # and text nested past 100 levels (graph/adhoc_policy.py): collect() adds one
        query = "WITH " + "[" * 100 + "]" * 100 + " AS v RETURN collect(v) AS v"
    response = _console(client, query)
    assert response.status_code == 400
    assert "nested more than 100 levels" in response.get_json()["error"]["message"]


def test_schema_procedures_still_answer_in_the_console(client):
    response = _console(client, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert response.status_code == 200
    assert "Show" in [row[0] for row in response.get_json()["results"]["rows"]]


def test_a_map_key_the_embedded_store_cannot_take_is_a_400(client, backend):
    response = _console(client, "RETURN $v AS v", '{"v": {"k`x": 1}}')
    if backend.dialect == "neo4j":
        assert response.get_json()["results"]["rows"] == [[{"k`x": 1}]]
        return
    assert response.status_code == 400 and "map key" in response.get_json()["error"]["message"]
