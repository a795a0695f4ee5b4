"""TMDB-shaped JSON (issue 13): a movie and a TV show as TMDB's API returns them, read as
listings wherever JSON or JSON Lines is read, beside our own listing shape.

The records are made up here, in TMDB's shape (no real TMDB data in the repo: licence).
"""

from __future__ import annotations

import json

import pytest

from screengraph.graph.checksum import graph_checksum
from screengraph.graph.schema import RelType, credit_relationship
from screengraph.loaders.formats import detect_format, parse, read_records
from screengraph.loaders.identity import Claims
from screengraph.loaders.migrate import migrate
from screengraph.loaders.model import Credit, Listing
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from screengraph.loaders.tmdb_format import is_tmdb_record


def person(id_, name, department="Acting", gender=0):
    """The fields TMDB gives every credited person (most of them not read)."""
    return {
        "adult": False,
        "gender": gender,
        "id": id_,
        "known_for_department": department,
        "name": name,
        "original_name": name,
        "popularity": 1.5,
        "profile_path": None,
    }


def cast(id_, name, character, order, **more):
    return {
        **person(id_, name, **more),
        "cast_id": order + 10,
        "character": character,
        "credit_id": f"c{id_}-{order}",
        "order": order,
    }


def crew(id_, name, department, job, known_for=None):
    return {
        **person(id_, name, known_for or department),
        "credit_id": f"k{id_}-{job}",
        "department": department,
        "job": job,
    }


def movie() -> dict:
    """`/movie/9001?append_to_response=credits,external_ids,alternative_titles`."""
    return {
        "adult": False,
        "backdrop_path": "/b.jpg",
        "belongs_to_collection": None,
        "budget": 1_000_000,
        "homepage": "",
        "id": 9001,
        "imdb_id": "tt9000001",
        "origin_country": ["FR"],
        "original_language": "fr",
        "original_title": "Les Gardiens du phare",
        "title": "The Lantern Keepers",
        "overview": "Two keepers and a lamp that will not go out.",
        "popularity": 3.2,
        "poster_path": "/p.jpg",
        "release_date": "2004-06-02",
        "revenue": 0,
        "runtime": 112,
        "status": "Released",
        "tagline": "",
        "video": False,
        "vote_average": 7.1,
        "vote_count": 12,
        "genres": [{"id": 18, "name": "Drama"}, {"id": 9648, "name": "Mystery"}],
        "production_companies": [
            {"id": 501, "logo_path": None, "name": "Northlight Films", "origin_country": "FR"},
            {"id": 502, "logo_path": None, "name": "Harbour Pictures", "origin_country": "GB"},
        ],
        "production_countries": [
            {"iso_3166_1": "FR", "name": "France"},
            {"iso_3166_1": "GB", "name": "United Kingdom"},
        ],
        "spoken_languages": [{"english_name": "French", "iso_639_1": "fr", "name": "Français"}],
        "credits": {
            "cast": [
                cast(101, "Léa Marchetti", "Anne / Young Anne", 0, gender=1),
                cast(102, "Tom Alder", "Keeper", 1, gender=2),
                cast(103, "Rita Okafor", "Herself", 2, gender=1),
                cast(104, "Sam Blake", "", 3),
                cast(102, "Tom Alder", "Keeper's Ghost", 5, gender=2),
                cast(105, "Tom Alder", "Ferryman", 6, gender=2),
            ],
            "crew": [
                crew(201, "Marc Vidal", "Directing", "Director"),
                crew(201, "Marc Vidal", "Writing", "Screenplay", "Directing"),
                crew(202, "Inès Ferrand", "Writing", "Novel"),
                crew(203, "Paul Greer", "Production", "Producer"),
                crew(204, "Dana Holt", "Production", "Executive Producer"),
                crew(205, "Yuki Sato", "Sound", "Original Music Composer"),
                crew(206, "Karl Brandt", "Camera", "Director of Photography"),
                crew(207, "Mia Costa", "Editing", "Editor"),
                crew(208, "Olu Adeyemi", "Art", "Production Design"),
                crew(209, "Fern Walsh", "Production", "Casting"),
                crew(210, "Lars Berg", "Sound", "Sound Designer"),
                crew(211, "Ada Fox", "Directing", "Script Supervisor"),
                crew(203, "Paul Greer", "Production", "Producer"),
            ],
        },
        "external_ids": {
            "id": 9001,
            "imdb_id": "tt9000001",
            "wikidata_id": "Q99000001",
            "facebook_id": None,
            "instagram_id": None,
            "twitter_id": None,
        },
        "alternative_titles": {
            "id": 9001,
            "titles": [
                {"iso_3166_1": "US", "title": "Lantern Keepers", "type": ""},
                {"iso_3166_1": "GB", "title": "The Lantern Keepers", "type": ""},
                {"iso_3166_1": "CA", "title": "Lantern Keepers", "type": "working title"},
            ],
        },
    }


def show() -> dict:
    """`/tv/7001?append_to_response=credits,aggregate_credits,external_ids,
    alternative_titles`: an ended series with three seasons and specials."""
    return {
        "adult": False,
        "backdrop_path": None,
        "id": 7001,
        "name": "Harbour Lights",
        "original_name": "Harbour Lights",
        "original_language": "en",
        "first_air_date": "2015-09-10",
        "last_air_date": "2018-11-22",
        "status": "Ended",
        "type": "Scripted",
        "in_production": False,
        "episode_run_time": [52, 48],
        "number_of_seasons": 3,
        "number_of_episodes": 24,
        "languages": ["en"],
        "origin_country": ["GB"],
        "overview": "A port town and its police.",
        "popularity": 9.0,
        "poster_path": None,
        "tagline": "",
        "vote_average": 7.9,
        "vote_count": 80,
        "homepage": "",
        "next_episode_to_air": None,
        "genres": [{"id": 80, "name": "Crime"}, {"id": 18, "name": "Drama"}],
        "networks": [{"id": 4, "logo_path": None, "name": "Channel Nine", "origin_country": "GB"}],
        "production_companies": [
            {"id": 601, "logo_path": None, "name": "Quayside Television", "origin_country": "GB"}
        ],
        "production_countries": [{"iso_3166_1": "GB", "name": "United Kingdom"}],
        "created_by": [
            {
                "id": 301,
                "credit_id": "cb301",
                "name": "Nora Quill",
                "gender": 1,
                "profile_path": None,
            }
        ],
        "seasons": [
            {
                "air_date": "2016-12-24",
                "episode_count": 2,
                "id": 1,
                "name": "Specials",
                "overview": "",
                "poster_path": None,
                "season_number": 0,
                "vote_average": 0,
            },
            *(
                {
                    "air_date": f"{2014 + n}-09-10",
                    "episode_count": 8,
                    "id": 1 + n,
                    "name": f"Season {n}",
                    "overview": "",
                    "poster_path": None,
                    "season_number": n,
                    "vote_average": 7,
                }
                for n in (1, 2, 3)
            ),
        ],
        "credits": {  # the latest season only
            "cast": [cast(401, "Ben Harlow", "DI Frank Moss", 0, gender=2)],
            "crew": [crew(302, "Owen Pryce", "Directing", "Director")],
        },
        "aggregate_credits": {
            "cast": [
                {
                    **person(401, "Ben Harlow", gender=2),
                    "order": 0,
                    "total_episode_count": 24,
                    "roles": [
                        {"credit_id": "r1", "character": "DI Frank Moss", "episode_count": 24}
                    ],
                },
                {
                    **person(402, "Ama Osei", gender=1),
                    "order": 1,
                    "total_episode_count": 18,
                    "roles": [
                        {"credit_id": "r2", "character": "DS Kate Reid", "episode_count": 16},
                        {"credit_id": "r3", "character": "Kate Reid (young)", "episode_count": 2},
                    ],
                },
                {
                    **person(101, "Lea Marketti", gender=1),
                    "order": 2,
                    "total_episode_count": 3,
                    "roles": [{"credit_id": "r4", "character": "Anne", "episode_count": 3}],
                },
                {
                    **person(403, "Himself Jones", gender=2),
                    "order": 3,
                    "total_episode_count": 1,
                    "roles": [
                        {"credit_id": "r5", "character": "Himself - Host", "episode_count": 1}
                    ],
                },
            ],
            "crew": [
                {
                    **person(301, "Nora Quill", "Writing"),
                    "department": "Writing",
                    "total_episode_count": 24,
                    "jobs": [
                        {"credit_id": "j1", "job": "Creator", "episode_count": 24},
                        {"credit_id": "j2", "job": "Teleplay", "episode_count": 8},
                    ],
                },
                {
                    **person(302, "Owen Pryce", "Directing"),
                    "department": "Directing",
                    "total_episode_count": 12,
                    "jobs": [{"credit_id": "j3", "job": "Director", "episode_count": 12}],
                },
                {
                    **person(303, "Jo Lind", "Production"),
                    "department": "Production",
                    "total_episode_count": 24,
                    "jobs": [
                        {"credit_id": "j4", "job": "Executive Producer", "episode_count": 24},
                        {"credit_id": "j5", "job": "Producer", "episode_count": 8},
                    ],
                },
                {
                    **person(304, "Ivo Marsh", "Sound"),
                    "department": "Sound",
                    "total_episode_count": 24,
                    "jobs": [{"credit_id": "j6", "job": "Music", "episode_count": 24}],
                },
            ],
        },
        "external_ids": {
            "id": 7001,
            "imdb_id": "tt9000002",
            "freebase_mid": None,
            "freebase_id": None,
            "tvdb_id": 12345,
            "tvrage_id": None,
            "wikidata_id": None,
            "facebook_id": None,
        },
        "alternative_titles": {
            "id": 7001,
            "results": [{"iso_3166_1": "DE", "title": "Hafenlichter", "type": ""}],
        },
    }


def credit(name, category, tmdb, *, job=None, characters=(), order=None, professions=()):
    return Credit(
        name=name,
        category=category,
        job=job,
        characters=list(characters),
        order=order,
        ids=[f"tmdb:person/{tmdb}"],
        professions=list(professions),
    )


MOVIE_LISTING = Listing(
    title="The Lantern Keepers",
    original_title="Les Gardiens du phare",
    year=2004,
    kind="movie",
    runtime_minutes=112,
    synopsis="Two keepers and a lamp that will not go out.",
    ids=["tmdb:movie/9001", "imdb:tt9000001", "wikidata:Q99000001"],
    genres=["Drama", "Mystery"],
    identified_companies=[
        {"name": "Northlight Films", "ids": ["tmdb:company/501"]},
        {"name": "Harbour Pictures", "ids": ["tmdb:company/502"]},
    ],
    country="France, United Kingdom",
    alternate_titles=["Lantern Keepers"],
    credits=[
        credit(
            "Léa Marchetti",
            "actor",
            101,
            characters=["Anne", "Young Anne"],
            order=0,
            professions=["actor"],
        ),
        credit(
            "Tom Alder",
            "actor",
            102,
            characters=["Keeper", "Keeper's Ghost"],
            order=1,
            professions=["actor"],
        ),
        credit("Rita Okafor", "self", 103, characters=["Herself"], order=2, professions=["actor"]),
        credit("Sam Blake", "actor", 104, order=3, professions=["actor"]),
        credit("Tom Alder", "actor", 105, characters=["Ferryman"], order=6, professions=["actor"]),
        credit("Marc Vidal", "director", 201, professions=["director"]),
        credit("Marc Vidal", "writer", 201, job="Screenplay", professions=["director"]),
        credit("Inès Ferrand", "writer", 202, job="Novel", professions=["writer"]),
        credit("Paul Greer", "producer", 203, professions=["producer"]),
        credit("Dana Holt", "executive producer", 204, professions=["producer"]),
        credit("Yuki Sato", "composer", 205, professions=["sound"]),
        credit("Karl Brandt", "cinematographer", 206, professions=["cinematographer"]),
        credit("Mia Costa", "editor", 207, professions=["editor"]),
        credit("Olu Adeyemi", "production designer", 208, professions=["art"]),
        credit("Fern Walsh", "casting director", 209, professions=["producer"]),
        credit("Lars Berg", "sound designer", 210, professions=["sound"]),
        credit("Ada Fox", "script supervisor", 211, professions=["director"]),
    ],
)

SHOW_LISTING = Listing(
    title="Harbour Lights",
    year=2015,
    end_year=2018,
    kind="tv series",
    runtime_minutes=52,
    synopsis="A port town and its police.",
    ids=["tmdb:tv/7001", "imdb:tt9000002"],
    genres=["Crime", "Drama"],
    identified_companies=[{"name": "Quayside Television", "ids": ["tmdb:company/601"]}],
    country="United Kingdom",
    alternate_titles=["Hafenlichter"],
    extra={"seasons": 3, "episodes": 24},
    credits=[
        credit(
            "Ben Harlow", "actor", 401, characters=["DI Frank Moss"], order=0, professions=["actor"]
        ),
        credit(
            "Ama Osei",
            "actor",
            402,
            characters=["DS Kate Reid", "Kate Reid (young)"],
            order=1,
            professions=["actor"],
        ),
        credit("Lea Marketti", "actor", 101, characters=["Anne"], order=2, professions=["actor"]),
        credit(
            "Himself Jones",
            "self",
            403,
            characters=["Himself - Host"],
            order=3,
            professions=["actor"],
        ),
        credit("Nora Quill", "writer", 301, job="Creator", professions=["writer"]),
        credit("Nora Quill", "writer", 301, job="Teleplay", professions=["writer"]),
        credit("Owen Pryce", "director", 302, professions=["director"]),
        credit("Jo Lind", "executive producer", 303, professions=["producer"]),
        credit("Jo Lind", "producer", 303, professions=["producer"]),
        credit("Ivo Marsh", "composer", 304, professions=["sound"]),
    ],
)

# Every TMDB job in the fixtures and what it becomes: (department, job) -> the credit's
# category and job, and the relationship and role the writer gives that category.
JOBS_SEEN = {
    ("cast", "Anne / Young Anne"): ("actor", None, RelType.ACTED_IN, None),
    ("cast", "Herself"): ("self", None, RelType.ACTED_IN, None),
    ("cast", "Himself - Host"): ("self", None, RelType.ACTED_IN, None),
    ("Directing", "Director"): ("director", None, RelType.DIRECTED, None),
    ("Writing", "Screenplay"): ("writer", "Screenplay", RelType.WROTE, None),
    ("Writing", "Novel"): ("writer", "Novel", RelType.WROTE, None),
    ("Writing", "Teleplay"): ("writer", "Teleplay", RelType.WROTE, None),
    ("Writing", "Creator"): ("writer", "Creator", RelType.WROTE, None),
    ("created_by", ""): ("writer", "Creator", RelType.WROTE, None),
    ("Production", "Producer"): ("producer", None, RelType.PRODUCED, "producer"),
    ("Production", "Executive Producer"): (
        "executive producer",
        None,
        RelType.PRODUCED,
        "executive producer",
    ),
    ("Production", "Casting"): ("casting director", None, RelType.WORKED_ON, "casting director"),
    ("Sound", "Original Music Composer"): ("composer", None, RelType.WORKED_ON, "composer"),
    ("Sound", "Music"): ("composer", None, RelType.WORKED_ON, "composer"),
    ("Sound", "Sound Designer"): ("sound designer", None, RelType.WORKED_ON, "sound designer"),
    ("Camera", "Director of Photography"): (
        "cinematographer",
        None,
        RelType.WORKED_ON,
        "cinematographer",
    ),
    ("Editing", "Editor"): ("editor", None, RelType.WORKED_ON, "editor"),
    ("Art", "Production Design"): (
        "production designer",
        None,
        RelType.WORKED_ON,
        "production designer",
    ),
    ("Directing", "Script Supervisor"): (
        "script supervisor",
        None,
        RelType.WORKED_ON,
        "script supervisor",
    ),
}


def as_json(*records) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=1)


def as_jsonl(*records) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def listings(text: str, file: str) -> list:
    records = list(parse(text, file))
    assert [r.error for r in records] == [None] * len(records)
    return [r.listing for r in records]


@pytest.mark.parametrize("write, file", [(as_json, "tmdb.json"), (as_jsonl, "tmdb.jsonl")])
def test_a_movie_and_a_show_become_exact_listings(write, file):
    assert listings(write(movie(), show()), file) == [MOVIE_LISTING, SHOW_LISTING]


def test_one_tmdb_object_alone_is_read_too():
    assert listings(json.dumps(movie()), "matrix.json") == [MOVIE_LISTING]


def fixture_jobs() -> set[tuple[str, str]]:
    """(department, job) of every credit in the fixtures; `cast` with the character."""
    found = set()
    for record in (movie(), show()):
        for section in ("credits", "aggregate_credits"):
            for entry in record.get(section, {}).get("cast", []):
                for role in entry.get("roles", [entry]):
                    found.add(("cast", role["character"]))
            for entry in record.get(section, {}).get("crew", []):
                for job in entry.get("jobs", [entry]):
                    found.add((entry["department"], job["job"]))
        found |= {("created_by", "") for _ in record.get("created_by", [])}
    return found


def one_credit(department: str, job: str) -> Credit:
    """The credit TMDB's one cast or crew entry (or creator) becomes."""
    record = {"id": 1, "title": "One Credit", "credits": {"cast": [], "crew": []}}
    if department == "cast":
        record["credits"]["cast"].append(cast(5, "Pat Doe", job, 0))
    elif department == "created_by":
        record = {"id": 1, "name": "One Credit", "created_by": [{"id": 5, "name": "Pat Doe"}]}
    else:
        record["credits"]["crew"].append(crew(5, "Pat Doe", department, job))
    (credit_,) = listings(json.dumps(record), "one.json")[0].credits
    return credit_


def test_every_job_in_the_fixtures_becomes_the_imdb_category():
    """The report's list, checked: each TMDB job's category, job, relationship and role."""
    jobs = fixture_jobs() - {
        ("cast", ""),
        ("cast", "Keeper"),
        ("cast", "Keeper's Ghost"),
        ("cast", "Ferryman"),
        ("cast", "DI Frank Moss"),
        ("cast", "DS Kate Reid"),
        ("cast", "Kate Reid (young)"),
        ("cast", "Anne"),
    }
    assert jobs == set(JOBS_SEEN)
    for (department, job), (category, kept, relationship, role) in JOBS_SEEN.items():
        made = one_credit(department, job)
        assert (made.category, made.job) == (category, kept), (department, job)
        assert credit_relationship(made.category) == (relationship, role), (department, job)


def test_a_miniseries_and_a_show_still_running():
    record = show()
    record.update(
        type="Miniseries", status="Returning Series", number_of_seasons=None, episode_run_time=[]
    )
    listing = listings(json.dumps(record), "x.json")[0]
    assert (listing.kind, listing.year, listing.end_year, listing.runtime_minutes) == (
        "tv mini series",
        2015,
        None,
        None,
    )
    assert listing.extra == {"seasons": 3, "episodes": 24}  # counted from seasons[], no specials


def test_a_character_or_title_with_no_letters_is_left_out_not_rejected():
    record = broken("credits.cast.3.character", "?")
    record["alternative_titles"]["titles"].append({"iso_3166_1": "XX", "title": "...", "type": ""})
    assert listings(json.dumps(record), "x.json") == [MOVIE_LISTING]


def test_told_from_our_own_shape_by_content():
    ours = {
        "title": "Alpha Show",
        "year": 2001,
        "directors": ["Ann Alpha"],
        "credits": [{"name": "Ann Alpha", "category": "director"}],
        "ids": ["imdb:tt0000001"],
        "extra": {"release_date": "2001-01-01"},
    }
    assert not is_tmdb_record(ours)
    assert is_tmdb_record(movie()) and is_tmdb_record(show())
    bare = {key: value for key, value in movie().items() if key != "credits"}
    assert is_tmdb_record(bare)  # a movie without credits appended
    assert not is_tmdb_record({"title": "Alpha Show", "id": "9001", "release_date": "2001"})
    assert not is_tmdb_record({"title": "Alpha Show", "id": 9001, "rating": 7})
    assert is_tmdb_record({"title": "x", "credits": {"cast": "not a list"}})


@pytest.mark.parametrize("write, file", [(as_json, "mixed.json"), (as_jsonl, "mixed.jsonl")])
def test_a_file_mixes_tmdb_records_and_our_listings(write, file):
    ours = {"title": "Alpha Show", "year": 2001, "directors": ["Ann Alpha"]}
    found = listings(write(ours, movie(), ours | {"title": "Beta Show"}, show()), file)
    assert found[1:4:2] == [MOVIE_LISTING, SHOW_LISTING]
    assert [listing.title for listing in found] == [
        "Alpha Show",
        "The Lantern Keepers",
        "Beta Show",
        "Harbour Lights",
    ]
    assert found[0] == Listing(title="Alpha Show", year=2001, directors=["Ann Alpha"])


@pytest.mark.parametrize("write, fmt", [(as_json, "json"), (as_jsonl, "jsonl")])
def test_pasted_tmdb_text_is_detected_without_a_file_name(write, fmt):
    text = write(movie(), show())
    assert detect_format("<stdin>", text) == fmt
    assert listings(text, "<stdin>") == [MOVIE_LISTING, SHOW_LISTING]


def broken(path: str, value):
    """The movie with one field replaced: `credits.cast.1.character` is cast item 2's."""
    record = movie()
    *parents, last = path.split(".")
    target = record
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return record


@pytest.mark.parametrize(
    "path, value, reason",
    [
        ("credits.cast", {"name": "x"}, "'credits.cast' must be a list, got an object"),
        ("id", "9001", "'id' must be a whole number, got text ('9001')"),
        (
            "credits.cast.1.id",
            10.5,
            "'credits.cast' item 2: 'id' must be a whole number, got a number (10.5)",
        ),
        (
            "credits.cast.1.character",
            7,
            "'credits.cast' item 2: 'character' must be text, got a number (7)",
        ),
        ("credits.cast.2.name", None, "'credits.cast' item 3: 'name' is required"),
        (
            "credits.crew.0.job",
            ["Director"],
            "'credits.crew' item 1: 'job' must be text, got a list",
        ),
        (
            "credits.crew.3",
            "Paul Greer",
            "'credits.crew' item 4 must be an object, got text ('Paul Greer')",
        ),
        (
            "release_date",
            "next spring",
            "'release_date' must be a date written YYYY-MM-DD, got text ('next spring')",
        ),
        ("genres", ["Drama"], "'genres' item 1 must be an object, got text ('Drama')"),
        ("imdb_id", "9000001", "'imdb_id': 'imdb:9000001' is not IMDb's identifier of a show"),
        ("credits", [], "has neither"),
        ("credits.cast.0.name", "Ann\ud800e", "holds a lone surrogate"),
        (
            "credits.cast.0.order",
            "first",
            "'credits.cast' item 1: 'order' must be a whole number, got text ('first')",
        ),
    ],
)
@pytest.mark.parametrize("write, file", [(as_json, "tmdb.json"), (as_jsonl, "tmdb.jsonl")])
def test_a_broken_field_rejects_its_record_with_place_and_reason(path, value, reason, write, file):
    bad = broken(path, value)
    if path == "credits":  # no credits object left, and no title either
        bad = {key: v for key, v in bad.items() if key not in ("title", "credits")}
    records = list(parse(write(show(), bad, movie()), file))
    assert [r.listing for r in records[::2]] == [SHOW_LISTING, MOVIE_LISTING]
    reject = records[1]
    # JSON Lines: its line; a JSON array: after "[" and the first item's lines.
    line = 2 if file.endswith("l") else 2 + json.dumps(show(), indent=1).count("\n") + 1
    assert (reject.listing, reject.ref.file, reject.ref.record, reject.ref.line) == (
        None,
        file,
        2,
        line,
    )
    assert reject.error.startswith(f"record 2 (line {line}): TMDB record: ")
    assert reason in reject.error


def test_a_tmdb_record_is_identified_by_its_tmdb_id_wherever_it_is_copied(tmp_path):
    claims = Claims()
    (tmp_path / "a.json").write_text(as_json(movie(), show()), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(as_jsonl(show()), encoding="utf-8")
    found = [
        (r.ref.source_id, r.error)
        for source in read_all([str(tmp_path)])
        for r in read_records(source, None, claims)
    ]
    assert found == [("tmdb:movie/9001", None), ("tmdb:tv/7001", None), ("tmdb:tv/7001", None)]


def test_the_same_tmdb_id_with_other_content_is_refused_not_let_replace_the_first():
    claims = Claims()
    changed = show() | {"overview": "Another text."}
    records = [
        claims.identify(r, "source:x") for r in parse(as_jsonl(show(), changed), "two.jsonl")
    ]
    assert records[0].error is None and records[0].ref.source_id == "tmdb:tv/7001"
    assert records[1].listing is None
    assert records[1].error == (
        "record 2 (line 2): tmdb:tv/7001 is also the record of "
        "two.jsonl record 1 (line 1), with other content: one "
        "identifier names one listing; keep one of the two records"
    )


def test_our_listing_keeps_its_file_identity_beside_tmdb_records():
    claims = Claims()
    ours = {"title": "Alpha Show", "ids": ["tmdb:movie/9001"]}
    records = [claims.identify(r, "source:x") for r in parse(as_json(ours, movie()), "m.json")]
    assert [r.ref.source_id for r in records] == ["source:x#1", "tmdb:movie/9001"]


# -- loading, on both backends ---------------------------------------------------------


def load_paths(backend, *paths):
    return Loader(backend).load(read_all([str(p) for p in paths]))


def write_files(folder, **texts):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


def test_loading_tmdb_files_twice_leaves_the_graph_identical(backend, tmp_path):
    folder = write_files(tmp_path / "in", tmdb_json=as_json(movie()), tmdb_jsonl=as_jsonl(show()))
    first = load_paths(backend, folder)
    before = graph_checksum(backend)
    again = load_paths(backend, folder)
    assert (first.loaded, first.rejected, again.loaded, again.unchanged) == (2, 0, 0, 2)
    assert graph_checksum(backend) == before
    listed = backend.run_read("MATCH (l:Listing) RETURN l.key ORDER BY l.key", max_rows=0).rows
    assert listed == [["tmdb:movie/9001"], ["tmdb:tv/7001"]]


def test_a_tmdb_record_copied_into_another_file_updates_its_listing(backend, tmp_path):
    load_paths(backend, write_files(tmp_path / "a", shows_json=as_json(movie(), show())))
    before = graph_checksum(backend)
    copied = load_paths(backend, write_files(tmp_path / "b", copy_jsonl=as_jsonl(show())))
    assert (copied.loaded, copied.updated, copied.unchanged) == (0, 0, 1)
    assert graph_checksum(backend) == before
    changed = load_paths(
        backend,
        write_files(
            tmp_path / "c", copy_jsonl=as_jsonl(show() | {"genres": [{"id": 80, "name": "Crime"}]})
        ),
    )
    assert (changed.loaded, changed.updated) == (0, 1)
    genres = backend.run_read(
        "MATCH (:Show {title: 'Harbour Lights'})-[:IN_GENRE]->(g) RETURN g.name", max_rows=0
    ).rows
    assert genres == [["Crime"]]  # the update replaced what the record asserted before


# What the fixtures are, counted by hand: 2 shows; 16 people on the movie (Tom Alder twice:
# two TMDB people) and 7 more on the show (Léa Marchetti, person 101, is on both); the
# movie's 2 companies and the show's 1; Drama, Mystery and Crime.
TMDB_COUNTS = {
    "Show": 2,
    "Person": 23,
    "Company": 3,
    "Genre": 3,
    "DIRECTED": 2,  # Marc Vidal, Owen Pryce (the show's credits repeat him)
    "PRODUCED": 4,  # Paul Greer (listed twice: one), Dana Holt; Jo Lind twice
    "WROTE": 3,  # Marc Vidal, Inès Ferrand; Nora Quill (creator and writer)
    "ACTED_IN": 9,  # 5 on the movie (one of them herself), 4 on the show
    "WORKED_ON": 8,  # 7 other jobs on the movie, the show's composer
    "MADE_BY": 3,
    "IN_GENRE": 4,
    "EPISODE_OF": 0,
}


def test_a_movie_and_a_show_load_to_exactly_the_described_graph(backend, tmp_path):
    summary = load_paths(
        backend, write_files(tmp_path, m_json=as_json(movie()), s_jsonl=as_jsonl(show()))
    )
    assert (summary.loaded, summary.rejected, summary.warnings) == (2, 0, [])
    assert backend.counts() == TMDB_COUNTS
    assert backend.run_read(
        "MATCH (c:Company) RETURN c.key, c.tmdb_id, c.ids ORDER BY c.key", max_rows=0
    ).rows == [
        ["harbour-pictures--tmdb-company-502", "company/502", ["tmdb:company/502"]],
        ["northlight-films--tmdb-company-501", "company/501", ["tmdb:company/501"]],
        ["quayside-television--tmdb-company-601", "company/601", ["tmdb:company/601"]],
    ]
    edges = backend.run_read(
        "MATCH (p:Person)-[r]->(s:Show {title: 'The Lantern Keepers'}) "
        "WHERE p.name IN ['Marc Vidal', 'Rita Okafor', 'Fern Walsh'] "
        "RETURN p.name, type(r), r.role, r.job, r.category, r.characters "
        "ORDER BY p.name, type(r)",
        max_rows=0,
    ).rows
    assert edges == [
        ["Fern Walsh", "WORKED_ON", "casting director", None, None, None],
        ["Marc Vidal", "DIRECTED", None, None, None, None],
        ["Marc Vidal", "WROTE", None, "Screenplay", None, None],
        ["Rita Okafor", "ACTED_IN", None, None, "self", ["Herself"]],
    ]


def test_one_tmdb_person_under_two_spellings_is_one_node(backend, tmp_path):
    """Person 101 is `Léa Marchetti` on the movie and `Lea Marketti` on the show."""
    load_paths(backend, write_files(tmp_path, m_json=as_json(movie()), s_jsonl=as_jsonl(show())))
    rows = backend.run_read(
        "MATCH (p:Person {tmdb_id: 'person/101'})-[r:ACTED_IN]->(s:Show) "
        "RETURN p.name, s.title, r.characters ORDER BY s.title",
        max_rows=0,
    ).rows
    assert rows == [
        ["Léa Marchetti", "Harbour Lights", ["Anne"]],
        ["Léa Marchetti", "The Lantern Keepers", ["Anne", "Young Anne"]],
    ]


def test_two_tmdb_people_with_one_name_stay_two_nodes(backend, tmp_path):
    load_paths(backend, write_files(tmp_path, m_json=as_json(movie())))
    rows = backend.run_read(
        "MATCH (p:Person {name: 'Tom Alder'})-[r:ACTED_IN]->(:Show) "
        "RETURN p.ids, r.characters, r.order ORDER BY r.order",
        max_rows=0,
    ).rows
    assert rows == [
        [["tmdb:person/102"], ["Keeper", "Keeper's Ghost"], 1],
        [["tmdb:person/105"], ["Ferryman"], 6],
    ]


def test_tmdb_listing_ids_are_never_taken_for_the_ids_of_older_stores(backend, tmp_path):
    """Every id of this version has a prefix (loaders/identity.py); `tmdb:` is one, so
    counting the listings of version 1 (a store without its layout node) skips them."""
    load_paths(backend, write_files(tmp_path, m_json=as_json(movie()), s_jsonl=as_jsonl(show())))
    backend.run_write("MATCH (l:StoreLayout) DELETE l")
    assert migrate(backend) == 0
