"""One error shape for pages and JSON: {"error": {"status", "code", "message"}}."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import (BackendUnavailable, GraphError, QueryError, QueryRefused,
                          QueryTimeout, ReadOnlyViolation, StoreLayoutTooNew)
from queries.errors import AmbiguousEntity, QueryParameterError, UnknownEntity, UnknownQuery


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, **extra):
    body = {"error": {"status": status, "code": code, "message": message, **extra}}
    if wants_json():
        return jsonify(body), status
    return render_template("error.html", error=body["error"]), status


# Graph- and query-layer errors as HTTP answers (Datasette's habit: a timeout is the
# query's fault). Flask picks the most specific class; any other GraphError is the
# request's fault too (the graph layer raises them for what it was given), so a 400.
GRAPH_ERRORS = (
    (QueryTimeout, 400, "query_timeout"),
    (ReadOnlyViolation, 403, "read_only"),
    (QueryRefused, 403, "query_refused"),
    (QueryError, 400, "query_error"),
    (QueryParameterError, 400, "bad_parameter"),
    (AmbiguousEntity, 400, "ambiguous"),
    (UnknownEntity, 404, "not_found"),
    (UnknownQuery, 404, "not_found"),
    (BackendUnavailable, 503, "backend_unavailable"),
    (StoreLayoutTooNew, 503, "store_too_new"),
    (GraphError, 400, "graph_error"),
)


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    for error_type, status, code in GRAPH_ERRORS:
        app.register_error_handler(
            error_type, lambda exc, status=status, code=code: error_response(status, code, str(exc)))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)
