"""IMDb's dataset files, read as IMDb documents them (developer.imdb.com/non-commercial-datasets).

Each file is tab-separated UTF-8 with a header row, `\\N` for a missing value, gzipped
(`.tsv.gz`) or not (`.tsv`; told by the bytes, not the name). There is no quoting at
all: a title may hold a double quote, so a line is split on tabs and on nothing else.
Lines are read as bytes: the title id at the start of a line is enough to skip the rows
of titles that are not loaded (most of title.principals, when episodes are skipped), and
only the lines of loaded titles are decoded and split.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

NULL = "\\N"

# Each file's columns, as IMDb documents them. A file's header must name these (in any
# order; a column IMDb adds later is ignored).
TABLES: dict[str, tuple[str, ...]] = {
    "title.basics": (
        "tconst",
        "titleType",
        "primaryTitle",
        "originalTitle",
        "isAdult",
        "startYear",
        "endYear",
        "runtimeMinutes",
        "genres",
    ),
    "name.basics": (
        "nconst",
        "primaryName",
        "birthYear",
        "deathYear",
        "primaryProfession",
        "knownForTitles",
    ),
    "title.principals": ("tconst", "ordering", "nconst", "category", "job", "characters"),
    "title.crew": ("tconst", "directors", "writers"),
    "title.episode": ("tconst", "parentTconst", "seasonNumber", "episodeNumber"),
    "title.akas": (
        "titleId",
        "ordering",
        "title",
        "region",
        "language",
        "types",
        "attributes",
        "isOriginalTitle",
    ),
}
# IMDb files screengraph has no use for: recognised, and left out with a note.
UNUSED_TABLES = ("title.ratings",)
# Files keyed by title that hold at most one row per title.
ONE_ROW_PER_TITLE = ("title.basics", "title.crew", "title.episode")

_FILE_NAME = re.compile(r"(?P<table>[a-z]+\.[a-z]+)\.tsv(?:\.gz)?", re.IGNORECASE)
TITLE_ID = re.compile(r"tt\d{7,10}")
NAME_ID = re.compile(r"nm\d{7,10}")
_KEY = {"title": re.compile(rb"tt\d{7,10}"), "name": re.compile(rb"nm\d{7,10}")}
_GZIP_MAGIC = b"\x1f\x8b"


def table_of(path: str | PurePath) -> str | None:
    """`title.basics` for `title.basics.tsv.gz` or `title.basics.tsv`; None for a file
    that is not one of IMDb's."""
    found = _FILE_NAME.fullmatch(PurePath(path).name)
    if not found:
        return None
    table = found.group("table").lower()
    return table if table in TABLES or table in UNUSED_TABLES else None


class ImdbFileError(ValueError):
    """A file that cannot be read as one of IMDb's (not gzip, cut short, wrong header,
    out of order): the whole load stops, saying which file, where, and what to do."""


@dataclass
class Line:
    """One line of a file: its number, the id it starts with, and its bytes."""

    number: int
    key: bytes
    raw: bytes


@dataclass
class BadLine:
    """A line that cannot be read, and why (its neighbours are read on)."""

    number: int
    key: bytes
    reason: str


@dataclass
class TableFile:
    """One of IMDb's files: which table it holds, where it is, the name messages use."""

    table: str
    path: Path
    name: str
    columns: dict[str, int] = field(default_factory=dict)  # column -> position, from the header
    width: int = 0

    def lines(self, *, sorted_by_key: bool = True) -> Iterator[Line | BadLine]:
        """Every row after the header. With `sorted_by_key`, ids must not go down (IMDb
        sorts each file by its first column); a file out of order stops the load."""
        kind = "name" if self.table == "name.basics" else "title"
        shape = _KEY[kind]
        previous = b""
        strict = self.table in ONE_ROW_PER_TITLE
        lines = _raw_lines(self)
        self._read_header(next(lines, (1, None)))
        for number, raw in lines:
            tab = raw.find(b"\t")
            key = raw[:tab] if tab >= 0 else raw
            if not shape.fullmatch(key):
                yield BadLine(
                    number, b"", f"the line does not start with an IMDb {kind} id ({_shown(key)})"
                )
                continue
            if sorted_by_key and key < previous:
                raise ImdbFileError(_out_of_order(self, number, key, previous))
            if sorted_by_key and strict and key == previous:
                yield BadLine(
                    number,
                    key,
                    f"{key.decode()} has a row already (the first one "
                    f"is used): {self.table} has one row per title",
                )
                continue
            previous = key
            yield Line(number, key, raw)

    def _read_header(self, first: tuple[int, bytes | None]) -> None:
        expected = TABLES[self.table]
        raw = first[1]
        header = raw.decode("utf-8", "replace").lstrip("\ufeff").split("\t") if raw else []
        missing = [column for column in expected if column not in header]
        if missing:
            found = (
                "nothing (the file is empty)"
                if raw is None
                else "'" + "\\t".join(header)[:200] + "'"
            )
            raise ImdbFileError(
                f"{self.name} line 1: the header is {found}; IMDb's {self.table} file starts "
                f"with the columns {', '.join(expected)} (tab-separated), and "
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. "
                "Is this one of IMDb's files, downloaded whole?"
            )
        self.columns = {column: header.index(column) for column in expected}
        self.width = len(header)

    def fields(self, line: Line) -> dict[str, str] | str:
        """The line's documented columns (`\\N` kept as it is), or why it cannot be read."""
        try:
            text = line.raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return (
                f"byte {exc.start + 1} of the line is not UTF-8 (IMDb's files are UTF-8): "
                "is the file damaged?"
            )
        cells = text.split("\t")
        if len(cells) != self.width:
            return (
                f"the line has {len(cells)} tab-separated columns, the header "
                f"{self.width} ({', '.join(TABLES[self.table])}): a tab inside a value, "
                "or a column missing"
            )
        return {column: cells[position] for column, position in self.columns.items()}


def _raw_lines(table: TableFile) -> Iterator[tuple[int, bytes]]:
    """(number, bytes without the line end) of every line, gzip or plain."""
    with table.path.open("rb") as probe:
        gzipped = probe.read(2) == _GZIP_MAGIC
    number = 0
    try:
        with gzip.open(table.path, "rb") if gzipped else table.path.open("rb") as stream:
            for number, raw in enumerate(stream, 1):
                yield number, raw.rstrip(b"\r\n")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ImdbFileError(
            f"{table.name}: the gzip data is damaged or cut short after line {number:,} "
            f"({exc}): download the file again (everything before that line was read)"
        ) from exc
    except OSError as exc:
        raise ImdbFileError(f"{table.name}: cannot be read after line {number:,}: {exc}") from exc


def _out_of_order(table: TableFile, number: int, key: bytes, previous: bytes) -> str:
    name = table.name
    return (
        f"{name} line {number:,}: {key.decode()} comes after {previous.decode()}, but "
        f"IMDb's files are sorted by their first column, and screengraph reads them side by "
        f"side in that order (so that no file is held in memory). Sort the file, keeping "
        f"its header first, e.g. (zcat -f {name} | head -n 1; zcat -f {name} | tail -n +2 | "
        f"LC_ALL=C sort -s -t \"$(printf '\\t')\" -k1,1) | gzip > sorted.tsv.gz, and load "
        "again (what was loaded is updated, not duplicated)"
    )


def _shown(value: bytes) -> str:
    text = value[:40].decode("utf-8", "replace")
    return f"'{text}'" if text else "nothing"


def null(value: str) -> str | None:
    return None if value == NULL else value


def whole_number(value: str, column: str) -> int | None:
    """`\\N` is None; digits are a number; anything else raises ValueError with the reason."""
    if value == NULL:
        return None
    if value.isascii() and value.isdigit():
        return int(value)
    raise ValueError(f"{column} '{value[:40]}' is not a whole number")


def id_list(value: str, shape: re.Pattern, column: str) -> list[str]:
    """A comma-separated list of IMDb ids (`\\N`: none); a bad id raises ValueError."""
    if value == NULL or not value:
        return []
    ids = value.split(",")
    for item in ids:
        if not shape.fullmatch(item):
            raise ValueError(f"{column} holds '{item[:40]}', which is not an IMDb id")
    return ids


def word_list(value: str) -> list[str]:
    """IMDb's comma-separated arrays (genres, professions); `\\N` is none."""
    if value == NULL:
        return []
    return [item for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class ImdbDataset:
    """The IMDb files of one load, read together as one source (`files`: table -> path as
    given). `episodes`: load the tvEpisode titles too (`screengraph load --episodes`)."""

    files: dict[str, str]
    episodes: bool = False

    @property
    def name(self) -> str:
        """What messages call the dataset: its title.basics file."""
        return self.files.get("title.basics") or next(iter(self.files.values()))

    def table(self, table: str) -> TableFile | None:
        """A fresh reader of one of its files (None if the dataset lacks it)."""
        name = self.files.get(table)
        return TableFile(table, Path(name), name) if name is not None else None

    def required(self, table: str) -> TableFile:
        """A fresh reader of a file the load cannot do without (problems() checked it)."""
        found = self.table(table)
        if found is None:
            raise ValueError(f"the IMDb files have no {table}: " + "; ".join(self.problems()))
        return found

    def problems(self) -> list[str]:
        """Why the files cannot be loaded together, each saying what to add."""
        found: list[str] = []
        given = ", ".join(sorted(self.files))
        if "title.basics" not in self.files:
            found.append(
                f"IMDb files were given ({given}) without title.basics.tsv[.gz], the "
                "file of the titles themselves: add it"
            )
        for table in ("title.principals", "title.crew"):
            if table in self.files and "name.basics" not in self.files:
                found.append(
                    f"{table} names people by their ids only: add name.basics.tsv[.gz] "
                    "(their names) to the load"
                )
        if self.episodes and "title.episode" not in self.files:
            found.append(
                "--episodes needs title.episode.tsv[.gz] (which series each episode "
                "belongs to): add it to the load"
            )
        return found

    def note(self) -> str | None:
        """IMDb files of the dataset that screengraph leaves out, said once."""
        unused = sorted(table for table in self.files if table in UNUSED_TABLES)
        if "title.episode" in self.files and not self.episodes:
            unused.append("title.episode (episodes are skipped; load them with --episodes)")
        return f"not used: {', '.join(unused)}" if unused else None
