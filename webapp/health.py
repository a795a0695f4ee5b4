"""`/healthz`: is the app up and does its database answer? For container healthchecks.

200 with a small JSON body when the backend answers a trivial read (and the page cache's
figures: entries, bytes, bound, hits, misses), 503 with the reason otherwise. It reads
nothing of the request and touches no session, so a probe (Docker's HEALTHCHECK, a load
balancer) needs no cookie or CSRF token; like every route it answers only allowed host
names, and an IP address always is one.
"""

from __future__ import annotations

import time

from flask import Blueprint, jsonify

from screengraph.graph.errors import GraphError
from screengraph.webapp.page_cache import page_cache
from screengraph.webapp.store import get_backend

bp = Blueprint("health", __name__)

# The trivial read: answered by the engine itself, on either backend, without touching data.
PROBE = "RETURN 1 AS ok"


@bp.get("/healthz")
def healthz():
    started = time.perf_counter()
    try:
        backend = get_backend()
        backend.run_read(PROBE, max_rows=1)
    except (GraphError, OSError) as exc:
        # GraphError: the database refused or did not answer; OSError: it could not be
        # reached or started at all (a socket, a folder), as Backend.info() also counts it.
        return _answer(503, "unavailable", reason=str(exc))
    return _answer(
        200,
        "ok",
        backend=backend.name,
        ms=round((time.perf_counter() - started) * 1000, 1),
        page_cache=page_cache().figures(),
    )


def _answer(status: int, word: str, **fields):
    response = jsonify({"status": word, **fields})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
