"""JSON (one object or an array of objects) and JSON Lines listings."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Iterator

from loaders.model import ParsedRecord, SourceRef
from loaders.records import to_record


def _ref(file: str, record: int, line: int | None) -> SourceRef:
    return SourceRef(source_id=f"{PurePath(file).name}#{record}", file=file, line=line,
                     record=record)


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def parse_json(text: str, file: str) -> Iterator[ParsedRecord]:
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ParsedRecord(ref=_ref(file, 1, exc.lineno),
                           error=f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    items = data if isinstance(data, list) else [data]
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list) \
            and "title" not in data:
        items = next(iter(data.values()))  # {"listings": [...]}
    for number, item in enumerate(items, 1):
        ref = _ref(file, number, None if len(items) > 1 else 1)
        where = f"record {number}"
        if not isinstance(item, dict):
            yield ParsedRecord(ref=ref, error=f"{where}: expected an object with a title, got "
                                              f"{type(item).__name__}")
            continue
        yield to_record(item, ref, where)


def parse_jsonl(text: str, file: str) -> Iterator[ParsedRecord]:
    record = 0
    for line_number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        record += 1
        ref = _ref(file, record, line_number)
        where = f"record {record} (line {line_number})"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ParsedRecord(ref=ref, error=f"{where}: not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(item, dict):
            yield ParsedRecord(ref=ref, error=f"{where}: expected an object with a title, got "
                                              f"{type(item).__name__}")
            continue
        yield to_record(item, ref, where)
