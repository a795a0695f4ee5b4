"""Long lists page, sort and filter in the database, with true totals, on both backends:
a genre's and a company's shows, a person's filmography (grouped by role, by year), the
HTML page and its JSON twin taking the same parameters."""

from __future__ import annotations

import re

import pytest

from screengraph.queries.catalogue import catalogue
from screengraph.queries.paging import MAX_OFFSET
from tests.queries.conftest import load_records
from tests.webapp.conftest import make_app

# 23 war films 1990-2012, the odd years also made by Big Studio; one without a year.
WAR = [
    {
        "title": f"Front {n:02d}",
        "year": 1990 + n,
        "genres": ["War"],
        "companies": ["Big Studio"] if n % 2 else [],
        "directors": ["Dana Director"] if n < 5 else [],
        "cast": ["Pat Player"] if n >= 15 else [],
    }
    for n in range(23)
] + [
    {"title": "Undated Front", "genres": ["War"], "cast": ["Pat Player"]},
    # An episode in the genre: the list says which series it belongs to.
    {
        "title": "Episode #1.2",
        "year": 2010,
        "genres": ["Documentary"],
        "episode_of": {"title": "Trenches", "year": 2009},
        "season_number": 1,
        "episode_number": 2,
    },
]
# Pat Player also wrote one film; Crowded Front has the most people credited.
PAT = [
    {"title": "Pat's Script", "year": 1985, "writers": ["Pat Player"]},
    {
        "title": "Crowded Front",
        "year": 1970,
        "cast": ["Pat Player", "A One", "B Two", "C Three", "D Four", "E Five"],
    },
]


@pytest.fixture
def client(backend):
    load_records(backend, "war.jsonl", WAR)
    load_records(backend, "pat.jsonl", PAT)
    return make_app(backend).test_client()


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/show/[^"]+">([^<]+)</a>', html)


def pager_links(html: str) -> dict[str, str]:
    nav = html[html.index('<nav class="pager"') :]
    nav = nav[: nav.index("</nav>")]
    return {
        re.search("[a-z]+", text.lower()).group(): url.replace("&amp;", "&")
        for url, text in re.findall(r'<a (?:rel="\w+" )?href="([^"]+)">([^<]+)</a>', nav)
    }


def test_a_genre_pages_its_shows_with_the_true_total(client):
    html = client.get("/genre/war?limit=10").get_data(as_text=True)
    assert "1–10 of 24 shows." in html
    assert titles(html)[:10] == [f"Front {n:02d}" for n in range(10)]
    assert set(pager_links(html)) == {"next", "last"}
    last = client.get("/genre/war?limit=10&offset=20").get_data(as_text=True)
    assert "21–24 of 24 shows." in last and 'rel="next"' not in last
    previous = client.get(pager_links(last)["previous"]).get_data(as_text=True)
    assert "11–20 of 24 shows." in previous
    assert titles(previous)[:10] == [f"Front {n:02d}" for n in range(10, 20)]
    assert titles(last)[:4] == ["Front 20", "Front 21", "Front 22", "Undated Front"]


@pytest.mark.parametrize("sort", ["title", "year", "-year"])
def test_next_links_carry_the_last_rows_position_and_walk_the_whole_list(client, sort):
    """Deep pages cost what the first does: 'next' starts after the last row's sort key
    (no offset skipped), 'previous' ends before the first row's, 'last' reads backwards;
    walked both ways, every show comes once, in the order of one whole-list page."""
    whole = client.get(f"/genre/war.json?sort={sort}&limit=100").get_json()["detail"]["shows"]
    url, walked, numbers = f"/genre/war?sort={sort}&limit=5", [], []
    while url:
        html = client.get(url).get_data(as_text=True)
        numbers.append(re.search(r"(\d+)–(\d+) of 24 shows", html).groups())
        walked += re.findall(r'<li><a href="/show/[^"]+">([^<]+)</a>', html)
        links = pager_links(html)
        if "next" in links:
            assert "after=" in links["next"] and "offset=" in links["next"]
        url = links.get("next")
    assert walked == [s["name"] for s in whole]
    assert numbers == [("1", "5"), ("6", "10"), ("11", "15"), ("16", "20"), ("21", "24")]
    back, html = [], client.get(pager_links(html)["previous"]).get_data(as_text=True)
    assert "16–20 of 24 shows" in html and "before=" in pager_links(html)["previous"]
    while True:
        back = re.findall(r'<li><a href="/show/[^"]+">([^<]+)</a>', html) + back
        if "previous" not in pager_links(html):
            break
        html = client.get(pager_links(html)["previous"]).get_data(as_text=True)
    assert back == walked[:20]
    first = client.get(f"/genre/war?sort={sort}&limit=5").get_data(as_text=True)
    last = client.get(pager_links(first)["last"]).get_data(as_text=True)
    assert "21–24 of 24 shows" in last and "next" not in pager_links(last)
    assert re.findall(r'<li><a href="/show/[^"]+">([^<]+)</a>', last) == walked[20:]


def test_a_position_from_elsewhere_is_refused_with_what_to_do(client):
    by_title = client.get("/genre/war.json?limit=5").get_json()["detail"]["list"]["next"]
    for args in (
        f"sort=-year&after={by_title}",  # another order's position
        "after=not-a-position",
        "before=WzEsMl0",  # [1,2]: no show's position
        f"after={by_title}&last=1",
    ):
        answer = client.get(f"/genre/war.json?{args}")
        assert answer.status_code == 400, args
        message = answer.get_json()["error"]["message"]
        assert "follow the page's own links" in message or "give one of" in message, args


def test_a_genre_sorts_by_year_both_ways_with_undated_shows_last(client):
    newest = client.get("/genre/war.json?sort=-year&limit=3").get_json()["detail"]
    assert [s["name"] for s in newest["shows"]] == ["Front 22", "Front 21", "Front 20"]
    oldest = client.get("/genre/war.json?sort=year&offset=21").get_json()["detail"]
    assert [s["name"] for s in oldest["shows"]] == ["Front 21", "Front 22", "Undated Front"]
    html = client.get("/genre/war?sort=-year").get_data(as_text=True)
    assert '<strong aria-current="true">newest first</strong>' in html
    assert '<a href="/genre/war?sort=year">oldest first</a>' in html


def test_a_genre_filters_by_years_and_title_and_counts_what_matches(client):
    data = client.get("/genre/war.json?year_from=2000&year_to=2004&limit=2").get_json()
    listed = data["detail"]["list"]
    assert (listed["total"], listed["shown"], listed["filters"]) == (
        5,
        2,
        {"year_from": 2000, "year_to": 2004},
    )
    assert data["detail"]["counts"]["shows"] == 24  # the genre's own count stays whole
    # Accents and case do not matter, as in search.
    found = client.get("/genre/war.json?title=FRÔNT+1").get_json()["detail"]
    assert [s["name"] for s in found["shows"]] == [f"Front {n}" for n in range(10, 20)]
    html = client.get("/genre/war?year_from=2000&year_to=2004").get_data(as_text=True)
    assert "1–5 of 5 shows within the filters" in html
    assert 'value="2000"' in html and 'href="/genre/war">clear them</a>' in html


def test_a_company_pages_like_a_genre(client):
    data = client.get("/company/big-studio.json?sort=-year&limit=5").get_json()["detail"]
    assert (data["list"]["total"], [s["year"] for s in data["shows"]]) == (
        11,
        [2011, 2009, 2007, 2005, 2003],
    )


def test_list_parameters_are_the_catalogues_and_bad_ones_say_what_to_do(client):
    offset = catalogue().get("genre").param("offset")
    assert offset.high == MAX_OFFSET
    for args, words in (
        ("sort=rating", "must be one of title, year, -year"),
        ("offset=-1", f"must be between 0 and {MAX_OFFSET}"),
        ("limit=0", "must be between 1 and 500"),
        ("year_from=soon", "must be a whole number"),
    ):
        for path in ("/genre/war", "/genre/war.json", "/person/pat-player"):
            answer = client.get(f"{path}?{args}")
            assert answer.status_code == 400, (path, args)
            assert words in answer.get_data(as_text=True), (path, args)


def test_a_page_past_the_end_says_so(client):
    html = client.get("/genre/war?offset=100").get_data(as_text=True)
    assert "24 shows: this page starts past them." in html
    assert 'rel="prev" href="/genre/war?offset=50"' in html


def test_a_filmography_is_grouped_by_role_and_newest_first(client):
    data = client.get("/person/pat-player.json").get_json()["detail"]
    assert [(g["role"], [s["name"] for s in g["shows"]]) for g in data["credits"]] == [
        ("writer", ["Pat's Script"]),
        (
            "cast",
            ["Front 22", "Front 21", "Front 20", "Front 19", "Front 18", "Front 17"]
            + ["Front 16", "Front 15", "Crowded Front", "Undated Front"],
        ),
    ]
    assert data["credit_groups"] == [{"role": "writer", "count": 1}, {"role": "cast", "count": 10}]
    assert data["counts"] == {"credits": 11, "shows": 11}


def test_a_filmography_filters_by_years_and_role(client):
    data = client.get("/person/pat-player.json?year_from=1980&year_to=2006").get_json()["detail"]
    assert [(g["role"], [s["year"] for s in g["shows"]]) for g in data["credits"]] == [
        ("writer", [1985]),
        ("cast", [2006, 2005]),
    ]
    assert data["list"]["total"] == 3
    cast = client.get("/person/pat-player.json?role=cast&sort=year&limit=2").get_json()["detail"]
    assert [(g["role"], [s["year"] for s in g["shows"]]) for g in cast["credits"]] == [
        ("cast", [1970, 2005])
    ]
    assert (cast["list"]["total"], cast["list"]["filters"]) == (10, {"role": "cast"})
    html = client.get("/person/pat-player").get_data(as_text=True)
    assert '<a href="/person/pat-player?role=cast">cast (10)</a>' in html
    assert '<a href="/person/pat-player?role=writer">writer (1)</a>' in html


def test_a_person_page_opens_with_what_they_are_known_for(client):
    data = client.get("/person/pat-player.json").get_json()
    known = [k["name"] for k in data["detail"]["known_for"]]
    # The most people credited first (Crowded Front: six), then the larger part (Pat's
    # Script, written), then the newest.
    assert known == ["Crowded Front", "Pat's Script", "Front 22", "Front 21"]
    html = client.get("/person/pat-player").get_data(as_text=True)
    assert html.index("Known for</h2>") < html.index("Cast</h2>")
    assert "Chosen by a rule: the source&#39;s picks, then the shows with the most" in html


def test_an_entity_page_opens_with_its_info_box_and_a_title_with_the_year(client):
    html = client.get("/show/front-03--1993").get_data(as_text=True)
    assert "<title>Front 03 (1993) — screengraph</title>" in html
    box = html[html.index('<aside class="infobox"') : html.index("</aside>")]
    assert "<dt>Kind</dt>" in box and "<dt>Year</dt><dd>1993</dd>" in box
    assert "<dt>Counts</dt><dd>1 credit · 1 person · 1 company · 1 genre</dd>" in box
    assert html.index('<aside class="infobox"') < html.index('id="graph"')
    genre = client.get("/genre/war").get_data(as_text=True)
    assert "<title>War (genre) — screengraph</title>" in genre
    assert "<dt>Counts</dt><dd>24 shows</dd>" in genre


def test_provenance_is_collapsed_and_each_source_linked(client):
    html = client.get("/show/front-03--1993").get_data(as_text=True)
    box = html[html.index('<details class="card provenance">') : html.index("</details>")]
    assert "Where this comes from</h2>" in box and "1 listing" in box
    (link,) = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>: war.jsonl, line 4 ', box)
    assert link[0].startswith("/queries/provenance?keys=")
    assert client.get(link[0].replace("&amp;", "&")).status_code == 200


def test_an_episode_in_a_list_names_its_series_season_and_number(client):
    html = client.get("/genre/documentary").get_data(as_text=True)
    assert '>Episode #1.2</a> <span class="note">— episode of Trenches, S1E2 · 2010</span>' in html


def test_the_filmography_question_answers_the_cli_and_the_gallery_with_role_names(backend):
    load_records(backend, "pat.jsonl", PAT)
    rows = catalogue().run(backend, "filmography", {"key": "pat-player", "sort": "year"})
    assert rows.columns[:4] == ["key", "title", "year", "credit"]
    assert [(r["title"], r["credit"]) for r in rows] == [
        ("Pat's Script", "writer"),
        ("Crowded Front", "cast"),
    ]


def test_a_filmography_pages_by_position_across_its_role_groups(client):
    whole = client.get("/person/pat-player.json?limit=100").get_json()["detail"]["credits"]
    expected = [(g["role"], s["name"]) for g in whole for s in g["shows"]]
    url, walked = "/person/pat-player.json?limit=3", []
    while url:
        data = client.get(url).get_json()
        walked += [(g["role"], s["name"]) for g in data["detail"]["credits"] for s in g["shows"]]
        url = data["list"]["pages"].get("next")
    assert walked == expected and len(walked) == 11
    last = client.get("/person/pat-player.json?limit=3&last=1").get_json()
    assert (last["list"]["first"], last["list"]["last"]) == (10, 11)
