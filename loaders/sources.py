"""Finding and reading the inputs of a load: files, directories, globs and stdin."""

from __future__ import annotations

import glob
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from loaders.identity import file_identity, named_identity

LISTING_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".csv")


@dataclass(frozen=True)
class SourceText:
    """One input of a load. `identity` names the source for good (loaders/identity.py):
    `file_identity(path)` for a file, `named_identity(NAME)` for `--source NAME`; None
    for text with no name of its own (stdin without --source, a paste, an upload),
    whose listings are then identified by their content."""

    name: str          # what messages call it: the path as given, or "<stdin>"
    text: str
    note: str | None = None  # e.g. a decoding fallback worth reporting
    identity: str | None = None


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
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in LISTING_SUFFIXES)
            if not files:
                raise SourceError(f"{arg}: the folder holds no listing files "
                                  f"({', '.join(LISTING_SUFFIXES)})")
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


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM); Windows-1252 as a reported fallback."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return (data.decode("cp1252", errors="replace"),
                f"not valid UTF-8 (byte {exc.start}); read as Windows-1252")


def read_all(paths: list[str], source: str | None = None) -> Iterator[SourceText]:
    """The inputs, each with its identity: `source` (`load --source NAME`) names the one
    input given; otherwise a file is its resolved path and stdin has no name. Bad
    arguments raise SourceError here, before anything is read."""
    names = expand(paths)
    if source is not None and len(names) != 1:
        raise SourceError(f"--source names one input, but {len(names)} files were given: "
                          "load them separately, each with its own --source")
    try:
        identity = named_identity(source) if source is not None else None
    except ValueError as exc:
        raise SourceError(f"--source: {exc}") from exc
    return _read(names, identity)


def _read(names: list[str], identity: str | None) -> Iterator[SourceText]:
    for name in names:
        if name == "-":
            text, note = decode(sys.stdin.buffer.read())
            yield SourceText("<stdin>", text, note, identity)
        else:
            text, note = decode(Path(name).read_bytes())
            yield SourceText(_readable(name), text, note,
                             identity or _readable(file_identity(name)))


def _readable(name: str) -> str:
    """A file name as text that can be printed and stored: bytes of a name that are not
    UTF-8 reach Python as lone surrogates, which no encoding (nor database) takes."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no byte stands for
        return name.encode("utf-8", "replace").decode("utf-8")
