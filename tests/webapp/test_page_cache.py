"""The page cache and HTTP validators, on both backends: pages asked again are served
without rendering, never staler than the last committed write, and revalidated with
ETag / If-None-Match -> 304."""

from __future__ import annotations

import os
import re
import threading
import time

import neo4j
import pytest

from screengraph.webapp.page_cache import ENTRY_OVERHEAD_BYTES, Entry, PageCache
from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

COMPANY = "/company/federation-entertainment"
NEW_SHOW = {
    "title": "Cache Buster",
    "year": 2031,
    "companies": ["Federation Entertainment"],
    "cast": ["Léa Drucker"],
}


def cache_of(app) -> PageCache:
    return app.extensions["screengraph.page_cache"]


@pytest.mark.parametrize(
    "path",
    [
        COMPANY,
        COMPANY + ".json",
        "/show/the-bureau",
        "/person/lea-drucker.json",
        "/search?q=bureau",
        "/show/the-bureau/graph.json",
        "/",
    ],
)
def test_a_page_asked_again_comes_from_the_cache(app, client, path):
    client.get(path)  # a cold Neo4j may overrun the read limit planning a page's queries
    first = client.get(path)
    figures = cache_of(app).figures()
    second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert cache_of(app).figures()["hits"] == figures["hits"] + 1
    if first.is_json:
        assert second.get_json() == first.get_json()


@pytest.mark.parametrize("path", [COMPANY, COMPANY + ".json", "/person/lea-drucker"])
def test_a_loaded_listing_changes_the_page_at_once(app, client, backend, path):
    before = client.get(path)
    assert client.get(path).status_code == 200  # and it is in the cache now
    assert "Cache Buster" not in before.get_data(as_text=True)
    load_records(backend, "cache-buster.jsonl", [NEW_SHOW])
    after = client.get(path)
    assert after.status_code == 200 and "Cache Buster" in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_write_outside_the_loader_changes_the_page_at_once(client, backend):
    assert "Atlantis" not in client.get(COMPANY).get_data(as_text=True)
    backend.run_write(
        "MATCH (c:Company {key: 'federation-entertainment'}) SET c.country = 'Atlantis'"
    )
    assert "Atlantis" in client.get(COMPANY).get_data(as_text=True)


def test_a_write_by_another_neo4j_client_changes_the_page_at_once(client, backend):
    """Neo4j's generation is its last committed transaction: a write that never went through
    screengraph (cypher-shell, Neo4j Browser, another program) moves it too."""
    if backend.name != "neo4j":
        pytest.skip("only Neo4j takes writes from clients other than screengraph")
    assert "Lemuria" not in client.get(COMPANY).get_data(as_text=True)
    with neo4j.GraphDatabase.driver(
        os.environ["NEO4J_URI"],
        auth=(os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]),
    ) as driver:
        driver.execute_query(
            "MATCH (c:Company {key: 'federation-entertainment'}) SET c.country = 'Lemuria'",
            database_=backend.database,
        )
    assert "Lemuria" in client.get(COMPANY).get_data(as_text=True)


@pytest.mark.parametrize("path", [COMPANY, COMPANY + ".json", "/show/the-bureau/graph.json"])
def test_an_unchanged_page_is_revalidated_with_a_304(client, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    # The browser keeps its copy, whose nonce matches the policy it came with.
    assert "Content-Security-Policy" not in again.headers
    other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.data


def test_a_changed_page_is_sent_again_to_a_client_that_has_the_old_one(client, backend):
    etag = client.get(COMPANY).headers["ETag"]
    load_records(backend, "cache-buster.jsonl", [NEW_SHOW])
    fresh = client.get(COMPANY, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Cache Buster" in fresh.get_data(as_text=True)


def test_a_revalidation_needs_no_cached_copy(backend):
    """With the cache off, a page still gets an ETag, and a client's current copy a 304."""
    from tests.queries.conftest import load_seed

    load_seed(backend)
    client = make_app(backend, page_cache_mb=0).test_client()
    etag = client.get(COMPANY).headers["ETag"]
    assert client.get(COMPANY, headers={"If-None-Match": etag}).status_code == 304


def test_each_cached_html_answer_has_its_own_nonce_matching_its_policy(client):
    nonces = []
    for _ in range(2):
        page = client.get("/show/the-bureau")
        policy_nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(
            1
        )
        page_nonces = set(re.findall(r'nonce="([^"]+)"', page.get_data(as_text=True)))
        assert page_nonces == {policy_nonce}
        nonces.append(policy_nonce)
    assert nonces[0] != nonces[1]


def test_errors_are_not_cached(app, client):
    assert client.get("/show/no-such-show").status_code == 404
    assert client.get("/show/no-such-show").status_code == 404
    assert cache_of(app).figures()["entries"] == 0


def test_the_cache_stays_within_its_bound_and_drops_the_least_recently_used():
    body = b"x" * 1000
    cache = PageCache(max_bytes=3 * (len(body) + ENTRY_OVERHEAD_BYTES))
    assert cache.get(1, "a") is None  # a request looks up first, at the store's generation
    for key in "abc":
        cache.put(1, key, Entry(body, "text/html", key, False))
    assert cache.get(1, "a") is not None  # a is now the most recently used
    cache.put(1, "d", Entry(body, "text/html", "d", False))
    assert cache.figures()["bytes"] <= cache.max_bytes
    assert [k for k in "abcd" if cache.get(1, k) is not None] == ["a", "c", "d"]
    cache.put(1, "huge", Entry(b"x" * cache.max_bytes, "text/html", "huge", False))
    assert cache.get(1, "huge") is None and cache.figures()["entries"] == 3


def test_a_new_generation_empties_the_cache():
    cache = PageCache(max_bytes=2**20)
    assert cache.get(1, "a") is None
    cache.put(1, "a", Entry(b"old", "text/html", "a", False))
    assert cache.get(1, "a") is not None
    assert cache.get(2, "a") is None
    assert cache.figures()["entries"] == 0 and cache.figures()["bytes"] == 0
    # A page rendered at a generation the store has already left is not kept.
    cache.put(1, "a", Entry(b"old", "text/html", "a", False))
    assert cache.get(2, "a") is None


def test_a_missing_page_is_rendered_once_for_the_requests_that_wait_for_it():
    cache = PageCache(max_bytes=2**20)
    started, release, renders, answers = threading.Event(), threading.Event(), [], []

    def render() -> Entry:
        renders.append(1)
        started.set()
        release.wait(10)
        return Entry(b"page", "text/html", "e", False)

    first = threading.Thread(target=lambda: answers.append(cache.fetch(1, "k", render)))
    first.start()
    started.wait(10)
    others = [
        threading.Thread(target=lambda: answers.append(cache.fetch(1, "k", render)))
        for _ in range(3)
    ]
    for thread in others:
        thread.start()
    time.sleep(0.2)  # they are waiting, not rendering
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert len(renders) == 1 and [a.body for a in answers] == [b"page"] * 4


def test_healthz_reports_what_the_cache_holds(app, client):
    client.get(COMPANY)
    figures = client.get("/healthz").get_json()["page_cache"]
    assert figures["entries"] == 1 and figures["bytes"] > ENTRY_OVERHEAD_BYTES
    assert figures["max_bytes"] == 64 * 2**20
