"""The catalogue of questions: each declared once, every surface generated from it.

A question has a name, a title, a description for users (maintainer notes
are kept apart and never shown), typed parameters with their defaults,
ranges and choices, and a way to run: a `.cypher` file, or a Python function
registered where it is defined with `@question(...)`. The CLI's commands and
options, the web's parameter checks, the gallery and /openapi.json read the
parameters from here, so a limit is declared once and is the same everywhere.
Every question answers with `Results`.

A `.cypher` file declares itself in its header (comments at the top):
    // name: show
    // title: A show and everything credited on it
    // description: what a user reads in the gallery
    // notes: why it is written this way (for maintainers; never shown)
    // params: key:Company, limit:int=200 in 1..1000, label:str=Show in Show|Person
(a parameter typed by a label, `key:Company`, names an entity: its text may be a name,
Label:key or an identifier as well as a key, resolved by queries/entity_params.py)
    // backends: neo4j, falkordb          (optional; default both)
    // listed: no                         (a building block other questions use)
A file `NAME.falkordb.cypher` or `NAME.neo4j.cypher` beside `NAME.cypher`
replaces it on that backend, only where the dialects truly differ
(docs/cypher-dialects.md lists every difference).

Parameters are typed (str, int, float, bool, list) and coerced from text, so
the CLI and the web forms go through the same checks; user input only ever
reaches Cypher as parameters.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from screengraph.graph.adhoc_policy import ADHOC_MAX_PARAMETER_CHARS
from screengraph.graph.backend import Backend, Results
from screengraph.graph.observe import query_named
from screengraph.graph.param_values import check_values
from screengraph.graph.schema import Label
from screengraph.queries.errors import QueryParameterError, UnknownQuery

CYPHER_DIR = Path(__file__).with_name("cypher")
DIALECTS = ("neo4j", "falkordb")
# The modules whose functions are questions (each registers its own with @question).
QUESTION_MODULES = (
    "screengraph.queries.search",
    "screengraph.queries.explore",
    "screengraph.queries.paths",
)
_HEADER = re.compile(r"^//\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"^(\w+):(\w+)(?:=(\S*))?(?:\s+in\s+(\S+))?$")
_ENTITY_LABELS = tuple(label.value for label in Label)
ANY_ENTITY = "Entity"  # `Param.entity` of a parameter that names an entity of any label
_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list (comma-separated or JSON)",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a question: its type, default, bounds and choices.

    `argument` makes it positional on the command line (its `metavar` names it
    there); `multiple` takes several of its `choices`. `entity` (a label) says the text
    names an entity of that label: a name, Label:key or an identifier as well as its key;
    ANY_ENTITY, an entity of any label (its value becomes `Label:key`).
    """

    name: str
    type: str
    default: Any = None
    required: bool = True
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    multiple: bool = False
    help: str = ""
    argument: bool = False
    metavar: str | None = None
    entity: str | None = None

    def coerce(self, value: Any) -> Any:
        """The value as its type, within its range and choices; QueryParameterError if not."""
        if value is None:
            return None
        if self.multiple:
            items = value if isinstance(value, list | tuple) else _split(str(value))
            return [self._check(self._one(item)) for item in items]
        return self._check(self._one(value))

    def _one(self, value: Any) -> Any:
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
                return _boolean(value)
            if self.type == "list":
                return _listed(value)
        except (ValueError, TypeError, json.JSONDecodeError):
            pass
        raise QueryParameterError(
            f"parameter '{self.name}' must be {_TYPE_WORDS[self.type]}, got {value!r}"
        )

    def _check(self, value: Any) -> Any:
        if self.choices and value not in self.choices:
            raise QueryParameterError(
                f"parameter '{self.name}' must be one of {', '.join(self.choices)}, got {value!r}"
            )
        low = self.low if self.low is not None else value
        high = self.high if self.high is not None else value
        if self.type in ("int", "float") and not low <= value <= high:
            raise QueryParameterError(
                f"parameter '{self.name}' must be {self.bounds()}, got {value}"
            )
        return value

    def bounds(self) -> str:
        """`between 1 and 100`, `at least 0`: the range in words ('' when there is none)."""
        if self.low is not None and self.high is not None:
            return f"between {self.low} and {self.high}"
        if self.low is not None:
            return f"at least {self.low}"
        return f"at most {self.high}" if self.high is not None else ""

    def to_json(self) -> dict:
        described = {
            "name": self.name,
            "type": self.type,
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "required": self.required,
        }
        optional = {
            "minimum": self.low,
            "maximum": self.high,
            "choices": list(self.choices) or None,
            "multiple": self.multiple or None,
            "help": self.help or None,
            "entity": self.entity,
        }
        return described | {k: v for k, v in optional.items() if v is not None}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _listed(value: Any) -> list:
    if isinstance(value, list):
        return value
    text = str(value).strip()
    if text.startswith("["):
        parsed = json.loads(text)
        if isinstance(parsed, list):
            return parsed
        raise ValueError(text)
    return _split(text)


@dataclass(frozen=True)
class Question:
    """One question users can ask, however they ask it."""

    name: str
    title: str
    description: str
    parameters: tuple[Param, ...]
    cypher: Mapping[str, str] = field(default_factory=dict)  # dialect -> text
    runner: Callable[..., Any] | None = None  # Python-backed questions
    backends: tuple[str, ...] = DIALECTS
    notes: str = ""  # for maintainers: never shown to users
    listed: bool = True  # False: a building block of other questions
    columns: tuple[str, ...] = ()  # a Python question's columns, in order

    def param(self, name: str) -> Param:
        return next(p for p in self.parameters if p.name == name)

    def bind(self, values: Mapping[str, Any], *, complete: bool = True) -> dict[str, Any]:
        """Check and coerce parameters: unknown ones and missing required ones are errors
        (`complete=False` leaves missing required ones out: a form not filled in yet)."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryParameterError(
                f"'{self.name}' takes no parameter {', '.join(repr(u) for u in unknown)}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        given = {
            p.name: p.coerce(values[p.name])
            for p in self.parameters
            if p.name in values and values[p.name] not in (None, "", [], ())
        }
        bound = {}
        for parameter in self.parameters:  # what was given is checked first, then what is missing
            if parameter.name in given:
                bound[parameter.name] = given[parameter.name]
            elif parameter.required and not complete:
                continue
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


_PYTHON_QUESTIONS: dict[str, Question] = {}


def question(
    name: str,
    title: str,
    description: str,
    *parameters: Param,
    notes: str = "",
    columns: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function `f(backend, **parameters)` a question of the catalogue."""

    def register(runner: Callable[..., Any]) -> Callable[..., Any]:
        if name in _PYTHON_QUESTIONS:
            raise ValueError(f"two questions are called {name!r}")
        _PYTHON_QUESTIONS[name] = Question(
            name,
            title,
            description,
            tuple(parameters),
            runner=runner,
            notes=notes,
            columns=columns,
        )
        return runner

    return register


def _parse_params(text: str) -> tuple[Param, ...]:
    params = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        match = _PARAM.match(item)
        if not match:
            raise ValueError(f"bad parameter declaration {item!r}")
        name, type_, default, within = match.groups()
        entity = type_ if type_ in _ENTITY_LABELS else None
        if entity is None and type_ not in _TYPE_WORDS:
            raise ValueError(
                f"bad parameter type in {item!r}: one of {', '.join(_TYPE_WORDS)} or a label "
                f"({', '.join(_ENTITY_LABELS)})"
            )
        bounds: dict[str, Any] = {"entity": entity} if entity else {}
        type_ = "str" if entity else type_
        if within and ".." in within:
            low, _, high = within.partition("..")
            bounds |= {"low": int(low), "high": int(high)}
        elif within:
            bounds |= {"choices": tuple(within.split("|"))}
        param = Param(name, type_, **bounds)
        if default is not None:
            param = replace(param, default=param.coerce(default), required=False)
        params.append(param)
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


def _cypher_question(path: Path) -> Question:
    header, body = _read(path)
    name = header.get("name") or path.stem
    if name != path.stem:
        raise ValueError(f"{path}: header name {name!r} differs from the file name")
    backends = tuple(b.strip() for b in header.get("backends", ",".join(DIALECTS)).split(","))
    if set(backends) - set(DIALECTS):
        raise ValueError(
            f"{path}: backends must be among {', '.join(DIALECTS)}, got {', '.join(backends)}"
        )
    listed = header.get("listed", "yes").lower()
    if listed not in ("yes", "no"):
        raise ValueError(f"{path}: 'listed' must be yes or no, got {listed!r}")
    return Question(
        name=name,
        title=header.get("title", name),
        description=header.get("description", ""),
        parameters=_parse_params(header.get("params", "")),
        cypher={"default": body},
        backends=backends,
        notes=header.get("notes", ""),
        listed=listed == "yes",
    )


class Catalogue:
    """Every question by name: the CLI, the web app and the tests share it."""

    def __init__(self, questions: Mapping[str, Question]):
        self._questions = dict(questions)

    @classmethod
    def load(
        cls, folder: Path = CYPHER_DIR, python: Mapping[str, Question] | None = None
    ) -> Catalogue:
        questions: dict[str, Question] = {}
        variants: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("*.cypher")):
            parts = path.name.split(".")
            if len(parts) == 3 and parts[1] in DIALECTS:
                variants.setdefault(parts[0], {})[parts[1]] = _read(path)[1]
            else:
                questions[path.stem] = _cypher_question(path)
        for name, texts in variants.items():
            if name not in questions:
                raise ValueError(f"{name}: a per-backend variant without its {name}.cypher")
            questions[name] = replace(questions[name], cypher=dict(questions[name].cypher, **texts))
        for name, python_question in (python or {}).items():
            if name in questions:
                raise ValueError(f"{name}: both a .cypher file and a Python function")
            questions[name] = python_question
        return cls(questions)

    def get(self, name: str) -> Question:
        try:
            return self._questions[name]
        except KeyError:
            raise UnknownQuery(
                f"No canned query is called {name!r}. Known: {', '.join(self.names())}"
            ) from None

    def names(self) -> list[str]:
        return sorted(q.name for q in self._questions.values() if q.listed)

    def all(self) -> list[Question]:
        """The questions users see (building blocks left out), by name."""
        return [self._questions[name] for name in self.names()]

    def every(self) -> list[Question]:
        """Every question, building blocks too (for tests that run them all)."""
        return [self._questions[name] for name in sorted(self._questions)]

    def runnable_on(self, backend: Backend) -> list[Question]:
        return [q for q in self.all() if backend.speaks(q.backends)]

    def run(
        self,
        backend: Backend,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_rows: int | None = 0,
    ) -> Results:
        """Run a question; Python-backed ones return their rows as Results too."""
        asked = self.get(name)
        if not backend.speaks(asked.backends):
            raise UnknownQuery(
                f"'{name}' is written for {', '.join(asked.backends)} only and "
                f"cannot run on {backend.name}; choose another query or backend"
            )
        bound = asked.bind(params or {})
        # The values come from whoever asked (a web form, the CLI): the same check as
        # an analyst's own query, so no engine fails on them with a driver's error.
        check_values(bound, ADHOC_MAX_PARAMETER_CHARS)
        with query_named(name):
            if asked.runner is not None:
                return as_results(asked.runner(backend, **bound), asked.columns)
            return backend.run_read(backend.pick(asked.cypher), bound, max_rows=max_rows)


def as_results(value: Any, columns: tuple[str, ...] = ()) -> Results:
    """Rows of dicts (what the Python questions return) as a Results table."""
    if isinstance(value, Results):
        return value
    rows = (
        value
        if not isinstance(value, dict)
        else value["results"]
        if "results" in value
        else value.get("rows", [])
    )
    if isinstance(value, dict) and "paths" in value and "results" not in value:
        # A connection: one row per path found, or one saying why there is none.
        rows = [
            {"length": value.get("length"), "path": path, "message": value.get("message")}
            for path in value["paths"] or [[]]
        ]
    names: list[str] = list(columns)
    if not names:
        for row in rows:
            names.extend(column for column in row if column not in names)
    return Results(names, [[row.get(c) for c in names] for row in rows])


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue: the .cypher files plus the questions Python functions answer."""
    for module in QUESTION_MODULES:
        importlib.import_module(module)
    return Catalogue.load(python=_PYTHON_QUESTIONS)
