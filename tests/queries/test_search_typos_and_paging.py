"""Search as a researcher types it: typos anywhere in a word, the prominent first, true
counts and pages that neither overlap nor skip. Both backends."""

from __future__ import annotations

import pytest

from screengraph.queries.search import broadened_text, ranked_window, search, search_page
from tests.queries.conftest import load_records, load_seed


@pytest.fixture
def directors(backend):
    """Martin Scorsese directs four films; Martin Scorza and Mario Scorsone one each."""
    load_seed(backend)
    load_records(
        backend,
        "films.jsonl",
        [
            {"title": f"Film {n}", "year": 1990 + n, "directors": ["Martin Scorsese"]}
            for n in range(4)
        ]
        + [
            {"title": "Quiet One", "year": 2001, "directors": ["Martin Scorza"]},
            {"title": "Loud One", "year": 2002, "directors": ["Mario Scorsone"]},
        ],
    )
    return backend


def test_a_typo_in_the_middle_of_a_word_still_finds_the_person(directors):
    assert search(directors, "lea druk")[0]["name"] == "Léa Drucker"
    assert search(directors, "martin scorces")[0]["name"] == "Martin Scorsese"
    page = search_page(directors, "martin scorces")
    assert page.broadened and page.total == len(search(directors, "martin scorces", limit=100))


def test_words_that_match_as_typed_are_not_broadened(directors):
    page = search_page(directors, "drucker")
    assert not page.broadened
    assert [r["name"] for r in page.results] == ["Léa Drucker"]


def test_equal_matches_rank_the_most_credited_first(directors):
    # Both start with "martin": Scorsese has four credits, Scorza one; the shorter name
    # (the closer spelling) used to come first.
    assert [r["name"] for r in search(directors, "martin", labels=["Person"])] == [
        "Martin Scorsese",
        "Martin Scorza",
    ]


def test_counts_are_true_and_pages_neither_overlap_nor_skip(backend):
    records = [{"title": f"Night Shift {n:03d}", "year": 2000 + n % 20} for n in range(45)]
    load_records(backend, "nights.jsonl", records)
    first = search_page(backend, "night shift", offset=0, limit=20)
    assert first.total == 45
    pages = [first.results] + [
        search_page(backend, "night shift", offset=offset, limit=20).results for offset in (20, 40)
    ]
    keys = [r["key"] for page in pages for r in page]
    assert len(keys) == 45 and len(set(keys)) == 45
    assert [len(page) for page in pages] == [20, 20, 5]
    assert search_page(backend, "night shift", offset=60, limit=20).results == []


def test_broadening_cuts_long_words_to_their_first_half():
    assert broadened_text("martin scorces") == "mar scor"
    assert broadened_text("lea druk") == "lea dru"


def test_pages_past_the_ranked_window_follow_on_without_overlap(backend):
    load_records(
        backend,
        "nights.jsonl",
        [{"title": f"Night Shift {n:03d}", "year": 2000} for n in range(40)],
    )
    size = 5
    assert ranked_window(size) < 40  # later pages come from past the ranked candidates
    keys = [
        r["key"]
        for offset in range(0, 40, size)
        for r in search_page(backend, "night shift", offset=offset, limit=size).results
    ]
    assert sorted(keys) == sorted(set(keys)) and len(keys) == 40
