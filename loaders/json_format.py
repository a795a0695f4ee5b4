"""JSON (one object, or an array of objects) and JSON Lines listings.

An object shaped as TMDB returns a movie or a TV show is read as one
(loaders/tmdb_format.py); any other is our listing shape. One file may mix both.

Each record is located by number and line, so a reject can be found and fixed;
in JSON Lines a broken line costs only that line.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, NamedTuple, TextIO

from screengraph.loaders.model import RECORD_MAX_CHARS, ParsedRecord, SourceRef
from screengraph.loaders.records import LISTING_FIELDS, to_record
from screengraph.loaders.tmdb_format import is_tmdb_record, tmdb_record

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_WRAPPER = re.compile(r'\{\s*("(?:[^"\\]|\\.)*")\s*:\s*\[')  # {"listings": [
_TOO_DEEP = object()  # an array item nested too deeply to decode


class _TooLong(int):
    """An array item longer than RECORD_MAX_CHARS: its length."""


class _Item(NamedTuple):
    """An array item's place in the text; `mark` is _TOO_DEEP or a _TooLong, or None."""

    start: int
    end: int
    line: int
    mark: object


_SKIPPED = 1 << 20  # characters read at a time past an over-long line


def _text(source: str | TextIO) -> str:
    return source if isinstance(source, str) else source.read()


def _too_long(where: str, length: str) -> str:
    return (
        f"{where}: the record is {length} characters long; at most "
        f"{RECORD_MAX_CHARS:,} are read (split it, or shorten its longest field)"
    )


def _ref(file: str, record: int, line: int | None) -> SourceRef:
    return SourceRef(
        source_id=f"{PurePath(file).name or file}#{record}", file=file, line=line, record=record
    )


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
        return ParsedRecord(
            ref=ref, error=f"{where}: expected an object with a title, got {_kind(item)}"
        )
    try:
        if ("NaN" in source or "Infinity" in source) and _not_finite(item):
            return ParsedRecord(
                ref=ref, error=f"{where}: NaN and Infinity are not numbers a listing can hold"
            )
        if is_tmdb_record(item):
            return tmdb_record(item, ref, where)
        return to_record(item, ref, where)
    except RecursionError:
        return ParsedRecord(ref=ref, error=f"{where}: the object is nested too deeply")


def _value_end(text: str, position: int) -> int | None:
    """Where the JSON value at `position` ends, found without decoding it (an item too
    deep to decode is skipped this way); None if the text ends first."""
    depth = 0
    while position < len(text):
        char = text[position]
        if char == '"':
            found = _STRING.match(text, position)
            if found is None:
                return None
            position = found.end()
            if depth == 0:
                return position
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                return position
            depth -= 1
            if depth == 0:
                return position + 1
        elif char == "," and depth == 0:
            return position
        position += 1
    return None


def _array_items(text: str, start: int, closing: str = "") -> list[_Item] | None:
    """Where the items of the array at `start` are, each with its line; None if the text
    is not one. `closing` is what must follow the array (the `}` of `{"listings": [...]}`).

    Each item is decoded here only to check it and find its end, then dropped: items are
    decoded again one at a time as they are parsed, so a big array is never held decoded
    all at once. An item too deep to decode or too long is marked, to be rejected alone."""
    items: list[_Item] = []
    position = start + 1
    line, counted = _line_of(text, start), start
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
        mark: object = None
        try:
            end = _loads(text, position)[1]
        except json.JSONDecodeError:
            return None
        except RecursionError:
            deep_end = _value_end(text, position)
            if deep_end is None:
                return None
            end, mark = deep_end, _TOO_DEEP
        if end - position > RECORD_MAX_CHARS:
            mark = _TooLong(end - position)
        line, counted = line + text.count("\n", counted, position), position
        items.append(_Item(position, end, line, mark))
        position, expect_item = end, False
    return items if text[position:].strip(_WHITESPACE) == closing else None


def parse_json(source: str | TextIO, file: str) -> Iterator[ParsedRecord]:
    """A JSON file: one listing object, an array of them, or {"listings": [...]}. The text
    is read whole (a document is valid JSON or not as a whole: broken, it is one reject),
    but the items of an array are decoded one at a time."""
    text = _text(source).lstrip("\ufeff")
    body = len(text) - len(text.lstrip(_WHITESPACE))
    if body == len(text):
        yield ParsedRecord(
            ref=_ref(file, 1, 1),
            error="the file is empty: expected a JSON object or an array of objects",
        )
        return
    if text[body] == "[":
        items = _array_items(text, body)
    else:
        wrapper = _WRAPPER.match(text, body)
        items = (
            _array_items(text, wrapper.end() - 1, "}")
            if wrapper and _wrapped_list({json.loads(wrapper.group(1)): []}) is not None
            else None
        )
    if items is None:
        try:
            data, end = _loads(text, body)
            if text[end:].strip(_WHITESPACE):
                raise json.JSONDecodeError("Extra data after the first value", text, end)
        except json.JSONDecodeError as exc:
            yield ParsedRecord(
                ref=_ref(file, 1, exc.lineno),
                error=f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            )
            return
        except RecursionError:
            yield ParsedRecord(ref=_ref(file, 1, None), error="not valid JSON: nested too deeply")
            return
        wrapped = _wrapped_list(data)
        decoded = (
            [(item, None) for item in wrapped]
            if wrapped is not None
            else [(data, _line_of(text, body))]
        )
        # What _checked looks at for NaN and Infinity: the text, searched once.
        special = "NaN" if "NaN" in text or "Infinity" in text else ""
        for number, (item, line) in enumerate(decoded, 1):
            where = f"record {number}" + (f" (line {line})" if line else "")
            yield _checked(item, _ref(file, number, line), where, special)
        return
    for number, item in enumerate(items, 1):
        where = f"record {number} (line {item.line})"
        ref = _ref(file, number, item.line)
        if item.mark is _TOO_DEEP:
            yield ParsedRecord(
                ref=ref,
                error=f"{where}: not valid JSON: item {number} of the array is nested too deeply",
            )
        elif isinstance(item.mark, _TooLong):
            yield ParsedRecord(ref=ref, error=_too_long(where, f"{item.mark:,}"))
        else:
            yield _checked(_loads(text, item.start)[0], ref, where, text[item.start : item.end])


def _wrapped_list(data: Any) -> list | None:
    """`{"listings": [...]}`: one key that is not a listing field, holding a list."""
    if isinstance(data, dict) and len(data) == 1:
        key, value = next(iter(data.items()))
        if isinstance(value, list) and key not in LISTING_FIELDS and key != "extra":
            return value
    return None


def _lines(source: str | TextIO) -> Iterator[str | None]:
    """The lines of JSON Lines text, read one at a time; None for a line too long to read
    (the rest of it is skipped). Only "\n" ends a line: U+2028 and friends may sit
    inside JSON strings (a stream must be opened with newline="\n")."""
    if isinstance(source, str):
        source = io.StringIO(source, newline="\n")
    first = True
    while True:
        line = source.readline(RECORD_MAX_CHARS + 1)
        if not line:
            return
        if first:
            line, first = line.lstrip("\ufeff"), False
        if len(line) > RECORD_MAX_CHARS and not line.endswith("\n"):
            while (rest := source.readline(_SKIPPED)) and not rest.endswith("\n"):
                pass
            yield None
            continue
        yield line.rstrip("\n").rstrip("\r")


def parse_jsonl(source: str | TextIO, file: str) -> Iterator[ParsedRecord]:
    """JSON Lines: one object per line, read one line at a time; blank lines are skipped,
    a broken or over-long line is rejected alone."""
    record = 0
    for line_number, line in enumerate(_lines(source), 1):
        if line is not None and not line.strip():
            continue
        record += 1
        ref = _ref(file, record, line_number)
        where = f"record {record} (line {line_number})"
        if line is None:
            yield ParsedRecord(ref=ref, error=_too_long(where, f"over {RECORD_MAX_CHARS:,}"))
            continue
        try:
            item, end = _loads(line, len(line) - len(line.lstrip(_WHITESPACE)))
            if line[end:].strip(_WHITESPACE):
                raise json.JSONDecodeError("Extra data after the object", line, end)
        except json.JSONDecodeError as exc:
            hint = (
                " (one object per line is expected; is this a .json file?)"
                if line.strip() in ("[", "{")
                else ""
            )
            yield ParsedRecord(
                ref=ref, error=f"{where}: not valid JSON: {exc.msg} at column {exc.colno}{hint}"
            )
            continue
        except RecursionError:
            yield ParsedRecord(ref=ref, error=f"{where}: not valid JSON: nested too deeply")
            continue
        yield _checked(item, ref, where, line)
