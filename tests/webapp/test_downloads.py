"""Downloads of an entity's neighbourhood and of a console query's results, in every format."""

from __future__ import annotations

import io
import json
import zipfile

import networkx as nx

from screengraph.webapp import limits
from tests.webapp.conftest import csrf_from


def _jsonl(body: bytes) -> list[dict]:
    return [json.loads(line) for line in body.decode("utf-8").splitlines()]


def test_entity_page_offers_its_neighbourhood_in_every_format(client):
    page = client.get("/show/the-bureau").get_data(as_text=True)
    for fmt in ("jsonl", "graphml", "csv"):
        assert f'href="/show/the-bureau/export.{fmt}"' in page
    response = client.get("/show/the-bureau/export.jsonl")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="the-bureau.jsonl"'
    lines = _jsonl(response.data)
    assert lines[0]["format"] == "screengraph-graph" and lines[-1]["type"] == "end"
    keys = {(x["labels"][0], x["properties"]["key"]) for x in lines if x["type"] == "node"}
    graph = client.get("/show/the-bureau/graph.json").get_json()
    assert keys == {(n["label"], n["key"]) for n in graph["nodes"]}
    relationships = [x for x in lines if x["type"] == "relationship"]
    assert relationships and all(
        (x["start"]["label"], x["start"]["key"]) in keys
        and (x["end"]["label"], x["end"]["key"]) in keys
        and x["properties"]["asserted_by"]
        for x in relationships
    )
    show = next(
        x["properties"]
        for x in lines
        if x["type"] == "node" and x["properties"]["key"] == "the-bureau"
    )
    assert show["title"] == "The Bureau" and show["asserted_by"]  # every property, not the view's

    graphml = nx.read_graphml(io.BytesIO(client.get("/show/the-bureau/export.graphml").data))
    assert graphml.number_of_nodes() == len(keys)
    assert graphml.number_of_edges() == len(relationships)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/show/the-bureau/export.csv").data))
    names = archive.namelist()
    assert "the-bureau/screengraph-import.json" in names
    assert any(name.startswith("the-bureau/nodes-Show-") for name in names)


def test_entity_download_of_an_unknown_key_is_a_404(client):
    response = client.get("/person/nobody-at-all/export.graphml")
    assert response.status_code == 404


def test_console_downloads_the_nodes_of_its_results_and_the_edges_among_them(client):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    query = "MATCH (p:Person)-[r:ACTED_IN]->(s:Show {key: 'the-bureau'}) RETURN p, r, s"
    page = client.post("/console", data={"query": query, "params": "", "csrf_token": token})
    html = page.get_data(as_text=True)
    assert 'action="/console/export"' in html and '<option value="graphml">' in html
    response = client.post(
        "/console/export",
        data={"query": query, "params": "", "format": "jsonl", "csrf_token": token},
    )
    assert response.status_code == 200, response.data
    lines = _jsonl(response.data)
    nodes = [x for x in lines if x["type"] == "node"]
    actors = client.post(
        "/console.json",
        data={
            "query": "MATCH (p:Person)-[:ACTED_IN]->(:Show {key: 'the-bureau'}) "
            "RETURN count(DISTINCT p)",
            "params": "",
            "csrf_token": token,
        },
    ).get_json()
    assert len(nodes) == actors["results"]["rows"][0][0] + 1
    assert {x["label"] for x in lines if x["type"] == "relationship"} == {"ACTED_IN"}


def test_console_download_refuses_more_nodes_than_the_cap(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_EXPORT_NODES", 2)
    token = csrf_from(client.get("/console").get_data(as_text=True))
    response = client.post(
        "/console/export",
        data={
            "query": "MATCH (p:Person) RETURN p",
            "params": "",
            "format": "graphml",
            "csrf_token": token,
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    message = response.get_json()["error"]["message"]
    assert "a download holds at most 2" in message and "screengraph export" in message


def test_console_download_without_a_csrf_token_or_with_an_unknown_format_is_refused(client):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    assert (
        client.post(
            "/console/export", data={"query": "MATCH (n) RETURN n", "format": "jsonl"}
        ).status_code
        == 400
    )
    response = client.post(
        "/console/export",
        data={"query": "MATCH (n) RETURN n", "format": "xlsx", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert (
        response.status_code == 400
        and "'format' must be one of" in response.get_json()["error"]["message"]
    )


def test_openapi_describes_the_downloads(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for fmt in ("jsonl", "graphml", "csv"):
        assert f"/person/{{key}}/export.{fmt}" in paths
    body = paths["/console/export"]["post"]["requestBody"]["content"]
    assert body["application/x-www-form-urlencoded"]["schema"]["properties"]["format"]["enum"] == [
        "jsonl",
        "graphml",
        "csv",
    ]
