"""One catalogue written as IMDb's dataset files and as TMDB's JSON gives the same graph
where the two formats overlap (issue 13), on both backends.

The catalogue is declared once below, each credit with the words each source uses for it
(IMDb's category and job, TMDB's department and job), the way each source would publish
the same facts; each format is written from it, loaded into an empty graph, and the two
graphs are compared on what both formats express. Made-up data only (licences).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from tests.loaders.test_imdb_format import N, load, write
from tests.loaders.test_tmdb_format import cast, crew


@dataclass(frozen=True)
class Person:
    nconst: str
    tmdb: int
    name: str
    born: str
    profession: str  # IMDb's primaryProfession
    department: str  # TMDB's known_for_department


@dataclass(frozen=True)
class Credit:
    person: Person
    imdb: tuple[str, str]  # IMDb's category and job (`\N`: none)
    tmdb: tuple[str, str]  # TMDB's department (`cast`, `created_by`) and job
    characters: tuple[str, ...] = ()


# Three different people called David Smith (namesakes), each with their own ids.
HANA = Person("nm0200001", 501, "Hana Ford", "1942", "actor,producer", "Acting")
KAREN = Person("nm0200002", 502, "Karen Allene", "1951", "actress", "Acting")
STEFAN = Person("nm0200003", 503, "Stefan Spielman", "1946", "director", "Directing")
LARA = Person("nm0200004", 504, "Lara Kasdin", "1949", "writer,producer", "Writing")
GEORGE = Person("nm0200005", 505, "George Lukas", "1944", "producer", "Production")
FRANK = Person("nm0200006", 506, "Frank Marsh", "1944", "producer", "Production")
JOHN = Person("nm0200007", 507, "John Willems", "1932", "composer", "Sound")
MIKE = Person("nm0200008", 508, "Mike Kahn", "1935", "editor", "Editing")
DOUG = Person("nm0200009", 509, "Doug Slocum", "1913", "cinematographer", "Camera")
NORM = Person("nm0200010", 510, "Norm Reynolds", "1933", "production_designer", "Art")
MIKE_F = Person("nm0200011", 511, "Mike Fenton", "1935", "casting_director", "Production")
PHILIP = Person("nm0200012", 512, "Philip Kaufmann", "1936", "writer,director", "Writing")
SMITH_DIRECTOR = Person("nm0200013", 513, "David Smith", "1950", "director", "Directing")
SMITH_ACTOR = Person("nm0200014", 514, "David Smith", "1982", "actor", "Acting")
SMITH_WRITER = Person("nm0200015", 515, "David Smith", N, "writer", "Writing")
ROBERT = Person("nm0200016", 516, "Robert Watts", "1938", "producer", "Production")
PEOPLE = (
    HANA,
    KAREN,
    STEFAN,
    LARA,
    GEORGE,
    FRANK,
    JOHN,
    MIKE,
    DOUG,
    NORM,
    MIKE_F,
    PHILIP,
    SMITH_DIRECTOR,
    SMITH_ACTOR,
    SMITH_WRITER,
    ROBERT,
)


@dataclass(frozen=True)
class Show:
    tconst: str
    tmdb: int
    kind: str  # IMDb's titleType
    title: str
    original: str
    year: int
    end_year: int | None
    runtime: int
    genres: tuple[str, ...]
    akas: tuple[str, ...]
    credits: tuple[Credit, ...]  # the cast in billing order


SHOWS = (
    Show(
        "tt0300001",
        9101,
        "movie",
        'The "Quiet" Harbour',
        "Le Port Tranquille",
        1981,
        None,
        115,
        ("Action", "Adventure"),
        ("Le Port Tranquille", "Der stille Hafen"),
        (
            Credit(HANA, ("actor", N), ("cast", ""), ("Indy Jonas",)),
            Credit(KAREN, ("actress", N), ("cast", ""), ("Marion", "Marion's Double")),
            Credit(SMITH_ACTOR, ("actor", N), ("cast", ""), ("Detective",)),
            Credit(STEFAN, ("director", N), ("Directing", "Director")),
            Credit(LARA, ("writer", "screenplay"), ("Writing", "Screenplay")),
            Credit(SMITH_WRITER, ("writer", "novel"), ("Writing", "Novel")),
            Credit(FRANK, ("producer", "producer"), ("Production", "Producer")),
            Credit(
                GEORGE, ("producer", "executive producer"), ("Production", "Executive Producer")
            ),
            Credit(ROBERT, ("producer", "co-producer"), ("Production", "Co-Producer")),
            Credit(JOHN, ("composer", N), ("Sound", "Original Music Composer")),
            Credit(MIKE, ("editor", N), ("Editing", "Editor")),
            Credit(DOUG, ("cinematographer", N), ("Camera", "Director of Photography")),
            Credit(NORM, ("production_designer", N), ("Art", "Production Design")),
            Credit(MIKE_F, ("casting_director", N), ("Production", "Casting")),
        ),
    ),
    Show(
        "tt0300002",
        9102,
        "movie",
        "Winter Letters",
        "Winter Letters",
        2020,
        None,
        98,
        ("Drama", "Romance"),
        ("Lettres d'hiver",),
        (
            Credit(KAREN, ("actress", N), ("cast", ""), ("Ines",)),
            Credit(HANA, ("self", N), ("cast", ""), ("Himself",)),
            Credit(SMITH_DIRECTOR, ("director", N), ("Directing", "Director")),
            Credit(PHILIP, ("writer", N), ("Writing", "Writer")),
            Credit(FRANK, ("producer", "line producer"), ("Production", "Line Producer")),
            Credit(LARA, ("producer", "associate producer"), ("Production", "Associate Producer")),
            Credit(JOHN, ("composer", N), ("Sound", "Music")),
        ),
    ),
    Show(
        "tt0300003",
        7101,
        "tvSeries",
        "Night Signal",
        "Night Signal",
        2015,
        2018,
        45,
        ("Crime", "Drama"),
        ("Signal de nuit",),
        (
            Credit(SMITH_ACTOR, ("actor", N), ("cast", ""), ("Sam Hale",)),
            Credit(KAREN, ("actress", N), ("cast", ""), ("Chief Ward",)),
            Credit(PHILIP, ("writer", "created by"), ("created_by", "")),
            Credit(SMITH_DIRECTOR, ("director", N), ("Directing", "Director")),
            Credit(HANA, ("producer", "executive producer"), ("Production", "Executive Producer")),
            Credit(
                LARA, ("producer", "co-executive producer"), ("Production", "Co-Executive Producer")
            ),
            Credit(MIKE, ("editor", N), ("Editing", "Editor")),
        ),
    ),
)


# -- the catalogue in each format --------------------------------------------------------


def imdb_files(folder: Path) -> Path:
    """title.basics, name.basics, title.principals and title.akas, as IMDb writes them."""
    kinds = {credit.person.nconst: [] for show in SHOWS for credit in show.credits}
    basics, principals, akas = [], [], []
    for show in SHOWS:
        basics.append(
            [
                show.tconst,
                show.kind,
                show.title,
                show.original,
                "0",
                str(show.year),
                str(show.end_year) if show.end_year else N,
                str(show.runtime),
                ",".join(show.genres),
            ]
        )
        for ordering, credit in enumerate(show.credits, 1):
            category, job = credit.imdb
            characters = json.dumps(list(credit.characters)) if credit.characters else N
            principals.append(
                [show.tconst, str(ordering), credit.person.nconst, category, job, characters]
            )
            kinds[credit.person.nconst].append(show.tconst)
        for ordering, aka in enumerate((show.title, *show.akas), 1):
            akas.append(
                [show.tconst, str(ordering), aka, "XX" if ordering > 1 else "US", N, N, N, "0"]
            )
    people = [
        [p.nconst, p.name, p.born, N, p.profession, ",".join(kinds[p.nconst][:4]) or N]
        for p in PEOPLE
    ]
    return write(
        folder,
        {
            "title.basics": basics,
            "name.basics": people,
            "title.principals": principals,
            "title.akas": akas,
        },
    )


def tmdb_record(show: Show) -> dict:
    """A movie as `/movie/{id}?append_to_response=credits,external_ids,alternative_titles`
    returns it; a series as `/tv/{id}?append_to_response=aggregate_credits,external_ids,
    alternative_titles` (every season's credits: `roles[]` and `jobs[]`)."""
    movie = show.kind == "movie"
    members = [c for c in show.credits if c.tmdb[0] == "cast"]
    staff = [c for c in show.credits if c.tmdb[0] not in ("cast", "created_by")]
    cast_list, crew_list = [], []
    for order, credit in enumerate(members):
        p = credit.person
        entry = cast(p.tmdb, p.name, " / ".join(credit.characters), order, department=p.department)
        if not movie:
            entry.pop("character")
            entry["roles"] = [
                {"credit_id": f"r{p.tmdb}", "character": entry_character, "episode_count": 8}
                for entry_character in [" / ".join(credit.characters)]
            ]
        cast_list.append(entry)
    for credit in staff:
        p = credit.person
        entry = crew(p.tmdb, p.name, *credit.tmdb, known_for=p.department)
        if not movie:
            entry["jobs"] = [
                {"credit_id": f"j{p.tmdb}", "job": entry.pop("job"), "episode_count": 8}
            ]
        crew_list.append(entry)
    record = {
        "id": show.tmdb,
        "genres": [{"id": i, "name": g} for i, g in enumerate(show.genres)],
        "production_companies": [{"id": 900, "name": "Harbour Pictures"}],
        "external_ids": {"imdb_id": show.tconst},
        "overview": "Made up for a test.",
    }
    if movie:
        record.update(
            title=show.title,
            original_title=show.original,
            release_date=f"{show.year}-05-01",
            runtime=show.runtime,
            imdb_id=show.tconst,
            credits={"cast": cast_list, "crew": crew_list},
            alternative_titles={"titles": [{"iso_3166_1": "XX", "title": t} for t in show.akas]},
        )
    else:
        record.update(
            name=show.title,
            original_name=show.original,
            type="Scripted",
            first_air_date=f"{show.year}-09-10",
            status="Ended",
            last_air_date=f"{show.end_year}-11-22",
            episode_run_time=[show.runtime],
            created_by=[
                {"id": c.person.tmdb, "name": c.person.name, "credit_id": f"cb{c.person.tmdb}"}
                for c in show.credits
                if c.tmdb[0] == "created_by"
            ],
            aggregate_credits={"cast": cast_list, "crew": crew_list},
            alternative_titles={"results": [{"iso_3166_1": "XX", "title": t} for t in show.akas]},
        )
    return record


def tmdb_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "catalogue.json"
    path.write_text(json.dumps([tmdb_record(show) for show in SHOWS]), encoding="utf-8")
    return path


# -- the graph, in the terms both formats share -----------------------------------------


def overlap(backend) -> dict:
    """The graph as both formats can express it. Left out, and why:
    - keys and identifier properties of people: IMDb names a person by nconst, TMDB by its
      own person id (`tmdb:person/...`), so keys' suffixes and `ids` differ; shows carry
      the IMDb id in both (TMDB's `external_ids.imdb_id`), so `imdb_id` is compared;
    - people's years, professions and known-for titles: TMDB's credits carry none of them
      (only a department, mapped to a profession);
    - companies (MADE_BY): IMDb's files have none;
    - jobs: each source spells them its own way (`screenplay` / `Screenplay`, `created by`
      / `Creator`);
    - ACTED_IN `category` actor / actress: TMDB's cast does not say which (both `actor`);
      `self` is compared;
    - `order`: IMDb's `ordering` numbers every principal from 1, crew included, TMDB's cast
      from 0: the billing (each show's cast ranked by it) is what both say;
    - sources, votes, search text, degrees and the TMDB-only properties (synopsis, country,
      seasons)."""
    shows = {}
    for (props,) in backend.run_read("MATCH (s:Show) RETURN properties(s)", max_rows=0).rows:
        shows[props["title"]] = {
            field: props.get(field)
            for field in (
                "year",
                "end_year",
                "kind",
                "runtime_minutes",
                "original_title",
                "imdb_id",
            )
        }
        shows[props["title"]]["alternate_titles"] = sorted(props.get("alternate_titles") or [])
    people = Counter(
        name for (name,) in backend.run_read("MATCH (p:Person) RETURN p.name", max_rows=0).rows
    )
    genres = sorted(
        name for (name,) in backend.run_read("MATCH (g:Genre) RETURN g.name", max_rows=0).rows
    )
    rows = backend.run_read(
        "MATCH (p:Person)-[r]->(s:Show) RETURN p.key, p.name, type(r), r.role, r.category, "
        "r.characters, r.order, s.title",
        max_rows=0,
    ).rows
    credits, signature, billing = Counter(), defaultdict(list), defaultdict(list)
    for key, name, rel_type, role, category, characters, order, title in rows:
        credit = (rel_type, role, name, title)
        if rel_type == "ACTED_IN":
            credit += ("self" if category == "self" else "cast", tuple(characters or ()))
            billing[title].append((order, name, tuple(characters or ())))
        credits[credit] += 1
        signature[key].append(credit)
    in_genre = sorted(
        backend.run_read(
            "MATCH (s:Show)-[:IN_GENRE]->(g:Genre) RETURN s.title, g.name", max_rows=0
        ).rows
    )
    return {
        "shows": shows,
        "people": people,
        "genres": genres,
        "in_genre": in_genre,
        "credits": credits,
        # each person's credits together: namesakes kept apart (or merged) show here
        "people's credits": sorted(sorted(credits) for credits in signature.values()),
        "billing": {
            title: [(name, characters) for _order, name, characters in sorted(cast)]
            for title, cast in billing.items()
        },
    }


def test_imdb_files_and_tmdb_json_of_one_catalogue_give_the_same_graph(backend, tmp_path):
    imdb = load(backend, imdb_files(tmp_path / "imdb"))
    assert (imdb.loaded, imdb.rejected, imdb.warnings) == (len(SHOWS), 0, [])
    from_imdb = overlap(backend)
    backend.clear()
    tmdb = Loader(backend).load(read_all([str(tmdb_file(tmp_path / "tmdb"))]))
    assert (tmdb.loaded, tmdb.rejected, tmdb.warnings) == (len(SHOWS), 0, [])
    from_tmdb = overlap(backend)
    for part in from_imdb:
        assert from_tmdb[part] == from_imdb[part], part
    # The comparison covers what the catalogue holds: every credit, the namesakes apart.
    assert sum(from_imdb["credits"].values()) == sum(len(s.credits) for s in SHOWS)
    assert from_imdb["people"]["David Smith"] == 3
    assert {credit[0] for credit in from_imdb["credits"]} == {
        "ACTED_IN",
        "DIRECTED",
        "WROTE",
        "PRODUCED",
        "WORKED_ON",
    }
