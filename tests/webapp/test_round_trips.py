"""How many times an entity page asks the database, on both backends.

Each trip waits its turn at the database: on the embedded store behind any write in
flight (a loader's), so a page's latency during a load grows with its round trips. A
show or person page reads in at most three (the page, then what its first answers name,
then every name on it told from its namesakes), a company's or a genre's in one, a
filtered list's too. Before queries/together.py: 10, 13, 6 and 5.
"""

from __future__ import annotations

import pytest

from tests.webapp.conftest import make_app
from tests.webapp.round_trips import count_while

MOST_TRIPS = {
    "/show/the-bureau": 3,
    "/person/eric-rochant": 3,
    "/company/federation-entertainment": 1,
    "/genre/drama": 1,
    "/company/federation-entertainment?year_from=2000&sort=-year": 1,
    "/person/eric-rochant?role=director&sort=title": 3,
}


@pytest.fixture
def uncached_client(app, backend):
    """Pages rendered every time (no page cache), so each request reads the store."""
    return make_app(backend, page_cache_mb=0).test_client()


@pytest.mark.parametrize("path", sorted(MOST_TRIPS))
def test_entity_pages_read_in_few_round_trips(uncached_client, backend, path):
    base, _, query = path.partition("?")
    for twin in (path, f"{base}.json?{query}"):
        response = None

        def get(twin: str = twin) -> None:
            nonlocal response
            response = uncached_client.get(twin)

        trips = count_while(backend, get)
        assert response is not None and response.status_code == 200, response.get_data(
            as_text=True
        )[:800]
        assert trips <= MOST_TRIPS[path], f"{twin} made {trips} round trips"
