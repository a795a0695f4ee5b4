"""IMDb's dataset files as listings: the parser on hand-written files in IMDb's exact
format, the generator's datasets checked against an independent reading of the files,
and `screengraph load` of a folder of them. No real IMDb row is used (licence)."""

from __future__ import annotations

import csv
import gzip
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synthetic_imdb import generate
from screengraph.cli import main
from screengraph.graph.checksum import graph_checksum
from screengraph.graph.schema import ROLE_TYPES, RelType, credit_relationship
from screengraph.loaders.formats import read_records
from screengraph.loaders.identity import Claims
from screengraph.loaders.imdb_files import TABLES, ImdbFileError
from screengraph.loaders.model import Listing
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceError, read_all
from screengraph.queries.provenance import listings_asserting_edge

N = "\\N"

PEOPLE = [
    ["nm0000001", "Hana Ford", "1942", N, "actor,producer", "tt0000001,tt0000003"],
    ["nm0000002", "Karen Allene", "1951", N, "actress", "tt0000001"],
    ["nm0000003", "Stefan Spielman", "1946", N, "director,producer", "tt0000001"],
    ["nm0000004", "Lara Kasdin", "1949", N, "writer", N],
    ["nm0000005", "George Lukas", "1944", N, "producer,writer", N],
    ["nm0000006", "Frank Marsh", "1944", "2020", "producer", N],
    ["nm0000007", "John Willems", "1932", N, "composer", N],
    ["nm0000008", "Denholm Eliot", "1922", "1992", "actor", N],
    ["nm0000009", "Norm Reynolds", "1933", N, "production_designer", N],
    ["nm0000010", "Philip Kaufmann", "1936", N, "writer,director", N],
    ["nm0000011", "Wilhelm Quill", "1564", "1616", "writer", N],
    ["nm0000012", "David Smith", "1950", N, "director", N],
    ["nm0000013", "David Smith", "1982", N, "actor", N],
]

TITLES = [
    [
        "tt0000001",
        "movie",
        'The "Quiet" Harbour',
        "Le Port Tranquille",
        "0",
        "1981",
        N,
        "115",
        "Action,Adventure",
    ],
    ["tt0000002", "short", "Blank Slate", "Blank Slate", "0", N, N, N, N],
    ["tt0000003", "tvSeries", "Night Signal", "Night Signal", "0", "2015", "2018", "45", "Drama"],
    ["tt0000004", "tvEpisode", "Pilot", "Pilot", "0", "2015", N, "44", "Drama"],
    [
        "tt0000005",
        "tvMiniSeries",
        "Winter Letters",
        "Winter Letters",
        "0",
        "2020",
        "2020",
        N,
        "Drama",
    ],
]

PRINCIPALS = [
    ["tt0000001", "1", "nm0000001", "actor", N, '["Indy Jonas"]'],
    ["tt0000001", "2", "nm0000002", "actress", N, '["Marion", "Marion\'s \\"double\\""]'],
    ["tt0000001", "3", "nm0000003", "director", N, N],
    ["tt0000001", "4", "nm0000004", "writer", "screenplay", N],
    ["tt0000001", "5", "nm0000005", "producer", "executive producer", N],
    ["tt0000001", "6", "nm0000006", "producer", "producer", N],
    ["tt0000001", "7", "nm0000007", "composer", N, N],
    ["tt0000001", "8", "nm0000008", "archive_footage", N, '["Marcus"]'],
    ["tt0000001", "9", "nm0000009", "production_designer", N, N],
    ["tt0000003", "1", "nm0000013", "actor", N, '["Detective"]'],
    ["tt0000003", "2", "nm0000012", "director", N, N],
    ["tt0000004", "1", "nm0000013", "actor", N, '["Detective"]'],
    ["tt0000005", "1", "nm0000001", "self", N, '["Himself"]'],
]

CREW = [
    ["tt0000001", "nm0000003", "nm0000004,nm0000010,nm0000011"],
    ["tt0000002", N, N],
    ["tt0000003", "nm0000012,nm0000010", N],
    ["tt0000004", "nm0000012", N],
    ["tt0000005", N, "nm0000004"],
]

EPISODES = [["tt0000004", "tt0000003", "1", "1"]]

AKAS = [
    ["tt0000001", "1", 'The "Quiet" Harbour', "US", "en", "imdbDisplay", N, "0"],
    ["tt0000001", "2", "Le Port Tranquille", "FR", "fr", "imdbDisplay", N, "0"],
    ["tt0000001", "3", "Le port tranquille", "CA", "fr", N, N, "0"],
    ["tt0000001", "4", "Der stille Hafen", "DE", N, N, N, "0"],
    ["tt0000001", "5", 'The "Quiet" Harbour', N, N, "original", N, "1"],
    ["tt0000003", "1", "Signal de nuit", "FR", N, N, N, "0"],
]

DATASET = {
    "name.basics": PEOPLE,
    "title.basics": TITLES,
    "title.principals": PRINCIPALS,
    "title.crew": CREW,
    "title.episode": EPISODES,
    "title.akas": AKAS,
}


def person(nconst: str) -> dict:
    row = next(r for r in PEOPLE if r[0] == nconst)
    return {
        "name": row[1],
        "ids": [f"imdb:{nconst}"],
        "birth_year": None if row[2] == N else int(row[2]),
        "death_year": None if row[3] == N else int(row[3]),
        "professions": row[4].split(","),
        "known_for": [] if row[5] == N else [f"imdb:{t}" for t in row[5].split(",")],
    }


def write(
    folder: Path,
    tables: dict[str, list[list[str]]],
    compress: bool = False,
    raw: dict[str, list[str]] | None = None,
) -> Path:
    """IMDb's format: a header, tabs, `\\N`, no quoting; `raw` lines go in as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        lines = ["\t".join(TABLES[table])] + ["\t".join(row) for row in rows]
        lines += (raw or {}).get(table, [])
        data = ("\n".join(lines) + "\n").encode("utf-8")
        name = folder / (f"{table}.tsv.gz" if compress else f"{table}.tsv")
        name.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return folder


def parsed(*paths: Path, episodes: bool = False):
    claims = Claims()
    records = [
        record
        for source in read_all([str(p) for p in paths], None, episodes)
        for record in read_records(source, None, claims)
    ]
    listings = {r.ref.source_id: r for r in records if r.listing is not None}
    rejects = [r for r in records if r.error]
    return listings, rejects


def test_a_title_becomes_one_listing_with_every_credit_as_imdb_gives_it(tmp_path):
    listings, rejects = parsed(write(tmp_path / "imdb", DATASET))
    assert rejects == []
    record = listings["imdb:tt0000001"]
    assert (record.ref.file, record.ref.line) == (str(tmp_path / "imdb" / "title.basics.tsv"), 2)
    expected = Listing.model_validate(
        {
            "title": 'The "Quiet" Harbour',
            "year": 1981,
            "runtime_minutes": 115,
            "original_title": "Le Port Tranquille",
            "kind": "movie",
            "genres": ["Action", "Adventure"],
            "ids": ["imdb:tt0000001"],
            "alternate_titles": ["Le Port Tranquille", "Der stille Hafen"],
            "credits": [
                {
                    **person("nm0000001"),
                    "category": "actor",
                    "characters": ["Indy Jonas"],
                    "order": 1,
                },
                {
                    **person("nm0000002"),
                    "category": "actress",
                    "characters": ["Marion", 'Marion\'s "double"'],
                    "order": 2,
                },
                {**person("nm0000003"), "category": "director", "order": 3},
                {**person("nm0000004"), "category": "writer", "job": "screenplay", "order": 4},
                {
                    **person("nm0000005"),
                    "category": "executive producer",
                    "job": "executive producer",
                    "order": 5,
                },
                {**person("nm0000006"), "category": "producer", "job": "producer", "order": 6},
                {**person("nm0000007"), "category": "composer", "order": 7},
                {
                    **person("nm0000008"),
                    "category": "archive footage",
                    "characters": ["Marcus"],
                    "order": 8,
                },
                {**person("nm0000009"), "category": "production designer", "order": 9},
                # title.crew's writers that title.principals does not credit, in crew order
                {**person("nm0000010"), "category": "writer"},
                {**person("nm0000011"), "category": "writer"},
            ],
        }
    )
    assert record.listing == expected
    assert record.warnings == []


def test_nulls_are_missing_values_and_kinds_are_normalised(tmp_path):
    listings, _ = parsed(write(tmp_path / "imdb", DATASET))
    blank = listings["imdb:tt0000002"].listing
    assert (
        blank.year,
        blank.runtime_minutes,
        blank.genres,
        blank.credits,
        blank.original_title,
        blank.kind,
    ) == (None, None, [], [], None, "short")
    series = listings["imdb:tt0000003"].listing
    assert (series.kind, series.year, series.end_year) == ("tv series", 2015, 2018)
    assert series.alternate_titles == ["Signal de nuit"]
    # a crew-only director beside the one title.principals names, once each
    assert [(c.name, c.category, c.order) for c in series.credits] == [
        ("David Smith", "actor", 1),
        ("David Smith", "director", 2),
        ("Philip Kaufmann", "director", None),
    ]
    assert [c.ids for c in series.credits[:2]] == [["imdb:nm0000013"], ["imdb:nm0000012"]]
    assert listings["imdb:tt0000005"].listing.kind == "tv mini series"


def test_episodes_are_skipped_unless_asked_then_linked_to_their_series(tmp_path):
    folder = write(tmp_path / "imdb", DATASET)
    listings, rejects = parsed(folder)
    assert "imdb:tt0000004" not in listings and rejects == []
    assert len(listings) == 4
    listings, rejects = parsed(folder, episodes=True)
    assert rejects == []
    episode = listings["imdb:tt0000004"].listing
    assert episode.kind == "tv episode"
    assert episode.episode_of.model_dump() == {
        "title": "Night Signal",
        "year": 2015,
        "ids": ["imdb:tt0000003"],
    }
    assert (episode.season_number, episode.episode_number) == (1, 1)
    assert [(c.name, c.category) for c in episode.credits] == [
        ("David Smith", "actor"),
        ("David Smith", "director"),
    ]


def test_an_episode_listed_before_its_series_still_finds_it(tmp_path):
    """IMDb sorts ids as text: tt10000001 (eight digits) comes before tt9999999."""
    titles = [
        ["tt10000001", "tvEpisode", "Pilot", "Pilot", "0", "2021", N, N, N],
        ["tt9999999", "tvSeries", "Late Show", "Late Show", "0", "2021", N, N, N],
    ]
    folder = write(
        tmp_path / "imdb",
        {"title.basics": titles, "title.episode": [["tt10000001", "tt9999999", "1", "2"]]},
    )
    listings, rejects = parsed(folder, episodes=True)
    assert rejects == []
    assert listings["imdb:tt10000001"].listing.episode_of.title == "Late Show"


def test_gzip_and_plain_files_give_the_same_listings(tmp_path):
    plain, _ = parsed(write(tmp_path / "plain", DATASET))
    packed, _ = parsed(write(tmp_path / "packed", DATASET, compress=True))
    assert {k: r.listing for k, r in plain.items()} == {k: r.listing for k, r in packed.items()}
    assert packed["imdb:tt0000001"].ref.file.endswith("title.basics.tsv.gz")


def test_malformed_lines_are_rejected_with_file_and_line_and_their_neighbours_load(tmp_path):
    tables = {
        **DATASET,
        "name.basics": PEOPLE + [["nm0000020", "Born Late", "19x0", N, "actor", N]],
        "title.basics": TITLES
        + [
            ["tt0000006", "movie", "Bad Year", "Bad Year", "0", "2O21", N, N, N],
            ["tt0000007", "movie", "Good Year", "Good Year", "0", "2021", N, N, N],
        ],
    }
    tables["title.principals"] = PRINCIPALS + [
        ["tt0000007", "1", "nm0000001", "actor", N, '["Ann'],  # JSON cut short
        ["tt0000007", "2", "nm0000002", "actress", N],  # a column missing
        ["tt0000007", "3", "nm0000013", "actor", N, '["!!"]'],  # a character no key takes
        ["tt0000007", "4", "nm0000020", "actor", N, '["Kid"]'],  # a rejected person
        ["tt0000007", "5", "nm0000008", "actor", N, '["Old Man"]'],
    ]
    folder = write(tmp_path / "imdb", tables)
    listings, rejects = parsed(folder)
    where = {(Path(r.ref.file).name, r.ref.line): r.error for r in rejects}
    assert where == {
        ("name.basics.tsv", 15): "nm0000020: birthYear '19x0' is not a whole number",
        ("title.basics.tsv", 7): "tt0000006: startYear '2O21' is not a whole number",
        ("title.principals.tsv", 15): "tt0000007: characters '[\"Ann' is not a JSON list of names",
        ("title.principals.tsv", 16): "tt0000007: the line has 5 tab-separated columns, the "
        "header 6 (tconst, ordering, nconst, category, job, "
        "characters): a tab inside a value, or a column missing",
        ("title.principals.tsv", 17): "tt0000007: 'characters' name 1 ('!!') has no "
        "letters or digits",
    }
    good = listings["imdb:tt0000007"]
    assert [(c.name, c.characters) for c in good.listing.credits] == [
        ("Denholm Eliot", ["Old Man"])
    ]
    assert good.warnings == [
        "tt0000007: title.principals.tsv line 18 credits nm0000020, who "
        "is not in name.basics: that credit is left out"
    ]
    assert len(listings) == 5  # the four titles before, and tt0000007


def test_rows_of_a_title_that_title_basics_lacks_are_rejected_once(tmp_path):
    folder = write(
        tmp_path / "imdb",
        {
            **DATASET,
            "title.principals": PRINCIPALS
            + [
                ["tt0000009", "1", "nm0000001", "actor", N, N],
                ["tt0000009", "2", "nm0000002", "actor", N, N],
            ],
        },
    )
    _, rejects = parsed(folder)
    assert [(Path(r.ref.file).name, r.ref.line, r.error) for r in rejects] == [
        (
            "title.principals.tsv",
            15,
            "tt0000009 is not a title of title.basics: its "
            "title.principals rows (2 rows, lines 15-16) are left out",
        )
    ]


@pytest.mark.parametrize("table", ["title.basics", "title.principals", "title.akas"])
def test_a_file_out_of_order_stops_the_load_naming_file_and_line(tmp_path, table):
    rows = list(DATASET[table])
    rows[1], rows[-1] = rows[-1], rows[1]
    folder = write(tmp_path / "imdb", {**DATASET, table: rows})
    with pytest.raises(ImdbFileError) as failure:
        parsed(folder)
    message = str(failure.value)
    assert message.startswith(f"{folder / (table + '.tsv')} line ")
    assert "sorted by their first column" in message and "sort" in message


def test_a_damaged_gzip_file_and_a_foreign_header_stop_the_load_with_what_to_do(tmp_path):
    folder = write(tmp_path / "cut", DATASET, compress=True)
    whole = (folder / "title.principals.tsv.gz").read_bytes()
    (folder / "title.principals.tsv.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(
        ImdbFileError,
        match=r"title\.principals\.tsv\.gz: the gzip data is "
        r"damaged or cut short .*download the file again",
    ):
        parsed(folder)
    folder = write(tmp_path / "other", DATASET)
    (folder / "title.crew.tsv").write_text("id\tdirectors\twriters\ntt0000001\t\\N\t\\N\n")
    with pytest.raises(
        ImdbFileError,
        match=r"title\.crew\.tsv line 1: the header is "
        r"'id\\tdirectors\\twriters'.*tconst is missing",
    ):
        parsed(folder)


def test_listings_are_known_by_their_imdb_ids_wherever_the_files_are(tmp_path):
    first, _ = parsed(write(tmp_path / "dump-1", DATASET))
    second, _ = parsed(*sorted((write(tmp_path / "dump-2", DATASET, compress=True)).iterdir()))
    assert (
        sorted(first)
        == sorted(second)
        == ["imdb:tt0000001", "imdb:tt0000002", "imdb:tt0000003", "imdb:tt0000005"]
    )


def test_files_that_cannot_be_read_together_are_refused_before_anything_is_read(tmp_path):
    folder = write(tmp_path / "imdb", DATASET)
    with pytest.raises(
        SourceError, match="title.principals names people by their ids only: add name.basics"
    ):
        read_all([str(folder / "title.basics.tsv"), str(folder / "title.principals.tsv")])
    with pytest.raises(SourceError, match="without title.basics"):
        read_all([str(folder / "name.basics.tsv")])
    with pytest.raises(SourceError, match="--episodes needs title.episode"):
        read_all([str(folder / "title.basics.tsv")], episodes=True)
    with pytest.raises(SourceError, match="two name.basics files"):
        read_all([str(folder), str(write(tmp_path / "other", DATASET))])
    with pytest.raises(SourceError, match="known by their IMDb ids"):
        read_all([str(folder)], source="mine")


# -- the generator's datasets, against an independent reading of the files ------------


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


def expected_credits(folder: Path, episodes: bool) -> Counter:
    """Credits per category the files hold, counted without the parser: principals of
    loaded titles whose person name.basics has, and title.crew's directors and writers
    that principals does not credit in that category."""
    kinds = {r["tconst"]: r["titleType"] for r in read_tsv(folder / "title.basics.tsv")}
    loaded = {t for t, kind in kinds.items() if episodes or kind != "tvEpisode"}
    people = {r["nconst"] for r in read_tsv(folder / "name.basics.tsv")}
    counts: Counter = Counter()
    seen = set()
    for row in read_tsv(folder / "title.principals.tsv"):
        if row["tconst"] in loaded and row["nconst"] in people and row["characters"] is not None:
            category = row["category"].replace("_", " ")
            if category == "producer" and row["job"] == "executive producer":
                category = "executive producer"
            counts[category] += 1
            seen.add((row["tconst"], row["nconst"], category))
    for row in read_tsv(folder / "title.crew.tsv"):
        for column, category in (("directors", "director"), ("writers", "writer")):
            for nconst in [] if row[column] == N else row[column].split(","):
                if row["tconst"] in loaded and (row["tconst"], nconst, category) not in seen:
                    counts[category] += 1
    return counts


@pytest.mark.parametrize("episodes", [False, True], ids=["titles", "with-episodes"])
def test_a_generated_dataset_loads_every_title_and_credit_it_holds(tmp_path, episodes):
    manifest = generate(tmp_path / "imdb", 400, seed=3, malformed=True)
    listings, rejects = parsed(manifest.folder, episodes=episodes)
    kinds = Counter(r["titleType"] for r in read_tsv(manifest.folder / "title.basics.tsv"))
    assert len(listings) == sum(n for kind, n in kinds.items() if episodes or kind != "tvEpisode")
    assert [(Path(r.ref.file).name, r.ref.line) for r in rejects] == [
        ("title.principals.tsv", manifest.malformed["title.principals"])
    ]
    found = Counter(c.category for r in listings.values() for c in r.listing.credits)
    assert found == expected_credits(manifest.folder, episodes)
    assert {"archive footage", "production designer", "executive producer"} <= set(found)
    quoted = [r.listing.title for r in listings.values() if '"' in r.listing.title]
    assert quoted, "the generator writes titles with double quotes"
    warnings = [w for r in listings.values() for w in r.warnings]
    assert warnings == [w for w in warnings if manifest.missing_person in w] and warnings


def test_the_generator_is_deterministic(tmp_path):
    one = generate(tmp_path / "one", 200, seed=11, compress=True)
    two = generate(tmp_path / "two", 200, seed=11, compress=True)
    assert [f.read_bytes() for f in one.files()] == [f.read_bytes() for f in two.files()]
    other = generate(tmp_path / "three", 200, seed=12)
    assert (other.folder / "title.basics.tsv").read_bytes() != gzip.decompress(
        (one.folder / "title.basics.tsv.gz").read_bytes()
    )


# -- the command --------------------------------------------------------------


def run(tmp_path, *args):
    return CliRunner().invoke(
        main, ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), "load", *args]
    )


def test_load_dry_run_reads_a_folder_of_imdb_files_and_names_their_listings(tmp_path):
    folder = write(tmp_path / "imdb", DATASET, compress=True)
    result = run(tmp_path, str(folder), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert '"loaded": 4' in result.output and '"imdb:tt0000001"' in result.output
    result = run(tmp_path, *sorted(str(p) for p in folder.iterdir()), "--dry-run", "--episodes")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("would load 5,")


def test_load_says_what_is_wrong_with_imdb_files_without_a_traceback(tmp_path):
    folder = write(tmp_path / "imdb", {**DATASET, "title.crew": CREW[::-1]})
    result = run(tmp_path, str(folder), "--dry-run")
    assert result.exit_code == 1
    assert "title.crew.tsv line 3: tt0000004 comes after tt0000005" in result.output
    assert "Traceback" not in result.output
    result = run(tmp_path, str(folder / "title.basics.tsv"), "--episodes", "--dry-run")
    assert result.exit_code == 2 and "--episodes needs title.episode" in result.output


def test_the_on_disk_index_lives_while_titles_are_read_and_is_deleted_after(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = write(tmp_path / "imdb", DATASET)
    records = read_records(next(read_all([str(folder)])), None, Claims())
    next(records)
    assert [p.suffix for p in scratch.iterdir()] == [".sqlite"]
    assert len(list(records)) == 3
    assert list(scratch.iterdir()) == []
    records = read_records(next(read_all([str(folder)])), None, Claims())
    next(records)
    records.close()  # a load that stops half way
    assert list(scratch.iterdir()) == []


# -- loading into the graph, on both backends -------------------------------------------


def load(backend, *paths: Path, episodes: bool = False):
    return Loader(backend).load(read_all([str(p) for p in paths], None, episodes))


def count(backend, pattern: str) -> int:
    """Matches of a pattern. Name the relationship: FalkorDB counts an anonymous one
    (`()-[:PRODUCED]->()`) once per pair of nodes, however many edges join them."""
    return backend.run_read(f"MATCH {pattern} RETURN count(*)", max_rows=0).rows[0][0]


def expected_graph(folder: Path, episodes: bool) -> dict[str, int]:
    """Nodes per label and relationships per type the files make, computed without the
    parser or the writer: credits on their title (an episode's on its series), one edge
    per person, show, type and (PRODUCED, WORKED_ON) role (graph/schema.py)."""
    titles = read_tsv(folder / "title.basics.tsv")
    loaded = {r["tconst"] for r in titles if episodes or r["titleType"] != "tvEpisode"}
    series = {
        r["tconst"]: r["parentTconst"]
        for r in read_tsv(folder / "title.episode.tsv")
        if episodes and r["parentTconst"] in {t["tconst"] for t in titles}
    }
    people = {r["nconst"] for r in read_tsv(folder / "name.basics.tsv")}
    edges: set[tuple] = set()
    named: set[tuple] = set()

    def credit(tconst: str, nconst: str, category: str) -> None:
        rel_type, role = credit_relationship(category)
        edges.add(
            (
                rel_type.value,
                nconst,
                series.get(tconst, tconst),
                role if rel_type in ROLE_TYPES else None,
            )
        )

    for row in read_tsv(folder / "title.principals.tsv"):
        if row["tconst"] in loaded and row["nconst"] in people and row["characters"] is not None:
            category = row["category"].replace("_", " ")
            if category == "producer" and row["job"] == "executive producer":
                category = "executive producer"
            credit(row["tconst"], row["nconst"], category)
            named.add((row["tconst"], row["nconst"], category))
    for row in read_tsv(folder / "title.crew.tsv"):
        for column, category in (("directors", "director"), ("writers", "writer")):
            for nconst in [] if row[column] == N else row[column].split(","):
                if (
                    row["tconst"] in loaded
                    and nconst in people
                    and (row["tconst"], nconst, category) not in named
                ):
                    credit(row["tconst"], nconst, category)
    genres = {
        (r["tconst"], g)
        for r in titles
        if r["tconst"] in loaded and r["genres"] != N
        for g in r["genres"].split(",")
    }
    found = Counter(edge[0] for edge in edges)
    found.update(
        {
            "IN_GENRE": len(genres),
            "EPISODE_OF": len(series),
            "Show": len(loaded),
            "Listing": len(loaded),
            "Person": len({edge[1] for edge in edges}),
            "Genre": len({genre for _, genre in genres}),
        }
    )
    return {name: n for name, n in found.items() if n}


def graph_counts(backend) -> dict[str, int]:
    found = {
        label: count(backend, f"(:{label})") for label in ("Show", "Listing", "Person", "Genre")
    }
    found.update({rel.value: count(backend, f"()-[r:{rel.value}]->()") for rel in RelType})
    return {name: n for name, n in found.items() if n}


@pytest.mark.parametrize("episodes", [False, True], ids=["titles", "with-episodes"])
def test_a_generated_dataset_makes_exactly_the_nodes_and_edges_its_files_hold(
    backend, tmp_path, episodes
):
    manifest = generate(tmp_path / "imdb", 300, seed=5, malformed=True)
    summary = load(backend, manifest.folder, episodes=episodes)
    expected = expected_graph(manifest.folder, episodes)
    assert (summary.loaded, summary.rejected) == (expected["Listing"], 1)
    assert graph_counts(backend) == expected
    assert {"WORKED_ON", "PRODUCED", "ACTED_IN", "DIRECTED", "WROTE"} <= set(expected)
    assert ("EPISODE_OF" in expected) == episodes


def test_namesakes_stay_two_people_with_their_own_credits(backend, tmp_path):
    load(backend, write(tmp_path / "imdb", DATASET))
    assert backend.run_read(
        "MATCH (p:Person {name: 'David Smith'})-[r]->(s:Show) "
        "RETURN p.imdb_id, p.birth_year, type(r), s.title ORDER BY p.imdb_id",
        max_rows=0,
    ).rows == [
        ["nm0000012", 1950, "DIRECTED", "Night Signal"],
        ["nm0000013", 1982, "ACTED_IN", "Night Signal"],
    ]
    assert backend.run_read(
        "MATCH (p:Person {imdb_id: 'nm0000011'})-[r:WROTE]->(s:Show) "
        "RETURN p.birth_year, p.death_year, s.imdb_id",
        max_rows=0,
    ).rows == [[1564, 1616, "tt0000001"]]
    assert backend.run_read(
        "MATCH (p:Person)-[r:WORKED_ON]->(:Show {imdb_id: 'tt0000001'}) "
        "RETURN r.role, p.name, r.order ORDER BY r.role",
        max_rows=0,
    ).rows == [
        ["archive footage", "Denholm Eliot", 8],
        ["composer", "John Willems", 7],
        ["production designer", "Norm Reynolds", 9],
    ]


def test_loading_the_same_dump_twice_leaves_the_graph_identical(backend, tmp_path):
    manifest = generate(tmp_path / "imdb", 200, seed=9, compress=True)
    first = load(backend, manifest.folder, episodes=True)
    before = graph_checksum(backend)
    again = load(backend, manifest.folder, episodes=True)
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, first.loaded)
    assert graph_checksum(backend) == before


def test_a_newer_dump_elsewhere_updates_the_listings_of_the_older_one(backend, tmp_path):
    load(backend, write(tmp_path / "old", DATASET))
    newer = {**DATASET, "title.principals": [r for r in PRINCIPALS if r[2] != "nm0000007"]}
    summary = load(backend, write(tmp_path / "new", newer, compress=True))
    assert (summary.loaded, summary.updated, summary.unchanged) == (0, 1, 3)
    assert count(backend, "(:Listing)") == 4
    assert count(backend, "(:Person {imdb_id: 'nm0000007'})-[r:WORKED_ON]->()") == 0


def test_episodes_are_linked_to_their_series_and_credited_on_it(backend, tmp_path):
    load(backend, write(tmp_path / "imdb", DATASET), episodes=True)
    assert backend.run_read(
        "MATCH (e:Show)-[r:EPISODE_OF]->(s:Show) "
        "RETURN e.imdb_id, e.kind, r.season, r.episode, s.imdb_id, s.title",
        max_rows=0,
    ).rows == [["tt0000004", "tv episode", 1, 1, "tt0000003", "Night Signal"]]
    person = backend.run_read("MATCH (p:Person {imdb_id: 'nm0000013'}) RETURN p.key").value()
    series = backend.run_read("MATCH (s:Show {imdb_id: 'tt0000003'}) RETURN s.key").value()
    assert backend.run_read(
        "MATCH (p:Person {imdb_id: 'nm0000013'})-[r:ACTED_IN]->(s:Show) "
        "RETURN s.imdb_id, s.key, r.asserted_by ORDER BY s.imdb_id",
        max_rows=0,
    ).rows == [["tt0000003", series, 2]]
    assert listings_asserting_edge(backend, "ACTED_IN", person, series) == [
        "imdb:tt0000003",
        "imdb:tt0000004",
    ]


def test_the_benchmark_baseline_rebuilds_exactly_the_graph_the_imdb_loader_made(
    both_backends, tmp_path
):
    """benchmarks/imdb_load.py compares the loader with a plain UNWIND of 'the same rows':
    credits' characters, jobs and order, and one WORKED_ON edge per role, included."""
    from benchmarks.bulk import graph_rows, write_graph_rows
    from tests.loaders.test_loading import snapshot

    loaded, rebuilt = both_backends["embedded"], both_backends["neo4j"]
    two_roles = (
        PRINCIPALS[:9] + [["tt0000001", "10", "nm0000007", "editor", N, N]] + PRINCIPALS[9:]
    )  # the composer edits too: two WORKED_ON edges between them
    load(
        loaded, write(tmp_path / "imdb", {**DATASET, "title.principals": two_roles}), episodes=True
    )
    write_graph_rows(rebuilt, *graph_rows(loaded), batch=7)
    assert snapshot(rebuilt) == snapshot(loaded)
