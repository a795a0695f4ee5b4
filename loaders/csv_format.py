"""CSV listings: one row per listing, list fields separated by `;` (see loaders/CSV_FORMAT.md)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import TextIO

from screengraph.loaders.model import (
    EXTRA_FIELDS_MAX,
    LIST_FIELDS,
    ParsedRecord,
    SourceRef,
    property_name,
)
from screengraph.loaders.records import LISTING_FIELDS, field_name, text_value, to_record

LIST_SEPARATOR = ";"


def _file_reject(file: str, reason: str) -> ParsedRecord:
    return ParsedRecord(
        ref=SourceRef(source_id=PurePath(file).name or file, file=file, line=1), error=reason
    )


def _header_problem(header: list[str], names: list[str]) -> str | None:
    """Why the header cannot be read, in words that say how to fix it."""
    if "title" not in names:
        if len(header) == 1 and LIST_SEPARATOR in header[0]:
            return (
                "the header is a single column with ';' in it: columns must be separated "
                "by commas (';' separates names inside a cell)"
            )
        found = ", ".join(f"'{h}'" for h in header if h.strip()) or "nothing"
        return f"the header has no 'title' column (found {found})"
    unknown = sum(1 for name in names if name not in LISTING_FIELDS)
    if unknown > EXTRA_FIELDS_MAX:
        return (
            f"the header has {len(header):,} columns, {unknown:,} of them fields "
            f"screengraph does not know; a listing keeps at most {EXTRA_FIELDS_MAX:,}: "
            "drop the columns you do not need"
        )
    seen: dict[str, int] = {}
    for position, (column, name) in enumerate(zip(header, names), 1):
        if not column.strip():
            continue
        if name in seen:
            return (
                f"the header names '{name}' twice (columns {seen[name]} and {position}); "
                "keep one column per field"
            )
        seen[name] = position
    return None


def _split(cell: str, column: str, where: str, warnings: list[str]) -> list[str]:
    parts = cell.split(LIST_SEPARATOR)
    names = [part.strip() for part in parts if part.strip()]
    if len(names) < len(parts) and len(parts) > 1:
        warnings.append(f"{where}: '{column}' has an empty name between two semicolons; skipped")
    return names


def parse_csv(source: str | TextIO, file: str) -> Iterator[ParsedRecord]:
    """Rows become listings, read one at a time; a bad row is rejected with its record
    number and first line. A stream must be opened with newline=""."""
    if isinstance(source, str):
        source = io.StringIO(source.lstrip("\ufeff"), newline="")
    reader = csv.reader(source, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        yield _file_reject(
            file,
            "the CSV file is empty: it needs a header row naming its "
            "columns (title, directors, cast...)",
        )
        return
    except csv.Error as exc:
        yield _file_reject(file, f"the header row is not readable CSV: {exc}")
        return
    names = [field_name(h) if field_name(h) in LISTING_FIELDS else property_name(h) for h in header]
    problem = _header_problem(header, names)
    if problem:
        yield _file_reject(file, problem)
        return
    record, line = 0, reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            record += 1
            yield ParsedRecord(
                ref=_ref(file, record, line),
                error=f"record {record} (line {line}): unreadable CSV: {_csv_error(exc)}",
            )
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        record += 1
        where = f"record {record} (line {start})"
        if len(row) > len(header):
            yield ParsedRecord(
                ref=_ref(file, record, start),
                error=f"{where}: {len(row)} cells but the header has {len(header)} "
                "columns (a cell holding a comma needs double quotes)",
            )
            continue
        yield _row_record(header, names, row, _ref(file, record, start), where)


def _csv_error(exc: csv.Error) -> str:
    if "field limit" in str(exc):
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return str(exc)


def _ref(file: str, record: int, line: int) -> SourceRef:
    return SourceRef(
        source_id=f"{PurePath(file).name or file}#{record}", file=file, line=line, record=record
    )


def _row_record(
    header: list[str], names: list[str], row: list[str], ref: SourceRef, where: str
) -> ParsedRecord:
    data: dict[str, object] = {}
    extra: dict[str, object] = {}
    warnings: list[str] = []
    for column, name, cell in zip(header, names, row):
        if not cell.strip():
            continue
        if not column.strip():
            warnings.append(f"{ref.file} {where}: a cell under a column with no name was ignored")
        elif name in LIST_FIELDS:
            data[name] = _split(cell, column, f"{ref.file} {where}", warnings)
        elif name in LISTING_FIELDS:
            data[name] = cell
        else:
            extra[column] = text_value(cell, LIST_SEPARATOR)
    record = to_record({**data, "extra": extra}, ref, where)
    return record.model_copy(update={"warnings": warnings + record.warnings})


def looks_like_csv(text: str) -> bool:
    """A first line with several comma-separated cells, one of them `title`."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        cells = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    return len(cells) > 1 and any(re.fullmatch(r"\s*title\s*", c, re.IGNORECASE) for c in cells)
