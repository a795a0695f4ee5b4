"""Pages and JSON twins of a catalogue with identifiers, namesakes, rich credits and a
series, as a researcher's browser or script sees them (both backends)."""

from __future__ import annotations

import html as html_lib

import pytest

from tests.queries.catalogue_graph import RAIDERS_KEY, load_catalogue
from tests.webapp.conftest import csrf_from, make_app

SPIRAL_KEY = "spiral--2005--tt0000100"


@pytest.fixture
def client(backend):
    load_catalogue(backend)
    return make_app(backend).test_client()


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "address,key",
    [
        ("/person/imdb:nm0000001", "david-smith--nm0000001"),
        ("/person/nm0000001", "david-smith--nm0000001"),
        ("/person/tmdb:person/488", "david-smith--tmdb-person-488"),
        ("/show/tt0082971", RAIDERS_KEY),
        ("/show/imdb:tt0082971", RAIDERS_KEY),
        ("/show/tmdb:movie/4242", "quiet-harbour--1999--tmdb-movie-4242"),
        (f"/show/{RAIDERS_KEY}", RAIDERS_KEY),
    ],
)
def test_a_page_and_its_twins_answer_to_an_identifier(client, address, key):
    assert client.get(address).status_code == 200
    twin = client.get(f"{address}.json").get_json()
    assert twin["entity"]["key"] == key
    graph = client.get(f"{address}/graph.json").get_json()
    assert graph["center"].startswith(f"{key}@")


@pytest.mark.parametrize(
    "address,message",
    [
        ("/person/imdb:nm0999999", "No person in the graph has the identifier imdb:nm0999999."),
        ("/show/tt0999999", "No show in the graph has the identifier imdb:tt0999999."),
        ("/person/tmdb:person/999", "No person in the graph has the identifier tmdb:person/999."),
    ],
)
def test_an_unknown_identifier_is_a_clear_404(client, address, message):
    page = client.get(address)
    assert page.status_code == 404 and message in text_of(page)
    twin = client.get(f"{address}.json")
    assert twin.status_code == 404
    assert twin.get_json()["error"]["code"] == "not_found"
    assert message in twin.get_json()["error"]["message"]
    assert client.get(f"{address}/graph.json").status_code == 404


def test_a_person_page_shows_identifiers_years_professions_and_credits(client):
    page = text_of(client.get("/person/imdb:nm0000002"))
    assert '<h1>David Smith <span class="namesake">(b. 1962)</span></h1>' in page
    assert "<title>David Smith (b. 1962) — screengraph</title>" in page
    assert (
        '<a href="https://www.imdb.com/name/nm0000002/" rel="external noopener" '
        'title="IMDb">imdb:nm0000002</a>' in page
    )
    assert "1962–2020 · composer, music department" in page
    assert "Composer</h2>" in page and "— 1981 · additional music" in page
    harrison = text_of(client.get("/person/nm0000148"))
    assert "— 1981 · as Indiana Jones · actor" in harrison
    assert "Known for</h2>" in harrison
    assert f'<a href="/show/{RAIDERS_KEY}">Raiders of the Lost Ark</a>' in harrison
    assert 'imdb:tt0000999 <span class="note">— not in the graph</span>' in harrison
    twin = client.get("/person/nm0000148.json").get_json()
    assert twin["entity"]["facts"][0] == {
        "name": "Identifiers",
        "items": [
            {
                "text": "imdb:nm0000148",
                "url": "https://www.imdb.com/name/nm0000148/",
                "scheme": "IMDb",
            }
        ],
    }
    assert twin["detail"]["credits"][0]["shows"][0]["characters"] == ["Indiana Jones"]


def test_a_show_page_shows_kind_years_runtime_titles_and_every_credit(client):
    page = text_of(client.get("/show/tt0082971"))
    assert "1981 · movie · 115 min" in page
    assert (
        "<dt>Also known as</dt><dd>Les Aventuriers de l'arche perdue, "
        "Jäger des verlorenen Schatzes</dd>" in page
    )
    # The original title is the title: said once.
    assert "<dt>Original title</dt>" not in page
    other = text_of(client.get("/show/tmdb:movie/4242"))
    assert "<dt>Original title</dt><dd>Port tranquille</dd>" in other
    assert (
        '<a href="https://www.themoviedb.org/movie/4242" rel="external noopener" '
        'title="TMDB">tmdb:movie/4242</a>' in other
    )
    for section in ("Composer</h2>", "Editor</h2>", "Cast</h2>"):
        assert section in page
    assert page.index(">Harrison Ford<") < page.index(">Karen Allen<")
    assert "as Guard / Driver" in page
    # Both David Smiths are on the page, each with what tells them apart.
    assert ">David Smith (b. 1950)</a>" in page and ">David Smith (b. 1962)</a>" in page


def test_a_series_page_lists_its_seasons_and_episodes(client):
    page = text_of(client.get("/show/tt0000100"))
    assert "2005–2020 · tv series" in page
    # A series that ended the year it began: one year.
    lights = text_of(client.get("/show/tt0000200"))
    assert "2005 · tv series" in lights and "2005–2005" not in lights
    assert "Seasons</h2>" in page and ">Spiral - Season 7</a>" in page
    assert (
        '>Grégory Fitoussi</a> <span class="note">— 4 episodes · as Pierre Clément · actor' in page
    )
    first, second = page.index("Season 1 episodes"), page.index("Season 2 episodes")
    # Two 2005 episodes are called Pilot: the list places this one by its number.
    assert first < page.index(">Pilot</a>") < page.index(">Second Body</a>") < second
    assert second < page.index(">Ripple Effect</a>") < page.index(">Last Call</a>")
    twin = client.get("/show/tt0000100.json").get_json()
    assert twin["detail"]["counts"]["episodes"] == 4
    episode = text_of(client.get("/show/tt0000102"))
    assert "episode of Spiral, S1E2" in episode
    assert f'<a href="/show/{SPIRAL_KEY}">Spiral</a>' in episode


def test_search_shows_namesakes_and_the_title_that_matched(client):
    page = text_of(client.get("/search?q=david+smith"))
    for shown in (
        "David Smith (b. 1950)",
        "David Smith (b. 1962)",
        "David Smith (tmdb:person/488)",
    ):
        assert shown in page
    found = client.get("/search.json?q=Jäger+des+verlorenen+Schatzes").get_json()["results"][0]
    assert (found["key"], found["matched_title"]) == (RAIDERS_KEY, "Jäger des verlorenen Schatzes")
    assert "found by the title “Jäger des verlorenen Schatzes”" in text_of(
        client.get("/search?q=Jäger+des+verlorenen+Schatzes")
    )


def test_connect_takes_identifiers_and_shows_namesakes_distinctly(client):
    data = client.get("/connect.json?from=nm0000002&to=tmdb:person/488").get_json()
    ends = [step for step in data["path"] if "label" in step]
    assert (ends[0]["display"], ends[-1]["display"]) == (
        "David Smith (b. 1962)",
        "David Smith (tmdb:person/488)",
    )
    assert "David Smith (b. 1962) → David Smith (tmdb:person/488)" in text_of(
        client.get("/connect?from=nm0000002&to=tmdb:person/488")
    )
    ambiguous = client.get("/connect.json?from=David+Smith&to=Spiral")
    assert ambiguous.status_code == 400
    assert (
        "David Smith (b. 1950) = Person:david-smith--nm0000001"
        in ambiguous.get_json()["error"]["message"]
    )


def test_the_console_graph_labels_namesakes_distinctly(client):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    answer = client.post(
        "/console.json",
        data={
            "query": "MATCH (p:Person {name: 'David Smith'}) RETURN p",
            "params": "",
            "csrf_token": token,
        },
    ).get_json()
    assert sorted(n["display"] for n in answer["results"]["graph"]["nodes"]) == [
        "David Smith (b. 1950)",
        "David Smith (b. 1962)",
        "David Smith (tmdb:person/488)",
    ]


def test_the_info_box_links_an_episode_and_a_season_to_their_series(client):
    def box(address: str) -> str:
        page = text_of(client.get(address))
        return page[page.index('<aside class="infobox"') : page.index("</aside>")]

    episode = box("/show/tt0000102")
    assert f'<dt>Episode of</dt><dd><a href="/show/{SPIRAL_KEY}">Spiral, S1E2</a></dd>' in episode
    assert "<dt>Kind</dt><dd>tv episode</dd>" in episode
    series = box("/show/tt0000100")
    assert "<dt>Years</dt><dd>2005–2020</dd>" in series
    assert "<dt>Counts</dt><dd>" in series and "4 episodes" in series
    season = box("/show/spiral-season-7--2019")
    assert f'<dt>Season of</dt><dd><a href="/show/{SPIRAL_KEY}">Spiral</a></dd>' in season
