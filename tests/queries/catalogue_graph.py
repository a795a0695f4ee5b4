"""A small graph as real catalogues give it: identifiers, namesakes, rich credits, a series
with its episodes and a catalogue page's season; loaded through the real Loader.

The identifiers are made up in IMDb's and TMDB's shapes (no real IMDb rows: its data is
licensed for non-commercial use).
"""

from __future__ import annotations

from tests.queries.conftest import load_records

# Two people called David Smith (an actor born 1950, a composer born 1962), and a third
# known only to TMDB.
SMITH_ACTOR = {
    "name": "David Smith",
    "ids": ["imdb:nm0000001"],
    "birth_year": 1950,
    "professions": ["actor"],
}
SMITH_COMPOSER = {
    "name": "David Smith",
    "ids": ["imdb:nm0000002"],
    "birth_year": 1962,
    "death_year": 2020,
    "professions": ["composer", "music_department"],
}
SMITH_TMDB = {"name": "David Smith", "ids": ["tmdb:person/488"]}
HARRISON = {
    "name": "Harrison Ford",
    "ids": ["imdb:nm0000148"],
    "birth_year": 1942,
    "professions": ["actor", "producer"],
    "known_for": ["imdb:tt0082971", "imdb:tt0000999"],
}

RAIDERS = {
    "title": "Raiders of the Lost Ark",
    "year": 1981,
    "ids": ["imdb:tt0082971"],
    "kind": "movie",
    "runtime_minutes": 115,
    "original_title": "Raiders of the Lost Ark",
    "alternate_titles": ["Les Aventuriers de l'arche perdue", "Jäger des verlorenen Schatzes"],
    "companies": ["Lucasfilm"],
    "genres": ["Adventure"],
    "credits": [
        {**HARRISON, "category": "actor", "characters": ["Indiana Jones"], "order": 1},
        {**SMITH_ACTOR, "category": "actor", "characters": ["Guard", "Driver"], "order": 3},
        {
            "name": "Karen Allen",
            "ids": ["imdb:nm0000261"],
            "category": "actress",
            "characters": ["Marion Ravenwood"],
            "order": 2,
        },
        {"name": "Steven Spielberg", "ids": ["imdb:nm0000229"], "category": "director", "order": 4},
        {
            "name": "Lawrence Kasdan",
            "ids": ["imdb:nm0001410"],
            "category": "writer",
            "job": "screenplay",
            "order": 5,
        },
        {"name": "John Williams", "ids": ["imdb:nm0002354"], "category": "composer", "order": 6},
        {**SMITH_COMPOSER, "category": "composer", "job": "additional music", "order": 7},
        {"name": "Michael Kahn", "ids": ["imdb:nm0434351"], "category": "editor", "order": 8},
    ],
}
RAIDERS_KEY = "raiders-of-the-lost-ark--1981--tt0082971"

# A TMDB-identified film with the third David Smith in it.
OTHER_FILM = {
    "title": "Quiet Harbour",
    "year": 1999,
    "ids": ["tmdb:movie/4242"],
    "kind": "movie",
    "original_title": "Port tranquille",
    "credits": [
        {**SMITH_TMDB, "category": "actor", "characters": ["Fisherman"]},
        {**SMITH_ACTOR, "category": "actor", "characters": ["Harbour master"]},
    ],
}

SPIRAL = {
    "title": "Spiral",
    "year": 2005,
    "end_year": 2020,
    "ids": ["imdb:tt0000100"],
    "kind": "tv series",
    "credits": [
        {
            "name": "Caroline Proust",
            "ids": ["imdb:nm0000500"],
            "category": "actress",
            "characters": ["Laure Berthaud"],
        }
    ],
}
SPIRAL_REF = {"title": "Spiral", "year": 2005, "ids": ["imdb:tt0000100"]}


def _episode(
    ident: str,
    title: str,
    season: int,
    episode: int,
    year: int,
    series: dict = SPIRAL_REF,
    cast: tuple = (),
) -> dict:
    return {
        "title": title,
        "year": year,
        "ids": [f"imdb:{ident}"],
        "kind": "tv episode",
        "episode_of": series,
        "season_number": season,
        "episode_number": episode,
        "credits": [
            {
                "name": name,
                "ids": [person],
                "category": "actress" if i else "actor",
                "characters": [character],
            }
            for i, (name, person, character) in enumerate(cast)
        ],
    }


PROUST = ("Caroline Proust", "imdb:nm0000500", "Laure Berthaud")
GRANDIN = ("Grégory Fitoussi", "imdb:nm0000501", "Pierre Clément")
EPISODES = [
    _episode("tt0000103", "Ripple Effect", 2, 1, 2008, cast=[GRANDIN, PROUST]),
    _episode("tt0000101", "Pilot", 1, 1, 2005, cast=[GRANDIN, PROUST]),
    _episode("tt0000102", "Second Body", 1, 2, 2005, cast=[GRANDIN, PROUST]),
    _episode("tt0000104", "Last Call", 2, 2, 2008, cast=[GRANDIN, PROUST]),
]
# Another series with its own "Pilot" (2005): two episodes that share a name and a year.
OTHER_SERIES = {
    "title": "Harbour Lights",
    "year": 2005,
    "end_year": 2005,
    "ids": ["imdb:tt0000200"],
    "kind": "tv series",
}
OTHER_PILOT = _episode(
    "tt0000201",
    "Pilot",
    1,
    1,
    2005,
    series={"title": "Harbour Lights", "year": 2005, "ids": ["imdb:tt0000200"]},
)
# A catalogue page's season of the series: a show of its own, with the series' key.
SEASON_7 = {"title": "Spiral - Season 7", "year": 2019, "cast": ["Caroline Proust"]}

ALL = [RAIDERS, OTHER_FILM, SPIRAL, *EPISODES, OTHER_SERIES, OTHER_PILOT, SEASON_7]


def load_catalogue(backend) -> None:
    load_records(backend, "catalogue.jsonl", ALL)
