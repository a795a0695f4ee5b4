"""One error shape for pages and JSON: {"error": {"status", "code", "message"}}."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import (BackendUnavailable, QueryError, QueryTimeout, ReadOnlyViolation)


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


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    @app.errorhandler(QueryTimeout)
    def timeout(exc):
        return error_response(400, "query_timeout", str(exc))

    @app.errorhandler(ReadOnlyViolation)
    def read_only(exc):
        return error_response(403, "read_only", str(exc))

    @app.errorhandler(QueryError)
    def query_error(exc):
        return error_response(400, "query_error", str(exc))

    @app.errorhandler(BackendUnavailable)
    def unavailable(exc):
        return error_response(503, "backend_unavailable", str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)
