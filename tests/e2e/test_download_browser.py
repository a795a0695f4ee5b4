"""A researcher takes a neighbourhood, and an analyst a query's graph, to Gephi or NetworkX."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_download_a_shows_neighbourhood_as_graphml_from_its_page(page, tmp_path):
    page.goto("/show/the-bureau")
    expect(page.locator("h1")).to_have_text("The Bureau")
    with page.expect_download() as info:
        page.click(".downloads >> text=GraphML")
    download = info.value
    assert download.suggested_filename == "the-bureau.graphml"
    download.save_as(tmp_path / "bureau.graphml")
    graph = nx.read_graphml(tmp_path / "bureau.graphml")
    assert graph.nodes["Show:the-bureau"]["title"] == "The Bureau"
    assert graph.nodes["Person:eric-rochant"]["labels"] == "Person"
    assert any(data["label"] == "DIRECTED" for _, _, data in graph.edges(data=True))
    assert page.js_errors == []


def test_download_a_console_querys_graph(page, tmp_path):
    page.goto("/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("MATCH p = (:Person)-[:DIRECTED]->(:Show) RETURN p")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".result-summary")).to_contain_text("1 row")
    page.select_option(".graph-download select", "jsonl")
    with page.expect_download() as info:
        page.click(".graph-download button")
    download = info.value
    assert download.suggested_filename == "query.jsonl"
    download.save_as(tmp_path / "query.jsonl")
    lines = [
        json.loads(line)
        for line in (tmp_path / "query.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    nodes = {x["properties"]["key"] for x in lines if x["type"] == "node"}
    assert nodes == {"eric-rochant", "the-bureau"}
    # every relationship between the two, not only the one the query matched
    assert "DIRECTED" in {x["label"] for x in lines if x["type"] == "relationship"}
    expect(page.locator(".result-summary")).to_contain_text("1 row")  # still on the page
    assert page.js_errors == []
