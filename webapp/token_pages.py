"""Pages for holders of the ingest token (the load history, likely duplicates).

The token is sent once, in a POST (CSRF-checked, and throttled as on the ingest form), and
the session remembers it; without it a page asks for the token and its JSON twin answers
403. Nothing here shows a token back."""

from __future__ import annotations

from flask import current_app, request, session

from screengraph.webapp.errors import ApiError, wants_json
from screengraph.webapp.views_ingest import _check_token

HOLDER = "load_history_reader"  # session flag: this browser sent the ingest token


def token_enabled() -> bool:
    return bool(current_app.config.get("INGEST_TOKEN"))


def token_holder(what: str, json_path: str, *, token_posted: bool = True) -> bool:
    """Whether this request may see `what` ("The load history is"...): a token POSTed with
    it is checked and remembered; without one, a page asks for it and JSON is refused.
    A form that acts for a holder (`token_posted=False`: undoing a load) does not carry
    the token: the session says whether this browser gave it."""
    if not token_enabled():
        raise ApiError(
            403,
            "ingest_disabled",
            f"{what} for holders of the ingest token, and none is set: "
            "set SCREENGRAPH_INGEST_TOKEN on the server.",
        )
    if request.method == "POST" and token_posted:
        _check_token(request.form.get("token", ""))
        session[HOLDER] = True
    if session.get(HOLDER):
        return True
    if wants_json():
        raise ApiError(
            403,
            "token_needed",
            f"Send the ingest token first: POST it as `token` to {json_path} "
            "(with the CSRF token), then ask again in that session.",
        )
    return False
