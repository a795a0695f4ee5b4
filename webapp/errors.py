"""One error shape for pages and JSON: {"error": {"status", "code", "message"}}."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from screengraph.graph.errors import (
    BackendUnavailable,
    GraphError,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ReadOnlyViolation,
    StoreLayoutTooNew,
)
from screengraph.queries.errors import (
    AmbiguousEntity,
    QueryParameterError,
    UnknownEntity,
    UnknownQuery,
)
from screengraph.webapp.links import with_urls


class ApiError(Exception):
    """An answer that is an error. `page`: (template, context) of the HTML page to show it
    on instead of the bare error page (a form keeps what was typed); the JSON twin is the
    same error either way."""

    def __init__(
        self, status: int, code: str, message: str, *, page: tuple[str, dict] | None = None, **extra
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.page = page


def as_api_error(exc: Exception) -> ApiError:
    """A graph- or query-layer error as the ApiError its handler would answer with."""
    if isinstance(exc, ApiError):
        return exc
    for error_type, status, code in GRAPH_ERRORS:
        if isinstance(exc, error_type):
            return ApiError(status, code, str(exc))
    raise exc


def wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, **extra):
    body = with_urls({"error": {"status": status, "code": code, "message": message, **extra}})
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


# Every error type a view may let through to be answered as above.
ANSWERED = tuple(error_type for error_type, _status, _code in GRAPH_ERRORS)


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        if exc.page and not wants_json():
            template, context = exc.page
            error = {"status": exc.status, "code": exc.code, "message": exc.message, **exc.extra}
            return render_template(template, **with_urls({**context, "error": error})), exc.status
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    for error_type, status, code in GRAPH_ERRORS:
        app.register_error_handler(
            error_type, lambda exc, status=status, code=code: error_response(status, code, str(exc))
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)
