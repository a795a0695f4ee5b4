"""Finding and reading the inputs of a load: files, directories, globs and stdin."""

from __future__ import annotations

import glob
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

LISTING_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".csv")


@dataclass(frozen=True)
class SourceText:
    name: str          # what messages call it: the path as given, or "<stdin>"
    text: str
    note: str | None = None  # e.g. a decoding fallback worth reporting


class SourceError(ValueError):
    """An argument names nothing that can be loaded."""


def expand(paths: list[str]) -> list[str]:
    """Files named by the arguments, in a stable order; '-' stands for stdin."""
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
    return found


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM); Windows-1252 as a reported fallback."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return (data.decode("cp1252", errors="replace"),
                f"not valid UTF-8 (byte {exc.start}); read as Windows-1252")


def read_all(paths: list[str]) -> Iterator[SourceText]:
    for name in expand(paths):
        if name == "-":
            text, note = decode(sys.stdin.buffer.read())
            yield SourceText("<stdin>", text, note)
        else:
            text, note = decode(Path(name).read_bytes())
            yield SourceText(name, text, note)
