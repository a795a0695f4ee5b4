"""JSON (one object, or an array of objects) and JSON Lines listings.

Each record is located by number and line, so a reject can be found and fixed;
in JSON Lines a broken line costs only that line.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, Iterator

from loaders.model import ParsedRecord, SourceRef
from loaders.records import LISTING_FIELDS, to_record

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def _ref(file: str, record: int, line: int | None) -> SourceRef:
    return SourceRef(source_id=f"{PurePath(file).name or file}#{record}", file=file, line=line,
                     record=record)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "text", list: "a list", type(None): "null"}.get(type(value), "a value")


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _loads(text: str, position: int = 0) -> tuple[Any, int]:
    return _DECODER.raw_decode(text, position)


def _not_finite(value: Any) -> bool:
    """NaN and Infinity (which Python's JSON reader accepts) fit no database."""
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return any(_not_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_not_finite(v) for v in value)
    return False


def _checked(item: Any, ref: SourceRef, where: str, source: str) -> ParsedRecord:
    """A decoded value as a record; `source` is its text, looked at only for NaN and Infinity."""
    if not isinstance(item, dict):
        return ParsedRecord(ref=ref, error=f"{where}: expected an object with a title, "
                                           f"got {_kind(item)}")
    try:
        if ("NaN" in source or "Infinity" in source) and _not_finite(item):
            return ParsedRecord(ref=ref, error=f"{where}: NaN and Infinity are not numbers a "
                                               "listing can hold")
        return to_record(item, ref, where)
    except RecursionError:
        return ParsedRecord(ref=ref, error=f"{where}: the object is nested too deeply")


def _array_items(text: str, start: int) -> list[tuple[Any, int]] | None:
    """The items of the array at `start`, each with its line; None if the text is not one."""
    items: list[tuple[Any, int]] = []
    position = start + 1
    expect_item = True
    while True:
        while position < len(text) and text[position] in _WHITESPACE:
            position += 1
        if position >= len(text):
            return None
        if text[position] == "]" and (not items or not expect_item):
            position += 1
            break
        if not expect_item:
            if text[position] != ",":
                return None
            position, expect_item = position + 1, True
            continue
        try:
            value, end = _loads(text, position)
        except (json.JSONDecodeError, RecursionError):
            return None
        items.append((value, _line_of(text, position)))
        position, expect_item = end, False
    return items if not text[position:].strip(_WHITESPACE) else None


def parse_json(text: str, file: str) -> Iterator[ParsedRecord]:
    """A JSON file: one listing object, an array of them, or {"listings": [...]}."""
    text = text.lstrip("\ufeff")
    body = len(text) - len(text.lstrip(_WHITESPACE))
    if body == len(text):
        yield ParsedRecord(ref=_ref(file, 1, 1), error="the file is empty: expected a JSON "
                                                       "object or an array of objects")
        return
    items = _array_items(text, body) if text[body] == "[" else None
    if items is None:
        try:
            data, end = _loads(text, body)
            if text[end:].strip(_WHITESPACE):
                raise json.JSONDecodeError("Extra data after the first value", text, end)
        except json.JSONDecodeError as exc:
            yield ParsedRecord(ref=_ref(file, 1, exc.lineno),
                               error=f"not valid JSON: {exc.msg} at line {exc.lineno} "
                                     f"column {exc.colno}")
            return
        except RecursionError:
            yield ParsedRecord(ref=_ref(file, 1, None), error="not valid JSON: nested too deeply")
            return
        wrapped = _wrapped_list(data)
        items = ([(item, None) for item in wrapped] if wrapped is not None
                 else [(data, _line_of(text, body))])
    for number, (item, line) in enumerate(items, 1):
        where = f"record {number}" + (f" (line {line})" if line else "")
        yield _checked(item, _ref(file, number, line), where, text)


def _wrapped_list(data: Any) -> list | None:
    """`{"listings": [...]}`: one key that is not a listing field, holding a list."""
    if isinstance(data, dict) and len(data) == 1:
        key, value = next(iter(data.items()))
        if isinstance(value, list) and key not in LISTING_FIELDS and key != "extra":
            return value
    return None


def parse_jsonl(text: str, file: str) -> Iterator[ParsedRecord]:
    """JSON Lines: one object per line; blank lines are skipped, a broken line is rejected alone."""
    record = 0
    # Only "\n" ends a line: U+2028 and friends may sit inside JSON strings.
    for line_number, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        record += 1
        ref = _ref(file, record, line_number)
        where = f"record {record} (line {line_number})"
        try:
            item, end = _loads(line, len(line) - len(line.lstrip(_WHITESPACE)))
            if line[end:].strip(_WHITESPACE):
                raise json.JSONDecodeError("Extra data after the object", line, end)
        except json.JSONDecodeError as exc:
            hint = (" (one object per line is expected; is this a .json file?)"
                    if line.strip() in ("[", "{") else "")
            yield ParsedRecord(ref=ref, error=f"{where}: not valid JSON: {exc.msg} at column "
                                              f"{exc.colno}{hint}")
            continue
        except RecursionError:
            yield ParsedRecord(ref=ref, error=f"{where}: not valid JSON: nested too deeply")
            continue
        yield _checked(item, ref, where, line)
