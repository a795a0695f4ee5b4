"""The OpenAPI document of the JSON twins, served at /openapi.json."""

from __future__ import annotations

from flask import Blueprint, jsonify

from screengraph.graph.export_formats import FORMATS
from screengraph.graph.version import VERSION
from screengraph.queries.catalogue import Param, Question, catalogue
from screengraph.queries.neighbours import NEIGHBOURS
from screengraph.webapp import limits
from screengraph.webapp.store import get_backend
from screengraph.webapp.views_connect import PATH_FIELDS
from screengraph.webapp.views_explore import LIST_QUESTIONS, NEIGHBOURHOOD_FIELDS, SEARCH_FIELDS

bp = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/responses/Error"}


def _param(
    name: str,
    where: str = "query",
    required: bool = False,
    type_: str = "string",
    description: str = "",
    low: int | None = None,
    high: int | None = None,
) -> dict:
    """A parameter with the bounds the app enforces (webapp/limits.py, the views)."""
    if type_ == "string":
        schema = {
            "type": "string",
            "maxLength": limits.TEXT_CHARS.get(name, limits.DEFAULT_TEXT_CHARS),
        }
    else:
        schema = {
            "type": type_,
            **({"minimum": low} if low is not None else {}),
            **({"maximum": high} if high is not None else {}),
        }
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


_SCHEMA_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def _value_schema(param: Param, field: str) -> dict:
    if param.type in ("str", "list"):
        schema: dict = {
            "type": "string",
            "maxLength": limits.TEXT_CHARS.get(field, limits.DEFAULT_TEXT_CHARS),
        }
    else:
        schema = {"type": _SCHEMA_TYPES[param.type]}
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.low is not None:
        schema["minimum"] = param.low
    if param.high is not None:
        schema["maximum"] = param.high
    if param.default not in (None, (), []) and not param.multiple:
        schema["default"] = param.default
    return schema


def question_parameters(question: Question, names: dict[str, str] | None = None) -> list[dict]:
    """A question's parameters as OpenAPI query parameters, from the catalogue's declaration
    (`names`: the field a route calls a parameter)."""
    described = []
    for param in question.parameters:
        field = (names or {}).get(param.name, param.name)
        schema = _value_schema(param, field)
        described.append(
            {
                "name": field,
                "in": "query",
                "required": param.required,
                "schema": {"type": "array", "items": schema} if param.multiple else schema,
                "description": param.help
                or ("JSON list or comma-separated values" if param.type == "list" else ""),
            }
        )
    return described


def _get(summary: str, params: list[dict], extra: dict | None = None) -> dict:
    responses = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "400": _ERROR,
        "404": _ERROR,
        "503": _ERROR,
    }
    return {
        "get": {"summary": summary, "parameters": params, "responses": responses, **(extra or {})}
    }


def _console_body(params: dict, **more: dict) -> dict:
    """The console's request body: the query, its parameters (`params`: how this encoding
    carries them) and any `more` fields."""
    return {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string", "maxLength": limits.TEXT_CHARS["query"]},
            "params": params,
            **more,
        },
    }


def document() -> dict:
    asked = catalogue()
    key = _param(
        "key",
        "path",
        description="The entity's key, as in its page URL, or one of its "
        "identifiers: imdb:nm0000229, bare nm0000229 or tt0082971, tmdb:person/488.",
    )
    paths = {
        "/index.json": _get("Live figures of the graph", []),
        "/search.json": _get(
            "Full-text search over shows, people, companies and genres",
            question_parameters(asked.get("search"), SEARCH_FIELDS),
        ),
        "/connect.json": _get(
            "Shortest connection paths between two entities",
            [
                *question_parameters(asked.get("path"), PATH_FIELDS),
                _param("from_key", description="Label:key of the first end (a chosen candidate)"),
                _param("to_key", description="Label:key of the other end"),
            ],
        ),
        "/schema.json": _get("Labels, relationship types, property keys and procedures", []),
        "/queries.json": _get("The canned-query library", []),
        "/queries/{name}.json": _get(
            "Run a canned query; its parameters go in the query string", [_param("name", "path")]
        ),
    }
    for question in asked.runnable_on(get_backend()):
        paths[f"/queries/{question.name}.json"] = _get(
            f"{question.title}: {question.description}", question_parameters(question)
        )
    # A page's graph view and downloads: the neighbourhood question, its entity in the path.
    around = [
        p
        for p in question_parameters(asked.get("neighbourhood"))
        if p["name"] in NEIGHBOURHOOD_FIELDS
    ]
    for label in ("show", "person", "company", "genre"):
        listed = LIST_QUESTIONS.get(label.capitalize())
        paging = (
            [p for p in question_parameters(asked.get(listed)) if p["name"] != "key"]
            if listed
            else []
        )
        paths[f"/{label}/{{key}}.json"] = _get(
            f"A {label} with its credits and connections"
            + (
                f"; its long list paged, sorted and filtered ({', '.join(p['name'] for p in paging)})"
                if paging
                else ""
            ),
            [key, *paging],
        )
        paths[f"/{label}/{{key}}/graph.json"] = _get(
            f"Neighbourhood of a {label} for graph views",
            [key, *around],
        )
        paths[f"/{label}/{{key}}/neighbours.json"] = _get(
            f"A {label}'s neighbours, best connected first, a page at a time (the graph "
            "view's expand and more): nodes, edges, shown, total, next_offset",
            [
                key,
                *(p for p in question_parameters(NEIGHBOURS) if p["name"] in ("offset", "limit")),
            ],
        )
        for export_format in FORMATS.values():
            paths[f"/{label}/{{key}}/export.{export_format.name}"] = _get(
                f"Download the neighbourhood of a {label} as {export_format.title}",
                [key, *around],
                {
                    "responses": {
                        "200": {
                            "description": "An attachment",
                            "content": {
                                export_format.media_type: {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        "400": _ERROR,
                        "404": _ERROR,
                        "503": _ERROR,
                    }
                },
            )
    paths["/console/export"] = {
        "post": {
            "summary": "Download the nodes a read-only Cypher query returns, and the relationships "
            f"among them (at most {limits.MAX_EXPORT_NODES:,} nodes)",
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["query", "format"],
                            "properties": {
                                "query": {
                                    "type": "string",
                                    "maxLength": limits.TEXT_CHARS["query"],
                                },
                                "params": {
                                    "type": "string",
                                    "maxLength": limits.TEXT_CHARS["params"],
                                },
                                "format": {"type": "string", "enum": list(FORMATS)},
                                "csrf_token": {"type": "string"},
                            },
                        }
                    }
                }
            },
            "responses": {
                "200": {"description": "An attachment in the format asked for"},
                "400": _ERROR,
                "403": _ERROR,
                "413": _ERROR,
            },
        }
    }
    paths["/console.json"] = {
        "post": {
            "summary": "Run a read-only, time-limited, row-capped Cypher query",
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": _console_body(
                            {
                                "type": "string",
                                "maxLength": limits.TEXT_CHARS["params"],
                                "description": "JSON object, nested at most "
                                f"{limits.MAX_JSON_DEPTH} levels",
                            },
                            csrf_token={"type": "string"},
                        )
                    },
                    "application/json": {
                        "schema": _console_body({"type": "object"}),
                        "example": {
                            "query": "MATCH (s:Show {key: $key}) RETURN s",
                            "params": {"key": "the-bureau"},
                        },
                    },
                },
                "description": "A form from the console page carries its csrf_token; a script sends "
                "JSON and needs no session or token (the query only reads). A query the engine "
                "cannot parse is a 400 `syntax_error` whose error has `position` {line, column}.",
            },
            "responses": {
                "200": {"description": "columns, rows, truncated, elapsed_ms, graph"},
                "400": _ERROR,
                "403": _ERROR,
                "413": _ERROR,
            },
        }
    }
    paths["/ingest.json"] = {
        "post": {
            "summary": "Preview listings (action=preview, needs the ingest token), then load that "
            "preview (action=confirm, preview=its id)",
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "token": {"type": "string"},
                                "text": {"type": "string"},
                                "format": {"type": "string"},
                                "action": {"type": "string", "enum": ["preview", "confirm"]},
                                "preview": {
                                    "type": "string",
                                    "description": "id of this session's preview to confirm",
                                },
                                "files": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                },
                                "csrf_token": {"type": "string"},
                            },
                        }
                    }
                }
            },
            "responses": {
                "200": {"description": "summary of the load"},
                **{
                    code: _ERROR
                    for code in ("400", "403", "404", "409", "410", "413", "429", "503")
                },
            },
        }
    }
    paths["/console.json"]["get"] = _get(
        "Run a read-only Cypher query given in the query string (a browser page on another "
        "site cannot: it is refused as cross-site)",
        [
            _param("query", required=True),
            _param("params", description="JSON object"),
            _param("view", description="How the page shows the results: Table, Graph or JSON"),
        ],
    )["get"]
    paths["/ingest.json"]["get"] = _get(
        "Whether adding listings is switched on, and the formats it reads", []
    )["get"]
    token_form = {
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["token"],
                        "properties": {
                            "token": {"type": "string"},
                            "csrf_token": {"type": "string"},
                        },
                    }
                }
            }
        }
    }
    paths["/loads.json"] = {
        **_get(
            "The loads into this graph, newest first (for holders of the ingest token; "
            "403 until this session sent it)",
            [],
        ),
        "post": {
            "summary": "Send the ingest token once for this session, then read the loads",
            **token_form,
            "responses": {
                "200": {"description": "the loads"},
                **{code: _ERROR for code in ("400", "403", "404", "429")},
            },
        },
    }
    load_id = _param("load_id", "path", description="The load's id or a unique prefix of it")
    paths["/loads/{load_id}.json"] = _get(
        "What one load changed: listings, nodes and edges added or removed, properties before "
        "and after (for holders of the ingest token); with `compare`, the net change of the "
        "run of loads from one to the other",
        [
            load_id,
            _param(
                "compare", description="Another load's id: the diff covers both and those between"
            ),
        ],
    )
    paths["/loads/{load_id}/undo.json"] = {
        "post": {
            "summary": "Preview undoing a load (what it would remove, restore, revert, or why "
            "it refuses); with action=confirm, undo it (for sessions that sent the ingest "
            "token; CSRF token in the form or X-CSRF-Token)",
            "parameters": [load_id],
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "action": {"type": "string", "enum": ["preview", "confirm"]},
                                "cascade": {"type": "string", "enum": ["yes"]},
                                "csrf_token": {"type": "string"},
                            },
                        }
                    }
                }
            },
            "responses": {
                "200": {"description": "the preview, or the undo done (`done`)"},
                **{code: _ERROR for code in ("400", "403", "404", "409", "503")},
            },
        }
    }
    duplicate_params = [
        _param("label", description="Person (the default), Company or Show: whose last search"),
        _param(
            "min_score",
            type_="number",
            description="The least score of a pair shown "
            "(0 to 1, plus the bonus shared evidence gives; default 0.9)",
        ),
    ]
    paths["/duplicates.json"] = {
        **_get(
            "The last search for entities likely to be one (`last`: its pairs with evidence, "
            "when it ran, whether the store changed since) and the one running (`running`), "
            "for holders of the ingest token (403 until this session sent it)",
            duplicate_params[:1],
        ),
        "post": {
            "summary": "Send the ingest token once for this session, then see the searches",
            **token_form,
            "responses": {
                "200": {"description": "the last search and the one running"},
                **{code: _ERROR for code in ("400", "403", "429")},
            },
        },
    }

    def form(fields: dict[str, str], required: list[str]) -> dict:
        properties = {
            name: {"type": "string", "description": text} for name, text in fields.items()
        }
        return {
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": required,
                            "properties": {**properties, "csrf_token": {"type": "string"}},
                        }
                    }
                }
            }
        }

    curation_errors = {code: _ERROR for code in ("400", "403", "404", "409", "429")}
    paths["/duplicates/search.json"] = {
        "post": {
            "summary": "Start a search for likely duplicates in the background (one at a "
            "time: 409 while one runs); GET /duplicates.json then shows it running, then its "
            "result (for holders of the ingest token)",
            **form(
                {
                    "label": "Person (the default), Company or Show",
                    "min_score": "The least score of a pair shown (default 0.9)",
                },
                [],
            ),
            "responses": {
                "200": {"description": "the search started, and the last one of the label"},
                **curation_errors,
            },
        }
    }
    paths["/duplicates/merge.json"] = {
        "post": {
            "summary": "Preview a merge of two people, companies or shows, or with confirm=yes "
            "make it (for holders of the ingest token; 409 with the reason when refused)",
            **form(
                {
                    "label": "Person, Company or Show",
                    "survivor": "The key of the entity that stays",
                    "merged": "The key of the entity merged into it",
                    "confirm": "yes to merge; otherwise only the preview",
                    "why": "Why they are one, kept with the decision",
                },
                ["label", "survivor", "merged"],
            ),
            "responses": {
                "200": {"description": "the preview, or the decision"},
                **curation_errors,
            },
        }
    }
    paths["/decisions.json"] = {
        **_get(
            "The curation decisions (merges), newest first (for holders of the ingest token; "
            "403 until this session sent it)",
            [],
        ),
        "post": {
            "summary": "Send the ingest token once for this session, then list the decisions",
            **token_form,
            "responses": {"200": {"description": "the decisions"}, **curation_errors},
        },
    }
    paths["/decisions/split.json"] = {
        "post": {
            "summary": "Preview undoing a merge; with confirm=yes, undo it exactly (for "
            "holders of the ingest token; 409 with the reason when what it wrote has changed "
            "since)",
            **form(
                {
                    "decision": "The merge's decision id, or a unique prefix of it",
                    "confirm": "yes: split; anything else: the preview only",
                    "why": "Why the merge was wrong",
                },
                ["decision"],
            ),
            "responses": {
                "200": {"description": "the decisions, with the preview or a notice"},
                **curation_errors,
            },
        }
    }
    paths["/decisions/finish.json"] = {
        "post": {
            "summary": "Finish the merges and splits stopped midway (killed), as they were "
            "going (`screengraph decisions --finish`); until then loads, merges and splits "
            "are refused (409 decision_unfinished) and the decisions' pending_decision says "
            "which (for holders of the ingest token)",
            **form({}, []),
            "responses": {
                "200": {"description": "the decisions, with the ids finished and a notice"},
                **curation_errors,
            },
        }
    }
    paths["/healthz"] = _get("Whether the app is up and its database answers (200, else 503)", [])
    paths["/metrics"] = {
        "get": {
            "summary": "Prometheus metrics: requests, latency, database time, loads (404 when "
            "SCREENGRAPH_METRICS=off)",
            "responses": {
                "200": {
                    "description": "Prometheus text format",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                "404": _ERROR,
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "screengraph",
            "version": VERSION,
            "description": (
                "Every HTML page has a JSON twin at the same path plus .json. Query strings "
                f"are at most {limits.MAX_QUERY_STRING_BYTES:,} bytes (send long Cypher by "
                "POST); a browser request that another site started is refused (403), "
                "clients that are not browsers (no Sec-Fetch-Site or Origin) are served."
            ),
        },
        "paths": paths,
        "components": {
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "error": {
                                        "type": "object",
                                        "required": ["status", "code", "message"],
                                        "properties": {
                                            "status": {"type": "integer"},
                                            "code": {"type": "string"},
                                            "message": {"type": "string"},
                                        },
                                    }
                                },
                            }
                        }
                    },
                }
            }
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
