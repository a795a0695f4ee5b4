"""The canned-query library: `.cypher` files with a header, loaded once, run by name.

Header lines (comments at the top of the file):
    // name: show
    // title: A show and everything credited on it
    // description: ...
    // params: key:str, limit:int=200
    // backends: neo4j, falkordb          (optional; default both)
A file `NAME.falkordb.cypher` or `NAME.neo4j.cypher` beside `NAME.cypher`
replaces it on that backend, only where the dialects truly differ
(docs/cypher-dialects.md lists every difference).

Parameters are typed (str, int, float, bool, list) and coerced from text, so
the CLI's `--param k=v` and the web forms go through the same checks; user
input only ever reaches Cypher as parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.adhoc_policy import ADHOC_MAX_PARAMETER_CHARS
from graph.backend import Backend, Results
from graph.observe import query_named
from graph.param_values import check_values
from queries.errors import QueryParameterError, UnknownQuery

CYPHER_DIR = Path(__file__).with_name("cypher")
DIALECTS = ("neo4j", "falkordb")
_HEADER = re.compile(r"^//\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"^(\w+):(str|int|float|bool|list)(?:=(.*))?$")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any = None
    required: bool = True

    def coerce(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            if self.type == "str":
                return str(value)
            if self.type == "int":
                if isinstance(value, bool):
                    raise ValueError
                return int(value)
            if self.type == "float":
                return float(value)
            if self.type == "bool":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in ("1", "true", "yes", "on"):
                    return True
                if text in ("0", "false", "no", "off"):
                    return False
                raise ValueError
            if self.type == "list":
                if isinstance(value, list):
                    return value
                text = str(value).strip()
                if text.startswith("["):
                    parsed = json.loads(text)
                    if isinstance(parsed, list):
                        return parsed
                    raise ValueError
                return [v.strip() for v in text.split(",") if v.strip()]
        except (ValueError, TypeError, json.JSONDecodeError):
            pass
        raise QueryParameterError(
            f"parameter '{self.name}' must be {_TYPE_WORDS[self.type]}, got {value!r}"
        )

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "required": self.required,
        }


_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list (comma-separated or JSON)",
}


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    cypher: Mapping[str, str] = field(default_factory=dict)  # dialect -> text
    runner: Callable[..., Any] | None = None  # Python-backed queries
    backends: tuple[str, ...] = DIALECTS

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Check and coerce parameters: unknown ones and missing required ones are errors."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryParameterError(
                f"'{self.name}' takes no parameter {', '.join(repr(u) for u in unknown)}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        bound = {}
        for parameter in self.parameters:
            if parameter.name in values and values[parameter.name] not in (None, ""):
                bound[parameter.name] = parameter.coerce(values[parameter.name])
            elif parameter.required:
                raise QueryParameterError(
                    f"'{self.name}' needs the parameter '{parameter.name}' ({parameter.type})"
                )
            else:
                bound[parameter.name] = parameter.default
        return bound

    def text_for(self, dialect: str) -> str:
        return self.cypher.get(dialect) or self.cypher.get("default", "")

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [p.to_json() for p in self.parameters],
            "backends": list(self.backends),
            "kind": "python" if self.runner else "cypher",
            "cypher": self.cypher.get("default"),
        }


def _parse_params(text: str) -> tuple[Parameter, ...]:
    params = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        match = _PARAM.match(item)
        if not match:
            raise ValueError(f"bad parameter declaration {item!r}")
        name, type_, default = match.groups()
        if default is None:
            params.append(Parameter(name, type_))
        else:
            probe = Parameter(name, type_, required=False)
            params.append(Parameter(name, type_, probe.coerce(default), required=False))
    return tuple(params)


def _read(path: Path) -> tuple[dict[str, str], str]:
    header: dict[str, str] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line) if not body else None
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() or body:
            body.append(line)
    return header, "\n".join(body).strip()


class Registry:
    """Every canned query by name: the CLI, the web app and the tests share it."""

    def __init__(self, queries: Mapping[str, CannedQuery]):
        self._queries = dict(queries)

    @classmethod
    def load(cls, folder: Path = CYPHER_DIR) -> Registry:
        queries: dict[str, CannedQuery] = {}
        variants: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("*.cypher")):
            parts = path.name.split(".")
            if len(parts) == 3 and parts[1] in DIALECTS:
                variants.setdefault(parts[0], {})[parts[1]] = _read(path)[1]
                continue
            header, body = _read(path)
            name = header.get("name") or path.stem
            if name != path.stem:
                raise ValueError(f"{path}: header name {name!r} differs from the file name")
            backends = tuple(
                b.strip() for b in header.get("backends", ",".join(DIALECTS)).split(",")
            )
            if set(backends) - set(DIALECTS):
                raise ValueError(
                    f"{path}: backends must be among {', '.join(DIALECTS)}, "
                    f"got {', '.join(backends)}"
                )
            queries[name] = CannedQuery(
                name=name,
                title=header.get("title", name),
                description=header.get("description", ""),
                parameters=_parse_params(header.get("params", "")),
                cypher={"default": body},
                backends=backends,
            )
        for name, texts in variants.items():
            if name not in queries:
                raise ValueError(f"{name}: a per-backend variant without its {name}.cypher")
            merged = dict(queries[name].cypher, **texts)
            queries[name] = CannedQuery(**{**queries[name].__dict__, "cypher": merged})
        return cls(queries)

    def add_python(
        self,
        name: str,
        title: str,
        description: str,
        parameters: tuple[Parameter, ...],
        runner: Callable[..., Any],
    ) -> None:
        self._queries[name] = CannedQuery(name, title, description, parameters, runner=runner)

    def get(self, name: str) -> CannedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQuery(
                f"No canned query is called {name!r}. Known: {', '.join(sorted(self._queries))}"
            ) from None

    def all(self) -> list[CannedQuery]:
        return [self._queries[name] for name in sorted(self._queries)]

    def run(
        self,
        backend: Backend,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_rows: int | None = 0,
    ) -> Results:
        """Run a canned query; Python-backed ones return their rows as Results too."""
        query = self.get(name)
        if backend.dialect not in query.backends:
            raise UnknownQuery(
                f"'{name}' is written for {', '.join(query.backends)} only and "
                f"cannot run on {backend.name}; choose another query or backend"
            )
        bound = query.bind(params or {})
        # The values come from whoever asked (a web form, the CLI): the same check as
        # an analyst's own query, so no engine fails on them with a driver's error.
        check_values(bound, ADHOC_MAX_PARAMETER_CHARS)
        with query_named(name):
            if query.runner is not None:
                return as_results(query.runner(backend, **bound))
            return backend.run_read(query.text_for(backend.dialect), bound, max_rows=max_rows)


def as_results(value: Any) -> Results:
    """Rows of dicts (what the Python queries return) as a Results table."""
    if isinstance(value, Results):
        return value
    rows = (
        value
        if not isinstance(value, dict)
        else value["results"]
        if "results" in value
        else value.get("rows", [])
    )
    if isinstance(value, dict) and "path" in value and "results" not in value:
        rows = [
            {
                "length": value.get("length"),
                "path": value.get("path"),
                "message": value.get("message"),
            }
        ]
    columns: list[str] = []
    for row in rows:
        for column in row:
            if column not in columns:
                columns.append(column)
    return Results(columns, [[row.get(c) for c in columns] for row in rows])


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The library: the .cypher files plus the Python-backed queries."""
    from queries import explore, paths, search

    reg = Registry.load()
    reg.add_python(
        "search",
        "Search",
        "Full-text search over shows, people, companies and genres, "
        "accent- and case-insensitive, typo-tolerant.",
        (Parameter("text", "str"), Parameter("limit", "int", 20, False)),
        lambda b, text, limit: search.search(b, text, limit=limit),
    )
    reg.add_python(
        "related",
        "Related shows",
        "Shows related to a show, ranked and explained.",
        (Parameter("key", "str"), Parameter("limit", "int", 10, False)),
        lambda b, key, limit: explore.related_shows(b, key, limit=limit),
    )
    reg.add_python(
        "collaborators_ranked",
        "Collaborators",
        "Everyone who worked with a person, with shared shows and roles, most shared first.",
        (Parameter("key", "str"), Parameter("limit", "int", 50, False)),
        lambda b, key, limit: explore.collaborators(b, key, limit=limit),
    )
    reg.add_python(
        "suggest",
        "Suggested collaborators",
        "People a person has not worked with but their collaborators have, ranked and explained.",
        (Parameter("key", "str"), Parameter("limit", "int", 20, False)),
        lambda b, key, limit: explore.suggested_collaborators(b, key, limit=limit),
    )
    reg.add_python(
        "path",
        "Connection path",
        "Shortest connection between two entities (Label:key), within a hop limit.",
        (
            Parameter("source", "str"),
            Parameter("target", "str"),
            Parameter("max_hops", "int", 6, False),
        ),
        lambda b, source, target, max_hops: paths.connection_path(
            b, source, target, max_hops=max_hops
        ),
    )
    return reg
