"""The console for analysts: syntax errors located in plain words, a JSON API a script can
call without a session, permalinks that name the view, and the schema beside the editor."""

from __future__ import annotations

import pytest

from tests.webapp.conftest import csrf_from


@pytest.mark.parametrize(
    "query,line,column",
    [("MATCH (n RETURN n", 1, 10), ("MATCH (n) RETURN n.name AS", 1, 27)],
)
def test_a_syntax_error_says_where_in_plain_words(client, query, line, column):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    answer = client.post("/console.json", data={"query": query, "csrf_token": token})
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "syntax_error"
    assert error["position"] == {"line": line, "column": column}  # as written, on both engines
    assert error["message"].startswith(f"The query cannot be read at line {line}, column {column}")
    assert "errMsg" not in error["message"] and "EXPLAIN" not in error["message"]


def test_a_syntax_error_on_a_later_line_is_on_that_line(client):
    answer = client.get("/console.json?query=MATCH+(n)%0ARETRUN+n")
    error = answer.get_json()["error"]
    assert error["position"]["line"] == 2 and "RUN n" in error["message"]


def test_the_form_keeps_the_query_when_it_cannot_be_read(client):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    page = client.post("/console", data={"query": "MATCH (n RETURN n", "csrf_token": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "MATCH (n RETURN n</textarea>" in html and "line 1, column 10" in html


def test_a_script_posts_json_without_a_session_or_token(app):
    script = app.test_client(use_cookies=False)
    answer = script.post(
        "/console.json",
        json={
            "query": "MATCH (s:Show {key: $key}) RETURN s.title AS title",
            "params": {"key": "the-bureau"},
        },
    )
    assert answer.status_code == 200
    assert answer.get_json()["results"]["rows"] == [["The Bureau"]]
    # A form post still needs its token; a JSON write is still refused as a write.
    assert script.post("/console.json", data={"query": "RETURN 1"}).status_code == 400
    write = script.post("/console.json", json={"query": "CREATE (:Show {key: 'x'})"})
    assert write.status_code == 403
    bad = script.post("/console.json", json={"query": "RETURN 1", "params": [1]})
    assert bad.status_code == 400 and "JSON object" in bad.get_json()["error"]["message"]


def test_the_json_api_is_documented_for_scripts(client):
    post = client.get("/openapi.json").get_json()["paths"]["/console.json"]["post"]
    assert "application/json" in post["requestBody"]["content"]
    assert "no session" in post["requestBody"]["description"]


def test_a_permalink_names_its_view_and_refuses_an_unknown_one(client):
    page = client.get("/console?query=RETURN+1+AS+one&view=Graph").get_data(as_text=True)
    assert 'data-view="Graph"' in page and 'class="console-outcome"' in page
    wrong = client.get("/console.json?query=RETURN+1&view=Chart")
    assert (
        wrong.status_code == 400
        and "'view' must be one of Table, Graph, JSON" in wrong.get_json()["error"]["message"]
    )


def test_the_schema_sidebar_lists_property_keys(client):
    html = client.get("/console").get_data(as_text=True)
    assert (
        "Property keys" in html and "<code>title</code>" in html and "<code>ACTED_IN</code>" in html
    )
