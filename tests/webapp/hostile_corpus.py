"""Hostile requests for every route of the web app: the sweep's corpus.

Shared by tests/webapp/test_hostile.py (the Flask test client, in CI) and
benchmarks/hostile_sweep.py (a real `screengraph serve`, whose memory it records).
A request is a plain dict: method, path (already percent-encoded), optional
headers, body and content type, so both clients can send it byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

from werkzeug.routing import Map

# Values, percent-encoded as they go in a URL. Each is hostile in its own way.
RAW_VALUES: tuple[str, ...] = (
    "a" + "," * 40_000 + "b",  # defect 5: a quadratic regex, a 40 KB URL
    "a" + " " * 5_000 + "b (1999)",  # long, under the query-string cap
    "x" * 301,  # just over a field limit
    "\x00",
    "a\x00b",  # NUL
    "[" * 3000 + "]" * 3000,  # deep JSON
    '[{"a`b":1}]',
    '["\\ud800"]',
    '{"v":{"k`x":1}}',
    '{"a=1 CREATE (n:X) RETURN 1 //": 1}',
    "9" * 5000,
    "1e999",
    "-9223372036854775809",
    "18446744073709551616",
    "NaN",
    "\u202e\u0301\u200b",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "a\u0301" * 150,
    "\ufeff",
    "\uffff",
    "Show:",
    "Person:../../etc/passwd",
    "' OR 1=1 //",
    "`",
    "}{",
    "$x",
    "-1",
    "0",
    "",
    "RETURN 1",
    "MATCH (n) RETURN n",
)
# Runaway queries (a billion-row UNWIND...) are not here: stopping them is the graph layer's
# job, tested there; the sweep is about what the HTTP surface makes of its input.
# Byte sequences that are not UTF-8 (a lone surrogate's encoding, a stray byte).
RAW_BYTES: tuple[str, ...] = ("%ED%A0%80", "%FF", "%C0%AF", "%")

PARAM_NAMES: tuple[str, ...] = (
    "q",
    "label",
    "limit",
    "from",
    "to",
    "from_key",
    "to_key",
    "max_hops",
    "depth",
    "query",
    "params",
    "keys",
    "key",
    "run",
    "name",
    "limit\x00",
    "a" * 300,
)

HOSTS: tuple[str, ...] = ("evil.example", "localhost.evil.example:80", "", "[::1", "a" * 300)


def encoded_values() -> list[str]:
    return [quote(v, safe="") for v in RAW_VALUES] + list(RAW_BYTES)


def concrete_paths(url_map: Map, canned_names: list[str]) -> tuple[list[str], list[str]]:
    """Every rule of the app with its variables filled in: (with real values, with hostile ones)."""
    real, hostile = [], []
    for rule in url_map.iter_rules():
        if rule.endpoint == "static":
            hostile += ["/static/dist/app.js", "/static/..%2f..%2fpyproject.toml", "/static/%00"]
            continue
        if not rule.arguments:
            real.append(rule.rule)
            continue
        names = canned_names if "name" in rule.arguments else ["the-bureau"]
        for fillers, out in (
            (names, real),
            (["x" * 400, "%00", "%ED%A0%80", "..%2f..", "a%2Fb", "%E2%80%AE"], hostile),
        ):
            for filler in fillers:
                path = rule.rule
                for argument in rule.arguments:
                    path = path.replace(f"<{argument}>", filler)
                out.append(path)
    return sorted(set(real)), sorted(set(hostile))


def get_requests(url_map: Map, canned_names: list[str], *, full: bool = False) -> Iterator[dict]:
    """Every route, plain, then with hostile values in its parameters.

    Full (the benchmark): each value in every parameter at once, then alone in each
    parameter, on every route. Quick (CI, well under a minute): each route takes a
    third of the values in turns, each value either in every parameter at once or
    alone in one parameter (also in turns): every value still meets some 20 routes.
    """
    values = encoded_values()
    real, hostile = concrete_paths(url_map, canned_names)
    for path in hostile:
        yield {"method": "GET", "path": path}
    for n, path in enumerate(real):
        yield {"method": "GET", "path": path}
        for i, value in enumerate(values):
            if not full and i % 3 != n % 3:
                continue
            everywhere = "&".join(f"{quote(name, safe='')}={value}" for name in PARAM_NAMES)
            if full or i % 2:
                yield {"method": "GET", "path": f"{path}?{everywhere}"}
            names = PARAM_NAMES if full else [PARAM_NAMES[(i + n) % len(PARAM_NAMES)]]
            if full or not i % 2:
                for name in names:
                    yield {"method": "GET", "path": f"{path}?{quote(name, safe='')}={value}"}


def header_requests() -> Iterator[dict]:
    for host in HOSTS:
        yield {"method": "GET", "path": "/index.json", "headers": {"Host": host}}
    yield {"method": "GET", "path": "/" + "a" * 20_000}
    yield {"method": "GET", "path": "/search.json?" + "&".join(f"q{i}=x" for i in range(3000))}
    yield {
        "method": "GET",
        "path": "/index.json",
        "headers": {"Sec-Fetch-Site": "\x7f", "Origin": "\u00e9"},
    }
    yield {"method": "GET", "path": "/index.json", "headers": {"Accept": "*/*;q=x," * 200}}
    yield {"method": "GET", "path": "/index.json", "headers": {"Cookie": "session=" + "A" * 3000}}


def post_requests(csrf_token: str) -> Iterator[dict]:
    """Forms with and without the CSRF token, oversized and malformed bodies."""
    token = {"csrf_token": csrf_token}
    form = "application/x-www-form-urlencoded"
    for path in (
        "/console",
        "/console.json",
        "/ingest",
        "/ingest.json",
        "/search.json",
        "/show/the-bureau",
    ):
        yield {"method": "POST", "path": path, "body": b"query=RETURN+1", "content_type": form}
        yield {
            "method": "POST",
            "path": path,
            "content_type": form,
            "body": b"query=" + b"%2C" * 10_000_000,
        }  # 30 MB, no token (defect 11)
        yield {
            "method": "POST",
            "path": path,
            "content_type": form,
            "body": b"&".join([b"a=1"] * 50_000) + b"&csrf_token=" + csrf_token.encode(),
        }
        for body, content_type in (
            (
                b'--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nRETURN 1',
                "multipart/form-data; boundary=x",
            ),
            (b"--x--", "multipart/form-data"),
            (b"\xff\xfe\x00", form + "; charset=utf-16"),
            (b"{" * 5000, "application/json"),
            (b"query=%FF%FE&csrf_token=" + csrf_token.encode(), form),
        ):
            yield {"method": "POST", "path": path, "body": body, "content_type": content_type}
    for value in RAW_VALUES:
        for field in ("query", "params"):
            fields = {**token, "query": "RETURN $v AS v", "params": '{"v": 1}', field: value}
            yield {
                "method": "POST",
                "path": "/console.json",
                "content_type": form,
                "body": "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items()).encode(),
            }
    for params in (
        {"v": {"k`x": 1}},
        {"a=1 CREATE (n:X) RETURN 1 //": 1},
        {"": 1},
        {"1a": 2},
        {"v": [[[[[[1]]]]]]},
        {"v": "x" * 90_000},
    ):
        fields = {**token, "query": "RETURN 1 AS one", "params": json.dumps(params)}
        yield {
            "method": "POST",
            "path": "/console.json",
            "content_type": form,
            "body": "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items()).encode(),
        }
    for query in (
        "RETURN reduce(acc = [], i IN range(1, 500) | [acc]) AS deep",
        "RETURN {label: '/evil.example', key: 'x', properties: 1} AS n",
        "RETURN {label: 1, key: [], properties: {name: 'x'}} AS n",
        "RETURN [{label: 'Show', key: 'x', properties: {}}, {type: 'T', properties: 2},"
        " {label: 'Show', properties: {}}] AS p",
        "RETURN '\\u0000' AS nul",
        "RETURN 9223372036854775807 + 1 AS big",
    ):
        fields = {**token, "query": query}
        yield {
            "method": "POST",
            "path": "/console.json",
            "content_type": form,
            "body": "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items()).encode(),
        }


def describe(req: dict) -> str:
    body = req.get("body") or b""
    return f"{req['method']} {req['path'][:120]} ({len(req['path'])} chars, body {len(body)} B)"
