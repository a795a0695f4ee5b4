"""Add listings: paste or upload, preview what would change (a dry run), then confirm.

Only for holders of the ingest token (SCREENGRAPH_INGEST_TOKEN); every form
carries a CSRF token. Uploaded files are kept in a stash between the preview
and the confirmation so the user does not upload them twice.
"""

from __future__ import annotations

import hmac
import secrets
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, request

from loaders.pipeline import Loader
from loaders.sources import SourceText, decode
from webapp.errors import ApiError
from webapp.store import get_backend
from webapp.twins import page

bp = Blueprint("ingest", __name__)
FORMATS = ("auto", "page", "json", "jsonl", "csv")
_STASH = Path(tempfile.gettempdir()) / "screengraph-ingest"


def _check_token(sent: str) -> None:
    expected = current_app.config.get("INGEST_TOKEN")
    if not expected:
        raise ApiError(403, "ingest_disabled",
                       "Adding listings is switched off: set SCREENGRAPH_INGEST_TOKEN on the server.")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(403, "bad_token", "The ingest token is wrong.")


def _stash_files() -> tuple[str, list[SourceText]]:
    """Files of this request (or of the preview they were stashed by)."""
    stash_id = request.form.get("stash", "")
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if uploads:
        stash_id = secrets.token_hex(8)
        folder = _STASH / stash_id
        folder.mkdir(parents=True, exist_ok=True)
        for i, upload in enumerate(uploads):
            name = Path(upload.filename).name or f"upload-{i}"
            upload.save(folder / f"{i:03d}-{name}")
    if not stash_id or not stash_id.isalnum():
        return "", []
    folder = _STASH / stash_id
    sources = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        text, note = decode(path.read_bytes())
        sources.append(SourceText(path.name.split("-", 1)[1], text, note))
    return stash_id, sources


@page(bp, "/ingest", "ingest.html", methods=("GET", "POST"))
def ingest():
    enabled = bool(current_app.config.get("INGEST_TOKEN"))
    data = {"enabled": enabled, "formats": FORMATS, "fmt": "auto", "text": "", "_token": "", "stash": "",
            "preview": None}
    if request.method == "GET":
        return data
    _check_token(request.form.get("token", ""))
    fmt = request.form.get("format", "auto")
    if fmt not in FORMATS:
        raise ApiError(400, "bad_format", f"format must be one of {', '.join(FORMATS)}")
    text = request.form.get("text", "")
    stash_id, sources = _stash_files()
    if text.strip():
        sources.insert(0, SourceText("pasted listing", text))
    if not sources:
        raise ApiError(400, "nothing_to_load", "Paste a listing or choose at least one file.")
    confirm = request.form.get("action") == "confirm"
    backend = get_backend()
    loader = Loader(backend, dry_run=not confirm)
    summary = loader.load(sources, None if fmt == "auto" else fmt)
    if confirm and stash_id:
        shutil.rmtree(_STASH / stash_id, ignore_errors=True)
        stash_id = ""
    data.update(fmt=fmt, text=text, _token=request.form.get("token", ""), stash=stash_id, preview={
        "dry_run": not confirm,
        "line": summary.line(),
        "loaded": summary.loaded, "updated": summary.updated, "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "listings": summary.listings,
        "rejects": [r.describe() for r in summary.rejects],
        "warnings": summary.warnings,
        "can_confirm": not confirm and (summary.loaded or summary.updated) > 0,
    })
    return data
