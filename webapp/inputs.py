"""The input gate: what a request may carry before any view reads it.

Every refusal is a 4xx naming the field and what to do; the limits live in
webapp/limits.py. JSON given as a parameter goes through `parse_json_param`,
bounded in size and in depth before it is parsed (Python's parser recurses).
Whether the parsed values suit the engines (lone surrogates, integers beyond
64 bits, keys FalkorDB cannot write) is the graph layer's check, which names
the parameter; its errors are 400s (webapp/errors.py).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge, RequestURITooLarge

from screengraph.queries.catalogue import Question
from screengraph.queries.errors import QueryParameterError
from screengraph.webapp import limits
from screengraph.webapp.errors import ApiError


def _bad(name: str, message: str, code: str = "bad_parameter") -> ApiError:
    return ApiError(400, code, f"'{name}' {message}", parameter=name)


def check_text(name: str, value: str) -> None:
    """A free-text field: within its length, no NUL character."""
    most = limits.TEXT_CHARS.get(name, limits.DEFAULT_TEXT_CHARS)
    if len(value) > most:
        raise _bad(name, f"is too long: {len(value):,} characters, {most:,} at most. Shorten it.")
    if "\x00" in value:
        raise _bad(name, "contains a NUL character (\\u0000); remove it.")


def _check_query_string() -> None:
    raw = request.query_string
    if len(raw) > limits.MAX_QUERY_STRING_BYTES:
        raise RequestURITooLarge(
            f"The query string is {len(raw):,} bytes, {limits.MAX_QUERY_STRING_BYTES:,} at most. "
            "Send long Cypher queries with POST."
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            400, "bad_encoding", "The query string is not valid UTF-8: percent-encode UTF-8 bytes."
        ) from None


def check_request() -> None:
    """Runs before every view: URL, body size, then every field's length and content."""
    _check_query_string()
    # Werkzeug reads a url-encoded body whole, so only multipart bodies (streamed, files
    # to disk, fields within MAX_FORM_MEMORY_BYTES) may be upload-sized.
    uploading = request.endpoint in limits.UPLOAD_ENDPOINTS
    if uploading and request.mimetype == "multipart/form-data":
        request.max_content_length = limits.MAX_UPLOAD_BYTES
    else:
        request.max_content_length = limits.MAX_FORM_BYTES
    size = request.content_length
    if size is not None and size > request.max_content_length:
        hint = " Send listings as multipart/form-data (curl -F)." if uploading else ""
        raise RequestEntityTooLarge(
            f"The request body is {size:,} bytes, {request.max_content_length:,} at most "
            f"here.{hint}"
        )
    for name, value in request.args.items(multi=True):
        check_text(name, value)


def check_form() -> None:
    """Every form field of a POST (parsed within the limits set by check_request)."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    for name, value in request.form.items(multi=True):
        check_text(name, value)


def _depth(text: str) -> int:
    """Deepest nesting of JSON text, counted without parsing (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json_param(name: str, text: str, code: str = "bad_parameter") -> Any:
    """JSON text given as a parameter, or a 400 saying what is wrong with it."""
    if len(text) > limits.MAX_JSON_CHARS:
        raise _bad(
            name,
            f"is too long: {len(text):,} characters of JSON, {limits.MAX_JSON_CHARS:,} at most.",
            code,
        )
    if _depth(text) > limits.MAX_JSON_DEPTH:
        raise _bad(
            name, f"is nested more than {limits.MAX_JSON_DEPTH} levels deep; flatten it.", code
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(
            name, f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.", code
        ) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise _bad(name, f"is not usable JSON: {exc}.", code) from None
    return value


def question_values(
    question: Question, names: dict[str, str] | None = None, *, complete: bool = True
) -> dict[str, Any]:
    """A question's parameters from the query string, checked by the catalogue's own
    declaration (types, ranges, choices), or a 400 naming the parameter. `names` maps a
    parameter to the field a route calls it (`text` is `q` on /search)."""
    names = names or {}
    given: dict[str, Any] = {}
    for param in question.parameters:
        field = names.get(param.name, param.name)
        values = [v for v in request.args.getlist(field) if v.strip()]
        if not values:
            continue
        if param.type == "list" and values[0].lstrip().startswith("["):
            given[param.name] = parse_json_param(field, values[0])
        else:
            given[param.name] = values if param.multiple else values[0]
    try:
        return question.bind(given, complete=complete)
    except QueryParameterError as exc:
        raise ApiError(400, "bad_parameter", str(exc)) from None


def init_app(app: Flask) -> None:
    app.config.update(
        MAX_CONTENT_LENGTH=limits.MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=limits.MAX_FORM_MEMORY_BYTES,
        MAX_FORM_PARTS=limits.MAX_FORM_PARTS,
    )
    app.before_request(check_request)
