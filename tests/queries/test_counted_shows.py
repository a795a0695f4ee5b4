"""A prolific person's rankings count their newest shows, and say so (queries/counted.py):
their collaborators, the suggestions through them and what they are known for stay fast
however many shows they have, and nobody is told the ranking is everything when it is not
(both backends)."""

from __future__ import annotations

import pytest

from screengraph.queries import explore
from screengraph.queries.catalogue import catalogue
from screengraph.queries.counted import COUNTED_SHOWS, NEWEST_SHOWS, counted_shows
from screengraph.queries.lists import prominent_shows
from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

SHOWS = COUNTED_SHOWS + 5  # the prolific director's shows, two a year
OLDEST = 5  # the shows their rankings leave out
PROLIFIC, STEADY, OLD, NEW = "pat-prolific", "sam-steady", "olga-old", "nina-new"


def _show(n: int) -> dict:
    cast = ["Sam Steady"]
    if n <= OLDEST:
        cast += ["Olga Old", *(f"Crowd {i}" for i in range(12))]  # the most credited show
    if n > SHOWS - 5:
        cast.append("Nina New")
    if n == 100:
        cast += [f"Extra {i}" for i in range(6)]  # the most credited of the newest
    return {
        "title": f"Work {n}",
        "year": 1900 + n // 2,
        "directors": ["Pat Prolific"],
        "cast": cast,
        "genres": ["Drama"],
    }


def prolific_listings() -> list[dict]:
    return [_show(n) for n in range(1, SHOWS + 1)]


@pytest.fixture
def prolific(backend):
    load_records(backend, "prolific.jsonl", prolific_listings())
    return backend


def _counts(ranking: list[dict]) -> dict[str, int]:
    return {p["key"]: p["count"] for p in ranking}


def test_a_prolific_persons_collaborators_are_counted_over_their_newest_shows(prolific):
    counts = _counts(explore.collaborator_ranking(prolific, PROLIFIC))
    assert OLD not in counts  # met only on the oldest shows
    assert (counts[STEADY], counts[NEW]) == (COUNTED_SHOWS, 5)
    closest = explore.collaborators(prolific, PROLIFIC, limit=2)
    assert [(p["key"], p["count"], len(p["shows"])) for p in closest][0] == (
        STEADY,
        COUNTED_SHOWS,
        COUNTED_SHOWS,
    )
    everyone = explore.collaborators(prolific, PROLIFIC, limit=None)
    assert _counts(everyone) == counts
    assert counted_shows(prolific, PROLIFIC).note() == (
        f"Counted over the {COUNTED_SHOWS} newest of {SHOWS} shows."
    )


def test_everyone_else_is_counted_over_all_their_shows_and_told_nothing(prolific):
    assert _counts(explore.collaborator_ranking(prolific, OLD))[PROLIFIC] == OLDEST
    assert _counts(explore.collaborator_ranking(prolific, NEW)) == {PROLIFIC: 5, STEADY: 5}
    for key in (OLD, NEW):
        counted = counted_shows(prolific, key)
        assert (counted.partial, counted.note()) == (False, None)


def test_what_a_prolific_person_is_known_for_comes_from_their_newest_shows(prolific):
    (first,) = prominent_shows(prolific, PROLIFIC, 1)
    assert (first["title"], first["credited"]) == ("Work 100", 8)
    (first,) = prominent_shows(prolific, OLD, 1)  # all of Olga's shows count
    assert first["credited"] == 15


def test_the_person_page_says_what_its_rankings_counted(prolific):
    page = explore.person_page(prolific, PROLIFIC)
    assert page["counted_shows"] == {"shows": SHOWS, "counted": COUNTED_SHOWS, "partial": True}
    client = make_app(prolific).test_client()
    html = client.get(f"/person/{PROLIFIC}").get_data(as_text=True)
    note = f"Counted over the {COUNTED_SHOWS} newest of {SHOWS} shows."
    assert html.count(note) == 2  # under "Worked with" and "Might work with"
    assert note not in client.get(f"/person/{NEW}").get_data(as_text=True)
    twin = client.get(f"/person/{PROLIFIC}.json").get_json()
    assert twin["detail"]["counted_shows"]["partial"] is True


def test_the_queries_defaults_are_the_declared_limits():
    """The catalogue's queries name their limits' defaults; the code passes its own
    declarations, and the two never drift apart."""
    questions = catalogue()
    for name in ("collaborators", "collaborator_ranking", "shared_credits", "top_collaborators"):
        assert questions.get(name).param("shows").default == COUNTED_SHOWS, name
    assert questions.get("related_evidence").param("max_degree").default == explore.HUB_DEGREE
    assert questions.get("related_reranking").param("min_degree").default == explore.HUB_DEGREE + 1


def test_the_listings_behind_a_hub_are_those_of_its_newest_shows(prolific):
    oldest = {f"source:prolific.jsonl#{n}" for n in range(1, OLDEST + 1)}  # first by id otherwise
    person = explore.person_detail(prolific, PROLIFIC)
    genre = explore.genre_detail(prolific, "drama")
    for page in (person, genre):
        sources = {listing["source"] for listing in page["provenance"]}
        assert len(sources) == explore.PROVENANCE_LIMIT and not sources & oldest
        assert page["provenance_note"] == (
            f"The listings behind the {COUNTED_SHOWS} newest of {SHOWS} shows."
        )
    olga = explore.person_detail(prolific, OLD)
    assert {listing["source"] for listing in olga["provenance"]} == oldest
    assert olga["provenance_note"] is None
    html = make_app(prolific).test_client().get("/genre/drama").get_data(as_text=True)
    assert f"The listings behind the {COUNTED_SHOWS} newest of {SHOWS} shows." in html


def test_every_query_that_counts_a_hubs_shows_picks_the_same_ones():
    for name in ("collaborators", "collaborator_ranking", "shared_credits", "top_collaborators"):
        assert all(NEWEST_SHOWS in text for text in catalogue().get(name).cypher.values()), name
