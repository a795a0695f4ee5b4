"""IMDb's people (name.basics) and series titles, looked up from disk, not memory.

The real name.basics holds ~14 million people: held in a Python dict it would take
gigabytes. They go, in one streaming pass, into a throwaway SQLite database in a
temporary file (deleted when the load ends), where a title's credits look up the
people they name. SQLite's page cache (1 MB: the operating system caches the file's
pages too; parsing 20,000 titles took the same time with 4 MB, and peaked 2.4 MB
higher) is all it keeps in memory.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

INSERT_BATCH = 10_000
_LOOKUP_CHUNK = 500  # ids in one `IN (...)`; SQLite takes up to 32,766 parameters
# People a title's credits found lately, kept in memory (two generations of this many):
# a series' episodes, one after the other in IMDb's files, credit the same cast, and a
# busy person is met again and again; a lookup in SQLite cost a tenth of the reading.
# At most 2 x 16,384 people are held (the reader's peak was 5 MB higher with 21,254,
# all of them held; reading 125,615 credits took 3.05 s of CPU, 3.30 s without, 3.20 s
# with 2 x 4,096).
RECENT_PEOPLE = 1 << 14


class Person(NamedTuple):
    """A person as name.basics gives them (professions and titles comma-separated)."""

    name: str
    birth_year: int | None
    death_year: int | None
    professions: str
    known_for: str


class Series(NamedTuple):
    title: str
    year: int | None


class DiskIndex:
    """People by nconst and series by tconst, in a temporary SQLite file."""

    def __init__(self, folder: str | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="screengraph-imdb-", suffix=".sqlite", dir=folder)
        os.close(handle)
        self.path = Path(name)
        # Deleted at exit too, when a load stops with its parser suspended mid-stream.
        self._remove = weakref.finalize(self, self.path.unlink, missing_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._recent: dict[str, Person] = {}  # RECENT_PEOPLE: two generations of them
        self._older: dict[str, Person] = {}
        # A scratch file: a crash loses nothing of value, so no journal and no fsync.
        self._db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -1000;
            CREATE TABLE person (nconst TEXT PRIMARY KEY, name TEXT, birth INTEGER,
                                 death INTEGER, professions TEXT, known_for TEXT) WITHOUT ROWID;
            CREATE TABLE series (tconst TEXT PRIMARY KEY, title TEXT, year INTEGER) WITHOUT ROWID;
        """)

    def __enter__(self) -> DiskIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        self._remove()

    def add_people(self, rows: list[tuple[str, str, int | None, int | None, str, str]]) -> None:
        """Store (nconst, name, birth, death, professions, known_for) rows (a batch of the
        stream; INSERT_BATCH is a good size); the first row of an nconst is kept."""
        self._db.executemany("INSERT OR IGNORE INTO person VALUES (?, ?, ?, ?, ?, ?)", rows)

    def add_series(self, rows: list[tuple[str, str, int | None]]) -> None:
        """Store (tconst, title, start year) rows of the titles episodes may belong to."""
        self._db.executemany("INSERT OR IGNORE INTO series VALUES (?, ?, ?)", rows)

    def commit(self) -> None:
        self._db.commit()

    def people(self, nconsts: Iterable[str]) -> dict[str, Person]:
        """The people of one title's credits, by nconst (those name.basics lacks are absent)."""
        found: dict[str, Person] = {}
        wanted: list[str] = []
        for nconst in dict.fromkeys(nconsts):
            person = self._recent.get(nconst) or self._older.get(nconst)
            if person is None:
                wanted.append(nconst)
            else:
                found[nconst] = person
        if wanted:
            found.update(self._people_on_disk(wanted))
        for nconst, person in found.items():
            self._remember(nconst, person)
        return found

    def _remember(self, nconst: str, person: Person) -> None:
        if len(self._recent) >= RECENT_PEOPLE:
            self._older, self._recent = self._recent, {}
        self._recent[nconst] = person

    def _people_on_disk(self, wanted: list[str]) -> dict[str, Person]:
        found: dict[str, Person] = {}
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            for nconst, *facts in self._db.execute(
                f"SELECT nconst, name, birth, death, professions, known_for FROM person "
                f"WHERE nconst IN ({marks})",
                chunk,
            ):
                found[nconst] = Person(*facts)
        return found

    def series(self, tconst: str) -> Series | None:
        row = self._db.execute(
            "SELECT title, year FROM series WHERE tconst = ?", (tconst,)
        ).fetchone()
        return Series(*row) if row else None
