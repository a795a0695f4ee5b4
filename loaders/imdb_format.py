"""IMDb's dataset files as listings: one `ParsedRecord` per title of title.basics.

The files are joined as streams. IMDb sorts every file by its first column, the title
id; title.basics drives, and title.principals, title.crew, title.akas (and title.episode
with `--episodes`) are each read forward alongside it, a title's rows at a time, so memory
does not grow with their length (title.principals has tens of millions of rows). People
(name.basics) and the series episodes belong to are looked up in an on-disk index
(loaders/imdb_index.py), built in one pass before the titles are read.

A line that cannot be read (wrong number of columns, a year that is not a number, a
`characters` value that is not a JSON list...) is rejected with its file, line and
reason; the rest of its title, and its neighbours, load. A file out of order, cut short
or with another header stops the load with a message that says what to do
(loaders/imdb_files.py).

What each IMDb category becomes: graph/schema.py `credit_relationship` (director,
producer, writer, actor/actress/self; every other category, such as composer or
archive_footage, a WORKED_ON credit with its category as role). A producer whose job is
`executive producer` is an executive producer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePath
from typing import Any

from pydantic import ValidationError

from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import credit_category
from screengraph.loaders.identity import IMDB
from screengraph.loaders.imdb_files import (
    NAME_ID,
    NULL,
    TITLE_ID,
    BadLine,
    ImdbDataset,
    Line,
    TableFile,
    id_list,
    null,
    whole_number,
    word_list,
)
from screengraph.loaders.imdb_index import INSERT_BATCH, DiskIndex, Person
from screengraph.loaders.model import (
    NAME_MAX_LENGTH,
    PERSON_YEAR_MIN,
    YEAR_MAX,
    Listing,
    ParsedRecord,
    SourceRef,
    explain,
    settled_listing,
)

EPISODE = "tvEpisode"  # IMDb's titleType of an episode
EXECUTIVE_PRODUCER = "executive producer"
CREW_CATEGORIES = {"directors": "director", "writers": "writer"}  # title.crew column -> category


# Called with how many lines of name.basics are indexed so far, as the index is built
# (minutes for the real file, before the first title can be read), and once at its end.
IndexProgress = Callable[[int], None]


def parse_imdb(
    dataset: ImdbDataset, scratch: str | None = None, on_indexed: IndexProgress | None = None
) -> Iterator[ParsedRecord]:
    """Every title of the dataset as a listing, or a rejected line; `scratch` is the folder
    of the temporary index (default: the system's temporary folder)."""
    with DiskIndex(scratch) as index:
        people = dataset.table("name.basics")
        if people is not None:
            yield from _index_people(people, index, on_indexed or (lambda lines: None))
        if dataset.episodes:
            _index_series(dataset.required("title.basics"), index)
        yield from _Join(dataset, index).records()


def _reject(table: TableFile, number: int, reason: str) -> ParsedRecord:
    ref = SourceRef(source_id=PurePath(table.name).name, file=table.name, line=number)
    return ParsedRecord(ref=ref, error=reason)


def _bad(table: TableFile, line: BadLine) -> ParsedRecord:
    return _reject(table, line.number, line.reason)


def _index_people(
    table: TableFile, index: DiskIndex, on_indexed: IndexProgress
) -> Iterator[ParsedRecord]:
    """name.basics into the index, one batch at a time; its bad lines are rejected."""
    batch: list[tuple] = []
    lines = 0
    for line in table.lines(sorted_by_key=False):
        lines += 1
        if isinstance(line, BadLine):
            yield _bad(table, line)
            continue
        fields = table.fields(line)
        try:
            if isinstance(fields, str):
                raise ValueError(fields)
            batch.append(_person_row(fields))
        except ValueError as exc:
            yield _reject(table, line.number, f"{line.key.decode()}: {exc}")
            continue
        if len(batch) >= INSERT_BATCH:
            index.add_people(batch)
            batch = []
            on_indexed(lines)
    index.add_people(batch)
    index.commit()
    on_indexed(lines)


def _person_row(fields: dict[str, str]) -> tuple:
    """A name.basics row as the index keeps it, checked as a credit would check it (so
    that a bad person is rejected once, here, not on each title that credits them)."""
    name = fields["primaryName"]
    # Uncached: normalize_name's cache holds the load's working set, which millions of
    # names met once would only push out (and its bounded size in memory is reached sooner).
    if name == NULL or not normalize_name.__wrapped__(name):
        raise ValueError(f"primaryName '{name[:40]}' has no letters or digits")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(
            f"primaryName is {len(name):,} characters long; at most {NAME_MAX_LENGTH} are allowed"
        )
    years = []
    for column in ("birthYear", "deathYear"):
        year = whole_number(fields[column], column)
        if year is not None and not PERSON_YEAR_MIN <= year <= YEAR_MAX:
            raise ValueError(f"{column} {year} is not between {PERSON_YEAR_MIN} and {YEAR_MAX}")
        years.append(year)
    professions = word_list(fields["primaryProfession"])
    for profession in professions:
        if not normalize_name(profession):  # a few dozen words: cached
            raise ValueError(
                f"primaryProfession holds '{profession[:40]}', which has no letters or digits"
            )
    known_for = id_list(fields["knownForTitles"], TITLE_ID, "knownForTitles")
    return (fields["nconst"], name, *years, ",".join(professions), ",".join(known_for))


def _index_series(table: TableFile, index: DiskIndex) -> None:
    """Every title but episodes (those episodes can belong to), by id: one pass over
    title.basics before the titles are read (a series may come after its episodes). Bad
    lines are skipped here; the main pass rejects them."""
    batch: list[tuple] = []
    for line in table.lines():
        if isinstance(line, BadLine):
            continue
        fields = table.fields(line)
        if isinstance(fields, str) or fields["titleType"] == EPISODE:
            continue
        try:
            year = whole_number(fields["startYear"], "startYear")
        except ValueError:
            continue
        batch.append((fields["tconst"], fields["primaryTitle"], year))
        if len(batch) >= INSERT_BATCH:
            index.add_series(batch)
            batch = []
    index.add_series(batch)
    index.commit()


class _Cursor:
    """One file keyed by title id, read forward alongside title.basics."""

    def __init__(self, table: TableFile):
        self.table = table
        self._lines = table.lines()
        self._head: Line | None = None
        self.rejects: list[ParsedRecord] = []  # met while moving forward; taken by the join
        self._advance()

    def _advance(self) -> None:
        for line in self._lines:
            if isinstance(line, BadLine):
                self.rejects.append(_bad(self.table, line))
                continue
            self._head = line
            return
        self._head = None

    def take(self, key: bytes) -> list[Line]:
        """The rows of title `key`; rows of titles before it that title.basics does not
        have are rejected (one reject per such title)."""
        rows: list[Line] = []
        stray: list[Line] = []
        while self._head is not None and self._head.key <= key:
            head = self._head
            if head.key == key:
                rows.append(head)
            else:
                if stray and stray[0].key != head.key:
                    self._reject_stray(stray)
                    stray = []
                stray.append(head)
            self._advance()
        if stray:
            self._reject_stray(stray)
        return rows

    def finish(self) -> None:
        """Read to the end: rows after the last title are strays too."""
        self.take(b"\xff")

    def _reject_stray(self, rows: list[Line]) -> None:
        lines = (
            f"line {rows[0].number}"
            if len(rows) == 1
            else f"{len(rows)} rows, lines {rows[0].number}-{rows[-1].number}"
        )
        self.rejects.append(
            _reject(
                self.table,
                rows[0].number,
                f"{rows[0].key.decode()} is not a title of title.basics: "
                f"its {self.table.table} rows ({lines}) are left out",
            )
        )


class _Join:
    """title.basics with the other files' rows of each title, and the index."""

    def __init__(self, dataset: ImdbDataset, index: DiskIndex):
        self.dataset = dataset
        self.index = index
        self.basics = dataset.required("title.basics")
        joined = ["title.principals", "title.crew", "title.akas"]
        if dataset.episodes:
            joined.append("title.episode")
        self.cursors = {
            table: _Cursor(dataset.required(table)) for table in joined if table in dataset.files
        }

    def records(self) -> Iterator[ParsedRecord]:
        for line in self.basics.lines():
            if isinstance(line, BadLine):
                yield _bad(self.basics, line)
                continue
            rows = {table: cursor.take(line.key) for table, cursor in self.cursors.items()}
            for cursor in self.cursors.values():
                yield from cursor.rejects
                cursor.rejects.clear()
            fields = self.basics.fields(line)
            if isinstance(fields, str):
                yield _reject(self.basics, line.number, f"{line.key.decode()}: {fields}")
                continue
            if fields["titleType"] == EPISODE and not self.dataset.episodes:
                continue
            yield from _Title(self, line, fields, rows).records()
        for cursor in self.cursors.values():
            cursor.finish()
            yield from cursor.rejects


class _Title:
    """One title: its basics row and the rows of the other files, as a listing."""

    def __init__(
        self, join: _Join, line: Line, fields: dict[str, str], rows: dict[str, list[Line]]
    ):
        self.join = join
        self.line = line
        self.fields = fields
        self.rows = rows
        self.tconst = fields["tconst"]
        self.rejects: list[ParsedRecord] = []
        self.warnings: list[str] = []
        # (list field, position) -> (file, line) of the row it came from: a value the model
        # refuses is blamed on its own line, and the title loads without it.
        self.origin: dict[tuple[str, int], tuple[TableFile, int]] = {}

    def _reject_row(self, table: TableFile, number: int, reason: str) -> None:
        self.rejects.append(_reject(table, number, f"{self.tconst}: {reason}"))

    def _read(self, table: str) -> Iterator[tuple[TableFile, Line, dict[str, str]]]:
        """The title's rows of one file, split into columns; unreadable ones rejected."""
        cursor = self.join.cursors.get(table)
        if cursor is None:
            return  # the dataset has no such file, so the title has no rows in it
        for line in self.rows.get(table, ()):
            fields = cursor.table.fields(line)
            if isinstance(fields, str):
                self._reject_row(cursor.table, line.number, fields)
                continue
            yield cursor.table, line, fields

    def records(self) -> Iterator[ParsedRecord]:
        ref = SourceRef(
            source_id=IMDB + self.tconst,
            file=self.join.basics.name,
            line=self.line.number,
            own_id=IMDB + self.tconst,
        )
        try:
            data = self._listing_data()
        except ValueError as exc:
            yield from self.rejects
            yield ParsedRecord(ref=ref, error=f"{self.tconst}: {exc}")
            return
        listing, problem = self._validated(data)
        yield from self.rejects
        if listing is None:
            yield ParsedRecord(ref=ref, error=f"{self.tconst}: {problem}")
        else:
            yield ParsedRecord(ref=ref, listing=listing, warnings=self.warnings)

    def _listing_data(self) -> dict:
        fields = self.fields
        title = fields["primaryTitle"]
        if title == NULL:
            raise ValueError("primaryTitle is missing (\\N)")
        original = null(fields["originalTitle"])
        data = {
            "title": title,
            "year": whole_number(fields["startYear"], "startYear"),
            "end_year": whole_number(fields["endYear"], "endYear"),
            "runtime_minutes": whole_number(fields["runtimeMinutes"], "runtimeMinutes"),
            "original_title": original if original != title else None,
            "kind": null(fields["titleType"]),
            "genres": word_list(fields["genres"]),
            "ids": [IMDB + self.tconst],
            "alternate_titles": self._alternate_titles(title),
            "credits": self._credits(),
        }
        data.update(self._episode())
        return data

    def _alternate_titles(self, title: str) -> list[str]:
        """title.akas' titles, once each (as names compare), other than the primary title."""
        seen = {normalize_name(title)}
        titles: list[str] = []
        for table, line, fields in self._read("title.akas"):
            aka = null(fields["title"])
            key = normalize_name(aka) if aka else ""
            if aka is None or (key and key in seen):
                continue
            seen.add(key)
            self.origin[("alternate_titles", len(titles))] = (table, line.number)
            titles.append(aka)
        return titles

    def _credits(self) -> list[dict]:
        credits: list[tuple[dict, TableFile, int]] = []
        credited: set[tuple[str, str]] = set()  # (nconst, category) from title.principals
        for table, line, fields in self._read("title.principals"):
            try:
                credit = _principal(fields)
            except ValueError as exc:
                self._reject_row(table, line.number, str(exc))
                continue
            credits.append((credit, table, line.number))
            credited.add((credit["nconst"], credit["category"]))
        for table, line, fields in self._read("title.crew"):
            try:
                crew = {
                    column: id_list(fields[column], NAME_ID, column) for column in CREW_CATEGORIES
                }
            except ValueError as exc:
                self._reject_row(table, line.number, str(exc))
                continue
            for column, category in CREW_CATEGORIES.items():
                for nconst in dict.fromkeys(crew[column]):
                    if (nconst, category) not in credited:
                        credits.append(
                            ({"nconst": nconst, "category": category}, table, line.number)
                        )
        people = self.join.index.people(credit["nconst"] for credit, _, _ in credits)
        found: list[dict] = []
        for credit, table, number in credits:
            person = people.get(credit["nconst"])
            if person is None:
                self.warnings.append(
                    f"{self.tconst}: {PurePath(table.name).name} line {number} credits "
                    f"{credit['nconst']}, who is not in name.basics: that credit is left out"
                )
                continue
            self.origin[("credits", len(found))] = (table, number)
            found.append(_with_person(credit, person))
        return found

    def _episode(self) -> dict:
        """episode_of, season_number and episode_number, from title.episode and the index."""
        for table, line, fields in self._read("title.episode"):
            try:
                parent = fields["parentTconst"]
                if not TITLE_ID.fullmatch(parent):
                    raise ValueError(f"parentTconst '{parent[:40]}' is not an IMDb title id")
                season = whole_number(fields["seasonNumber"], "seasonNumber")
                number = whole_number(fields["episodeNumber"], "episodeNumber")
            except ValueError as exc:
                self._reject_row(table, line.number, str(exc))
                return {}
            series = self.join.index.series(parent)
            if series is None:
                self.warnings.append(
                    f"{self.tconst}: its series {parent} ({PurePath(table.name).name} line "
                    f"{line.number}) is not in title.basics: loaded without its series"
                )
                return {}
            return {
                "episode_of": {"title": series.title, "year": series.year, "ids": [IMDB + parent]},
                "season_number": season,
                "episode_number": number,
            }
        return {}

    def _validated(self, data: dict) -> tuple[Listing | None, str | None]:
        """The listing, without the credits and alternate titles the model refuses (each
        rejected on its own line); or why the title itself is refused."""
        settled = settled_listing(data)  # most titles: their values need no validating
        if settled is not None:
            return settled, None
        while True:
            try:
                return Listing.model_validate(data), None
            except ValidationError as exc:
                blamed: dict[tuple[str, int], list[str]] = {}
                for error in exc.errors():
                    where = tuple(error.get("loc", ())[:2])
                    if where not in self.origin:
                        return None, explain(exc)
                    blamed.setdefault(where, []).append(_reason(error))
                for (field, position), reasons in sorted(blamed.items(), reverse=True):
                    table, number = self.origin[(field, position)]
                    self._reject_row(table, number, "; ".join(reasons))
                    del data[field][position]
                self._renumber(blamed)

    def _renumber(self, removed: dict[tuple[str, int], list[str]]) -> None:
        """Origins of list items after the removed ones move up."""
        for field in {field for field, _ in removed}:
            gone = sorted(position for name, position in removed if name == field)
            kept = sorted(position for name, position in self.origin if name == field)
            moved = {}
            for position in kept:
                if position in gone:
                    continue
                moved[(field, position - sum(1 for g in gone if g < position))] = self.origin[
                    (field, position)
                ]
            for position in kept:
                del self.origin[(field, position)]
            self.origin.update(moved)


def _principal(fields: dict[str, str]) -> dict:
    """A title.principals row as a credit (the person's facts are added later)."""
    nconst = fields["nconst"]
    if not NAME_ID.fullmatch(nconst):
        raise ValueError(f"nconst '{nconst[:40]}' is not an IMDb name id")
    category = null(fields["category"])
    if category is None:
        raise ValueError("the category is missing (\\N)")
    category = credit_category(category)
    job = null(fields["job"])
    if category == "producer" and job and credit_category(job) == EXECUTIVE_PRODUCER:
        category = EXECUTIVE_PRODUCER
    return {
        "nconst": nconst,
        "category": category,
        "job": job,
        "characters": _characters(fields["characters"]),
        "order": whole_number(fields["ordering"], "ordering"),
    }


def _characters(value: str) -> list[str]:
    """IMDb writes characters as a JSON list (`["Indiana Jones"]`), `\\N` for none."""
    if value == NULL:
        return []
    try:
        characters = json.loads(value)
    except ValueError:
        raise ValueError(f"characters {value[:60]!r} is not a JSON list of names") from None
    if not isinstance(characters, list) or not all(isinstance(c, str) for c in characters):
        raise ValueError(f"characters {value[:60]!r} is not a JSON list of names")
    return characters


def _with_person(credit: dict, person: Person) -> dict:
    credit = dict(credit)
    nconst = credit.pop("nconst")
    credit.update(
        name=person.name,
        ids=[IMDB + nconst],
        birth_year=person.birth_year,
        death_year=person.death_year,
        professions=person.professions.split(",") if person.professions else [],
        known_for=[IMDB + t for t in person.known_for.split(",")] if person.known_for else [],
    )
    return credit


def _reason(error: Mapping[str, Any]) -> str:
    """A model error on one credit or alternate title, in words: "'characters' item 1 has
    no letters or digits"."""
    location = [part for part in error.get("loc", ())[2:]]
    where = ""
    if location:
        where = f"'{location[0]}'"
        if len(location) > 1 and isinstance(location[1], int):
            where += f" item {location[1] + 1}"
        where += " "
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{where}{message}".strip()
