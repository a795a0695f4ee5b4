"""Add listings: paste or upload, preview what would change (a dry run), then confirm.

Only for holders of the ingest token (SCREENGRAPH_INGEST_TOKEN, webapp/ingest_token.py);
every form carries a CSRF token. A preview that could change the store is kept in the
ingest stash under an id tied to the session that made it; confirming names
that id and loads exactly those inputs, once, or refuses with the reason when
the preview expired or the store changed in a way that alters what it promised.
The token is never sent back, and no ingest response may be cached.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import PurePosixPath

from flask import Blueprint, Flask, current_app, make_response, request, session

from screengraph.loaders.decisions import unfinished_decision
from screengraph.loaders.history import VIA_WEB, LoadOrigin
from screengraph.loaders.matching import JOINS
from screengraph.loaders.pipeline import Loader, LoadSummary
from screengraph.loaders.sources import SourceText, decode
from screengraph.webapp.errors import ApiError, error_response
from screengraph.webapp.ingest_promise import broken_promise, promised
from screengraph.webapp.ingest_stash import (
    IngestStash,
    PreviewDamaged,
    PreviewExpired,
    PreviewForeign,
    PreviewIdMalformed,
    PreviewTooLarge,
    PreviewUnknown,
    StashedInput,
    StashError,
    StashFull,
)
from screengraph.webapp.ingest_throttle import TokenThrottle
from screengraph.webapp.ingest_token import token_matches
from screengraph.webapp.links import entity_url
from screengraph.webapp.store import get_backend
from screengraph.webapp.twins import page

bp = Blueprint("ingest", __name__)
FORMATS = ("auto", "page", "json", "jsonl", "csv")
MAX_FILE_NAME_CHARS = 255
_STASH_KEY = "screengraph.ingest_stash"
_THROTTLE_KEY = "screengraph.ingest_throttle"
_SESSION_KEY = "ingest_session"
_lock = threading.Lock()

STASH_ERRORS = (
    (PreviewIdMalformed, 400, "bad_preview_id"),
    (PreviewForeign, 403, "preview_foreign"),
    (PreviewUnknown, 404, "preview_unknown"),
    (PreviewExpired, 410, "preview_expired"),
    (PreviewDamaged, 409, "preview_damaged"),
    (PreviewTooLarge, 413, "preview_too_large"),
    (StashFull, 503, "stash_full"),
)


def source_name(file_name: str | None) -> str:
    """The name a pasted text (file_name None) or an uploaded file is loaded under.

    Messages call the source by it, and the loader identifies its listings by it.
    """
    return "pasted listing" if file_name is None else file_name


# -- per-app parts, made on first use ------------------------------------------------


def _app_part(key: str, make):
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    with _lock:
        if key not in app.extensions:
            app.extensions[key] = make(app.config["SCREENGRAPH_SETTINGS"])
        return app.extensions[key]


def ingest_stash() -> IngestStash:
    return _app_part(
        _STASH_KEY,
        lambda s: IngestStash.private(s.ingest_preview_ttl_s, s.ingest_stash_max_mb * 1_000_000),
    )


def token_throttle() -> TokenThrottle:
    return _app_part(_THROTTLE_KEY, lambda s: TokenThrottle(s.ingest_token_tries))


def _session_id() -> str:
    if _SESSION_KEY not in session:
        session[_SESSION_KEY] = secrets.token_urlsafe(24)
    return session[_SESSION_KEY]


# -- checks ------------------------------------------------------------------------


def _check_token(sent: str) -> None:
    """The right token always passes (webapp/ingest_token.py); wrong ones are counted per
    address, and an address past its limit gets 429 for them until its window passes."""
    if token_matches(sent, current_app.config.get("INGEST_TOKEN") or ""):
        return
    address = request.remote_addr or "unknown"
    throttle = token_throttle()
    wait = throttle.wait_s(address)
    if wait:
        raise ApiError(
            429,
            "too_many_tries",
            f"Too many wrong ingest tokens from this address: try again in {wait} s.",
            retry_after_s=wait,
        )
    throttle.failed(address)
    raise ApiError(403, "bad_token", "The ingest token is wrong.")


def _check_body_readable() -> None:
    # Werkzeug drops a multipart body it cannot parse and shows an empty form.
    if (
        request.mimetype == "multipart/form-data"
        and (request.content_length or 0) > 0
        and not request.form
        and not request.files
    ):
        raise ApiError(
            400,
            "malformed_form",
            "The form data could not be read: send multipart/form-data with a "
            "boundary, as a browser form does.",
        )


def _upload_name(raw: str | None, index: int) -> str:
    name = (raw or "").replace("\\", "/")  # a file sent without a name is named below
    name = PurePosixPath(name).name if "/" in name else name
    if len(name) > MAX_FILE_NAME_CHARS:
        raise ApiError(
            400,
            "bad_file_name",
            f"Upload {index + 1}: its file name has {len(name)} characters, at most "
            f"{MAX_FILE_NAME_CHARS} are allowed: rename the file.",
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ApiError(
            400,
            "bad_file_name",
            f"Upload {index + 1}: its file name holds a control character (such as "
            "NUL or a line break): rename the file.",
        )
    return name or f"upload-{index + 1}"


def _format() -> str | None:
    fmt = request.form.get("format", "auto")
    if fmt not in FORMATS:
        raise ApiError(400, "bad_format", f"format must be one of {', '.join(FORMATS)}")
    return None if fmt == "auto" else fmt


def _inputs(text: str) -> list[StashedInput]:
    inputs = []
    if text.strip():
        inputs.append(StashedInput(source_name(None), text.encode("utf-8", "replace")))
    for index, upload in enumerate(f for f in request.files.getlist("files") if f and f.filename):
        inputs.append(
            StashedInput(source_name(_upload_name(upload.filename, index)), upload.read())
        )
    if not inputs:
        raise ApiError(400, "nothing_to_load", "Paste a listing or choose at least one file.")
    return inputs


def _sources(inputs) -> list[SourceText]:
    return [SourceText(item.name, *decode(item.data)) for item in inputs]


def _shown(summary: LoadSummary) -> dict:
    return {
        "dry_run": summary.dry_run,
        "line": summary.line(),
        "loaded": summary.loaded,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "listings": summary.listings,
        "rejects": [r.describe() for r in summary.rejects],
        "warnings": list(summary.warnings),
        "hidden": summary.rejects.hidden + summary.warnings.hidden,
        # A dry run's matching: every name, joined (which node, by which rule) or new.
        "names": [_linked(item) for item in (summary.matching or {}).get("names", [])],
        "name_counts": (summary.matching or {}).get("counts", {}),
        "can_confirm": summary.dry_run and (summary.loaded + summary.updated) > 0,
        "id": None,
    }


def _linked(item: dict) -> dict:
    """A name of the preview with the URLs of the nodes it joins or nearly misses."""
    joined = item["outcome"] == JOINS and item["existing_name"] is not None
    return {
        **item,
        "url": entity_url(item["label"], item["key"]) if joined else None,
        "near_misses": [
            {**miss, "url": entity_url(item["label"], miss["key"])} for miss in item["near_misses"]
        ],
    }


def _duration(seconds: int) -> str:
    return f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"


# -- the page ----------------------------------------------------------------------


def _preview() -> dict:
    _check_token(request.form.get("token", ""))
    fmt = _format()
    inputs = _inputs(request.form.get("text", ""))
    backend = get_backend()
    generation = backend.generation()  # before the dry run: a write during it shows later
    summary = Loader(backend, dry_run=True, origin=_web_origin()).load(_sources(inputs), fmt)
    shown = _shown(summary)
    shown["sources"] = [item.name for item in inputs]
    if unfinished_decision(backend) is not None:
        shown["can_confirm"] = False  # the load would wait for it: finish it first
    if shown["can_confirm"]:
        stash = ingest_stash()
        preview = stash.put(_session_id(), fmt, inputs, promised(summary), generation)
        shown.update(id=preview.id, expires_in_s=stash.ttl_s, expires_in=_duration(stash.ttl_s))
    return shown


def _confirm() -> dict:
    """Load the preview's own inputs, if the store would still take them as previewed.

    What matters is what the preview promised for each listing (create, update or
    leave it; which show; how many credits) and the counts: a write elsewhere in
    the store changes none of that and does not invalidate it. The store's write
    generation (Backend.generation: a counter on the embedded store, the last
    committed transaction on Neo4j) spares repeating the dry run when nothing at all
    was written. The check and the load hold the store's load lock together, so no
    load from any process (another confirmation, the CLI) writes between them; one
    already running is waited for.
    """
    preview = ingest_stash().take(request.form.get("preview", ""), _session_id())
    backend = get_backend()
    sources = _sources(preview.inputs)
    loader = Loader(backend, origin=_web_origin())
    with loader.exclusive():
        generation = backend.generation()
        if generation is None or generation != preview.generation:
            now = Loader(backend, dry_run=True, origin=_web_origin()).load(sources, preview.fmt)
            reason = broken_promise(preview.outcome, promised(now))
            if reason:
                raise ApiError(
                    409,
                    "preview_outdated",
                    f"The store changed since this preview: {reason}. Nothing was "
                    "loaded; preview again to see what confirming would do now.",
                )
        summary = loader.load(sources, preview.fmt)
    shown = _shown(summary)
    shown["sources"] = [item.name for item in preview.inputs]
    return shown


def _web_origin() -> LoadOrigin:
    """Who the load history says loaded: the name given to the ingest token."""
    return LoadOrigin(VIA_WEB, current_app.config["SCREENGRAPH_SETTINGS"].ingest_token_name)


@page(bp, "/ingest", "ingest.html", methods=("GET", "POST"))
def ingest():
    enabled = bool(current_app.config.get("INGEST_TOKEN"))
    data = {"enabled": enabled, "formats": FORMATS, "fmt": "auto", "text": "", "preview": None}
    # A merge or split stopped midway: loads wait for it, so a preview offers no Confirm.
    pending = unfinished_decision(get_backend()) if enabled else None
    data["pending_decision"] = pending.to_json() if pending is not None else None
    if request.method == "GET":
        if _STASH_KEY in current_app.extensions:
            ingest_stash().sweep()
        return data
    if not enabled:
        raise ApiError(
            403,
            "ingest_disabled",
            "Adding listings is switched off: set SCREENGRAPH_INGEST_TOKEN on the server.",
        )
    _check_body_readable()
    action = request.form.get("action", "preview")
    if action == "confirm":
        data["preview"] = _confirm()
    elif action == "preview":
        data.update(
            fmt=request.form.get("format", "auto"),
            text=request.form.get("text", ""),
            preview=_preview(),
        )
    else:
        raise ApiError(400, "bad_action", "action must be 'preview' or 'confirm'.")
    return data


@bp.after_request
def _never_stored(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return _error(exc.status, exc.code, exc.message, **exc.extra)


@bp.errorhandler(StashError)
def _stash_error(exc: StashError):
    status, code = next(
        (status, code) for error_type, status, code in STASH_ERRORS if isinstance(exc, error_type)
    )
    extra = {"retry_after_s": exc.retry_after_s} if isinstance(exc, StashFull) else {}
    return _error(status, code, str(exc), **extra)


def _error(status: int, code: str, message: str, **extra):
    response = make_response(error_response(status, code, message, **extra))
    if "retry_after_s" in extra:
        response.headers["Retry-After"] = str(extra["retry_after_s"])
    return response
