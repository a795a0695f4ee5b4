"""CSV listings: one row per listing, list fields separated by `;` (see loaders/CSV_FORMAT.md)."""

from __future__ import annotations

import csv
import io
from pathlib import PurePath
from typing import Iterator

from loaders.model import ParsedRecord, SourceRef
from loaders.records import LISTING_FIELDS, field_name, to_record

LIST_FIELDS = {"directors", "producers", "executive_producers", "writers", "cast", "genres",
               "companies", "related_shows", "people", "shows"}


def parse_csv(text: str, file: str) -> Iterator[ParsedRecord]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        yield ParsedRecord(ref=SourceRef(source_id=PurePath(file).name, file=file, line=1),
                           error="the CSV file is empty: it needs a header row")
        return
    names = [field_name(h) for h in header]
    if "title" not in names:
        yield ParsedRecord(ref=SourceRef(source_id=PurePath(file).name, file=file, line=1),
                           error="the header has no 'title' column")
        return
    record = 0
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            record += 1
            yield ParsedRecord(ref=SourceRef(source_id=f"{PurePath(file).name}#{record}",
                                             file=file, line=line, record=record),
                               error=f"record {record} (line {line}): unreadable CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        record += 1
        ref = SourceRef(source_id=f"{PurePath(file).name}#{record}", file=file, line=start,
                        record=record)
        where = f"record {record} (line {start})"
        if len(row) > len(header):
            yield ParsedRecord(ref=ref, error=f"{where}: {len(row)} cells but the header has "
                                              f"{len(header)} columns")
            continue
        data = {}
        for column, name, cell in zip(header, names, row):
            cell = cell.strip()
            if not cell:
                continue
            key = name if name in LISTING_FIELDS else column
            data[key] = [v.strip() for v in cell.split(";") if v.strip()] if name in LIST_FIELDS else cell
        yield to_record(data, ref, where)
