"""The OpenAPI document of the JSON twins, served at /openapi.json."""

from __future__ import annotations

from flask import Blueprint, jsonify

from graph.export_formats import FORMATS
from graph.version import VERSION
from webapp import limits

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


def document() -> dict:
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
            [
                _param(
                    "q", required=True, description="Words to look for; accents and case ignored."
                ),
                _param("label", description="Show, Person, Company or Genre"),
                _param("limit", type_="integer", low=1, high=limits.MAX_SEARCH_RESULTS),
                _param(
                    "offset",
                    type_="integer",
                    low=0,
                    high=limits.MAX_SEARCH_OFFSET,
                    description="How many results to skip (paging); `total` counts them all.",
                ),
            ],
        ),
        "/connect.json": _get(
            "Shortest connection paths between two entities",
            [
                _param("from", description="Name, Label:key or identifier (nm0000229)"),
                _param("to", description="Name, Label:key or identifier (tt0082971)"),
                _param("from_key"),
                _param("to_key"),
                _param("max_hops", type_="integer", low=1, high=limits.MAX_CONNECT_HOPS),
            ],
        ),
        "/schema.json": _get("Labels, relationship types, property keys and procedures", []),
        "/queries.json": _get("The canned-query library", []),
        "/queries/{name}.json": _get(
            "Run a canned query; its parameters go in the query string", [_param("name", "path")]
        ),
    }
    for label in ("show", "person", "company", "genre"):
        paths[f"/{label}/{{key}}.json"] = _get(f"A {label} with its credits and connections", [key])
        paths[f"/{label}/{{key}}/graph.json"] = _get(
            f"Neighbourhood of a {label} for graph views",
            [
                key,
                _param("depth", type_="integer", low=1, high=limits.MAX_NEIGHBOURHOOD_DEPTH),
                _param("limit", type_="integer", low=1, high=limits.MAX_NEIGHBOURHOOD_NODES),
            ],
        )
        for export_format in FORMATS.values():
            paths[f"/{label}/{{key}}/export.{export_format.name}"] = _get(
                f"Download the neighbourhood of a {label} as {export_format.title}",
                [
                    key,
                    _param("depth", type_="integer", low=1, high=limits.MAX_NEIGHBOURHOOD_DEPTH),
                    _param("limit", type_="integer", low=1, high=limits.MAX_NEIGHBOURHOOD_NODES),
                ],
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
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {
                                "query": {
                                    "type": "string",
                                    "maxLength": limits.TEXT_CHARS["query"],
                                },
                                "params": {
                                    "type": "string",
                                    "maxLength": limits.TEXT_CHARS["params"],
                                    "description": "JSON object, nested at most "
                                    f"{limits.MAX_JSON_DEPTH} levels",
                                },
                                "csrf_token": {"type": "string"},
                            },
                        }
                    }
                }
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
        [_param("query", required=True), _param("params", description="JSON object")],
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
        _param("label", description="Person (the default), Company or Show"),
        _param(
            "min_score",
            type_="number",
            description="The least score of a pair shown "
            "(0 to 1, plus the bonus shared evidence gives; default 0.9)",
        ),
    ]
    paths["/duplicates.json"] = {
        **_get(
            "Pairs of entities likely to be one (for holders of the ingest token; 403 "
            "until this session sent it)",
            duplicate_params,
        ),
        "post": {
            "summary": "Send the ingest token once for this session, then list the pairs",
            **token_form,
            "responses": {
                "200": {"description": "the pairs, with evidence"},
                **{code: _ERROR for code in ("400", "403", "429")},
            },
        },
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
