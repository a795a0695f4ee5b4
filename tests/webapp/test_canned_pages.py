"""Canned questions' results page like the lists (the same `offset` and `limit`), instead
of being cut at the row cap, on both backends: a true total where the rows ran out, else
a "more" link; the HTML page and its JSON twin alike."""

from __future__ import annotations

import re

import pytest

from screengraph.queries.catalogue import catalogue
from screengraph.queries.paging import MAX_OFFSET, paging_params
from screengraph.webapp.result_pages import CANNED_PAGE, window_params
from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

YEARS = 130  # one show a year, 1900-2029: shows_by_year answers 130 rows


@pytest.fixture
def client(backend):
    load_records(
        backend,
        "years.jsonl",
        [{"title": f"Year Show {n}", "year": 1900 + n, "genres": ["Annual"]} for n in range(YEARS)],
    )
    backend.max_rows = 40  # the row cap: pages read past it
    return make_app(backend).test_client()


def test_a_canned_questions_rows_page_past_the_row_cap_with_a_true_total_at_the_end(client):
    first = client.get("/queries/shows_by_year.json").get_json()
    assert [row[0] for row in first["results"]["rows"]] == list(range(1900, 1900 + CANNED_PAGE))
    assert first["page"] | {"pages": None} == {
        "offset": 0,
        "limit": CANNED_PAGE,
        "shown": CANNED_PAGE,
        "first": 1,
        "last": CANNED_PAGE,
        "total": None,  # not counted: there are more
        "more": True,
        "pages": None,
    }
    second = client.get(first["page"]["pages"]["next"])  # the twin links to the twin
    rows = second.get_json()["results"]["rows"]
    assert [row[0] for row in rows] == list(range(1900 + CANNED_PAGE, 1900 + YEARS))
    assert (second.get_json()["page"]["total"], second.get_json()["page"]["more"]) == (YEARS, False)
    html = client.get("/queries/shows_by_year?limit=50&offset=50").get_data(as_text=True)
    assert "Rows 51–100, and more." in html
    assert re.search(r'rel="prev" href="/queries/shows_by_year\?limit=50"', html)
    assert re.search(r'rel="next" href="/queries/shows_by_year\?limit=50&amp;offset=100"', html)
    last = client.get("/queries/shows_by_year?limit=50&offset=100").get_data(as_text=True)
    assert f"Rows 101–{YEARS} of {YEARS}." in last and 'rel="next"' not in last


def test_the_paging_parameters_are_the_lists_and_checked_alike(client):
    window = window_params(catalogue().get("shows_by_year"))
    assert [p.to_json() for p in window] == [p.to_json() for p in paging_params(CANNED_PAGE)]
    for args, words in (
        ("offset=-1", f"must be between 0 and {MAX_OFFSET}"),
        ("limit=0", "must be between 1 and 500"),
        ("limit=many", "must be a whole number"),
    ):
        answer = client.get(f"/queries/shows_by_year.json?{args}")
        assert answer.status_code == 400 and words in answer.get_json()["error"]["message"], args


def test_a_question_that_pages_itself_keeps_its_own_parameters_and_offers_more(client):
    assert window_params(catalogue().get("genre")) == ()
    page = client.get("/queries/genre.json?key=annual&limit=10&sort=year").get_json()
    assert [row[1] for row in page["results"]["rows"]] == [f"Year Show {n}" for n in range(10)]
    assert page["page"]["more"] and "offset=10" in page["page"]["pages"]["next"]
    end = client.get("/queries/genre.json?key=annual&limit=100&offset=100").get_json()["page"]
    assert (end["shown"], end["total"], end["more"]) == (YEARS - 100, YEARS, False)
