"""CSRF protection for every form: a per-session token checked on each POST.

JSON clients of the API send the same token in the X-CSRF-Token header. A script may
POST a JSON body to a read-only endpoint (READ_ONLY_JSON_POSTS) without a session: it
changes nothing, and a page on another site cannot send a JSON body without a CORS
preflight this app never grants (webapp/security.py refuses cross-site requests too).
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session

from screengraph.webapp.errors import ApiError

_FIELD = "csrf_token"
# Endpoints that only read, whatever is posted: the console's JSON twin.
READ_ONLY_JSON_POSTS = frozenset({"console.console_json"})


def csrf_token() -> str:
    if _FIELD not in session:
        session[_FIELD] = secrets.token_urlsafe(32)
    return session[_FIELD]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_token():
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        if app.config.get("CSRF_DISABLED"):
            return
        if request.endpoint in READ_ONLY_JSON_POSTS and request.is_json:
            return
        expected = session.get(_FIELD, "")
        if not expected:  # no session, no token to match: refuse before reading the body
            _refuse()
        sent = request.headers.get("X-CSRF-Token") or request.form.get(_FIELD) or ""
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            _refuse()


def _refuse() -> None:
    raise ApiError(
        400,
        "csrf_failed",
        "This form has expired or did not come from this site. Reload the page and try again.",
    )
