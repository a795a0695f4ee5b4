"""Duplicate searches seen by every web process on one store (the app runs as several
stateless processes): a search started through one app is running for the other, which
refuses a second one meanwhile; its result is the other's too; a holder that dies loses
the lease. Two apps, each with its own connection to the store, on both backends."""

from __future__ import annotations

import os
import time

import requests

from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.neo4j_backend import Neo4jBackend
from screengraph.webapp.duplicates_state import (
    LEASE_TTL_MS,
    new_holder,
    release_lease,
    save_last,
    search_state,
    take_lease,
)
from tests.queries.conftest import load_records
from tests.webapp.conftest import INGEST_TOKEN, csrf_from
from tests.webapp.holders import SEARCH_WAIT_S, searches, token_holder
from tests.webapp.test_duplicates_page import CREW
from tests.webapp.test_ingest import error_code
from tests.webapp.test_two_app_processes import two_apps  # noqa: F401  (a fixture)


def _second_connection(backend, request):
    """Another connection to the same store, as a second web process opens."""
    if isinstance(backend, FalkorBackend):
        other = FalkorBackend(backend.server.data_dir, backend.graph_name)
    else:
        assert isinstance(backend, Neo4jBackend)
        other = Neo4jBackend(
            backend.uri,
            os.environ.get("NEO4J_USERNAME", "neo4j"),
            os.environ.get("NEO4J_PASSWORD"),
            backend.database,
        )
    request.addfinalizer(other.close)
    return other


def test_two_apps_on_one_store_share_the_running_search_and_its_result(backend, request):
    load_records(backend, "crew.jsonl", CREW)
    first = token_holder(backend, "/duplicates.json")
    second = token_holder(_second_connection(backend, request), "/duplicates.json")

    # A search through the first app is seen by the second, running or done (a small
    # store's may be over already), never both nor neither: its result and the lease's
    # release are one write. That a second search waits meanwhile, the next test holds.
    started = first.post("/duplicates/search.json", label="Person", min_score="0.9")
    assert started.status_code == 200, started.get_data(as_text=True)
    seen = second.get("/duplicates.json?label=Person").get_json()
    assert (seen["running"] is None) == (seen["last"] is not None), seen
    if seen["running"] is not None:
        assert (seen["running"]["label"], seen["running"]["min_score"]) == ("Person", 0.9)
    assert searches(first).wait(SEARCH_WAIT_S), "the search did not end"

    # Its result is the second app's too, though that one never ran a search.
    result = second.get("/duplicates.json?label=Person").get_json()
    assert result["running"] is None
    pairs = [(p["a"]["key"], p["b"]["key"]) for p in result["last"]["report"]["pairs"]]
    assert pairs == [("mathieu-kassovitz", "matthieu-kassovitz")]
    assert result["last"]["store_changed"] is False
    page = second.get("/duplicates?label=Person").get_data(as_text=True)
    assert "Last search among Person" in page and "Mathieu Kassovitz" in page
    # A search through the second app is seen by the first, beside the Person one.
    assert second.post("/duplicates/search.json", label="Company").status_code == 200
    assert searches(second).wait(SEARCH_WAIT_S), "the search did not end"
    companies = first.get("/duplicates.json?label=Company").get_json()
    assert companies["last"]["label"] == "Company" and companies["last_of_others"] == ["Person"]
    # A load through either changes the store for both.
    load_records(backend, "more.jsonl", [{"title": "Cut", "year": 2003, "cast": ["A. B."]}])
    assert second.get("/duplicates.json?label=Person").get_json()["last"]["store_changed"]


def test_a_search_held_by_another_process_is_shown_running_and_its_lease_expires(backend):
    load_records(backend, "crew.jsonl", CREW)
    visitor = token_holder(backend, "/duplicates.json")
    elsewhere = new_holder()
    taken, _held = take_lease(backend, elsewhere, "Company", 0.85, "2026-11-30T09:00:00+00:00")
    assert taken
    page = visitor.get("/duplicates").get_data(as_text=True)
    assert "Looking for likely duplicates among Company (least score 0.85)" in page
    busy = visitor.post("/duplicates/search.json", label="Person")
    assert busy.status_code == 409 and error_code(busy) == "search_running"
    assert "among Company is running already" in busy.get_json()["error"]["message"]
    # The holder dies without giving it back: the lease lapses when it expires.
    backend.run_write(
        "MATCH (s:DuplicatesSearch {key: 'running'}) SET s.expires_at = timestamp() - $ms",
        {"ms": LEASE_TTL_MS},
    )
    assert search_state(backend)[0] is None
    assert visitor.post("/duplicates/search.json", label="Person").status_code == 200
    assert searches(visitor).wait(SEARCH_WAIT_S)
    release_lease(backend, elsewhere)  # too late: it holds nothing any more
    assert visitor.get("/duplicates.json").get_json()["last"]["status"] == "done"


def test_a_search_through_one_serving_process_is_seen_done_through_another(
    two_apps,  # noqa: F811  (the fixture imported above)
    neo4j,
):
    """Two real `screengraph serve` processes on one Neo4j (as issue 14 runs the app): the
    search started through the first is shown, done, through the second."""
    load_records(neo4j, "crew.jsonl", CREW)
    first, second = two_apps
    visitor = requests.Session()
    csrf = csrf_from(visitor.get(f"{first}/duplicates", timeout=10).text)
    given = visitor.post(
        f"{first}/duplicates.json", data={"csrf_token": csrf, "token": INGEST_TOKEN}, timeout=30
    )
    assert given.status_code == 200, given.text
    started = visitor.post(
        f"{first}/duplicates/search.json",
        data={"csrf_token": csrf, "label": "Person"},
        timeout=30,
    )
    assert started.status_code == 200, started.text
    deadline = time.monotonic() + SEARCH_WAIT_S
    while True:
        seen = visitor.get(f"{second}/duplicates.json?label=Person", timeout=10).json()
        if seen["last"] is not None or time.monotonic() > deadline:
            break
        assert seen["running"] is not None, seen  # running, until its result is kept
        time.sleep(0.2)
    pairs = [(p["a"]["key"], p["b"]["key"]) for p in seen["last"]["report"]["pairs"]]
    assert pairs == [("mathieu-kassovitz", "matthieu-kassovitz")]
    assert seen["running"] is None


def test_a_search_ending_while_the_page_reads_its_state_is_seen_running_or_done(backend):
    """The page reads what runs and what is done as of one moment: read apart, a search
    that ended between the two reads was shown running and done at once (CI saw it on
    Neo4j through two serving processes)."""
    load_records(backend, "crew.jsonl", CREW)
    visitor = token_holder(backend, "/duplicates.json")
    elsewhere = new_holder()
    taken, _held = take_lease(backend, elsewhere, "Person", 0.9, "2026-11-30T09:00:00+00:00")
    assert taken
    reads = backend.run_read

    def read_then_end_the_search(statement, *args, **kwargs):
        found = reads(statement, *args, **kwargs)
        if "key: 'running'" in str(statement):  # the lease was read: the search ends now
            backend.run_read = reads
            done = {"label": "Person", "min_score": 0.9, "report": {"pairs": []}}
            save_last(backend, "Person", done, releasing=elsewhere)
        return found

    backend.run_read = read_then_end_the_search
    try:
        seen = visitor.get("/duplicates.json?label=Person").get_json()
    finally:
        backend.run_read = reads
    assert (seen["running"] is None) == (seen["last"] is not None), seen
    again = visitor.get("/duplicates.json?label=Person").get_json()
    assert again["running"] is None and again["last"] is not None
