"""Every canned query gives the same answer on both backends, order included."""

from __future__ import annotations

import pytest

from screengraph.queries.catalogue import catalogue
from tests.queries.conftest import load_records, load_seed

RECORDS = [
    {
        "title": "Spiral - Season 1",
        "year": 2005,
        "directors": ["Philippe Triboit"],
        "cast": ["Caroline Proust", "Grégory Fitoussi"],
        "companies": ["Son et Lumière"],
        "genres": ["Crime", "Drama"],
    },
    {
        "title": "Spiral - Season 7",
        "directors": ["Frédéric Jardin"],
        "cast": ["Caroline Proust", "Thierry Godard"],
        "companies": ["Son et Lumière"],
        "genres": ["Crime"],
    },
    {
        "title": "Un village français",
        "year": 2009,
        "directors": ["Philippe Triboit"],
        "cast": ["Thierry Godard"],
        "genres": ["Drama"],
        "companies": ["Tetra Media"],
    },
    {"title": "Engrenages Extra", "year": 2012, "cast": ["Thierry Godard", "Audrey Fleurot"]},
]

PARAMS = {
    "show": {
        "key": "the-bureau",
        "roles": ["DIRECTED", "producer", "WROTE", "ACTED_IN"],
        "limit": 5,
    },
    "filmography": {"key": "thierry-godard", "sort": "year", "limit": 2},
    "neighbourhood": {"label": "Show", "key": "the-bureau", "depth": 2},
    "company": {"key": "federation-entertainment"},
    "genre": {"key": "drama"},
    "provenance": {"keys": ["source:the-bureau.txt", "source:more.jsonl#1"]},
    "related_evidence": {"key": "spiral-season-1--2005"},
    "related_reranking": {
        "key": "the-bureau",
        "candidates": ["team-dronix", "spiral-season-7"],
        "min_degree": 2,
    },
    "collaborators": {"key": "caroline-proust"},
    "episodes": {"key": "the-bureau"},
    "collaborator_ranking": {"key": "thierry-godard"},
    "shared_credits": {"key": "thierry-godard", "others": ["caroline-proust", "audrey-fleurot"]},
    "top_collaborators": {"key": "thierry-godard", "limit": 2},
    "second_degree": {
        "key": "caroline-proust",
        "collaborators": ["thierry-godard", "philippe-triboit"],
    },
    "people_in_both": {"first": "spiral-season-1--2005", "second": "spiral-season-7"},
    "search": {"text": "spiral"},
    "related": {"key": "spiral-season-1--2005"},
    "collaborators_ranked": {"key": "thierry-godard"},
    "suggest": {"key": "caroline-proust"},
    "path": {"source": "Person:gregory-fitoussi", "target": "Company:tetra-media"},
}


def settle(value):
    """Lists inside a cell (pattern comprehensions, collect) carry no order: sort them."""
    if isinstance(value, dict):
        return {k: settle(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted((settle(v) for v in value), key=repr)
    return value


def canonical(results):
    """Rows as comparable values; unordered queries compare as sorted lists."""
    kept = [i for i, column in enumerate(results.columns) if column != "loaded_at"]
    return [repr([settle(row[i]) for i in kept]) for row in results.rows]


@pytest.mark.parametrize("query", [q.name for q in catalogue().every()])
def test_canned_query_answers_the_same_on_both_backends(both_backends, query):
    for backend in both_backends.values():
        load_seed(backend)
        load_records(backend, "more.jsonl", RECORDS)
    answers = {}
    for name, backend in both_backends.items():
        results = catalogue().run(backend, query, PARAMS.get(query, {}))
        rows = canonical(results)
        ordered = (
            "ORDER BY" in (catalogue().get(query).cypher.get("default") or "")
            or catalogue().get(query).runner is not None
        )
        answers[name] = rows if ordered else sorted(rows)
    assert answers["embedded"] == answers["neo4j"]
    assert answers["embedded"], f"{query} returned nothing: the comparison proves little"
