"""Set-ups the maintainers' page tests share: a browser session that gave the ingest token,
and a search for likely duplicates run to its end (it runs in the background)."""

from __future__ import annotations

from screengraph.webapp.duplicates_job import DuplicatesJobs
from tests.webapp.conftest import INGEST_TOKEN, make_app
from tests.webapp.test_ingest import Visitor

SEARCH_WAIT_S = 60.0


def token_holder(backend, path: str = "/loads.json", **settings) -> Visitor:
    """A session that gave the ingest token on `path` (the session remembers it for every
    token page: the load history, duplicates, decisions)."""
    visitor = Visitor(make_app(backend, **settings))
    given = visitor.post(path, token=INGEST_TOKEN)
    assert given.status_code == 200, given.get_data(as_text=True)
    return visitor


def searches(visitor: Visitor) -> DuplicatesJobs:
    return visitor.client.application.extensions["screengraph.duplicates_jobs"]


def search_duplicates(visitor: Visitor, label: str = "Person", **fields) -> dict:
    """Start a search for likely duplicates, wait for it, and return the page's JSON."""
    started = visitor.post("/duplicates/search.json", label=label, **fields)
    assert started.status_code == 200, started.get_data(as_text=True)
    assert searches(visitor).wait(SEARCH_WAIT_S), "the search did not end"
    return visitor.get(f"/duplicates.json?label={label}").get_json()
