"""Finding and reading the inputs of a load: files, directories, globs and stdin.

A file is not read into memory: its encoding is settled by one pass over its bytes, then
the parser reads it record by record (`SourceText.open`)."""

from __future__ import annotations

import codecs
import glob
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from screengraph.loaders.identity import IMDB, file_identity, named_identity
from screengraph.loaders.imdb_files import ImdbDataset, table_of

LISTING_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".csv")


@dataclass(frozen=True)
class SourceText:
    """One input of a load. `identity` names the source for good (loaders/identity.py):
    `file_identity(path)` for a file, `named_identity(NAME)` for `--source NAME`; None
    for text with no name of its own (stdin without --source, a paste, an upload),
    whose listings are then identified by their content."""

    name: str  # what messages call it: the path as given, or "<stdin>"
    text: str | None  # None: read from `path` as it is parsed
    note: str | None = None  # e.g. a decoding fallback worth reporting
    identity: str | None = None
    path: Path | None = None
    encoding: str = "utf-8"
    errors: str = "strict"
    dataset: ImdbDataset | None = None  # IMDb's files, read together (loaders/imdb_format.py)

    def open(self, newline: str | None) -> TextIO:
        """The text as a stream; `newline` as for `open()` ("\n": only LF ends a line)."""
        if self.text is not None:
            return io.StringIO(self.text, newline=newline)
        if self.path is None:
            raise SourceError(f"{self.name} has neither its text nor a path to read it from")
        return self.path.open(encoding=self.encoding, errors=self.errors, newline=newline)


class SourceError(ValueError):
    """An argument names nothing that can be loaded."""


def expand(paths: list[str]) -> list[str]:
    """Files named by the arguments, in a stable order, each once (however many
    arguments name it); '-' stands for stdin."""
    found: list[str] = []
    for arg in paths:
        if arg == "-":
            found.append("-")
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix.lower() in LISTING_SUFFIXES or table_of(p) is not None)
            )
            if not files:
                raise SourceError(
                    f"{arg}: the folder holds no listing files "
                    f"({', '.join(LISTING_SUFFIXES)}) and none of IMDb's "
                    "(title.basics.tsv.gz...)"
                )
            found.extend(str(p) for p in files)
        elif path.is_file():
            found.append(arg)
        elif any(ch in arg for ch in "*?["):
            matches = sorted(p for p in glob.glob(arg, recursive=True) if Path(p).is_file())
            if not matches:
                raise SourceError(f"{arg}: no file matches this pattern")
            found.extend(matches)
        else:
            raise SourceError(f"{arg}: no such file or folder")
    seen: set[str] = set()
    unique = []
    for name in found:
        resolved = name if name == "-" else file_identity(name)
        if resolved not in seen:
            seen.add(resolved)
            unique.append(name)
    return unique


# Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE); the codec drops it.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)
_CHUNK = 1 << 20


def _by_bom(head: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)


def _encoding(stream: BinaryIO) -> tuple[str, str, str | None]:
    """How to read a byte stream (encoding, errors, a note worth reporting), settled by
    one pass: UTF-16 or UTF-32 by their byte order mark, else UTF-8 (with or without
    BOM), else Windows-1252 as a reported fallback."""
    head = stream.read(4)
    encoding = _by_bom(head) or "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)()
    done = 0  # bytes handed to the decoder so far
    chunk = head
    try:
        while True:
            # Where the decoder's input starts: bytes it holds back (half a character) first.
            start = done - len(decoder.getstate()[0])
            decoder.decode(chunk, final=not chunk)
            if not chunk:
                break
            done += len(chunk)
            chunk = stream.read(_CHUNK)
    except UnicodeDecodeError as exc:
        byte = start + exc.start
        if encoding == "utf-8-sig":
            return "cp1252", "replace", f"not valid UTF-8 (byte {byte}); read as Windows-1252"
        name = encoding.upper()
        return (
            encoding,
            "replace",
            (
                f"not valid {name} (byte {byte}) though it starts with "
                f"a {name} byte order mark; unreadable characters "
                "replaced with U+FFFD"
            ),
        )
    return encoding, "strict", None


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes as text, read as `_encoding` says, and a note worth reporting."""
    encoding, errors, note = _encoding(io.BytesIO(data))
    return data.decode(encoding, errors=errors), note


def imdb_dataset(names: list[str], episodes: bool = False) -> ImdbDataset | None:
    """IMDb's files among the inputs (told by their names, `title.basics.tsv.gz`...), as
    one dataset; None when there are none. Raises SourceError when they cannot be read
    together (a file given twice, title.basics missing...)."""
    files: dict[str, str] = {}
    for name in names:
        table = None if name == "-" else table_of(name)
        if table is None:
            continue
        if table in files:
            raise SourceError(
                f"two {table} files ({files[table]} and {name}): one load reads "
                "one IMDb dataset; load the other folder separately"
            )
        files[table] = name
    if not files:
        if episodes:
            raise SourceError(
                "--episodes applies to IMDb's files (title.basics.tsv.gz, "
                "title.episode.tsv.gz...), and none was given"
            )
        return None
    dataset = ImdbDataset(files, episodes)
    problems = dataset.problems()
    if problems:
        raise SourceError("; ".join(problems))
    return dataset


def source_count(names: list[str]) -> int:
    """How many sources the expanded inputs make: IMDb's files are one."""
    imdb = sum(1 for name in names if name != "-" and table_of(name) is not None)
    return len(names) - imdb + (1 if imdb else 0)


def read_all(
    paths: list[str], source: str | None = None, episodes: bool = False
) -> Iterator[SourceText]:
    """The inputs, each with its identity: `source` (`load --source NAME`) names the one
    input given; otherwise a file is its resolved path and stdin has no name; IMDb's
    files are one source, whose listings are known by their IMDb ids (`episodes`: with
    the episodes). Bad arguments raise SourceError here, before anything is read."""
    names = expand(paths)
    dataset = imdb_dataset(names, episodes)
    if source is not None and dataset is not None:
        raise SourceError(
            "--source names a listing file; the listings of IMDb's files are "
            "known by their IMDb ids (imdb:tt...): load them without --source"
        )
    if source is not None and len(names) != 1:
        raise SourceError(
            f"--source names one input, but {len(names)} files were given: "
            "load them separately, each with its own --source"
        )
    try:
        identity = named_identity(source) if source is not None else None
    except ValueError as exc:
        raise SourceError(f"--source: {exc}") from exc
    return _read(names, identity, dataset)


def _read(
    names: list[str], identity: str | None, dataset: ImdbDataset | None = None
) -> Iterator[SourceText]:
    for name in names:
        if dataset is not None and name != "-" and table_of(name) is not None:
            if name == dataset.name:  # the dataset's place among the inputs: its titles
                yield SourceText(
                    _readable(dataset.name),
                    None,
                    dataset.note(),
                    IMDB,
                    Path(dataset.name),
                    dataset=dataset,
                )
            continue
        if name == "-":
            yield from _stdin(identity)
            continue
        with open(name, "rb") as stream:
            encoding, errors, note = _encoding(stream)
        yield SourceText(
            _readable(name),
            None,
            note,
            identity or _readable(file_identity(name)),
            Path(name),
            encoding,
            errors,
        )


def _stdin(identity: str | None) -> Iterator[SourceText]:
    """Standard input, copied to a private temporary file (it can be read only once, and
    its encoding is known only at its end), then read like a file; the copy is removed
    once its records are read."""
    with tempfile.NamedTemporaryFile(prefix="screengraph-stdin-", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, _CHUNK)
    path = Path(spool.name)
    try:
        with path.open("rb") as stream:
            encoding, errors, note = _encoding(stream)
        yield SourceText("<stdin>", None, note, identity, path, encoding, errors)
    finally:
        path.unlink(missing_ok=True)


def _readable(name: str) -> str:
    """A file name as text that can be printed and stored: bytes of a name that are not
    UTF-8 reach Python as lone surrogates, which no encoding (nor database) takes."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no byte stands for
        return name.encode("utf-8", "replace").decode("utf-8")
