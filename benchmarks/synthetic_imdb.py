"""Synthetic data in the exact format of IMDb's dataset files, seeded and deterministic.

IMDb's data may not be copied into this repository (non-commercial licence), so tests
and benchmarks make their own: the six files IMDb documents (title.basics, name.basics,
title.principals, title.crew, title.episode, title.akas), tab-separated with a header,
`\\N` for null, no quoting, sorted by their first column as text the way IMDb sorts them
(`tt10000000` before `tt9999999`: ids cross from seven to eight digits), gzipped or not.

The shapes are those of the real files: careers are heavy-tailed (a few people credited
on many titles, most on one or two), namesakes (different nconsts, one primaryName),
series and mini-series with episodes (often listed before their series: higher ids, and
the episode ids have eight digits), alternate titles per region repeating one another,
`\\N`s everywhere IMDb leaves blanks, titles and characters holding double quotes,
categories screengraph has no relationship of its own for (composer, archive_footage,
production_designer...), producers whose job is `executive producer`, directors and
writers credited in title.crew only, a writer born in 1564, and a credit naming a person
name.basics lacks. `--malformed` adds one line with a column missing to title.principals.

    python -m benchmarks.synthetic_imdb OUT_DIR --titles 2000 --seed 7 [--gzip] [--malformed]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from screengraph.loaders.imdb_files import NULL, TABLES

FIRST = [
    "Anna",
    "David",
    "Michael",
    "Léa",
    "Sara",
    "Jean",
    "Kenji",
    "Marie",
    "Omar",
    "Zoé",
    "Lars",
    "Ines",
    "Paul",
    "Yara",
    "Hugo",
    "Ana",
    "Tomás",
    "Chloé",
    "Ravi",
    "Eva",
]
LAST = [
    "Smith",
    "Brown",
    "Drucker",
    "Nakamura",
    "Okafor",
    "Silva",
    "Novak",
    "Berger",
    "Garcia",
    "Moreau",
    "Larsen",
    "Kowalski",
    "O'Neill",
    "Dubois",
    "Haddad",
    "Rossi",
]
WORDS = [
    "Night",
    "River",
    "Shadow",
    "Legend",
    "Garden",
    "Winter",
    "Signal",
    "Harbour",
    "Empire",
    "Storm",
    "Letters",
    "Code",
    "Bureau",
    "Spiral",
    "Dream",
    "Queen",
]
FOREIGN = {"FR": "Le", "DE": "Die", "ES": "El", "IT": "Il", "JP": "Za"}
GENRES = [
    "Drama",
    "Comedy",
    "Thriller",
    "Documentary",
    "Crime",
    "Animation",
    "Romance",
    "Sci-Fi",
    "History",
    "Horror",
    "Family",
    "War",
    "Western",
    "Musical",
]
# (titleType, share of the titles that are not episodes)
KINDS = [
    ("movie", 55),
    ("short", 10),
    ("tvMovie", 6),
    ("video", 5),
    ("tvSpecial", 3),
    ("tvSeries", 14),
    ("tvMiniSeries", 7),
]
SERIES = ("tvSeries", "tvMiniSeries")
# Crew categories of title.principals beyond cast, director, writer and producer; each
# with its job (`\N` when IMDb gives none) and the profession of who does it.
OTHER_CATEGORIES = [
    ("composer", NULL, "composer"),
    ("cinematographer", NULL, "cinematographer"),
    ("editor", NULL, "editor"),
    ("production_designer", NULL, "production_designer"),
    ("casting_director", NULL, "casting_director"),
    ("archive_footage", NULL, "actor"),
]
# Titles of one folder at most: past it, some seven-digit ids (the lowest grow down from
# 9,999,999) would sort among the eight-digit ones, and _Segments' order would not be IMDb's.
MAX_TITLES = 16_000_000
KNOWN_FOR = 4  # titles in name.basics' knownForTitles
PROFESSIONS = [
    "actor",
    "actress",
    "self",
    "director",
    "writer",
    "producer",
    "composer",
    "cinematographer",
    "editor",
    "production_designer",
    "casting_director",
]


@dataclass
class Manifest:
    """What was generated: row counts per file, and where the malformed line is."""

    folder: Path
    rows: dict[str, int] = field(default_factory=dict)
    malformed: dict[str, int] = field(default_factory=dict)  # file name -> line number
    missing_person: str = ""  # an nconst credited but absent from name.basics

    def files(self) -> list[Path]:
        return sorted(self.folder.iterdir())


def _skewed(rng: random.Random, n: int, power: float = 3.0) -> int:
    """An index in [0, n), low ones far likelier: a few prolific people, many occasional."""
    return min(n - 1, int(n * rng.random() ** power))


class _Generator:
    def __init__(self, titles: int, seed: int, scratch: Path):
        self.rng = random.Random(seed)
        self.budget = titles
        if titles > MAX_TITLES:
            raise ValueError(
                f"{titles:,} titles is more than this generator keeps in IMDb's "
                f"order ({MAX_TITLES:,}): make several folders with other seeds"
            )
        # (name, born, died, professions); the nconst is the index (_nconst).
        self.people: list[tuple[str, str, str, tuple[str, ...]]] = []
        self.by_profession: dict[str, list[int]] = {p: [] for p in PROFESSIONS}
        self.rows = _Segments(scratch)  # title-side rows, written as they are made
        self.first_title = ""
        # person -> their first KNOWN_FOR distinct titles (knownForTitles)
        self.credited: dict[int, list[str]] = {}
        self._next_title = 9_999_999 - max(10, titles // 2)  # half of the ids get 8 digits
        self._make_people(max(60, titles * 2))

    # -- people -------------------------------------------------------------

    def _make_people(self, count: int) -> None:
        rng = self.rng
        for i in range(count):
            profession = PROFESSIONS[_skewed(rng, len(PROFESSIONS), 1.6)]
            name = f"{rng.choice(FIRST)} {chr(65 + i % 26)}. {rng.choice(LAST)} {i // 26}"
            born = NULL if rng.random() < 0.3 else str(rng.randint(1900, 2005))
            died = (
                str(rng.randint(int(born) + 20, 2025))
                if born != NULL and int(born) < 1950 and rng.random() < 0.5
                else NULL
            )
            extra = [p for p in PROFESSIONS if p != profession and rng.random() < 0.08][:2]
            self._person(name, born, died, [profession, *extra])
        # Namesakes: people with another person's name (and their own id, years, job).
        for _ in range(max(3, count // 50)):
            twin = self.people[_skewed(rng, count)]
            self._person(
                twin[0],
                str(rng.randint(1930, 2000)),
                NULL,
                [PROFESSIONS[rng.randrange(len(PROFESSIONS))]],
            )
        self._person("David Smith", "1950", NULL, ["director"])
        self._person("David Smith", "1982", NULL, ["actor"])
        self._person("David Smith", NULL, NULL, ["writer"])
        self._person("Wilhelm Quill", "1564", "1616", ["writer"])  # before cinema

    def _person(self, name: str, born: str, died: str, professions: list[str]) -> int:
        index = len(self.people)
        self.people.append((name, born, died, tuple(professions)))
        for profession in professions:
            self.by_profession[profession].append(index)
        return index

    def _pick(self, profession: str) -> int:
        pool = self.by_profession[profession] or self.by_profession["actor"]
        return pool[_skewed(self.rng, len(pool))]

    # -- titles -------------------------------------------------------------

    def _tconst(self) -> str:
        self._next_title += 1
        return f"tt{self._next_title:07d}"

    def _title_text(self, i: int) -> str:
        rng = self.rng
        text = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
        roll = rng.random()
        if roll < 0.04:
            text = f'The "{rng.choice(WORDS)}" {i}'  # quotes inside
        elif roll < 0.05:
            text = f'"{rng.choice(WORDS)}" Night {i}'  # a quote first
        elif roll < 0.06:
            text = f"{1900 + i % 120}"  # a title that looks like a year
        return text

    def generate(self) -> None:
        rng = self.rng
        kinds, weights = zip(*KINDS)
        number = 0
        while self.budget > 0:
            number += 1
            kind = rng.choices(kinds, weights)[0]
            tconst = self._tconst()
            title = self._title_text(number)
            year = NULL if rng.random() < 0.03 else rng.randint(1920, 2024)
            row = self._basics(tconst, kind, title, year)
            self._credits(tconst, kind, episode=False)
            self._akas(tconst, title)
            self.budget -= 1
            if kind in SERIES:
                self._series_episodes(tconst, row, year)

    def _basics(self, tconst: str, kind: str, title: str, year) -> dict:
        rng = self.rng
        original = title if rng.random() < 0.85 else f"{FOREIGN['FR']} {title}"
        end = NULL
        if kind in SERIES and year != NULL:
            end = NULL if rng.random() < 0.3 else str(year + rng.randint(0, 9))
        runtime = NULL if rng.random() < 0.1 else str(rng.choice([12, 22, 45, 90, 104, 128]))
        genres = (
            NULL
            if rng.random() < 0.05
            else ",".join(sorted(set(rng.sample(GENRES, rng.randint(1, 3)))))
        )
        row = {
            "tconst": tconst,
            "titleType": kind,
            "primaryTitle": title,
            "originalTitle": original,
            "isAdult": "0",
            "startYear": str(year) if year != NULL else NULL,
            "endYear": end,
            "runtimeMinutes": runtime,
            "genres": genres,
        }
        self.rows.add("title.basics", [row[c] for c in TABLES["title.basics"]])
        if not self.first_title or tconst < self.first_title:  # IMDb's order is the text's
            self.first_title = tconst
        return row

    def _series_episodes(self, parent: str, row: dict, year) -> None:
        rng = self.rng
        seasons = 1 if row["titleType"] == "tvMiniSeries" else rng.randint(1, 3)
        for season in range(1, seasons + 1):
            for episode in range(1, rng.randint(2, 6)):
                if self.budget <= 0:
                    return
                tconst = self._tconst()
                title = (
                    f"Episode #{season}.{episode}"
                    if rng.random() < 0.5
                    else f"{rng.choice(WORDS)} {episode}"
                )
                episode_year = year if year == NULL else year + season - 1
                self._basics(tconst, "tvEpisode", title, episode_year)
                unnumbered = rng.random() < 0.05
                self.rows.add(
                    "title.episode",
                    [
                        tconst,
                        parent,
                        NULL if unnumbered else str(season),
                        NULL if unnumbered else str(episode),
                    ],
                )
                self._credits(tconst, "tvEpisode", episode=True)
                self.budget -= 1

    def _credits(self, tconst: str, kind: str, episode: bool) -> None:
        rng = self.rng
        rows: list[tuple[int, str, str, str]] = []  # person, category, job, characters
        for _ in range(rng.randint(2, 5) if episode else rng.randint(3, 7)):
            profession = rng.choice(["actor", "actress"]) if rng.random() < 0.9 else "self"
            who = self._pick(profession)
            rows.append((who, profession, NULL, self._characters()))
        directors = [self._pick("director")]
        writers = [self._pick("writer") for _ in range(rng.randint(1, 2))]
        rows.append((directors[0], "director", NULL, NULL))
        rows.append((writers[0], "writer", rng.choice(["screenplay", "novel", NULL]), NULL))
        if rng.random() < 0.6:
            rows.append((self._pick("producer"), "producer", "producer", NULL))
        if rng.random() < 0.35:
            rows.append((self._pick("producer"), "producer", "executive producer", NULL))
        for category, job, profession in OTHER_CATEGORIES:
            if rng.random() < (0.05 if category == "archive_footage" else 0.3):
                characters = self._characters() if category == "archive_footage" else NULL
                rows.append((self._pick(profession), category, job, characters))
        # Crew-only: a second director or more writers, in title.crew but not principals.
        if rng.random() < 0.15:
            directors.append(self._pick("director"))
        if rng.random() < 0.3:
            writers.append(self._pick("writer"))
        for ordering, (who, category, job, characters) in enumerate(rows, 1):
            self.rows.add(
                "title.principals", [tconst, str(ordering), _nconst(who), category, job, characters]
            )
            known = self.credited.setdefault(who, [])
            if len(known) < KNOWN_FOR and tconst not in known:
                known.append(tconst)
        crew_directors = list(dict.fromkeys(_nconst(d) for d in directors))
        crew_writers = list(dict.fromkeys(_nconst(w) for w in writers))
        if rng.random() < 0.05:
            crew_writers = []  # IMDb lists no writers for some titles
        self.rows.add(
            "title.crew", [tconst, ",".join(crew_directors) or NULL, ",".join(crew_writers) or NULL]
        )

    def _characters(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return NULL
        if roll < 0.2:
            return json.dumps([f'Dr. "{rng.choice(LAST)}"'], ensure_ascii=False)
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}"]
        if roll > 0.92:
            names.append("Himself")
        return json.dumps(names, ensure_ascii=False)

    def _akas(self, tconst: str, title: str) -> None:
        rng = self.rng
        rows = [[title, "US", "en", "imdbDisplay", NULL, "0"]]
        for region in rng.sample(sorted(FOREIGN), rng.randint(0, 3)):
            aka = f"{FOREIGN[region]} {title}"
            rows.append([aka, region, NULL, "imdbDisplay", NULL, "0"])
            if rng.random() < 0.3:  # the same title for a second region
                rows.append([aka, "CA" if region == "FR" else "AT", NULL, NULL, NULL, "0"])
        rows.append([title, NULL, NULL, "original", NULL, "1"])
        for ordering, row in enumerate(rows, 1):
            self.rows.add("title.akas", [tconst, str(ordering), *row])

    # -- files --------------------------------------------------------------

    def write(self, folder: Path, compress: bool, malformed: bool) -> Manifest:
        folder.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(folder)
        missing = _nconst(len(self.people))  # credited, not in name.basics
        manifest.missing_person = missing
        extra = [self.first_title, "99", missing, "actor", NULL, '["Nobody"]']
        for table in TABLES:
            if table == "name.basics":
                rows = (
                    [
                        _nconst(i),
                        name,
                        born,
                        died,
                        ",".join(professions),
                        ",".join(self.credited.get(i, ())) or NULL,
                    ]
                    for i, (name, born, died, professions) in enumerate(self.people)
                )
            else:
                rows = self.rows.in_order(table)
            if table == "title.principals":
                # after the first title's own rows: its orderings are all below 99
                rows = _after_first(rows, self.first_title, extra)
            lines = ("\t".join(row) for row in rows)
            if malformed and table == "title.principals":
                # in the middle (the header and the extra row counted), on a title loaded
                # with or without --episodes
                lines = _broken_line(
                    lines,
                    (self.rows.count[table] + 2) // 2,
                    self.rows.episode_ids(),
                    manifest.malformed,
                    table,
                )
            name = f"{table}.tsv" + (".gz" if compress else "")
            count = 0
            with _open(folder / name, compress) as raw, io.BufferedWriter(raw, 1 << 20) as out:
                out.write(("\t".join(TABLES[table]) + "\n").encode("utf-8"))
                for line in lines:
                    out.write((line + "\n").encode("utf-8"))
                    count += 1
            manifest.rows[table] = count
        self.rows.close()
        return manifest


def _nconst(index: int) -> str:
    return f"nm{index + 1:07d}"


class _Segments:
    """Title-side rows on disk as they are made, two runs per table: ids of eight digits,
    then of seven. Each run is in the order ids were given (ascending, one length), and
    every eight-digit id sorts before every seven-digit one as text (below MAX_TITLES, the
    lowest seven-digit id is above any eight-digit id's first seven digits): the two runs
    one after the other are IMDb's order, with nothing held or sorted."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count: dict[str, int] = {table: 0 for table in TABLES}
        self._files: dict[tuple[str, bool], IO[str]] = {}

    def add(self, table: str, row: list[str]) -> None:
        key = (table, len(row[0]) > 9)
        out = self._files.get(key)
        if out is None:
            out = self._files[key] = (self.folder / f"{table}-{int(key[1])}.tsv").open(
                "w", encoding="utf-8", newline="\n"
            )
        out.write("\t".join(row) + "\n")
        self.count[table] += 1

    def in_order(self, table: str) -> Iterator[list[str]]:
        for long_ids in (True, False):
            out = self._files.get((table, long_ids))
            if out is None:
                continue
            out.flush()
            with open(out.name, encoding="utf-8", newline="\n") as rows:
                for line in rows:
                    yield line[:-1].split("\t")

    def close(self) -> None:
        for out in self._files.values():
            out.close()

    def episode_ids(self) -> set[str]:
        return {row[0] for row in self.in_order("title.episode")}


def _after_first(rows: Iterator[list[str]], first: str, extra: list[str]) -> Iterator[list[str]]:
    placed = False
    for row in rows:
        if not placed and row[0] != first:
            yield extra
            placed = True
        yield row
    if not placed:
        yield extra


def _broken_line(
    lines: Iterator[str], middle: int, episodes: set[str], malformed: dict[str, int], table: str
) -> Iterator[str]:
    """The first line past `middle` (the header is line 1) of a title that is not an
    episode, given whole and, just before, with its last column dropped; the broken
    line's number goes into `malformed`."""
    placed = False
    for number, line in enumerate(lines, 2):
        if not placed and number > middle and line.split("\t", 1)[0] not in episodes:
            malformed[table] = number
            yield line.rsplit("\t", 1)[0]
            placed = True
        yield line


def _open(path: Path, compress: bool) -> IO[bytes]:
    # mtime=0: the same data gives the same bytes, run after run.
    return gzip.GzipFile(path, "wb", mtime=0) if compress else path.open("wb")


def generate(
    folder: Path, titles: int, seed: int = 7, compress: bool = False, malformed: bool = False
) -> Manifest:
    """Write `titles` titles (episodes included) and everything they name into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".rows-", dir=folder) as scratch:
        generator = _Generator(titles, seed, Path(scratch))
        generator.generate()
        return generator.write(folder, compress, malformed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--titles", type=int, default=2000, help="Rows of title.basics (episodes included)."
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gzip", action="store_true", help="Write .tsv.gz files, as IMDb does.")
    parser.add_argument(
        "--malformed",
        action="store_true",
        help="Add a title.principals line with a column missing.",
    )
    args = parser.parse_args()
    manifest = generate(args.out_dir, args.titles, args.seed, args.gzip, args.malformed)
    for table, count in manifest.rows.items():
        print(f"{table:<17} {count:>10,} rows")
    for table, line in manifest.malformed.items():
        print(f"malformed: {table} line {line}")


if __name__ == "__main__":
    main()
